import { formatConnection, formatExpectation, type EngineEvent } from "@alg-sdk/core";
import type { PacketOutcome } from "../replay/outcome.js";
import type { ReplaySink, RunInfo, Tables } from "../replay/sink.js";
import type { Summary } from "../replay/summary.js";
import { packetHeader, PacketLineWriter } from "./human-packet.js";
import { writeFirewall, writeNat, writeTables, writeTotals } from "./human-totals.js";
import { endpoint, protocolText, timeOfDay } from "./text.js";
import type { BufferedWriter } from "./writer.js";

const STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"];

/**
 * `watch`'s human format: events as `conntrack -E` prints them, each with
 * the packet's time (`06:33:33.931746 [NEW] tcp 6 120 SYN_SENT src=…`),
 * expectations as `conntrack -E expect` does, the packets the firewall
 * drops with `--rules`, and every packet with `--packets`.
 */
export class HumanWatchSink implements ReplaySink {
  // Packet lines and [DROP] lines name the packet as it arrived.
  readonly showsTuples = true;
  private first: { sec: number; nanos: number } | null = null;
  private lines: PacketLineWriter | null = null;
  private rulesFile: string | null = null;

  constructor(
    private readonly out: BufferedWriter,
    private readonly options: { readonly packets: boolean; readonly tableLimit: number },
  ) {}

  begin(info: RunInfo): void {
    const firewall = info.rules?.filtering === true;
    this.rulesFile = info.rules?.file ?? null;
    this.lines = new PacketLineWriter(this.out, firewall);
    this.out.write(`alg-sdk watch: reading ${info.capture}; helpers ${info.helpers.join(", ") || "none"}` +
      `${info.rules ? `; rules ${info.rules.file}` : ""}; stop with Ctrl-C\n`);
    if (this.options.packets) this.out.write(`${packetHeader(firewall)}\n`);
  }

  packet(p: PacketOutcome, events: readonly EngineEvent[]): void {
    this.first ??= { sec: p.tsSec, nanos: p.tsNanos };
    if (this.options.packets) this.lines!.write(p, this.first.sec, this.first.nanos, events);
    this.events(events);
    if (p.fw === "drop" && !this.options.packets) {
      p.tuple();
      this.out.write(
        `${timeOfDay(p.ts)} [DROP] packet ${p.index} ${protocolText(p.family, p.protocol)} ` +
          `${endpoint(p.family, p.src, p.portsKnown ? p.protocol : -1, p.sport)} -> ${endpoint(p.family, p.dst, p.portsKnown ? p.protocol : -1, p.dport)} ${STATES[p.state]} ` +
          `(${p.rule === -1 ? "policy" : p.rule === -2 ? "conntrack" : `line ${p.ruleLine}`})\n`,
      );
    }
  }

  skipped(): void {}

  events(events: readonly EngineEvent[]): void {
    for (const e of events) {
      const line = watchLine(e);
      if (line !== null) this.out.write(`${timeOfDay(e.ts)} ${line}\n`);
    }
  }

  end(summary: Summary, tables: Tables | null): void {
    if (tables !== null) writeTables(this.out, tables, this.options.tableLimit);
    writeTotals(this.out, summary);
    if (summary.firewall) writeFirewall(this.out, summary.firewall);
    if (this.rulesFile !== null && summary.nat.rules.length > 0) writeNat(this.out, this.rulesFile, summary.nat);
  }
}

function watchLine(e: EngineEvent): string | null {
  switch (e.type) {
    case "conn-new":
      return `[NEW] ${formatConnection(e.connection)}`;
    case "conn-update":
      return `[UPDATE] ${formatConnection(e.connection)}`;
    case "conn-destroy":
      return `[DESTROY] ${formatConnection(e.connection)} (${e.reason})`;
    case "expect-new":
      return `[NEW] expect ${formatExpectation(e.expectation)}`;
    case "expect-destroy":
      return `[DESTROY] expect ${formatExpectation(e.expectation)} (${e.reason})`;
    case "helper-error":
      return `[ERROR] helper ${e.helper} on connection ${e.connectionId}: ${String(e.error)}`;
    case "helper-log":
      return `[LOG] helper ${e.helper}${e.connectionId !== 0 ? ` on connection ${e.connectionId}` : ""} ${e.level}: ${e.message}`;
    case "payload-rewrite":
      return `[REWRITE] helper ${e.helper} on connection ${e.connectionId} ${e.direction === 0 ? "original" : "reply"}: ${JSON.stringify(e.before)} -> ${JSON.stringify(e.after)}`;
  }
}
