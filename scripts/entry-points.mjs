// The public entry points of the publishable workspace packages, read from
// each package.json's "exports": "." and every subpath with declarations.
import { join } from "node:path";
import { workspaces } from "./workspaces.mjs";

/**
 * @typedef {object} EntryPoint
 * @property {import("./workspaces.mjs").Workspace} ws the package
 * @property {string} subpath "." or "./payload"
 * @property {string} specifier what a user imports: "@alg-sdk/core", "@alg-sdk/core/payload"
 * @property {string} types the ESM declarations, relative to the package ("./dist/payload.d.ts")
 * @property {string} slug a file-name form of the specifier without the scope: "core", "core-payload"
 */

/** @param {unknown} target @returns {string | undefined} the ESM declarations of one export target */
function typesOf(target) {
  if (typeof target === "string") return target.endsWith(".d.ts") ? target : undefined;
  if (!target || typeof target !== "object") return undefined;
  const t = /** @type {Record<string, unknown>} */ (target);
  if (typeof t.types === "string") return t.types;
  return typesOf(t.import) ?? typesOf(t.default);
}

/** @returns {EntryPoint[]} */
export function entryPoints() {
  /** @type {EntryPoint[]} */
  const found = [];
  for (const ws of workspaces().filter((w) => w.publishable)) {
    const exportsMap = ws.pkg.exports ?? { ".": { types: ws.pkg.types } };
    const base = ws.name.replace(/^@[^/]+\//, "");
    for (const [subpath, target] of Object.entries(exportsMap)) {
      const types = typesOf(target);
      if (!types) continue;
      const rest = subpath === "." ? "" : subpath.replace(/^\.\//, "");
      found.push({
        ws,
        subpath,
        specifier: rest === "" ? ws.name : `${ws.name}/${rest}`,
        types,
        slug: rest === "" ? base : `${base}-${rest.replace(/[^\w]+/g, "-")}`,
      });
    }
  }
  return found;
}

/** @param {EntryPoint} entry @returns {string} the absolute path of its declarations */
export const declarationsOf = (entry) => join(entry.ws.path, entry.types);
