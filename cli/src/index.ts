/**
 * @packageDocumentation
 * `@alg-sdk/cli`: the `alg-sdk` command, and the pieces it is made of for
 * programs that want them: `run` (the whole CLI, in-process), the loaders of
 * third-party helper and tracker modules (`--helper-module`,
 * `--tracker-module`: `loadHelperModule(spec, dir, "tracker")` for one
 * tracker, `loadTrackers` for several) and the output formatting
 * of tuples and expectations. The rules language is `@alg-sdk/rules`.
 */
export { run } from "./main.js";
export type { InputStream, Io, OutputStream } from "./io.js";
export { ExitCode, CliError, UsageError, InputError } from "./errors.js";
export { COMMANDS, FORMATS, parseCommandLine } from "./args.js";
export type { CliOptions, CommandLine, Command, Format } from "./args.js";
export type { AttachSpec, HelperSpec } from "./helpers/spec.js";
export type { HelperSwitches } from "./helpers/load.js";
export { HelperModuleError, loadHelperModule, resolveModule } from "./helpers/module-loader.js";
export type { HelperModuleProblem, HelperModuleSpec } from "./helpers/module-loader.js";
export { loadTrackers } from "./trackers/load.js";
export type { TrackerSetup } from "./trackers/load.js";
export { expectationText } from "./output/human-packet.js";
export { jsonConnection, jsonEvent, jsonExpectation, jsonTuple } from "./output/json-shapes.js";
export type { JsonTuple } from "./output/json-shapes.js";
