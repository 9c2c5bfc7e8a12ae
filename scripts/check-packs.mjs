#!/usr/bin/env node
// What an npm user gets: packs every publishable workspace package (from the
// root workspaces list), checks each tarball (LICENSE, README, the files its
// package.json points at, publint, arethetypeswrong), installs the tarballs
// into a fresh project in a temporary folder and uses them from there:
// ESM, CommonJS, the bin, and TypeScript (nodenext and bundler resolution)
// with the minimum supported TypeScript version (package.json
// "config.minimumTypeScript", installed in the temporary folder only) and
// the repository's pinned one. The consumer project has no @types/node and
// no DOM library, and checks the published declarations (skipLibCheck off).
//
//   node scripts/check-packs.mjs [--keep] [--typescript VERSION]
//
// Needs the built packages (it runs scripts/build.mjs, a no-op when they are
// up to date). Network: npm installs the packages' dependencies and the
// minimum TypeScript into the temporary project, from npm's cache when it
// has them (--prefer-offline).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { entryPoints } from "./entry-points.mjs";
import { root, rootPackage, workspaces } from "./workspaces.mjs";

const keep = process.argv.includes("--keep");
const tsAt = process.argv.indexOf("--typescript");
const minimumTypeScript = tsAt >= 0 ? (process.argv[tsAt + 1] ?? "") : rootPackage().config.minimumTypeScript;
const pinnedTypeScript = JSON.parse(readFileSync(join(root, "node_modules/typescript/package.json"), "utf8")).version;
const started = Date.now();
/** @type {string[]} */
const failures = [];
/** @param {string} what @param {string} [detail] */
const fail = (what, detail = "") => failures.push(detail ? `${what}\n${detail.trimEnd().replace(/^/gm, "    ")}` : what);
/** @param {string} line */
const step = (line) => console.log(`check-packs: ${line}`);

/**
 * @param {string} command @param {string[]} args @param {{ cwd: string, input?: string }} options
 * @returns {{ status: number | null, stdout: string, stderr: string }}
 */
