import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { PolicyPacket } from "../policy/types.js";
import type { PacketResult } from "./result.js";

const NO_WORDS = new Uint32Array(4);

/** The one {@link PolicyPacket} an engine owns, refilled before each hook call. */
export class PolicyView implements PolicyPacket {
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
}
