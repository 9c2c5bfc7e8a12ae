import type { EngineEvent } from "@alg-sdk/core";
import type { Ruleset } from "@alg-sdk/rules";
import type { PacketOutcome } from "../replay/outcome.js";
import type { ReplaySink, RunInfo, Tables } from "../replay/sink.js";
import type { Summary } from "../replay/summary.js";
import { eventLine, packetHeader, PacketLineWriter, translationLine } from "./human-packet.js";
import { writeFirewall, writeNat, writeTables, writeTotals } from "./human-totals.js";
import { sinceStart } from "./text.js";
import type { BufferedWriter } from "./writer.js";

/**
 * The default format of `replay`: a header, one aligned line per packet
 * with what it caused under it (expectations, its connection's NAT, payload
 * rewrites), then the tables, the totals and, with `--rules`, what the
 * firewall and the NAT rules did.
 */
export class HumanReplaySink implements ReplaySink {
  readonly showsTuples: boolean;
  private first: number | null = null;
  private firstSec = 0;
  private firstNanos = 0;
  private lines: PacketLineWriter | null = null;
  private rulesFile: string | null = null;

  constructor(
    private readonly out: BufferedWriter,
    private readonly options: { readonly packets: boolean; readonly tableLimit: number },
  ) {
    this.showsTuples = options.packets;
  }

  begin(info: RunInfo): void {
    const firewall = info.rules?.filtering === true;
    this.lines = new PacketLineWriter(this.out, firewall);
    const out = this.out;
    out.write(`alg-sdk ${info.command} ${info.capture}\n`);
    out.write(`  helpers  ${info.helpers.length === 0 ? "none" : info.helpers.join(", ")}\n`);
    if (info.rules) {
      this.rulesFile = info.rules.file;
      out.write(`  rules    ${info.rules.file}: ${rulesText(info.rules.ruleset)}\n`);
    }
    if (this.options.packets) out.write(`\n${packetHeader(firewall)}\n`);
  }

  packet(p: PacketOutcome, events: readonly EngineEvent[]): void {
    if (this.first === null) this.start(p.ts, p.tsSec, p.tsNanos);
    if (!this.options.packets) return;
    if (events.length === 0 && !p.translated) {
      this.lines!.write(p, this.firstSec, this.firstNanos, events);
      return;
    }
    // Expiries happened as time moved on, before this packet was tracked.
    for (const e of events) if (e.type === "expect-destroy" && e.reason === "timeout") this.event(e);
    this.lines!.write(p, this.firstSec, this.firstNanos, events);
    if (p.translated && p.newConnection) {
      const c = p.connection();
      if (c !== null) this.out.write(translationLine(c));
    }
    for (const e of events) if (!(e.type === "expect-destroy" && e.reason === "timeout")) this.event(e);
  }

  skipped(index: number, ts: number, reason: "not-ip" | "link-error", detail: string): void {
    if (this.first === null) this.start(ts, Math.floor(ts), Math.round((ts - Math.floor(ts)) * 1e9));
    if (!this.options.packets) return;
    const what = reason === "not-ip" ? `not an IP packet (${detail}), skipped` : `skipped: ${detail}`;
    this.out.write(`${String(index).padStart(7)} ${sinceStart(ts, this.first!).padStart(12)}  ${what}\n`);
  }

  events(events: readonly EngineEvent[]): void {
    if (this.options.packets) for (const e of events) this.event(e);
  }

  end(summary: Summary, tables: Tables | null): void {
    if (tables !== null) writeTables(this.out, tables, this.options.tableLimit);
    writeTotals(this.out, summary);
    if (summary.firewall) writeFirewall(this.out, summary.firewall);
    if (this.rulesFile !== null && summary.nat.rules.length > 0) writeNat(this.out, this.rulesFile, summary.nat);
  }

  private start(ts: number, sec: number, nanos: number): void {
    this.first = ts;
    this.firstSec = sec;
    this.firstNanos = nanos;
  }

  private event(e: EngineEvent): void {
    const line = eventLine(e);
    if (line !== null) this.out.write(line);
  }
}

/** `3 filter rules, 2 NAT rules, policy drop`; `4 NAT rules, no filter`. */
function rulesText(r: Ruleset): string {
  const filters = r.rules.filter((x) => x.kind === "filter").length;
  const nat = r.rules.length - filters;
  const count = (n: number, what: string) => `${n} ${what} ${n === 1 ? "rule" : "rules"}`;
  const parts: string[] = [];
  if (filters > 0) parts.push(count(filters, "filter"));
  if (nat > 0) parts.push(count(nat, "NAT"));
  // Without filter rules or a policy line the rules set no filter at all.
  parts.push(filters > 0 || r.policyPosition !== null ? `policy ${r.policy}` : "no filter");
  return parts.join(", ");
}
