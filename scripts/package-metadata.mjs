#!/usr/bin/env node
// Checks (and with --fix, writes) the metadata every publishable workspace
// package must carry: the root's license, repository (with the package's
// directory), homepage, bugs and engines, a sideEffects declaration, a
// LICENSE file equal to the root's, a README, and workspace dependency ranges
// that the workspace's own version satisfies. The values come from the root
// package.json, so a new workspace package is held to the same rules.
//
//   node scripts/package-metadata.mjs         # list problems, exit 1 if any
//   node scripts/package-metadata.mjs --fix   # write the missing fields and LICENSE copies
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, rootPackage, workspaces } from "./workspaces.mjs";

/**
 * The metadata a package in directory `dir` must have, derived from the root package.json.
 * @param {string} dir
 */
export function expectedMetadata(dir) {
  const top = rootPackage();
  const web = top.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
  return {
    license: top.license,
    repository: { type: "git", url: top.repository.url, directory: dir },
    homepage: `${web}/tree/main/${dir}#readme`,
    bugs: top.bugs,
    engines: { node: top.engines.node },
  };
}

// Only caret ranges are used between workspace packages: "^0.2.0" holds
// 0.2.x from 0.2.0 on, "^1.2.0" 1.x from 1.2.0 on.
/** @param {string} range @param {string} version */
export function caretSatisfied(range, version) {
  const r = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const v = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!r || !v) return false;
  const [rMaj, rMin, rPat] = r.slice(1).map(Number);
  const [vMaj, vMin, vPat] = v.slice(1).map(Number);
  if (rMaj !== vMaj) return false;
  if (rMaj === 0 && rMin !== vMin) return false;
  return vMin > rMin || (vMin === rMin && vPat >= rPat);
}

/**
 * Every metadata problem of one workspace package (empty when it is complete).
 * @param {import("./workspaces.mjs").Workspace} ws
 * @param {import("./workspaces.mjs").Workspace[]} all
 * @returns {string[]}
 */
export function metadataProblems(ws, all = workspaces()) {
  const problems = [];
  const { pkg, dir } = ws;
  const expected = expectedMetadata(dir);
  for (const [field, value] of Object.entries(expected)) {
    if (JSON.stringify(pkg[field]) !== JSON.stringify(value)) {
      problems.push(`"${field}" must be ${JSON.stringify(value)}, found ${JSON.stringify(pkg[field])}`);
    }
  }
  if (typeof pkg.sideEffects !== "boolean" && !Array.isArray(pkg.sideEffects)) problems.push(`"sideEffects" must be declared (false, true or a list of files)`);
  if (pkg.type !== "module") problems.push(`"type" must be "module"`);
  if (!pkg.exports?.["./package.json"]) problems.push(`"exports" must export "./package.json"`);
  if (!Array.isArray(pkg.files) || !pkg.files.includes("LICENSE")) problems.push(`"files" must list "LICENSE"`);
  const license = join(ws.path, "LICENSE");
  if (!existsSync(license)) problems.push("LICENSE is missing (a copy of the root LICENSE)");
  else if (readFileSync(license, "utf8") !== readFileSync(join(root, "LICENSE"), "utf8")) problems.push("LICENSE differs from the root LICENSE");
  if (!existsSync(join(ws.path, "README.md"))) problems.push("README.md is missing");
  for (const field of ["dependencies", "peerDependencies"]) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      const dep = all.find((w) => w.name === name);
      if (dep && !caretSatisfied(range, dep.pkg.version)) {
        problems.push(`${field}["${name}"] is ${range}, which ${name} ${dep.pkg.version} (the workspace's) does not satisfy: use ^${dep.pkg.version}`);
      }
    }
  }
  return problems;
}

/** @param {import("./workspaces.mjs").Workspace} ws */
function fix(ws) {
  const pkg = { ...ws.pkg };
  const expected = expectedMetadata(ws.dir);
  // license, repository, homepage, bugs and engines go right after the
  // description, in this order; the other fields keep their places.
  const anchor = "description" in pkg ? "description" : "version";
  /** @type {Record<string, any>} */
  const out = {};
  for (const [key, value] of Object.entries(pkg)) {
    if (key in expected) continue;
    out[key] = value;
    if (key === anchor) Object.assign(out, expected);
    if (key === "type" && pkg.sideEffects === undefined) out.sideEffects = false;
  }
  /** @type {string[]} */
  const files = Array.isArray(out.files) ? out.files : ["dist"];
  for (const file of ["LICENSE", "CHANGELOG.md"]) if (!files.includes(file)) files.push(file);
  out.files = files;
  writeFileSync(join(ws.path, "package.json"), `${JSON.stringify(out, null, 2)}\n`);
  copyFileSync(join(root, "LICENSE"), join(ws.path, "LICENSE"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let failed = false;
  for (const ws of workspaces().filter((w) => w.publishable)) {
    if (process.argv.includes("--fix")) fix(ws);
  }
  const all = workspaces();
  for (const ws of all.filter((w) => w.publishable)) {
    for (const p of metadataProblems(ws, all)) {
      failed = true;
      console.error(`${ws.dir}/package.json: ${p}`);
    }
  }
  if (failed) {
    console.error("\n`node scripts/package-metadata.mjs --fix` writes the missing fields and the LICENSE copies.");
    process.exit(1);
  }
  console.log(`package metadata complete: ${all.filter((w) => w.publishable).length} packages`);
}
