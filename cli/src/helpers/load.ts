import type { Helper, HelperAttachment } from "@alg-sdk/core";
import { CliError, ExitCode, UsageError } from "../errors.js";
import { HelperModuleError, loadHelperModule, type HelperModuleSpec } from "./module-loader.js";
import { formatAttach, type HelperSpec } from "./spec.js";

/** Helper switches from the command line (`--ftp-loose`, `--irc-ipv6`, …). */
export interface HelperSwitches {
  readonly ftpLoose: boolean;
  readonly ftpStream: boolean;
  readonly ftpPartial: "drop" | "accept" | undefined;
  readonly ircIpv6: boolean;
  readonly ircStream: boolean;
  /** Stream mode searching only whole lines from their start (implies stream mode). */
  readonly ircLinesOnly: boolean;
  readonly icmpAntiSpoofing: boolean;
}

interface HelperEntry {
  readonly package: string;
  readonly load: (s: HelperSwitches) => Promise<Helper<any, any>>;
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
    load: async (s) =>
      (await import("@alg-sdk/helper-irc")).ircHelper({ ipv6: s.ircIpv6, stream: s.ircLinesOnly ? { linesOnly: true } : s.ircStream }),
  },
  tftp: {
    package: "@alg-sdk/helper-tftp",
    load: async () => (await import("@alg-sdk/helper-tftp")).tftpHelper(),
  },
  sip: {
    package: "@alg-sdk/helper-sip",
    load: async () => (await import("@alg-sdk/helper-sip")).sipHelper(),
  },
  pptp: {
    package: "@alg-sdk/helper-pptp",
    load: async () => (await import("@alg-sdk/helper-pptp")).pptpHelper(),
  },
  icmp: {
    package: "@alg-sdk/helper-icmp",
    load: async (s) => (await import("@alg-sdk/helper-icmp")).icmpHelper({ antiSpoofing: s.icmpAntiSpoofing }),
  },
};

/** Names `--helper` accepts without a `--helper-module`. */
export const HELPER_NAMES: readonly string[] = Object.keys(REGISTRY);

/** What runs when no `--helper` is given. */
export const DEFAULT_HELPERS: readonly string[] = ["ftp", "irc", "icmp"];

/** The helpers and attach rules an engine gets, plus a printable description. */
export interface HelperSetup {
  readonly helpers: Helper<any, any>[];
  readonly attach: HelperAttachment[];
  /** One entry per helper: `ftp (tcp/21)`, `icmp`, `tftp (udp/69) from ./tftp.js`. */
  readonly description: string[];
}

/** A helper a `--helper-module` gave, not yet checked: `createEngine` judges its shape. */
interface ModuleHelper {
  readonly helper: unknown;
  readonly name: string;
  readonly module: string;
}

/** Checks the names before anything is loaded, so a typo fails fast. */
export function checkHelperNames(specs: readonly HelperSpec[], moduleNames: readonly string[] = []): void {
  for (const s of specs) {
    if (!Object.hasOwn(REGISTRY, s.name) && !moduleNames.includes(s.name)) {
      const known = [...HELPER_NAMES, ...moduleNames.filter((n) => !HELPER_NAMES.includes(n))];
      throw new UsageError(`unknown helper ${JSON.stringify(s.name)} (known helpers: ${known.join(", ")})`);
    }
  }
}

/**
 * Loads the selected helpers. The set is the default one, the `--helper`
 * list, or none (`--no-helpers`), plus every `--helper-module`'s helper (a
 * module helper with a built-in's name takes its place). A helper named
 * with `:PROTO/PORT` is attached there only (every such spec adds a rule);
 * one named bare, or only loaded from a module, keeps its conventional
 * rules (its `attach` rules, e.g. ftp on tcp/21).
 */
export async function loadHelpers(
  specs: readonly HelperSpec[] | null,
  switches: HelperSwitches,
  modules: readonly HelperModuleSpec[] = [],
): Promise<HelperSetup> {
  const fromModules: ModuleHelper[] = [];
  for (const spec of modules) fromModules.push(await loadModule(spec));
  const moduleNames = fromModules.map((m) => m.name);
  const chosen = specs ?? DEFAULT_HELPERS.map((name) => ({ name, attach: null }));
  checkHelperNames(chosen, moduleNames);
  const order = [...new Set([...chosen.map((s) => s.name), ...moduleNames])];
  const setup: HelperSetup = { helpers: [], attach: [], description: [] };
  for (const name of order) {
    const fromModule = fromModules.find((m) => m.name === name);
    const helper = fromModule !== undefined ? (fromModule.helper as Helper<any, any>) : await loadBuiltIn(name, switches);
    const explicit = chosen.filter((s) => s.name === name && s.attach !== null).map((s) => s.attach!);
    const defaults = Array.isArray(helper?.attach) ? helper.attach : [];
    const rules: HelperAttachment[] = explicit.length > 0
      ? explicit.map((a) => ({ helper: name, protocol: a.protocol, port: a.port }))
      : defaults.map((r) => ({ ...r, helper: name }));
    setup.helpers.push(helper);
    setup.attach.push(...rules);
    const where = rules.length > 0 ? ` (${rules.map(formatAttach).join(", ")})` : "";
    setup.description.push(`${name}${where}${fromModule !== undefined ? ` from ${fromModule.module}` : ""}`);
  }
  return setup;
}

async function loadModule(spec: HelperModuleSpec): Promise<ModuleHelper> {
  let helper: unknown;
  try {
    helper = await loadHelperModule(spec);
  } catch (error) {
    if (!(error instanceof HelperModuleError)) throw error;
    // A module that exists but breaks on import is not the command line's fault.
    const code = error.problem === "import-failed" ? ExitCode.INTERNAL : ExitCode.USAGE;
    throw new CliError(`--helper-module ${error.message}`, code);
  }
  const name = (helper as { name?: unknown } | null)?.name;
  // A helper without a name is left to createEngine, which says what is wrong with it.
  return { helper, name: typeof name === "string" ? name : `(unnamed helper of ${spec.module})`, module: spec.module };
}

async function loadBuiltIn(name: string, switches: HelperSwitches): Promise<Helper<any>> {
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
