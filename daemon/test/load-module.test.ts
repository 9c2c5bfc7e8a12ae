import { fileURLToPath } from "node:url";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../src/config/validate.js";
import { ConfigError } from "../src/config/validate.js";
import type { HelperConfig, TrackerConfig } from "../src/config/types.js";
import { buildHelpers } from "../src/runtime/helper-set.js";
import { buildPlugins } from "../src/runtime/plugins.js";
import { buildTrackers } from "../src/runtime/tracker-set.js";

// Third-party modules go through the CLI's loader (@alg-sdk/cli/module-loader);
// these tests pin what the daemon makes of it: which helper or tracker it
// gets, and the ConfigError (exit status 2) for each kind of mistake.
const here = dirname(fileURLToPath(import.meta.url));
const at = (path: string) => resolve(here, path);
const TWO_EXPORTS = at("fixtures/two-exports.mjs");
const NO_HELPER = at("fixtures/no-helper.mjs");
const TOY = at("../../examples/tracker-toy/src/index.ts");

const helper = (c: Omit<HelperConfig, "attach">) => buildHelpers([{ attach: ["tcp/7000"], ...c }]);
const names = async (c: Omit<HelperConfig, "attach">) => (await helper(c)).facts.map((f) => f.name);
/** The message of the ConfigError a configuration fails with. */
async function refusal(build: Promise<unknown>): Promise<string> {
  const error = await build.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe("--helper-module (buildHelpers)", () => {
  it("calls a default-export factory with the options", async () => {
    expect(await names({ module: at("e2e/peers/throwing-helper.mjs"), options: { name: "boom" } })).toEqual(["boom"]);
    expect(await names({ module: at("e2e/peers/throwing-helper.mjs") })).toEqual(["thrower"]);
  });

  it("takes a named export when asked, object or factory, by absolute or relative path", async () => {
    expect(await names({ module: TWO_EXPORTS, export: "first" })).toEqual(["first"]);
    expect(await names({ module: relative(process.cwd(), TWO_EXPORTS), export: "second", options: { name: "b" } })).toEqual(["b"]);
  });

  it("loads a helper package's named factory (the TFTP helper's sources, by path), attached where it attaches by default", async () => {
    const set = await buildHelpers([{ module: at("../../helpers/tftp/src/index.ts"), export: "tftpHelper" }]);
    expect(set.facts.map((f) => f.name)).toEqual(["tftp"]);
    expect(set.attach).toEqual([expect.objectContaining({ helper: "tftp", protocol: "udp", port: 69 })]);
  });

  it("explains what it found when it cannot choose, finds nothing or cannot load, as a ConfigError naming the option", async () => {
    expect(await refusal(helper({ module: TWO_EXPORTS }))).toBe(
      `--helper-module ${TWO_EXPORTS}: several exports could be the helper (first, second); name one with --helper-export NAME ("export" in the config file)`,
    );
    expect(await refusal(helper({ module: NO_HELPER }))).toMatch(/^--helper-module .*no-helper\.mjs exports no helper \(it exports answer\)/);
    expect(await refusal(helper({ module: NO_HELPER, export: "missing" }))).toMatch(/^--helper-module .*no-helper\.mjs has no export missing \(it exports answer\)$/);
    expect(await refusal(helper({ module: NO_HELPER, export: "answer" }))).toMatch(/no-helper\.mjs#answer is neither a helper object nor a factory function$/);
    expect(await refusal(helper({ module: at("fixtures/absent.mjs") }))).toMatch(/^--helper-module .*absent\.mjs: no such file or directory$/);
    expect(await refusal(helper({ module: "no-such-package-alg-sdk" }))).toMatch(/^--helper-module no-such-package-alg-sdk: no package no-such-package-alg-sdk in node_modules/);
  });

  it("refuses options for a helper object (only a factory takes them), and a factory that does not give a helper", async () => {
    expect(await refusal(helper({ module: TWO_EXPORTS, export: "first", options: { x: 1 } }))).toMatch(/exports a helper object, not a factory: it takes no options$/);
    expect(await refusal(helper({ module: at("fixtures/not-a-helper.mjs") }))).toMatch(/^--helper-module .*not-a-helper\.mjs: its export did not give a helper object \(an object with a name\)$/);
  });

  it("reports a built-in helper refusing its options as a ConfigError too", async () => {
    expect(await refusal(buildHelpers([{ name: "ftp", options: { ports: [0] } }]))).toMatch(/^--helper ftp: /);
  });
});

describe("--tracker-module (buildTrackers)", () => {
  const tracker = (c: TrackerConfig) => buildTrackers([c]);

  it("loads the example tracker's default-export factory, with its options", async () => {
    const plain = await tracker({ module: TOY });
    expect(plain.trackers).toEqual([expect.objectContaining({ name: "toy", protocols: [253] })]);
    expect(plain.description).toEqual([`toy (protocol 253) from ${TOY}`]);
    const moved = await tracker({ module: TOY, export: "toyTracker", options: { protocol: 254 } });
    expect(moved.trackers).toEqual([expect.objectContaining({ name: "toy", protocols: [254] })]);
  });

  it("says how to choose among several exports, and what is missing, naming --tracker-module", async () => {
    expect(await refusal(tracker({ module: TWO_EXPORTS }))).toBe(
      `--tracker-module ${TWO_EXPORTS}: several exports could be the tracker (first, second); name one with --tracker-export NAME ("export" in the config file)`,
    );
    expect(await refusal(tracker({ module: NO_HELPER }))).toMatch(/^--tracker-module .*no-helper\.mjs exports no tracker \(it exports answer\)/);
    expect(await refusal(tracker({ module: TOY, export: "TOY_HEADER" }))).toMatch(/index\.ts#TOY_HEADER is neither a tracker object nor a factory function$/);
  });

  it("leaves the tracker's shape to the engine, whose refusal is a ConfigError too", async () => {
    const config = validateConfig({ helpers: [{ name: "ftp" }], trackers: [{ module: TWO_EXPORTS, export: "first" }] });
    expect(await refusal(buildPlugins(config))).toMatch(/^the engine refuses the configuration: tracker "first": protocols must list at least one protocol number$/);
  });
});
