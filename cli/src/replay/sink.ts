import type { ConnectionInfo, EngineEvent, ExpectationInfo } from "@alg-sdk/core";
import type { Ruleset } from "@alg-sdk/rules";
import type { PacketOutcome } from "./outcome.js";
import type { Summary } from "./summary.js";

/** What is being run, for headers. */
export interface RunInfo {
  readonly command: "replay" | "verify" | "watch";
  /** Capture path or "standard input". */
  readonly capture: string;
  /** `ftp (tcp/21)`, … */
  readonly helpers: readonly string[];
  readonly rules: {
    readonly file: string;
    readonly ruleset: Ruleset;
    /** The rules filter (filter rules or a policy line): packets have a firewall verdict. */
    readonly filtering: boolean;
  } | null;
}

/** The tables at the end of a run, read on demand (a big capture leaves a big table). */
export interface Tables {
  connections(): Iterable<ConnectionInfo>;
  expectations(): Iterable<ExpectationInfo>;
  /** Time the tables are taken at (the last packet's). */
  readonly at: number;
  readonly connectionCount: number;
  readonly expectationCount: number;
}

/**
 * Receives a replay as it happens. The output formats (human, jsonl, json)
 * and `verify` are sinks; the replay loop knows none of them.
 */
export interface ReplaySink {
  /**
   * The sink prints packets' addresses and ports: with NAT statements they
   * are decoded before the engine may rewrite the packet in place, so the
   * report shows the packet as it arrived.
   */
  readonly showsTuples: boolean;
  /** Once, before the first packet (or at the end of an empty capture). */
  begin(info: RunInfo): void;
  /** Every IP packet, with the engine events it caused (verdict 2: a fragment held for reassembly). */
  packet(p: PacketOutcome, events: readonly EngineEvent[]): void;
  /** A record with no IP packet in it. */
  skipped(index: number, ts: number, reason: "not-ip" | "link-error", detail: string): void;
  /** Events caused by no packet (the final expiry at the end of the capture). */
  events(events: readonly EngineEvent[]): void;
  /** Once, at the end (also after damage, with `summary.capture.stopped` set). */
  end(summary: Summary, tables: Tables | null): void;
}
