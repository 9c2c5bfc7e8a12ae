#!/usr/bin/env node
// Builds the workspace packages (their own "build" scripts, tsup), in
// dependency order, two at a time when their dependencies allow it, and
// skips a package whose inputs are unchanged since its last build here.
//
// "Unchanged" is a content hash, not a timestamp: the package's files (but
// its tests, docs, dist and node_modules), the root tsconfig.base.json,
// package-lock.json (the tools' versions) and the shared tsup settings
// (scripts/tsup-library.mjs), and the hashes of the workspace
// packages it depends on. It is stored under node_modules/.cache, so a fresh
// clone or `npm ci` builds everything once, and `npm test` after the
// install's `prepare` build does not build it all again.
//
//   node scripts/build.mjs            # build what changed, one line per package
//   node scripts/build.mjs --quiet    # the same, one line if it built anything (the log only if a build fails)
//   node scripts/build.mjs --force    # build every package
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { root, workspaceDependencies, workspaces } from "./workspaces.mjs";

const quiet = process.argv.includes("--quiet");
const force = process.argv.includes("--force");
const cacheDir = join(root, "node_modules", ".cache", "alg-sdk-build");
const skipped = new Set(["node_modules", "dist", "test", "coverage", "etc"]);

/** @param {string} dir @param {string[]} out @returns {string[]} every input file under dir */
function inputFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name) || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) inputFiles(path, out);
    else if (!entry.name.endsWith(".md")) out.push(path);
  }
  return out;
}

/** @param {string[]} files @param {string[]} extra @returns {string} */
function hashOf(files, extra) {
  const hash = createHash("sha256");
  for (const value of extra) hash.update(`${value}\0`);
  for (const file of files.sort()) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/** @param {Record<string, any>} pkg @returns {string[]} the files package.json points at (main, types, bin, exports) */
function declaredOutputs(pkg) {
  /** @type {string[]} */
  const found = [];
  /** @param {unknown} value */
  const walk = (value) => {
    if (typeof value === "string") {
      if (value.startsWith("./dist/")) found.push(value);
    } else if (value && typeof value === "object") for (const v of Object.values(value)) walk(v);
  };
  walk([pkg.main, pkg.module, pkg.types, pkg.bin, pkg.exports]);
  return found;
}

// TypeScript declares a class's private members in its .d.ts (names only, for
// nominal typing). They are no API: the published declarations leave them out,
// as they leave out what is tagged @internal (tsconfig.base.json's stripInternal).
const privateMember = /^[ \t]*(?:private (?:static )?(?:readonly )?[\w$]+\??|#private);[ \t]*\r?\n/gm;

/** @param {string} dir */
function stripPrivateMembers(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) stripPrivateMembers(path);
    else if (/\.d\.[cm]?ts$/.test(entry.name)) {
      const text = readFileSync(path, "utf8");
      const stripped = text.replace(privateMember, "");
      if (stripped !== text) writeFileSync(path, stripped);
    }
  }
}

/** @param {string} name */
const cacheFile = (name) => join(cacheDir, `${name.replace(/[@/]/g, "_")}.json`);

/** @param {string} dir @returns {Promise<{ code: number | null, log: string }>} */
function runBuild(dir) {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "build", "--workspace", dir], { cwd: root, stdio: ["ignore", "pipe", "pipe"], shell: process.platform === "win32" });
    let log = "";
    child.stdout.on("data", (chunk) => (log += chunk));
    child.stderr.on("data", (chunk) => (log += chunk));
    child.on("close", (code) => resolve({ code, log }));
  });
}

const started = Date.now();
const all = workspaces().filter((w) => typeof w.pkg.scripts?.build === "string");
const shared = ["tsconfig.base.json", "package-lock.json", "scripts/tsup-library.mjs"].map((f) => readFileSync(join(root, f), "utf8"));
/** @type {Map<string, string>} */
const hashes = new Map();
for (const ws of all) {
  const deps = workspaceDependencies(ws, all).map((d) => `${d.name}=${hashes.get(d.name)}`);
  hashes.set(ws.name, hashOf(inputFiles(ws.path), [...shared, ...deps]));
}
const stale = all.filter((ws) => {
  if (force) return true;
  const built = existsSync(cacheFile(ws.name)) ? JSON.parse(readFileSync(cacheFile(ws.name), "utf8")).hash : null;
  return built !== hashes.get(ws.name) || declaredOutputs(ws.pkg).some((f) => !existsSync(join(ws.path, f)));
});

/** @type {Set<string>} */
const done = new Set(all.filter((ws) => !stale.includes(ws)).map((ws) => ws.name));
/** @type {string[]} */
const failed = [];
const pending = [...stale];
const workers = Math.max(1, Math.min(2, availableParallelism()));
mkdirSync(cacheDir, { recursive: true });

async function worker() {
  for (;;) {
    if (failed.length > 0) return;
    const next = pending.findIndex((ws) => workspaceDependencies(ws, all).every((d) => done.has(d.name)));
    if (next < 0) {
      if (pending.length === 0) return;
      await new Promise((r) => setTimeout(r, 50)); // a dependency is still building
      continue;
    }
    const [ws] = pending.splice(next, 1);
    if (!ws) return;
    const t0 = Date.now();
    rmSync(cacheFile(ws.name), { force: true }); // a failed build leaves no claim to be up to date
    const { code, log } = await runBuild(ws.dir);
    if (code !== 0) {
      failed.push(ws.name);
      process.stderr.write(`${log}\nbuild: ${ws.name} failed (exit status ${code})\n`);
      return;
    }
    stripPrivateMembers(join(ws.path, "dist"));
    writeFileSync(cacheFile(ws.name), JSON.stringify({ hash: hashes.get(ws.name) }));
    done.add(ws.name);
    if (!quiet) console.log(`build: ${ws.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

await Promise.all(Array.from({ length: workers }, worker));
if (failed.length > 0) process.exit(1);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (stale.length > 0) (quiet ? console.error : console.log)(`build: ${stale.length} of ${all.length} packages built in ${seconds} s`);
else if (!quiet) console.log(`build: ${all.length} packages up to date`);
