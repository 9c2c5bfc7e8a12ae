/**
 * Loads a third-party helper from a module: `--helper-module` in the CLI,
 * and the same for any Node embedding that takes helpers by name (a daemon's
 * configuration). It only finds the module, picks the export and calls the
 * factory; what a helper must look like is for `createEngine` to check, so
 * this file keeps working as the helper interface grows.
 *
 * The module contract: a default export, or a named export, that is either
 * a helper object or a factory function taking one options object (it may
 * return a promise).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** One helper to load. */
export interface HelperModuleSpec {
  /**
   * A path (`./dist/tftp.js`, `helpers/tftp`: anything that starts
   * with `./`, `../` or `/`, or exists relative to the directory resolved
   * from) or a package name (`@acme/alg-helper-tftp`, `pkg/subpath`),
   * resolved from that directory's `node_modules` as an import would be.
   */
  readonly module: string;
  /** The export to use; null: the default export, else the one named export that fits. */
  readonly exportName: string | null;
  /** Passed to a factory export; undefined when none were given (a factory then gets `{}`). */
  readonly options: unknown;
}

/** Why a helper module could not be loaded; the caller decides how to report each kind. */
export type HelperModuleProblem = "not-found" | "import-failed" | "no-helper" | "options" | "factory-failed";

/** A helper or tracker module that could not be loaded: `problem` says what kind of failure, the message what was found. */
export class HelperModuleError extends Error {
  constructor(
    /** What kind of failure: the CLI reports a module that breaks on import as an internal error, the others as usage errors. */
    readonly problem: HelperModuleProblem,
    message: string,
    /**
     * The exports that could each be the plugin, when several could and
     * none was chosen (empty otherwise): for a caller that names the export
     * its own way (`MODULE#NAME` on the CLI's command line, a separate
     * option elsewhere) to say how to choose.
     */
    readonly candidates: readonly string[] = [],
  ) {
    super(message);
    this.name = "HelperModuleError";
  }
}

/** Conditions an import by Node matches in an "exports" map, in the order Node honours them. */
const CONDITIONS = new Set(["import", "node", "default"]);

/**
 * Imports the module of `spec` (resolved from `from`, the current directory
 * by default) and returns its helper: the export itself, or what its
 * factory returns for `spec.options`. A protocol tracker module
 * (`--tracker-module`) follows the same contract; `noun` names what is
 * loaded in messages.
 */
export async function loadHelperModule(spec: HelperModuleSpec, from: string = process.cwd(), noun: "helper" | "tracker" = "helper"): Promise<unknown> {
  const file = resolveModule(spec.module, from);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new HelperModuleError("import-failed", `${spec.module}: cannot load ${file}: ${messageOf(error)}`);
  }
  const candidate = pickExport(spec, namespace, noun);
  if (typeof candidate !== "function") {
    if (spec.options !== undefined) {
      throw new HelperModuleError("options", `${spec.module} exports a ${noun} object, not a factory: it takes no options`);
    }
    return candidate;
  }
  try {
    return await (candidate as (options: unknown) => unknown)(spec.options ?? {});
  } catch (error) {
    throw new HelperModuleError("factory-failed", `${spec.module}: the ${noun} factory refused its options: ${messageOf(error)}`);
  }
}

/** The file to import for `specifier`, looked up from the directory `from`. */
export function resolveModule(specifier: string, from: string): string {
  if (specifier.startsWith("file:")) return entryOfPath(fileURLToPath(specifier), specifier);
  const looksLikePath = /^\.{1,2}(\/|\\|$)/.test(specifier) || isAbsolute(specifier);
  if (looksLikePath || existsSync(resolve(from, specifier))) return entryOfPath(resolve(from, specifier), specifier);
  return entryOfPackage(specifier, from);
}

/** A file as it is; a directory through its package.json, like a package. */
function entryOfPath(path: string, specifier: string): string {
  if (!existsSync(path)) throw new HelperModuleError("not-found", `${specifier}: no such file or directory`);
  if (!statSync(path).isDirectory()) return path;
  return entryOfPackageDirectory(path, ".", specifier);
}

