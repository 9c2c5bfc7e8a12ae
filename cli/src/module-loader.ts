/**
 * @packageDocumentation
 * `@alg-sdk/cli/module-loader`: the loader of third-party helper and tracker
 * modules on its own, for Node programs that take plugins by name (the
 * daemon's `--helper-module` and `--tracker-module`) without loading the
 * rest of the command line. The same functions are exported by
 * `@alg-sdk/cli`.
 */
export { HelperModuleError, loadHelperModule, resolveModule } from "./helpers/module-loader.js";
export type { HelperModuleProblem, HelperModuleSpec } from "./helpers/module-loader.js";
