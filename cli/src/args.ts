import { parseArgs } from "node:util";
import type { Timeouts } from "@alg-sdk/core";
import { didYouMean } from "./closest.js";
import { OPTIONS } from "./options-table.js";
import { UsageError } from "./errors.js";
import type { HelperSwitches } from "./helpers/load.js";
import type { HelperModuleSpec } from "./helpers/module-loader.js";
import { helperModuleSpecs, trackerModuleSpecs } from "./helpers/module-spec.js";
import { parseHelperSpec, type HelperSpec } from "./helpers/spec.js";
import { parseTimeouts } from "./timeouts.js";

export const COMMANDS = ["replay", "verify", "watch"] as const;
export type Command = (typeof COMMANDS)[number];
export const FORMATS = ["human", "jsonl", "json"] as const;
export type Format = (typeof FORMATS)[number];

/** Everything a command needs from the command line, validated. */
export interface CliOptions {
  readonly command: Command;
  /** replay, verify: the capture path (`-` for standard input). */
  readonly capture: string | null;
  /** verify: the labels path. */
  readonly labels: string | null;
  readonly format: Format;
  /** `null`: the default helpers; `[]`: none (`--no-helpers`). */
  readonly helpers: readonly HelperSpec[] | null;
  /** `--helper-module`s, in order, each with its `--helper-options`. */
  readonly helperModules: readonly HelperModuleSpec[];
  /** `--tracker-module`s (protocol trackers), in order, each with its `--tracker-options`. */
  readonly trackerModules: readonly HelperModuleSpec[];
  readonly switches: HelperSwitches;
  readonly zone: number;
  readonly tcp: { readonly loose: boolean; readonly beLiberal: boolean; readonly maxRetrans?: number };
  /** Verify checksums (nf_conntrack_checksum=1). */
  readonly checksums: boolean;
  /** Built-in timeouts, and those the `--tracker-module`s' trackers declare (checked by the engine). */
  readonly timeouts: Partial<Timeouts> & Readonly<Record<string, number>>;
  readonly maxConnections?: number;
  readonly maxExpectations?: number;
  /** Pending expectations one source address may hold (0 or absent: no such limit). */
  readonly maxExpectationsPerSource?: number;
  /** Seed of the engine's hashes (absent: random, as Linux). */
  readonly hashSeed?: number;
  /** replay, verify: seconds a FIFO or standard input may deliver nothing before giving up (absent: wait). */
  readonly inputTimeout?: number;
  readonly rules: string | null;
  /** `--write`: a pcap file of every packet as it leaves (raw IP), or null. */
  readonly write: string | null;
  /** `--emit-bytes`: jsonl packet lines carry the datagram as it leaves, in hex. */
  readonly emitBytes: boolean;
  readonly progress: "auto" | "always" | "never";
  /** Per-packet lines (default: on, except watch's human format, which prints events). */
  readonly packets: boolean;
  /** Connection and expectation tables at the end (default: human format of replay and verify only). */
  readonly tables: boolean;
  /** Human format: most table lines printed (0: all). */
  readonly tableLimit: number;
  /** Read a capture file in a worker thread: auto (files of 8 MiB or more), always (`--worker`), never (`--no-worker`). */
  readonly worker: "auto" | "always" | "never";
}

export type CommandLine =
  | { readonly kind: "help"; readonly command: Command | null }
  | { readonly kind: "version" }
  | { readonly kind: "run"; readonly options: CliOptions };

