import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseCommandLine } from "../src/args.js";
import { loadHelpers, type HelperSwitches } from "../src/helpers/load.js";
import { HelperModuleError, loadHelperModule, resolveModule, type HelperModuleSpec } from "../src/helpers/module-loader.js";

// A project directory with helper modules of every shape the contract allows (and some it does not).
const root = mkdtempSync(join(tmpdir(), "alg-sdk-helper-module-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

file("default-object.mjs", 'export default { name: "plain", policies: [] };');
file("factory.mjs", 'export function makeHelper(o) { return { name: `made-${o.port ?? "none"}`, policies: [] }; }\nexport const VERSION = 2;');
file("async-factory.mjs", "export default async (o) => ({ name: 'later', options: o });");
file("two.mjs", 'export const a = { name: "a" };\nexport function b() { return { name: "b" }; }');
file("none.mjs", "export const answer = 42;");
file("throws.mjs", 'export default () => { throw new RangeError("port 0 is not a port"); };');
file("broken.mjs", "export default {;");
file("commonjs.cjs", 'module.exports = (o) => ({ name: "cjs", options: o });');
file("commonjs-named.cjs", 'exports.tftpHelper = () => ({ name: "cjs-named" });');
// A package, found through node_modules from a subdirectory, with nested export conditions and a subpath.
file("node_modules/@acme/alg-helper/package.json", JSON.stringify({
  name: "@acme/alg-helper",
  type: "module",
  exports: {
    ".": { types: "./index.d.ts", require: "./index.cjs", import: { node: "./esm/index.js" }, default: "./index.cjs" },
    "./extra": "./extra.js",
  },
}));
file("node_modules/@acme/alg-helper/esm/index.js", 'export default { name: "acme-esm" };');
file("node_modules/@acme/alg-helper/index.cjs", 'module.exports = { name: "acme-cjs" };');
file("node_modules/@acme/alg-helper/extra.js", 'export default { name: "acme-extra" };');
file("node_modules/old-style/package.json", JSON.stringify({ name: "old-style", main: "lib/main.js" }));
file("node_modules/old-style/lib/main.js", 'exports.oldHelper = () => ({ name: "old" });');
file("local-package/package.json", JSON.stringify({ name: "local", type: "module", exports: { ".": { default: "./dist/index.js" } } }));
file("local-package/dist/index.js", 'export function localHelper(o = {}) { return { name: "local", o }; }');
file("unbuilt/package.json", JSON.stringify({ name: "unbuilt", exports: "./dist/index.js" }));
const nested = join(root, "a", "b");
mkdirSync(nested, { recursive: true });

const spec = (module: string, extra: Partial<HelperModuleSpec> = {}): HelperModuleSpec => ({ module, exportName: null, options: undefined, ...extra });
const load = (module: string, extra: Partial<HelperModuleSpec> = {}, from = root) => loadHelperModule(spec(module, extra), from);

/** The problem and message a load fails with. */
async function problem(module: string, extra: Partial<HelperModuleSpec> = {}): Promise<string> {
  try {
    await load(module, extra);
  } catch (error) {
    if (error instanceof HelperModuleError) return `${error.problem}: ${error.message}`;
    throw error;
  }
  throw new Error(`${module} loaded`);
}

describe("helper modules: the contract", () => {
  it("takes a default export that is a helper object as it is", async () => {
    expect(await load("./default-object.mjs")).toEqual({ name: "plain", policies: [] });
  });

  it("calls the one factory a module exports with the options ({} when none are given)", async () => {
    expect(await load("./factory.mjs", { options: { port: 6969 } })).toEqual({ name: "made-6969", policies: [] });
    expect(await load("./factory.mjs")).toEqual({ name: "made-none", policies: [] });
    expect(await load("./async-factory.mjs", { options: { x: 1 } })).toEqual({ name: "later", options: { x: 1 } });
  });

  it("reads CommonJS modules: module.exports as the default, or their one named factory", async () => {
    expect(await load("./commonjs.cjs", { options: [1] })).toEqual({ name: "cjs", options: [1] });
    expect(await load("./commonjs-named.cjs")).toEqual({ name: "cjs-named" });
  });

  it("chooses among several candidates by #EXPORT, and says which there are", async () => {
    expect(await load("./two.mjs", { exportName: "b" })).toEqual({ name: "b" });
    expect(await load("./two.mjs", { exportName: "a" })).toEqual({ name: "a" });
    expect(await problem("./two.mjs")).toBe("no-helper: ./two.mjs exports several candidates (a, b): choose one with ./two.mjs#NAME");
    // The candidates come with the error too, for callers that name an export their own way (the daemon's --helper-export).
    await expect(load("./two.mjs")).rejects.toMatchObject({ problem: "no-helper", candidates: ["a", "b"] });
    await expect(load("./two.mjs", { exportName: "c" })).rejects.toMatchObject({ candidates: [] });
    expect(await problem("./two.mjs", { exportName: "c" })).toBe("no-helper: ./two.mjs has no export c (it exports a, b)");
    expect(await problem("./factory.mjs", { exportName: "VERSION" })).toBe(
      "no-helper: ./factory.mjs#VERSION is neither a helper object nor a factory function",
    );
  });

  it("refuses what the contract does not cover, each with its own problem", async () => {
    expect(await problem("./none.mjs")).toMatch(/^no-helper: \.\/none\.mjs exports no helper \(it exports answer\): it needs a default export or a named export/);
    expect(await problem("./default-object.mjs", { options: {} })).toBe(
      "options: ./default-object.mjs exports a helper object, not a factory: it takes no options",
    );
    expect(await problem("./throws.mjs")).toBe("factory-failed: ./throws.mjs: the helper factory refused its options: port 0 is not a port");
    expect(await problem("./broken.mjs")).toMatch(/^import-failed: \.\/broken\.mjs: cannot load .*broken\.mjs: /);
  });

  it("leaves the helper's shape to the engine: whatever the factory returns comes back", async () => {
    file("odd.mjs", "export default () => 'not a helper at all';");
    expect(await load("./odd.mjs")).toBe("not a helper at all");
  });
});

describe("helper modules: finding them", () => {
  it("resolves paths relative to the directory, with or without ./, and file: URLs", () => {
    expect(resolveModule("./factory.mjs", root)).toBe(join(root, "factory.mjs"));
    expect(resolveModule("factory.mjs", root)).toBe(join(root, "factory.mjs"));
    expect(resolveModule(join(root, "two.mjs"), "/")).toBe(join(root, "two.mjs"));
    expect(resolveModule(pathToFileURL(join(root, "none.mjs")).href, "/")).toBe(join(root, "none.mjs"));
  });

  it("resolves a directory through its package.json, like a package", async () => {
    expect(resolveModule("local-package", root)).toBe(join(root, "local-package/dist/index.js"));
    expect(await load("./local-package", { options: { a: 1 } })).toEqual({ name: "local", o: { a: 1 } });
  });

  it("resolves a package name from the nearest node_modules, with the conditions of an import", async () => {
    expect(resolveModule("@acme/alg-helper", nested)).toBe(join(root, "node_modules/@acme/alg-helper/esm/index.js"));
    expect(await load("@acme/alg-helper", {}, nested)).toEqual({ name: "acme-esm" });
    expect(await load("@acme/alg-helper/extra", {}, nested)).toEqual({ name: "acme-extra" });
    expect(resolveModule("old-style", nested)).toBe(join(root, "node_modules/old-style/lib/main.js"));
    expect(await load("old-style", {}, nested)).toEqual({ name: "old" });
  });

  it("says what is missing", async () => {
    expect(await problem("./nope.mjs")).toBe("not-found: ./nope.mjs: no such file or directory");
    expect(await problem("no-such-package")).toMatch(/^not-found: no-such-package: no package no-such-package in node_modules from .* up/);
    expect(await problem("@acme/alg-helper/hidden")).toBe("not-found: @acme/alg-helper/hidden: the package does not export ./hidden for import");
    expect(await problem("./unbuilt")).toMatch(/^not-found: \.\/unbuilt: .*dist\/index\.js does not exist \(is the package built\?\)$/);
  });
});

describe("--helper-module and --helper-options on the command line", () => {
  const modules = (...argv: string[]) => {
    const cl = parseCommandLine(["replay", "x.pcap", ...argv]);
    if (cl.kind !== "run") throw new Error("not a run");
    return cl.options.helperModules;
  };
  const usage = (...argv: string[]) => {
    try {
      modules(...argv);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("no error");
  };

  it("pairs each --helper-options with the --helper-module before it", () => {
    expect(modules("--helper-module", "a", "--helper-options", '{"ports":[6969]}', "--no-tables", "--helper-module", "./b.js#sipHelper")).toEqual([
      { module: "a", exportName: null, options: { ports: [6969] } },
      { module: "./b.js", exportName: "sipHelper", options: undefined },
    ]);
    expect(modules("--helper-module=a", "--helper-options=[]")).toEqual([{ module: "a", exportName: null, options: [] }]);
  });

  it("refuses options without a module, twice for one module, or not JSON", () => {
    expect(usage("--helper-options", "{}")).toBe("--helper-options must follow the --helper-module it configures");
    expect(usage("--helper-module", "a", "--helper-options", "{}", "--helper-options", "{}")).toBe("--helper-module a has two --helper-options");
    expect(usage("--helper-module", "a", "--helper-options", "{ports: 1}")).toMatch(/^--helper-options is not JSON: /);
    expect(usage("--helper-module", "a#1x")).toBe('--helper-module "a#1x": "1x" is not an export name');
    expect(usage("--helper-module", "#x")).toMatch(/expected a package name or a path/);
  });
});

describe("module helpers in the helper set", () => {
  const switches: HelperSwitches = { ftpLoose: false, ftpStream: false, ftpPartial: undefined, ircIpv6: false, ircStream: false, ircLinesOnly: false, icmpAntiSpoofing: true };
  file("rtsp-like.mjs", 'export default (o = {}) => ({ apiVersion: 2, name: "rtsp", policies: [], attach: [{ protocol: "tcp", port: o.port ?? 554 }] });');
  file("my-ftp.mjs", 'export default { apiVersion: 2, name: "ftp", policies: [], mine: true, attach: [{ protocol: "tcp", port: 2121 }] };');
  const at = (module: string, options?: unknown) => spec(join(root, module), options === undefined ? {} : { options });

  it("joins the default set, attached by its own rules (its factory's options included)", async () => {
    const h = await loadHelpers(null, switches, [at("rtsp-like.mjs", { port: 8554 })]);
    expect(h.helpers.map((x) => x.name)).toEqual(["ftp", "irc", "icmp", "rtsp"]);
    expect(h.attach.filter((a) => a.helper === "rtsp")).toEqual([{ helper: "rtsp", protocol: "tcp", port: 8554 }]);
    expect(h.description.at(-1)).toBe(`rtsp (tcp/8554) from ${join(root, "rtsp-like.mjs")}`);
  });

  it("is attached where --helper NAME:PROTO/PORT says, alone when --helper lists only it, and stays with --no-helpers", async () => {
    const moved = await loadHelpers([{ name: "rtsp", attach: { protocol: "tcp", port: 1554 } }], switches, [at("rtsp-like.mjs")]);
    expect(moved.helpers.map((x) => x.name)).toEqual(["rtsp"]);
    expect(moved.attach).toEqual([{ helper: "rtsp", protocol: "tcp", port: 1554 }]);
    const none = await loadHelpers([], switches, [at("rtsp-like.mjs")]);
    expect(none.helpers.map((x) => x.name)).toEqual(["rtsp"]);
  });

  it("takes the place of a built-in helper of the same name", async () => {
    const h = await loadHelpers(null, switches, [at("my-ftp.mjs")]);
    expect(h.helpers.map((x) => x.name)).toEqual(["ftp", "irc", "icmp"]);
    expect((h.helpers[0] as unknown as { mine?: boolean }).mine).toBe(true);
    expect(h.attach.filter((a) => a.helper === "ftp")).toEqual([{ helper: "ftp", protocol: "tcp", port: 2121 }]);
  });

  it("makes its name known to --helper, and only then", async () => {
    await expect(loadHelpers([{ name: "rtsp", attach: null }], switches, [])).rejects.toThrow('unknown helper "rtsp" (known helpers: ftp, irc, tftp, sip, pptp, icmp)');
  });
});
