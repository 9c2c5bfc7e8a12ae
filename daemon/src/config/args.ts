import { ConfigError } from "./validate.js";
import type { HelperConfig } from "./types.js";

/** The command line, before a config file is merged under it. */
export interface ParsedArgs {
  readonly help: boolean;
  readonly version: boolean;
  readonly configFile: string | null;
  /** Print the firewall rules for this mode and exit (no kernel access). */
  readonly printRules: "standin" | "cthelper" | null;
  /** Settings given as flags; they override the config file's. */
  readonly settings: Record<string, unknown>;
}

export const USAGE = `Usage: alg-sdk-daemon [options]

Runs alg-sdk helpers as user-space conntrack helpers: packets of helped
connections arrive on NFQUEUE, expectations go to the kernel over ctnetlink.
Linux only, needs CAP_NET_ADMIN. See docs/daemon.md for the firewall rules.

  --queue N[-M]            NFQUEUE queue(s) to serve (repeatable; default 0)
  --helper NAME[:PROTO/PORT[-PORT]]
                           built-in helper: ftp, irc, tftp, sip (default: its own ports)
  --helper-module SPEC     third-party helper: package name or path
  --helper-options JSON    options for the helper named just before
  --helper-export NAME     export of the module named just before
  --helper-attach PROTO/PORT[-PORT]
                           where the helper named just before attaches (repeatable)
  --tracker-module SPEC    third-party protocol tracker: package name or path (repeatable)
  --tracker-options JSON   options for the tracker named just before
  --tracker-export NAME    export of the tracker module named just before
  --config FILE            JSON settings (flags override them); SIGHUP re-reads it
  --verdicts batch|single  batch verdicts (default) or one message per packet
  --fail-open              NFQA_CFG_F_FAIL_OPEN: accept what the queue cannot hold
  --queue-maxlen N         packets the kernel holds for the queue (default 1024)
  --verdict-timeout MS     most a packet waits for its expectations (default 250)
  --mode auto|cthelper|standin
                           how the kernel accepts expectations (default auto: probe)
  --zone N                 conntrack zone when packets carry no conntrack (default 0)
  --events                 print expectations like \`conntrack -E expect\`
  --stats-interval SEC     print counters every SEC seconds (also on SIGUSR1)
  --drain MS               most SIGTERM waits for the queue to go quiet (default 2000)
  --log-level LEVEL        error, warn, info (default) or debug
  --print-rules standin|cthelper
                           print the nft/iptables rules for the configured helpers and exit
  --help, --version

Signals: SIGHUP reloads the configuration, SIGUSR1 prints counters,
SIGTERM/SIGINT drain the queue and exit.`;

function queueList(text: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new ConfigError(`--queue ${JSON.stringify(text)}: expected N or N-M`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo || hi > 65535 || hi - lo > 63) throw new ConfigError(`--queue ${text}: a range of at most 64 queues within 0-65535`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

const HELPER = /^([a-z][a-z0-9_-]*)(?::(.+))?$/i;

/** A `--helper-options` or `--tracker-options` value: a JSON object. */
function jsonObject(flag: string, text: string): Record<string, unknown> {
  try {
    const o: unknown = JSON.parse(text);
    if (typeof o !== "object" || o === null || Array.isArray(o)) throw new Error("not an object");
    return o as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${flag}: expected a JSON object (${(e as Error).message})`);
  }
}

/** Parses argv (without node and script). Throws ConfigError for a mistake. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const settings: Record<string, unknown> = {};
  const helpers: Record<string, unknown>[] = [];
  const trackers: Record<string, unknown>[] = [];
  const queues: number[] = [];
  let configFile: string | null = null;
  let printRules: ParsedArgs["printRules"] = null;
  let help = false;
  let version = false;
  // --helper-options and the like configure the helper (or tracker) named last before them.
  const lastOf = (list: Record<string, unknown>[], flag: string, after: string): Record<string, unknown> => {
    const named = list[list.length - 1];
    if (!named) throw new ConfigError(`${flag} must follow ${after}`);
    return named;
  };
  const last = (flag: string) => lastOf(helpers, flag, "--helper or --helper-module");
  const lastTracker = (flag: string) => lastOf(trackers, flag, "--tracker-module");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new ConfigError(`${flag} needs a value`);
      return v;
    };
    const integer = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new ConfigError(`${flag} ${JSON.stringify(v)}: expected a whole number`);
      return Number(v);
    };
    switch (flag) {
      case "--help":
      case "-h":
        help = true;
        break;
      case "--version":
        version = true;
        break;
      case "--queue":
        queues.push(...queueList(value()));
        break;
      case "--helper": {
        const m = HELPER.exec(value());
        if (!m) throw new ConfigError(`--helper: expected NAME[:PROTO/PORT], e.g. ftp or ftp:tcp/2121`);
        helpers.push({ name: m[1]!.toLowerCase(), ...(m[2] ? { attach: [m[2]] } : {}) });
        break;
      }
      case "--helper-module":
        helpers.push({ module: value() });
        break;
      case "--helper-options":
        last(flag).options = jsonObject(flag, value());
        break;
      case "--helper-export":
        last(flag).export = value();
        break;
      case "--helper-attach": {
        const h = last(flag);
        h.attach = [...((h.attach as string[] | undefined) ?? []), value()];
        break;
      }
      case "--tracker-module":
        trackers.push({ module: value() });
        break;
      case "--tracker-options":
        lastTracker(flag).options = jsonObject(flag, value());
        break;
      case "--tracker-export":
        lastTracker(flag).export = value();
        break;
      case "--config":
        configFile = value();
        break;
      case "--verdicts":
        settings.verdicts = value();
        break;
      case "--fail-open":
        settings.failOpen = true;
        break;
      case "--queue-maxlen":
        settings.queueMaxLen = integer();
        break;
      case "--verdict-timeout":
        settings.verdictTimeoutMs = integer();
        break;
      case "--mode":
        settings.mode = value();
        break;
      case "--zone":
        settings.zone = integer();
        break;
      case "--events":
        settings.events = true;
        break;
      case "--stats-interval":
        settings.statsIntervalSec = integer();
        break;
      case "--drain":
        settings.drainMs = integer();
        break;
      case "--log-level":
        settings.logLevel = value();
        break;
      case "--print-rules": {
        const mode = value();
        if (mode !== "standin" && mode !== "cthelper") throw new ConfigError(`--print-rules: "standin" or "cthelper", not ${JSON.stringify(mode)}`);
        printRules = mode;
        break;
      }
      default:
        throw new ConfigError(`unknown option ${JSON.stringify(arg)} (see --help)`);
    }
  }
  if (queues.length > 0) settings.queues = queues;
  if (helpers.length > 0) settings.helpers = helpers as HelperConfig[];
  if (trackers.length > 0) settings.trackers = trackers;
  return { help, version, configFile, printRules, settings };
}