function run(command, args, { cwd, input }) {
  const r = spawnSync(command, args, { cwd, input, encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--quiet"], { stdio: "inherit" });

const publishable = workspaces().filter((w) => w.publishable);
const entries = entryPoints();
const temp = mkdtempSync(join(tmpdir(), "alg-sdk-packs-"));
const tarballs = join(temp, "tarballs");
const consumer = join(temp, "consumer");
mkdirSync(tarballs);
mkdirSync(consumer);

try {
  // 1. Pack, as `npm publish` would (the build is done: no lifecycle scripts).
  const packed = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tarballs, ...publishable.flatMap((w) => ["--workspace", w.dir])], { cwd: root });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  /** @type {{ name: string, version: string, filename: string, files: { path: string }[] }[]} */
  const packs = JSON.parse(packed.stdout);
  step(`packed ${packs.length} packages: ${packs.map((p) => `${p.name}@${p.version}`).join(", ")}`);

  // 2. Each tarball: its files, publint, arethetypeswrong.
  for (const pack of packs) {
    const ws = publishable.find((w) => w.name === pack.name);
    if (!ws) throw new Error(`npm packed ${pack.name}, which is not a publishable workspace`);
    const files = new Set(pack.files.map((f) => f.path));
    for (const required of ["package.json", "LICENSE", "README.md"]) if (!files.has(required)) fail(`${pack.name}: the tarball has no ${required}`);
    for (const leaked of [...files].filter((f) => /^(src|test|etc)\//.test(f) || f.endsWith(".tsbuildinfo"))) fail(`${pack.name}: the tarball holds ${leaked}`);
    const tarball = readFileSync(join(tarballs, pack.filename));
    const { messages, pkg } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, level: "suggestion", strict: true });
    for (const m of messages) fail(`${pack.name}: publint ${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    // A package without a "require" condition anywhere is ESM-only on purpose (the CLI).
    const esmOnly = !JSON.stringify(ws.pkg.exports ?? {}).includes('"require"');
    const attw = run(process.execPath, [join(root, "node_modules/@arethetypeswrong/cli/dist/index.js"), join(tarballs, pack.filename), "--format", "ascii", ...(esmOnly ? ["--profile", "esm-only"] : [])], { cwd: root });
    if (attw.status !== 0) fail(`${pack.name}: arethetypeswrong found problems`, `${attw.stdout}${attw.stderr}`);
  }
  step(`tarballs checked: LICENSE, README, no sources; publint (strict) and arethetypeswrong ${failures.length === 0 ? "clean" : "NOT clean"}`);

  // 3. A fresh project that installs the tarballs, and the minimum TypeScript.
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "alg-sdk-consumer", private: true, type: "module" }, null, 2));
  const install = run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-package-lock", "--prefer-offline", "--ignore-scripts", ...packs.map((p) => join(tarballs, p.filename)), `typescript@${minimumTypeScript}`],
    { cwd: consumer },
  );
  if (install.status !== 0) throw new Error(`npm install in the consumer project failed:\n${install.stdout}${install.stderr}`);
  step(`installed into a fresh project, with typescript@${minimumTypeScript}`);
  const rootLicense = readFileSync(join(root, "LICENSE"), "utf8");
  for (const ws of publishable) {
    const dir = join(consumer, "node_modules", ...ws.name.split("/"));
    if (readFileSync(join(dir, "LICENSE"), "utf8") !== rootLicense) fail(`${ws.name}: the installed LICENSE is not the root LICENSE`);
    for (const file of declarationFiles(dir)) {
      const text = readFileSync(file, "utf8");
      const where = relative(consumer, file);
      if (/^\s*(private\s|#private;)/m.test(text)) fail(`${where}: declares private members`);
      if (/@internal\b/.test(text)) fail(`${where}: declares something tagged @internal`);
      if (/\bNodeJS\.|reference types="node"/.test(text)) fail(`${where}: uses Node's typings (NodeJS.*), which users without @types/node do not have`);
    }
  }

  // 4. Runtime: ESM, CommonJS, the bin.
  copyFileSync(join(root, "examples/captures/ftp-active-passive.pcap"), join(consumer, "capture.pcap"));
  copyFileSync(join(root, "examples/firewall.rules"), join(consumer, "firewall.rules"));
  const esmSpecifiers = entries.map((e) => e.specifier);
  const cjsSpecifiers = entries.filter((e) => JSON.stringify(e.ws.pkg.exports?.[e.subpath] ?? "").includes('"require"')).map((e) => e.specifier);
  writeFileSync(join(consumer, "esm.mjs"), esmProgram(esmSpecifiers));
  writeFileSync(join(consumer, "cjs.cjs"), cjsProgram(cjsSpecifiers));
  for (const [file, label] of [["esm.mjs", `ESM (${esmSpecifiers.length} entry points)`], ["cjs.cjs", `CommonJS (${cjsSpecifiers.length} entry points)`]]) {
    const r = run(process.execPath, [file], { cwd: consumer });
    if (r.status !== 0 || !r.stdout.includes("ok")) fail(`${label}: the program failed`, `${r.stdout}${r.stderr}`);
    else step(`${label}: ${r.stdout.trim()}`);
  }
  const bin = run(join(consumer, "node_modules/.bin/alg-sdk"), ["replay", "--rules", "firewall.rules", "capture.pcap"], { cwd: consumer });
  if (bin.status !== 0 || !/states\s+NEW 2\s+ESTABLISHED 117\s+RELATED 4/.test(bin.stdout)) fail("the installed alg-sdk bin did not replay the capture", `${bin.stdout}${bin.stderr}`);
  else step("bin: alg-sdk replay --rules firewall.rules capture.pcap: NEW 2, ESTABLISHED 117, RELATED 4");

  // 5. TypeScript: the minimum supported version and the pinned one, nodenext and bundler.
  writeFileSync(join(consumer, "index.ts"), typescriptProgram());
  writeFileSync(join(consumer, "require.cts"), typescriptCommonJs(cjsSpecifiers));
  const strict = { target: "es2022", lib: ["es2022"], types: [], strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true };
  writeFileSync(join(consumer, "tsconfig.nodenext.json"), JSON.stringify({ compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext" }, files: ["index.ts", "require.cts"] }, null, 2));
  writeFileSync(join(consumer, "tsconfig.bundler.json"), JSON.stringify({ compilerOptions: { ...strict, module: "esnext", moduleResolution: "bundler" }, files: ["index.ts"] }, null, 2));
  for (const [version, tsc] of [
    [minimumTypeScript, join(consumer, "node_modules/typescript/bin/tsc")],
    [pinnedTypeScript, join(root, "node_modules/typescript/bin/tsc")],
  ]) {
    for (const config of ["tsconfig.nodenext.json", "tsconfig.bundler.json"]) {
      const r = run(process.execPath, [tsc, "-p", config], { cwd: consumer });
      if (r.status !== 0) fail(`TypeScript ${version} (${config}): the consumer project does not compile`, `${r.stdout}${r.stderr}`);
    }
    step(`TypeScript ${version}: nodenext (ESM and .cts) and bundler ${failures.some((f) => f.startsWith(`TypeScript ${version} `)) ? "FAIL" : "compile"}`);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) step(`kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\ncheck-packs: ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exit(1);
}
step(`all clean in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** @param {string} dir @param {string[]} out @returns {string[]} the .d.ts, .d.cts and .d.mts files under dir */
function declarationFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) declarationFiles(path, out);
    else if (/\.d\.[cm]?ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

// The bundled FTP capture through the engine, with the FTP helper and the
// firewall rules, read with the pcap package: 6 connections, 4 of them RELATED.
function replayCheck() {
  return `
const file = readFileSync("capture.pcap");
const engine = core.createEngine({ helpers: [ftp.ftpHelper()], policy: rules.compileRules(readFileSync("firewall.rules", "utf8")) });
const ll = pcap.createLinkLayerInfo();
let related = 0;
for (const rec of pcap.readCapture(new Uint8Array(file))) {
  pcap.decodeLinkLayer(rec.linkType, rec.data, ll);
  const r = engine.processRange(rec.data, ll.offset, ll.length, rec.tsSeconds);
  if (r.stateName === "RELATED") related++;
}
const connections = [...engine.connections()].length;
if (related !== 4 || connections !== 6) throw new Error(\`replay: \${related} RELATED and \${connections} connections, expected 4 and 6\`);
const h = testing.helperHarness({ helpers: [ftp.ftpHelper()] });
const c = testing.tcpConversation({ client: "10.0.1.2", server: "10.0.2.2", clientPort: 40000, serverPort: 21 });
h.run(c.handshake());
h.run(c.server("220 ready\\r\\n"));
h.run(c.client("USER anonymous\\r\\n"));
h.run(c.client("PORT 10,0,1,2,4,1\\r\\n"));
if (h.expectations().length !== 1) throw new Error("testing: the PORT command created no expectation");
`;
}

/** @param {string[]} specifiers */
function esmProgram(specifiers) {
  return `import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const specifiers = ${JSON.stringify(specifiers)};
for (const s of specifiers) {
  const m = await import(s);
  if (Object.keys(m).length === 0) throw new Error(\`\${s}: no exports\`);
}
const core = await import("@alg-sdk/core");
const ftp = await import("@alg-sdk/helper-ftp");
const pcap = await import("@alg-sdk/pcap");
const rules = await import("@alg-sdk/rules");
const testing = await import("@alg-sdk/testing");
${replayCheck()}
// One process may load both builds: they share the DI tokens.
if (createRequire(import.meta.url)("@alg-sdk/core").TOKENS.Helper !== core.TOKENS.Helper) throw new Error("ESM and CommonJS builds of core have different tokens");
const cli = await import("@alg-sdk/cli");
if (typeof cli.run !== "function") throw new Error("@alg-sdk/cli has no run()");
console.log(\`ok: \${specifiers.length} entry points imported; the capture replayed (6 connections, 4 RELATED); a helper harness test passed\`);
`;
}

/** @param {string[]} specifiers */
function cjsProgram(specifiers) {
  return `const { readFileSync } = require("node:fs");
const specifiers = ${JSON.stringify(specifiers)};
for (const s of specifiers) if (Object.keys(require(s)).length === 0) throw new Error(\`\${s}: no exports\`);
const core = require("@alg-sdk/core");
const ftp = require("@alg-sdk/helper-ftp");
const pcap = require("@alg-sdk/pcap");
const rules = require("@alg-sdk/rules");
const testing = require("@alg-sdk/testing");
${replayCheck()}
console.log(\`ok: \${specifiers.length} entry points required; the capture replayed (6 connections, 4 RELATED); a helper harness test passed\`);
`;
}

// A TypeScript user's program: every entry point, and the typed API a
// helper author and an embedder use (a helper of their own included).
function typescriptProgram() {
  const namespaces = entries.map((e, i) => `import * as entry${i} from "${e.specifier}";`).join("\n");
  return `${namespaces}
import { createEngine, defineHelper, HelperVerdict, type Helper, type PacketResult } from "@alg-sdk/core";
import { DecimalCursor, MOD_32, readDecimal } from "@alg-sdk/core/payload";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { readCapture, createLinkLayerInfo, decodeLinkLayer, type CaptureRecord } from "@alg-sdk/pcap";
import { compileRules, RuleSyntaxError } from "@alg-sdk/rules";
import { helperHarness, tcpConversation, udp } from "@alg-sdk/testing";
import { run, type Io } from "@alg-sdk/cli";

export const everyEntryPoint = [${entries.map((_, i) => `entry${i}`).join(", ")}];

// A third-party helper, written against the published types.
export function echoHelper(options: { readonly port?: number } = {}): Helper<{ seen: number }> {
  return defineHelper<{ seen: number }>({
    name: "echo",
    policies: [{ name: "echo", maxExpected: 1, timeout: 30 }],
    attach: [{ protocol: "udp", port: options.port ?? 7 }],
    createState: () => ({ seen: 0 }),
    onPacket(ctx) {
      ctx.data.seen++;
      if (ctx.payloadLength < 1) return HelperVerdict.ACCEPT;
      const first: number | undefined = ctx.bytes[ctx.payloadOffset];
      return first === undefined ? HelperVerdict.DROP : HelperVerdict.ACCEPT;
    },
  });
}

export function track(frames: Iterable<CaptureRecord>, rulesText: string): number {
  let policy;
  try {
    policy = compileRules(rulesText);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return -e.line;
    throw e;
  }
  const engine = createEngine({ helpers: [ftpHelper({ stream: true }), echoHelper()], policy });
  const ll = createLinkLayerInfo();
  let related = 0;
  for (const rec of frames) {
    decodeLinkLayer(rec.linkType, rec.data, ll);
    const r: PacketResult = engine.processRange(rec.data, ll.offset, ll.length, rec.tsSeconds);
    if (r.stateName === "RELATED") related++;
  }
  return related;
}

export const fromBytes = (bytes: Uint8Array): number => track(readCapture(bytes), "policy accept");

export function harness(): number {
  const h = helperHarness({ helpers: [echoHelper()] });
  const c = tcpConversation({ client: "10.0.1.2", server: "10.0.2.2" });
  h.run(c.handshake());
  h.run(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 4000, dport: 7, payload: "hi" }));
  return h.records.length + (h.last?.state === "NEW" ? 1 : 0);
}

export function decimal(bytes: Uint8Array): number {
  const out = new DecimalCursor();
  readDecimal(bytes, 0, bytes.length, MOD_32, out);
  return out.value;
}
export const cli = (argv: string[], io: Io): Promise<number> => run(argv, io);
`;
}

/** @param {string[]} specifiers */
function typescriptCommonJs(specifiers) {
  return `${specifiers.map((s, i) => `import entry${i} = require("${s}");`).join("\n")}
import core = require("@alg-sdk/core");
export const everyEntryPoint = [${specifiers.map((_, i) => `entry${i}`).join(", ")}];
export const engine: core.Engine = core.createEngine({ helpers: [] });
`;
}
