import type { LogLevel } from "../runtime/log.js";

/** One helper: a built-in by name, or a module; with options and where to attach it. */
export interface HelperConfig {
  /** Built-in helper name ("ftp", "irc", "tftp", "sip"). */
  readonly name?: string;
  /** Package name or path of a third-party helper module. */
  readonly module?: string;
  /** The module's export to use (default: the default export, else the only one that is a helper or a factory). */
  readonly export?: string;
  /** Options for the helper's factory. */
  readonly options?: Record<string, unknown>;
  /** Where to attach it: "tcp/21", "tcp/6660-6669", "udp/69"; default: the helper's own rules. */
  readonly attach?: readonly string[];
}

/**
 * A third-party protocol tracker (`--tracker-module`): a module whose
 * default or named export is a tracker object or a factory of one. The
 * engine's tracker for its protocol numbers is replaced by it.
 */
export interface TrackerConfig {
  /** Package name or path. */
  readonly module: string;
  /** The module's export to use (default: the default export, else the only one that is a tracker or a factory). */
  readonly export?: string;
  /** Options for the tracker's factory. */
  readonly options?: Record<string, unknown>;
}

/** How the daemon gets EXP_NEW accepted: see docs/daemon.md, "Kernel modes". */
export type KernelMode = "auto" | "cthelper" | "standin";

export interface DaemonConfig {
  readonly queues: readonly number[];
  readonly helpers: readonly HelperConfig[];
  /** Protocol trackers beyond the built-in ones, given to the engine (`createEngine({ trackers })`). */
  readonly trackers: readonly TrackerConfig[];
  /** "batch": runs of accepts share one NFQNL_MSG_VERDICT_BATCH; "single": one verdict message per packet. */
  readonly verdicts: "batch" | "single";
  /** NFQA_CFG_F_FAIL_OPEN: the kernel accepts packets it cannot queue (queue full, daemon too slow). */
  readonly failOpen: boolean;
  readonly queueMaxLen: number;
  /** Most milliseconds a packet waits for the kernel to create its expectations. */
  readonly verdictTimeoutMs: number;
  /** Print expectations as `conntrack -E expect` does. */
  readonly events: boolean;
  /** Print counters every N seconds (0: only on SIGUSR1 and at exit). */
  readonly statsIntervalSec: number;
  readonly mode: KernelMode;
  /** Conntrack zone for packets whose conntrack the kernel does not attach. */
  readonly zone: number;
  /** Prefix of the user-space helper names registered in cthelper mode ("alg-" + "ftp"). */
  readonly userspaceHelperPrefix: string;
  /** Most milliseconds SIGTERM waits for the queue to go quiet. */
  readonly drainMs: number;
  readonly logLevel: LogLevel;
}

export const DEFAULT_CONFIG: DaemonConfig = {
  queues: [0],
  helpers: [],
  trackers: [],
  verdicts: "batch",
  failOpen: false,
  queueMaxLen: 1024,
  verdictTimeoutMs: 250,
  events: false,
  statsIntervalSec: 0,
  mode: "auto",
  zone: 0,
  userspaceHelperPrefix: "alg-",
  drainMs: 2000,
  logLevel: "info",
};
