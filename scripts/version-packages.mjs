#!/usr/bin/env node
// `npm run version-packages`: applies the changesets (`changeset version`:
// versions, CHANGELOGs, internal dependency ranges), working around
// changesets 2's rule for peer dependencies, which releases a 0.x package
// whose peer range a minor release leaves as 1.0.0 (changesets/changesets#1228):
// @alg-sdk/helper-ftp 0.1.0 with a peer "^0.1.0" on core would become 1.0.0
// when core goes to 0.2.0. In 0.x a minor release is the breaking one, and
// the helper has its own changeset saying how it changed.
//
// So, before `changeset version`, each peer range the coming release leaves
// is widened to also hold the new version ("^0.1.0 || ^0.2.0": the
// config's onlyUpdatePeerDependentsWhenOutOfRange then leaves the dependent
// to its own changesets), and afterwards it becomes "^0.2.0". A package
// whose peer range changes must have a changeset of its own: this says so
// and stops otherwise. The lockfile is updated last.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { caretSatisfied } from "./package-metadata.mjs";
import { readJson, root, workspaces } from "./workspaces.mjs";

const LEVEL = { patch: 1, minor: 2, major: 3 };

/** @returns {Map<string, "patch" | "minor" | "major">} the highest bump each package's changesets ask for */
function plannedBumps() {
  /** @type {Map<string, "patch" | "minor" | "major">} */
  const bumps = new Map();
  const dir = join(root, ".changeset");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), "utf8"));
    for (const line of (front?.[1] ?? "").split(/\r?\n/)) {
      const m = /^\s*["']?([^"':]+)["']?\s*:\s*(patch|minor|major)\s*$/.exec(line);
      if (!m) continue;
      const name = /** @type {string} */ (m[1]);
      const bump = /** @type {"patch" | "minor" | "major"} */ (m[2]);
      const before = bumps.get(name);
      if (!before || LEVEL[bump] > LEVEL[before]) bumps.set(name, bump);
    }
  }
  return bumps;
}

/** @param {string} version @param {"patch" | "minor" | "major"} bump */
function increment(version, bump) {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** @param {string} dir @param {(pkg: Record<string, any>) => void} change */
function editPackage(dir, change) {
  const file = join(root, dir, "package.json");
  const pkg = readJson(file);
  change(pkg);
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

const all = workspaces();
const bumps = plannedBumps();
if (bumps.size === 0) {
  console.log("version-packages: no changesets, nothing to release");
  process.exit(0);
}
/** @type {Map<string, string>} */
const next = new Map();
for (const ws of all) {
  const bump = bumps.get(ws.name);
  if (bump) next.set(ws.name, increment(ws.pkg.version, bump));
}

/** @type {{ dir: string, name: string, dep: string, newRange: string }[]} */
const widened = [];
for (const ws of all) {
  for (const [dep, range] of Object.entries(ws.pkg.peerDependencies ?? {})) {
    const version = next.get(dep);
    if (!version || bumps.get(dep) === "major" || caretSatisfied(range, version)) continue;
    if (!bumps.has(ws.name)) {
      console.error(`version-packages: ${dep} goes to ${version}, out of ${ws.name}'s peer range ${range}: add a changeset for ${ws.name} saying what that means for its users`);
      process.exit(1);
    }
    widened.push({ dir: ws.dir, name: ws.name, dep, newRange: `^${version}` });
    editPackage(ws.dir, (pkg) => (pkg.peerDependencies[dep] = `${range} || ^${version}`));
  }
}

const version = spawnSync(process.execPath, [join(root, "node_modules/@changesets/cli/bin.js"), "version"], { cwd: root, stdio: "inherit" });
for (const w of widened) editPackage(w.dir, (pkg) => (pkg.peerDependencies[w.dep] = w.newRange));
if (version.status !== 0) process.exit(version.status ?? 1);

for (const ws of workspaces()) {
  const before = all.find((w) => w.name === ws.name)?.pkg.version ?? "0.0.0";
  if (before.startsWith("0.") && !ws.pkg.version.startsWith("0.") && bumps.get(ws.name) !== "major") {
    console.error(`version-packages: ${ws.name} went from ${before} to ${ws.pkg.version} without a major changeset: check the peer ranges`);
    process.exit(1);
  }
  if (ws.pkg.version !== before) console.log(`version-packages: ${ws.name} ${before} -> ${ws.pkg.version}`);
}
for (const w of widened) console.log(`version-packages: ${w.name} peer ${w.dep} ${w.newRange}`);

const lock = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
process.exit(lock.status ?? 1);
