// The workspace packages, read from the root package.json's "workspaces" list
// (so a package added there is covered by every script that uses this), in
// dependency order: a package comes after the workspace packages it depends on.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * @typedef {{ dir: string, path: string, name: string, pkg: Record<string, any>, publishable: boolean }} Workspace
 */

/** Reads a JSON file. @param {string} file @returns {any} */
export const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

/** The root package.json. */
export const rootPackage = () => readJson(join(root, "package.json"));

// "helpers/*" lists the directories under helpers/ holding a package.json,
// "examples/tracker-*" those under examples/ whose names start so; "core" is
// that directory. Nothing else of glob syntax is used.
/** @param {string} pattern @returns {string[]} */
function expand(pattern) {
  const clean = pattern.replace(/\/+$/, "");
  if (!clean.includes("*")) return [clean];
  const m = /^([^*]+)\/([^*/]*)\*$/.exec(clean);
  if (!m) throw new Error(`workspaces pattern not understood: ${pattern}`);
  const [, parent, prefix] = m;
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith(prefix))
    .map((d) => `${parent}/${d.name}`)
    .sort();
}

/**
 * Every workspace package: `{ dir, path, name, pkg, publishable }`, where
 * `dir` is relative to the root ("helpers/ftp"), `path` absolute and
 * `publishable` false for a `"private": true` package. Ordered so that each
 * package comes after the workspace packages it depends on.
 * @returns {Workspace[]}
 */
export function workspaces() {
  /** @type {Workspace[]} */
  const found = [];
  for (const pattern of rootPackage().workspaces ?? []) {
    for (const dir of expand(pattern)) {
      const path = join(root, dir);
      if (!existsSync(join(path, "package.json"))) continue;
      const pkg = readJson(join(path, "package.json"));
      found.push({ dir: relative(root, path).split("\\").join("/"), path, name: pkg.name, pkg, publishable: pkg.private !== true });
    }
  }
  return dependencyOrder(found);
}

/**
 * The workspace packages `ws` depends on (dependencies, peer, optional and dev).
 * @param {Workspace} ws @param {Workspace[]} all @returns {Workspace[]}
 */
export function workspaceDependencies(ws, all) {
  const names = new Set();
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"]) {
    for (const name of Object.keys(ws.pkg[field] ?? {})) names.add(name);
  }
  return all.filter((other) => other !== ws && names.has(other.name));
}

/** @param {Workspace[]} all @returns {Workspace[]} */
function dependencyOrder(all) {
  /** @type {Workspace[]} */
  const ordered = [];
  /** @type {Map<Workspace, "visiting" | "done">} */
  const state = new Map();
  /** @param {Workspace} ws @param {string[]} chain */
  const visit = (ws, chain) => {
    if (state.get(ws) === "done") return;
    if (state.get(ws) === "visiting") throw new Error(`workspace dependency cycle: ${[...chain, ws.name].join(" -> ")}`);
    state.set(ws, "visiting");
    for (const dep of workspaceDependencies(ws, all)) visit(dep, [...chain, ws.name]);
    state.set(ws, "done");
    ordered.push(ws);
  };
  for (const ws of all) visit(ws, []);
  return ordered;
}
