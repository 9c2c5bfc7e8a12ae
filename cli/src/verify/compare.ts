import type { EngineEvent } from "@alg-sdk/core";
import { endpoint, protocolText } from "../output/text.js";
import type { PacketOutcome } from "../replay/outcome.js";
import type { ReplaySink, RunInfo, Tables } from "../replay/sink.js";
import type { Summary } from "../replay/summary.js";
import type { Label } from "./labels.js";

/** A verdict in verify's terms: what Linux recorded, or what the engine said. */
export interface Verdict {
  /** NEW … UNTRACKED; ours may also be HELD (a fragment kept for reassembly), SKIPPED (no IP packet) or MISSING (no such packet). */
  readonly label: string;
  readonly dir: "original" | "reply" | null;
  readonly expected: boolean | null;
}

export interface Disagreement {
  readonly index: number;
  readonly linux: Verdict | null;
  readonly ours: Verdict;
  /** `tcp 10.0.1.2:59638 -> 10.0.2.2:21`, when the packet exists. */
  readonly packet: string | null;
}

export interface VerifyResult {
  readonly info: RunInfo | null;
  readonly labels: string;
  /** Per Linux state: labelled packets and how many of them agree. */
  readonly byState: Readonly<Record<string, { labelled: number; agree: number }>>;
  readonly compared: number;
  readonly agree: number;
  /** All disagreements counted; the first {@link KEPT} kept for the report. */
  readonly disagreeing: number;
  readonly disagreements: readonly Disagreement[];
  readonly summary: Summary | null;
}

const STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"];
const DIRS = [null, "original", "reply"] as const;
/** Disagreements kept for the report; the rest are only counted (a wrong replay of a huge capture must not exhaust memory). */
const KEPT = 10_000;

/**
 * Compares each replayed packet with its label: same state, same
 * direction, same EXPECTED status (which Linux only gives tracked packets:
 * INVALID and UNTRACKED have neither direction nor status).
 */
export class VerifySink implements ReplaySink {
  // A disagreement names the packet as it arrived.
  readonly showsTuples = true;
  private info: RunInfo | null = null;
  private readonly byState: Record<string, { labelled: number; agree: number }> = {};
  private readonly seen = new Set<number>();
  private compared = 0;
  private agree = 0;
  private disagreeing = 0;
  private readonly kept: Disagreement[] = [];
  private summary: Summary | null = null;

  constructor(
    private readonly labels: ReadonlyMap<number, Label>,
    private readonly labelsName: string,
  ) {
    for (const s of STATES) this.byState[s] = { labelled: 0, agree: 0 };
  }

  begin(info: RunInfo): void {
    this.info = info;
  }

  packet(p: PacketOutcome, _events: readonly EngineEvent[]): void {
    const tracked = p.state < 3;
    const ours: Verdict =
      p.verdict === 2
        ? { label: "HELD", dir: null, expected: null }
        : { label: STATES[p.state]!, dir: DIRS[p.direction + 1]!, expected: tracked ? p.expected : null };
    this.compare(p.index, ours, () => {
      p.tuple();
      return `${protocolText(p.family, p.protocol)} ${endpoint(p.family, p.src, p.portsKnown ? p.protocol : -1, p.sport)} -> ${endpoint(p.family, p.dst, p.portsKnown ? p.protocol : -1, p.dport)}`;
    });
  }

  skipped(index: number, _ts: number, _reason: string, detail: string): void {
    this.compare(index, { label: "SKIPPED", dir: null, expected: null }, () => detail);
  }

  events(): void {}

  end(summary: Summary, _tables: Tables | null): void {
    this.summary = summary;
    // Labels of packets the capture does not have.
    for (const index of [...this.labels.keys()].sort((a, b) => a - b)) {
      if (!this.seen.has(index)) this.compare(index, { label: "MISSING", dir: null, expected: null }, () => null);
    }
  }

  result(): VerifyResult {
    return {
      info: this.info,
      labels: this.labelsName,
      byState: this.byState,
      compared: this.compared,
      agree: this.agree,
      disagreeing: this.disagreeing,
      disagreements: this.kept,
      summary: this.summary,
    };
  }

  private compare(index: number, ours: Verdict, describe: () => string | null): void {
    this.seen.add(index);
    this.compared++;
    const linux = this.labels.get(index) ?? null;
    if (linux !== null) this.byState[linux.label]!.labelled++;
    const same = linux !== null && linux.label === ours.label && linux.dir === ours.dir && linux.expected === ours.expected;
    if (same) {
      this.agree++;
      this.byState[linux.label]!.agree++;
      return;
    }
    this.disagreeing++;
    if (this.kept.length < KEPT) {
      this.kept.push({ index, linux: linux === null ? null : { label: linux.label, dir: linux.dir, expected: linux.expected }, ours, packet: describe() });
    }
  }
}
