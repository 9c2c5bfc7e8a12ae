import { decodePacket, IpProto, parseAddress, ParsedPacket, type ConnectionInfo, type Engine } from "@alg-sdk/core";

/**
 * Everything the CLI reports about one packet. One instance is reused for
 * every packet (like the engine's `PacketResult`): formatters read it during
 * the call and keep nothing.
 *
 * The tuple is decoded on demand: jsonl output needs none, so replaying to
 * jsonl never pays for a second decode of the packet. NAT may rewrite the
 * packet in place, so a report that shows the tuple as the packet arrived
 * decodes it before the engine sees it (see the replayer).
 */
export class PacketOutcome {
  /** 0-based record number in the capture. */
  index = 0;
  /** Seconds since the epoch (float), and exactly as whole seconds + nanoseconds. */
  ts = 0;
  tsSec = 0;
  tsNanos = 0;
  /** PacketState (0 NEW … 4 UNTRACKED). */
  state = 0;
  direction = -1;
  expected = false;
  helper: string | null = null;
  /** The engine's verdict: 0 accept, 1 drop, 2 hold (a fragment kept for reassembly). */
  verdict = 0;
  /** Reason code of an INVALID packet or a drop, 0 otherwise. */
  reason = 0;
  /** Why the packet was dropped (the filter: Reason.FILTERED), 0 when it passed. */
  dropReason = 0;
  connectionId = 0;
  /** Id of the expectation this packet's new connection matched, or 0. */
  expectationId = 0;
  /** Firewall: index of the deciding rule, -1 for the policy, -2 for a drop by conntrack or without filter rules. */
  rule = -2;
  /** Firewall verdict, or null without filter rules (or for a held fragment). */
  fw: "accept" | "drop" | null = null;
  /** Line in the rules file of the deciding rule or policy (null: implicit policy, or no firewall). */
  ruleLine: number | null = null;
  /**
   * The datagram as it leaves: `outBytes[outOffset, outOffset + outLength)`,
   * null when dropped or held. Valid during the sink call only (the engine
   * may reuse the buffer for the next packet).
   */
  outBytes: Uint8Array | null = null;
  outOffset = 0;
  outLength = 0;
  /** NAT changed the packet's addresses, ports or ICMP identifier. */
  translated = false;
  /** Payload rewrites a helper made in the packet (NAT). */
  rewrites = 0;
  /** The packet created its connection (its first packet, the one NAT decides on). */
  newConnection = false;

  // The tuple, valid after `tuple()`.
  family = 0;
  protocol = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  sport = 0;
  dport = 0;
  /** False for a fragment whose transport header is not at hand (no ports to show or match). */
  portsKnown = true;
  icmpType = -1;
  icmpCode = -1;

  private bytes: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private length = 0;
  private slot = -1;
  private decoded = false;
  /** A fragment completed a datagram: its ports come from the connection, once the engine has placed it. */
  private portsFromConnection = false;
  private readonly parsed = new ParsedPacket();

  constructor(private readonly engine: Engine) {}

  /** @internal Points the outcome at a new packet, before the engine sees it. */
  reset(bytes: Uint8Array, offset: number, length: number): void {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.slot = -1;
    this.decoded = false;
    this.portsFromConnection = false;
    this.rule = -2;
    this.fw = null;
    this.ruleLine = null;
  }

  /** @internal The engine's connection slot for the packet (-1: none). */
  placed(slot: number): void {
    this.slot = slot;
  }

  /**
   * Decodes the packet's addresses, protocol and ports (once per packet).
   * `family` stays 0 when the IP header itself is unreadable.
   */
  tuple(): this {
    if (!this.decoded) {
      this.decoded = true;
      this.portsFromConnection = !this.ipv4Fast() && this.decode();
    }
    if (this.portsFromConnection && this.slot >= 0) {
      this.portsFromConnection = false;
      this.fromConnection();
    }
    return this;
  }

  /** A snapshot of the packet's connection (slow path: one object per call), or null. */
  connection(): ConnectionInfo | null {
    return this.slot < 0 ? null : this.engine.connection(this.slot);
  }

  /** The full decode; true when the packet is a fragment whose ports must come from its connection. */
  private decode(): boolean {
    const p = this.parsed;
    decodePacket(this.bytes, this.offset, this.length, p);
    // The addresses are only written once the IP header checked out.
    const readable = p.family !== 0 && p.l3End > p.l3Offset;
    this.family = readable ? p.family : 0;
    this.protocol = readable ? p.protocol : 0;
    this.src.set(p.src);
    this.dst.set(p.dst);
    this.sport = p.sport;
    this.dport = p.dport;
    this.portsKnown = !p.fragment;
    const icmp = p.protocol === IpProto.ICMP || p.protocol === IpProto.ICMPV6;
    this.icmpType = icmp ? p.icmpType : -1;
    this.icmpCode = icmp ? p.icmpCode : -1;
    return readable && p.fragment;
  }

  /**
   * The common case read straight from the header: an unfragmented IPv4
   * TCP or UDP packet with a complete header. Printing a line per packet
   * must not cost a second full decode; anything else takes the decoder.
   */
  private ipv4Fast(): boolean {
    const b = this.bytes;
    const o = this.offset;
    if (this.length < 28 || b[o] !== 0x45) return false;
    const protocol = b[o + 9]!;
    if ((protocol !== 6 && protocol !== 17) || (b[o + 6]! & 0x3f) !== 0 || b[o + 7] !== 0) return false;
    this.family = 4;
    this.protocol = protocol;
    this.src[0] = ((b[o + 12]! << 24) | (b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!) >>> 0;
    this.dst[0] = ((b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!) >>> 0;
    this.src[1] = this.src[2] = this.src[3] = 0;
    this.dst[1] = this.dst[2] = this.dst[3] = 0;
    this.sport = (b[o + 20]! << 8) | b[o + 21]!;
    this.dport = (b[o + 22]! << 8) | b[o + 23]!;
    this.portsKnown = true;
    this.icmpType = -1;
    this.icmpCode = -1;
    return true;
  }

  /**
   * A fragment that completed a datagram: its own bytes lack the transport
   * header, so the ports come from the connection it was tracked in.
   */
  private fromConnection(): void {
    const c = this.engine.connection(this.slot);
    if (c === null) return;
    const t = this.direction === 1 ? c.reply : c.original;
    const src = parseAddress(t.src);
    const dst = parseAddress(t.dst);
    if (src) this.src.set(src.words);
    if (dst) this.dst.set(dst.words);
    this.protocol = t.protocol;
    this.sport = t.srcPort;
    this.dport = t.dstPort;
    this.portsKnown = true;
    if (t.icmp) {
      this.icmpType = t.icmp.type;
      this.icmpCode = t.icmp.code;
    }
  }
}
