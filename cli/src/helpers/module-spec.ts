import { UsageError } from "../errors.js";
import type { HelperModuleSpec } from "./module-loader.js";

/** An option as `parseArgs` lists it in command-line order (`tokens: true`). */
interface OptionToken {
  readonly kind: string;
  readonly name?: string;
  readonly value?: string | undefined;
}

/**
 * `--helper-module MODULE[#EXPORT]`, each optionally followed by one
 * `--helper-options JSON` for its factory:
 *
 * ```
 * --helper-module @acme/alg-helper-tftp --helper-options '{"ports":[6969]}'
 * --helper-module ./dist/helpers.js#sipHelper
 * ```
 *
 * The options belong to the `--helper-module` right before them, so several
 * modules each get their own.
 */
export function helperModuleSpecs(tokens: readonly OptionToken[]): HelperModuleSpec[] {
  return moduleSpecs(tokens, "helper");
}

/** `--tracker-module MODULE[#EXPORT]`, each optionally followed by one `--tracker-options JSON`, the same way. */
export function trackerModuleSpecs(tokens: readonly OptionToken[]): HelperModuleSpec[] {
  return moduleSpecs(tokens, "tracker");
}

function moduleSpecs(tokens: readonly OptionToken[], kind: "helper" | "tracker"): HelperModuleSpec[] {
  const specs: { module: string; exportName: string | null; options: unknown }[] = [];
  for (const t of tokens) {
    if (t.kind !== "option" || t.value === undefined) continue;
    if (t.name === `${kind}-module`) specs.push({ ...moduleAndExport(t.value, kind), options: undefined });
    if (t.name !== `${kind}-options`) continue;
    const last = specs.at(-1);
    if (last === undefined) throw new UsageError(`--${kind}-options must follow the --${kind}-module it configures`);
    if (last.options !== undefined) throw new UsageError(`--${kind}-module ${last.module} has two --${kind}-options`);
    last.options = json(t.value, kind);
  }
  return specs;
}

function moduleAndExport(text: string, kind: string): { module: string; exportName: string | null } {
  const hash = text.lastIndexOf("#");
  if (text.trim() === "" || hash === 0) throw new UsageError(`--${kind}-module ${JSON.stringify(text)}: expected a package name or a path, optionally #EXPORT`);
  if (hash < 0) return { module: text, exportName: null };
  const exportName = text.slice(hash + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) throw new UsageError(`--${kind}-module ${JSON.stringify(text)}: ${JSON.stringify(exportName)} is not an export name`);
  return { module: text.slice(0, hash), exportName };
}

function json(text: string, kind: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--${kind}-options is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