/** `name` or `name/sub/path` (scoped names included) from the nearest node_modules that has it. */
function entryOfPackage(specifier: string, from: string): string {
  const parts = specifier.split("/");
  const nameLength = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join("/")}` : ".";
  // The directories Node would search for `name` from a file in `from`.
  const searched = createRequire(join(from, "noop.js")).resolve.paths(name) ?? [];
  for (const dir of searched) {
    if (existsSync(join(dir, name, "package.json"))) return entryOfPackageDirectory(join(dir, name), subpath, specifier);
  }
  throw new HelperModuleError("not-found", `${specifier}: no package ${name} in node_modules from ${from} up, and no such file or directory`);
}

function entryOfPackageDirectory(dir: string, subpath: string, specifier: string): string {
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as typeof manifest;
  } catch (error) {
    throw new HelperModuleError("not-found", `${specifier}: ${dir} has no readable package.json: ${messageOf(error)}`);
  }
  let target: string | null;
  if (manifest.exports !== undefined) {
    target = exportTarget(manifest.exports, subpath);
    if (target === null) throw new HelperModuleError("not-found", `${specifier}: the package does not export ${subpath} for import`);
  } else {
    target = subpath !== "." ? subpath : typeof manifest.main === "string" ? manifest.main : "index.js";
  }
  const file = join(dir, target);
  if (!existsSync(file)) throw new HelperModuleError("not-found", `${specifier}: ${file} does not exist (is the package built?)`);
  return file;
}

/** The target of `subpath` in an "exports" field, for an import; null when there is none. */
function exportTarget(exports: unknown, subpath: string): string | null {
  const isSubpathMap = typeof exports === "object" && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? conditional(exports) : null;
  const map = exports as Record<string, unknown>;
  return Object.hasOwn(map, subpath) ? conditional(map[subpath]) : null;
}

/** Resolves nested conditions: the first key (in the map's order) that an import matches. */
function conditional(target: unknown): string | null {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = conditional(t);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof target !== "object" || target === null) return null;
  for (const [condition, value] of Object.entries(target)) {
    if (!CONDITIONS.has(condition)) continue;
    const found = conditional(value);
    if (found !== null) return found;
  }
  return null;
}

/** A function (a factory) or an object with a string `name` (a helper or a tracker); anything else is not a plugin export. */
function helperLike(value: unknown): boolean {
  return typeof value === "function" || (typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string");
}

function pickExport(spec: HelperModuleSpec, namespace: Record<string, unknown>, noun: string): unknown {
  const names = Object.keys(namespace).filter((k) => k !== "default");
  if (spec.exportName !== null) {
    if (!Object.hasOwn(namespace, spec.exportName)) {
      const all = Object.keys(namespace);
      throw new HelperModuleError("no-helper", `${spec.module} has no export ${spec.exportName} (it exports ${all.length === 0 ? "nothing" : all.join(", ")})`);
    }
    const chosen = namespace[spec.exportName];
    if (!helperLike(chosen)) throw new HelperModuleError("no-helper", `${spec.module}#${spec.exportName} is neither a ${noun} object nor a factory function`);
    return chosen;
  }
  // A CommonJS module's default export is its exports object: only a helper-like one counts.
  if (helperLike(namespace.default)) return namespace.default;
  const fitting = names.filter((k) => helperLike(namespace[k]));
  if (fitting.length === 1) return namespace[fitting[0]!];
  if (fitting.length === 0) {
    const all = Object.keys(namespace);
    throw new HelperModuleError(
      "no-helper",
      `${spec.module} exports no ${noun} (it exports ${all.length === 0 ? "nothing" : all.join(", ")}): it needs a default export or a named export that is a ${noun} object or a factory function`,
    );
  }
  throw new HelperModuleError("no-helper", `${spec.module} exports several candidates (${fitting.join(", ")}): choose one with ${spec.module}#NAME`, fitting);
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!;
}
