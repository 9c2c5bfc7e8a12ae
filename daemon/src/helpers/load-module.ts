import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Loads a third-party helper from a package name or a file path. The module
 * may export, as default or named export, a helper object or a factory
 * that takes an options object and returns one. Kept free of daemon
 * concerns so the CLI can share it.
 */
export interface LoadedHelper {
  /** The helper value, passed to createEngine as it is. */
  readonly helper: unknown;
  /** Which export it came from ("default" or a name). */
  readonly exportName: string;
}

/** A helper object: the engine's shape has at least a string `name`. */
export function looksLikeHelper(v: unknown): v is { readonly name: string } {
  return typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string";
}

/** "./x.mjs", "/opt/x.mjs", or "helpers/x.mjs" when that file exists (else it is a package name). */
function isPath(spec: string, baseDir: string): boolean {
  if (spec.startsWith(".") || isAbsolute(spec)) return true;
  try {
    return statSync(resolve(baseDir, spec)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a package name from `baseDir` first (the user's project), then from here. */
async function importSpecifier(spec: string, baseDir: string): Promise<Record<string, unknown>> {
  if (isPath(spec, baseDir)) return (await import(pathToFileURL(resolve(baseDir, spec)).href)) as Record<string, unknown>;
  try {
    const resolved = createRequire(resolve(baseDir, "package.json")).resolve(spec);
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch {
    // ESM-only packages without a "require" condition: let the loader resolve it.
    return (await import(spec)) as Record<string, unknown>;
  }
}

/**
 * Loads `spec` and returns its helper, built with `options` when the export
 * is a factory. `exportName` picks a named export; without it the default
 * export is used, else the only export that is a helper or a function.
 * Throws an Error whose message says what was found (a start-up failure,
 * never a packet-time one).
 */
export async function loadHelperModule(spec: string, options: Record<string, unknown> = {}, exportName?: string, baseDir = process.cwd()): Promise<LoadedHelper> {
  let mod: Record<string, unknown>;
  try {
    mod = await importSpecifier(spec, baseDir);
  } catch (e) {
    throw new Error(`--helper-module ${spec}: cannot load it: ${(e as Error).message}`);
  }
  const candidates: [string, unknown][] = [];
  if (exportName) {
    if (!(exportName in mod)) throw new Error(`--helper-module ${spec}: no export named "${exportName}" (exports: ${Object.keys(mod).join(", ")})`);
    candidates.push([exportName, mod[exportName]]);
  } else if (mod.default !== undefined && (looksLikeHelper(mod.default) || typeof mod.default === "function")) {
    candidates.push(["default", mod.default]);
  } else {
    for (const [name, value] of Object.entries(mod)) {
      if (name === "default") continue;
      if (looksLikeHelper(value) || typeof value === "function") candidates.push([name, value]);
    }
    if (candidates.length > 1) {
      throw new Error(`--helper-module ${spec}: several exports could be the helper (${candidates.map((c) => c[0]).join(", ")}); name one with "export"`);
    }
  }
  const [name, value] = candidates[0] ?? ["", undefined];
  if (value === undefined) throw new Error(`--helper-module ${spec}: exports no helper object or factory (exports: ${Object.keys(mod).join(", ") || "none"})`);
  const helper = typeof value === "function" ? (value as (o: Record<string, unknown>) => unknown)(options) : value;
  if (!looksLikeHelper(helper)) throw new Error(`--helper-module ${spec}: export "${name}" did not give a helper object (an object with a name)`);
  return { helper, exportName: name };
}
