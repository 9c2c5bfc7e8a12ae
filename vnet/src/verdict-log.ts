import { formatAddress, PACKET_STATE_NAMES, protocolName, reasonName, VERDICT_NAMES } from "@alg-sdk/core";

/** Why the gateway itself (not the engine) dropped a datagram. */
export const GatewayReason = {
  NO_ROUTE: "no-route",
  TTL_EXCEEDED: "ttl-exceeded",
  TOO_BIG: "too-big",
  LOCAL: "local",
} as const;
export type GatewayReason = (typeof GatewayReason)[keyof typeof GatewayReason];

/** One firewall decision, in printable form. */
export interface VerdictRecord {
  /** Grows by one per record, so a view can ask for what it has not seen. */
  readonly seq: number;
  readonly ts: number;
  /** Interface the datagram came in on, and the one it left by (null when dropped). */
  readonly in: string;
  readonly out: string | null;
  readonly family: 4 | 6;
  readonly protocol: string;
  /** As the datagram arrived (before NAT). */
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  /** The engine's state, or null when the gateway dropped it before the engine. */
  readonly state: string | null;
  readonly verdict: "accept" | "drop";
  /** The engine's reason (`filtered`, `tcp-invalid-state`, …) or the gateway's. */
  readonly reason: string | null;
  readonly connectionId: number;
  readonly translated: boolean;
}

/** A reused slot of the ring: numbers only, formatted when read. */
class Slot {
  seq = 0;
  ts = 0;
  inIf = 0;
  outIf = -1;
  family: 4 | 6 = 4;
  protocol = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  sport = 0;
  dport = 0;
  state = -1;
  verdict = 0;
  engineReason = 0;
  gatewayReason: GatewayReason | null = null;
  connectionId = 0;
  translated = false;
}

/** What the gateway writes into the log for one datagram. */
export interface VerdictInput {
  family: 4 | 6;
  protocol: number;
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  sport: number;
  dport: number;
}

/**
 * The recent verdicts worth showing: every drop and every accepted first
 * packet (NEW or RELATED). A fixed ring, so memory stays bounded whatever
 * the traffic; records are formatted only when someone reads them.
 */
export class VerdictLog {
  private readonly slots: Slot[];
  private next = 0;
  private seq = 0;

  constructor(size: number, private readonly names: readonly string[]) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => new Slot());
  }

  get lastSeq(): number {
    return this.seq;
  }

  add(
    ts: number,
    inIf: number,
    outIf: number,
    p: VerdictInput,
    state: number,
    verdict: number,
    engineReason: number,
    gatewayReason: GatewayReason | null,
    connectionId: number,
    translated: boolean,
  ): number {
    const s = this.slots[this.next]!;
    this.next = (this.next + 1) % this.slots.length;
    s.seq = ++this.seq;
    s.ts = ts;
    s.inIf = inIf;
    s.outIf = outIf;
    s.family = p.family;
    s.protocol = p.protocol;
    s.src.set(p.src);
    s.dst.set(p.dst);
    s.sport = p.sport;
    s.dport = p.dport;
    s.state = state;
    s.verdict = verdict;
    s.engineReason = engineReason;
    s.gatewayReason = gatewayReason;
    s.connectionId = connectionId;
    s.translated = translated;
    return s.seq;
  }

  /** Records newer than `afterSeq`, oldest first. */
  since(afterSeq = 0): VerdictRecord[] {
    const out: VerdictRecord[] = [];
    const n = this.slots.length;
    for (let k = 0; k < n; k++) {
      const s = this.slots[(this.next + k) % n]!;
      if (s.seq > afterSeq) out.push(this.format(s));
    }
    return out;
  }

  /** The newest record (after `add`), formatted. */
  latest(): VerdictRecord | null {
    const s = this.slots[(this.next + this.slots.length - 1) % this.slots.length]!;
    return s.seq === 0 ? null : this.format(s);
  }

  private format(s: Slot): VerdictRecord {
    return {
      seq: s.seq,
      ts: s.ts,
      in: this.names[s.inIf] ?? "?",
      out: s.outIf >= 0 ? (this.names[s.outIf] ?? "?") : null,
      family: s.family,
      protocol: protocolName(s.protocol),
      src: formatAddress(s.family, s.src),
      dst: formatAddress(s.family, s.dst),
      sport: s.sport,
      dport: s.dport,
      state: s.state >= 0 ? (PACKET_STATE_NAMES[s.state] ?? null) : null,
      verdict: VERDICT_NAMES[s.verdict] === "drop" ? "drop" : "accept",
      reason: s.gatewayReason ?? reasonName(s.engineReason),
      connectionId: s.connectionId,
      translated: s.translated,
    };
  }
}
