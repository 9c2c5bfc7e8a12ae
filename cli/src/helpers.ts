import type { Helper, HelperAttachment } from "@alg-sdk/core";
import { CliError, ExitCode, UsageError } from "./errors.js";
import { formatAttach, type HelperSpec } from "./helper-spec.js";

/** Helper switches from the command line (`--ftp-loose`, `--irc-ipv6`, …). */
export interface HelperSwitches {
  readonly ftpLoose: boolean;
  readonly ftpStream: boolean;
  readonly ftpPartial: "drop" | "accept" | undefined;
  readonly ircIpv6: boolean;
  readonly ircStream: boolean;
  readonly icmpAntiSpoofing: boolean;
}

interface HelperEntry {
  readonly package: string;
  readonly load: (s: HelperSwitches) => Promise<Helper<any>>;
}

// Each helper package is imported only when selected: `--no-helpers` needs
// none of them, and a missing one is reported by name instead of failing
// the whole program at start-up.
const REGISTRY: Readonly<Record<string, HelperEntry>> = {
  ftp: {
    package: "@alg-sdk/helper-ftp",
    load: async (s) =>
      (await import("@alg-sdk/helper-ftp")).ftpHelper({
        loose: s.ftpLoose,
        stream: s.ftpStream,
        ...(s.ftpPartial !== undefined ? { onPartialMatch: s.ftpPartial } : {}),
      }),
  },
  irc: {
    package: "@alg-sdk/helper-irc",
    load: async (s) => (await import("@alg-sdk/helper-irc")).ircHelper({ ipv6: s.ircIpv6, stream: s.ircStream }),
  },
  tftp: {
    package: "@alg-sdk/helper-tftp",
    load: async () => (await import("@alg-sdk/helper-tftp")).tftpHelper(),
  },
  icmp: {
    package: "@alg-sdk/helper-icmp",
    load: async (s) => (await import("@alg-sdk/helper-icmp")).icmpHelper({ antiSpoofing: s.icmpAntiSpoofing }),
  },
};

/** Names `--helper` accepts. */
export const HELPER_NAMES: readonly string[] = Object.keys(REGISTRY);

/** What runs when no `--helper` is given. */
export const DEFAULT_HELPERS: readonly string[] = ["ftp", "irc", "icmp"];

/** The helpers and attach rules an engine gets, plus a printable description. */
export interface HelperSetup {
  readonly helpers: Helper<any>[];
  readonly attach: HelperAttachment[];
  /** One entry per helper: `ftp (tcp/21)`, `icmp`. */
  readonly description: string[];
}

/** Checks the names before anything is loaded, so a typo fails fast. */
export function checkHelperNames(specs: readonly HelperSpec[]): void {
  for (const s of specs) {
    if (!Object.hasOwn(REGISTRY, s.name)) {
      throw new UsageError(`unknown helper ${JSON.stringify(s.name)} (known helpers: ${HELPER_NAMES.join(", ")})`);
    }
  }
}

/**
 * Loads the selected helpers. A helper named with `:PROTO/PORT` is attached
 * there only (every such spec adds a rule); one named bare keeps its
 * conventional rules (its `attach` rules, e.g. ftp on tcp/21).
 */
export async function loadHelpers(specs: readonly HelperSpec[] | null, switches: HelperSwitches): Promise<HelperSetup> {
  const chosen = specs ?? DEFAULT_HELPERS.map((name) => ({ name, attach: null }));
  checkHelperNames(chosen);
  const order = [...new Set(chosen.map((s) => s.name))];
  const setup: HelperSetup = { helpers: [], attach: [], description: [] };
  for (const name of order) {
    const helper = await load(name, switches);
    const explicit = chosen.filter((s) => s.name === name && s.attach !== null).map((s) => s.attach!);
    const rules: HelperAttachment[] = explicit.length > 0
      ? explicit.map((a) => ({ helper: name, protocol: a.protocol, port: a.port }))
      : (helper.attach ?? []).map((r) => ({ ...r, helper: name }));
    setup.helpers.push(helper);
    setup.attach.push(...rules);
    setup.description.push(rules.length > 0 ? `${name} (${rules.map(formatAttach).join(", ")})` : name);
  }
  return setup;
}

async function load(name: string, switches: HelperSwitches): Promise<Helper<any>> {
  const entry = REGISTRY[name]!;
  try {
    return await entry.load(switches);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new CliError(`helper ${name} needs the package ${entry.package}, which is not installed`, ExitCode.INTERNAL);
    }
    // A helper rejecting its options (e.g. a bad port) is the user's to fix.
    if (error instanceof RangeError) throw new UsageError(`helper ${name}: ${error.message}`);
    throw error;
  }
}
