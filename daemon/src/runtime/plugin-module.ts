import { HelperModuleError, loadHelperModule } from "@alg-sdk/cli/module-loader";
import { ConfigError } from "../config/validate.js";

/** A third-party module as the configuration names it: a helper's or a protocol tracker's. */
export interface ModuleEntry {
  /** Package name or path, resolved from the current directory. */
  readonly module: string;
  /** The export to use; default: the default export, else the only one that fits. */
  readonly export?: string;
  /** Passed to a factory export (`{}` when absent); a plain object export takes none. */
  readonly options?: Record<string, unknown>;
}

/**
 * Loads a `--helper-module` or `--tracker-module` with the CLI's loader (the
 * one implementation of the module contract: a default or named export,
 * an object or a factory, packages resolved through their `exports` from
 * the current directory). What a plugin must look like is left to
 * createEngine. Every failure is a ConfigError (exit status 2) that names
 * the option, and says how to choose when several exports fit.
 */
export async function loadPluginModule(kind: "helper" | "tracker", entry: ModuleEntry): Promise<unknown> {
  try {
    return await loadHelperModule({ module: entry.module, exportName: entry.export ?? null, options: entry.options }, process.cwd(), kind);
  } catch (e) {
    if (!(e instanceof HelperModuleError)) throw e;
    if (e.candidates.length > 0) {
      throw new ConfigError(`--${kind}-module ${entry.module}: several exports could be the ${kind} (${e.candidates.join(", ")}); name one with --${kind}-export NAME ("export" in the config file)`);
    }
    throw new ConfigError(`--${kind}-module ${e.message}`);
  }
}
