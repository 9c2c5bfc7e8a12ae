import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";
import type { PolicyPacket } from "../policy/types.js";
import type { PacketResult } from "./result.js";

const NO_WORDS = new Uint32Array(4);

/** The one {@link PolicyPacket} an engine owns, refilled before each hook call. */
export class PolicyView implements PolicyPacket {
  private readonly originalSrc = new Uint32Array(4);
  private readonly originalDst = new Uint32Array(4);

  constructor(private readonly result: PacketResult) {}

  state = 0;
  direction = -1;
  expected = false;
  helper: string | null = null;
  family = 0;
  protocol = 0;
  zone = 0;
  mark = 0;
  src: Uint32Array = NO_WORDS;
  dst: Uint32Array = NO_WORDS;
  sport = 0;
  dport = 0;
  portsKnown = false;

  /** The packet as it is now (the filter's view). */
  fill(r: PacketResult, p: ParsedPacket, zone: number, mark: number): void {
    this.state = r.state;
    this.direction = r.direction;
    this.expected = r.expected;
    this.helper = r.helper;
    this.family = p.family;
    this.protocol = p.protocol;
    this.zone = zone;
    this.mark = mark;
    this.src = p.src;
    this.dst = p.dst;
    this.sport = p.sport;
    this.dport = p.dport;
    this.portsKnown = p.hasPorts;
  }

  /** Connection `s`'s original tuple, its first packet as it arrived (the NAT hooks' view), with this packet's state. */
  fillOriginal(t: ConnTable, s: number, hasPorts: boolean): void {
    const r = this.result;
    this.state = r.state;
    this.direction = r.direction;
    this.expected = r.expected;
    this.helper = r.helper;
    this.family = t.family(s);
    this.protocol = t.protocol(s);
    this.zone = t.zone(s);
    this.mark = t.mark(s);
    const sa = t.srcAt(s, 0);
    const da = t.dstAt(s, 0);
    for (let w = 0; w < 4; w++) {
      this.originalSrc[w] = t.u32[sa + w]!;
      this.originalDst[w] = t.u32[da + w]!;
    }
    this.src = this.originalSrc;
    this.dst = this.originalDst;
    this.sport = t.port(s, 0);
    this.dport = t.port(s, 1);
    this.portsKnown = hasPorts;
  }
}