/** Parses `argv` (without `node` and the script). Throws {@link UsageError}. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    // Tokens keep the order of the options: each --helper-options belongs to the --helper-module before it.
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const v = parsed.values;
  const [name, ...files] = parsed.positionals;
  if (v.version) return { kind: "version" };
  const command = name === undefined ? null : commandName(name);
  if (v.help || command === null) return { kind: "help", command };

  expectFiles(command, files);
  const format = choice("--format", v.format ?? "human", FORMATS);
  const trackerModules = trackerModuleSpecs(parsed.tokens ?? []);
  const options: CliOptions = {
    command,
    capture: command === "watch" ? null : files[0]!,
    labels: command === "verify" ? files[1]! : null,
    format,
    helpers: helperSpecs(v.helper, v["no-helpers"] === true),
    helperModules: helperModuleSpecs(parsed.tokens ?? []),
    trackerModules,
    switches: {
      ftpLoose: v["ftp-loose"] === true,
      ftpStream: v["ftp-stream"] === true,
      ftpPartial: v["ftp-partial"] === undefined ? undefined : choice("--ftp-partial", v["ftp-partial"], ["drop", "accept"] as const),
      ircIpv6: v["irc-ipv6"] === true,
      ircStream: v["irc-stream"] === true,
      ircLinesOnly: v["irc-lines-only"] === true,
      icmpAntiSpoofing: v["icmp-no-anti-spoofing"] !== true,
    },
    zone: integer("--zone", v.zone, 0, 0xffff) ?? 0,
    tcp: {
      loose: v["no-tcp-loose"] !== true,
      beLiberal: v["tcp-be-liberal"] === true,
      ...optional("maxRetrans", integer("--tcp-max-retrans", v["tcp-max-retrans"], 0, 255)),
    },
    checksums: v.checksums === true,
    // A tracker module may declare timeouts of its own: their names are checked once it is loaded.
    timeouts: parseTimeouts(v.timeout ?? [], trackerModules.length > 0),
    ...optional("maxConnections", integer("--max-connections", v["max-connections"], 1, 2 ** 26)),
    ...optional("maxExpectations", integer("--max-expectations", v["max-expectations"], 1, 2 ** 24)),
    ...optional("maxExpectationsPerSource", integer("--max-expectations-per-source", v["max-expectations-per-source"], 1, 2 ** 24)),
    ...optional("hashSeed", integer("--hash-seed", v["hash-seed"], 0, 0xffffffff)),
    ...optional("inputTimeout", integer("--input-timeout", v["input-timeout"], 1, 86400)),
    rules: v.rules ?? null,
    write: v.write ?? null,
    emitBytes: emitBytes(v["emit-bytes"] === true, format),
    progress: pair("progress", v.progress, v["no-progress"]) === undefined ? "auto" : v.progress ? "always" : "never",
    // watch prints events in human form by default; jsonl keeps its one-object-per-packet contract everywhere.
    packets: pair("packets", v.packets, v["no-packets"]) ?? (command !== "watch" || format === "jsonl"),
    // Tables are for reading: on for the human report of a capture. A live
    // stream ends with totals only, and the machine formats stream packets;
    // both get tables with --tables.
    tables: pair("tables", v.tables, v["no-tables"]) ?? (command !== "watch" && format === "human"),
    tableLimit: integer("--table-limit", v["table-limit"], 0, Number.MAX_SAFE_INTEGER) ?? 1000,
    worker: pair("worker", v.worker, v["no-worker"]) === undefined ? "auto" : v.worker ? "always" : "never",
  };
  return { kind: "run", options };
}

function emitBytes(on: boolean, format: Format): boolean {
  if (on && format !== "jsonl") throw new UsageError(`--emit-bytes adds the datagram to the packet lines of --format jsonl; the ${format} format has none`);
  return on;
}

function commandName(name: string): Command {
  if ((COMMANDS as readonly string[]).includes(name)) return name as Command;
  throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.join(", ")}; see alg-sdk --help)`);
}

function expectFiles(command: Command, files: readonly string[]): void {
  const want = command === "replay" ? ["<capture>"] : command === "verify" ? ["<capture>", "<labels.jsonl>"] : [];
  if (files.length < want.length) {
    throw new UsageError(`${command} needs ${want.join(" ")}: alg-sdk ${command} ${want.join(" ")} [options]`);
  }
  if (files.length > want.length) {
    const extra = files.slice(want.length).map((f) => JSON.stringify(f)).join(", ");
    throw new UsageError(`${command} takes ${want.length === 0 ? "no file" : want.join(" ")}; unexpected ${extra}`);
  }
}

function helperSpecs(specs: string[] | undefined, none: boolean): HelperSpec[] | null {
  if (none && specs !== undefined) throw new UsageError("--helper and --no-helpers contradict each other");
  if (none) return [];
  return specs === undefined ? null : specs.map(parseHelperSpec);
}

function choice<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`);
}

function integer(option: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} expects an integer from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return n;
}

/** `{ key: value }` when defined, `{}` otherwise (the engine treats a present `undefined` as a value). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** `--x` / `--no-x`: true, false, or undefined when neither was given. */
function pair(name: string, on: boolean | undefined, off: boolean | undefined): boolean | undefined {
  if (on && off) throw new UsageError(`--${name} and --no-${name} contradict each other`);
  return on ? true : off ? false : undefined;
}

/** One sentence from a `parseArgs` error, without its advice about `--`. */
function describeParseError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = String(e.message ?? error);
  const option = /--[a-z0-9-]+/i.exec(message)?.[0] ?? /-[a-z]/i.exec(message)?.[0];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ?? message}${suggestOption(option)} (see alg-sdk --help)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/.test(message)) return `option ${option ?? ""} needs a value`;
      if (/ambiguous/.test(message)) return `option ${option ?? ""} needs a value (for one starting with "-", write ${option ?? ""}=VALUE)`;
      return `option ${option ?? ""} does not take a value`;
    default:
      return message.split(". ")[0]!;
  }
}

/** ", did you mean --ftp-loose?" for a near miss of a known option. */
function suggestOption(option: string | undefined): string {
  if (option === undefined || !option.startsWith("--")) return "";
  return didYouMean(option.slice(2), Object.keys(OPTIONS), "--");
}
