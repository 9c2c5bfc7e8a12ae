import { CliError, ExitCode } from "../errors.js";
import { HelperModuleError, loadHelperModule, type HelperModuleSpec } from "../helpers/module-loader.js";

/** The protocol trackers `--tracker-module`s gave, and a printable line for each. */
export interface TrackerSetup {
  /** Not checked here: `createEngine` judges their shape and says what is wrong. */
  readonly trackers: unknown[];
  /** `toy (protocol 253) from ./toy.js` */
  readonly description: string[];
}

/**
 * Loads third-party protocol trackers: each module's default (or only)
 * export is a tracker object or a factory taking one options object (its
 * `--tracker-options`), as for helpers. A tracker takes its protocol
 * numbers over from the built-in one, as `createEngine({ trackers })` does.
 */
export async function loadTrackers(specs: readonly HelperModuleSpec[]): Promise<TrackerSetup> {
  const setup: TrackerSetup = { trackers: [], description: [] };
  for (const spec of specs) {
    let tracker: unknown;
    try {
      tracker = await loadHelperModule(spec, process.cwd(), "tracker");
    } catch (error) {
      if (!(error instanceof HelperModuleError)) throw error;
      // A module that exists but breaks on import is not the command line's fault.
      const code = error.problem === "import-failed" ? ExitCode.INTERNAL : ExitCode.USAGE;
      throw new CliError(`--tracker-module ${error.message}`, code);
    }
    setup.trackers.push(tracker);
    const t = tracker as { name?: unknown; protocols?: unknown } | null;
    const name = typeof t?.name === "string" ? t.name : "(unnamed tracker)";
    const protocols = Array.isArray(t?.protocols) ? ` (protocol ${t.protocols.join(", ")})` : "";
    setup.description.push(`${name}${protocols} from ${spec.module}`);
  }
  return setup;
}
