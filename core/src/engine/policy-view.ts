import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";
import type { PolicyPacket } from "../policy/types.js";
import type { PacketResult } from "./result.js";

const NO_WORDS = new Uint32Array(4);

/**
 * The netfilter hook a policy hook stands for; it decides which interfaces
 * the view shows, as nft allows `iif` in prerouting and forward and `oif`
 * in forward and postrouting (`nft_meta_get_validate`).
 */
export const PolicyHook = {
  /** Destination NAT and the routing decision: the datagram is not routed yet, only the input is known. */
  PREROUTING: 0,
  /** The filter: both interfaces. */
  FORWARD: 1,
  /** Source NAT: only the output interface. */
  POSTROUTING: 2,
} as const;

/** The one {@link PolicyPacket} an engine owns, refilled before each hook call. */
export class PolicyView implements PolicyPacket {
  private readonly originalSrc = new Uint32Array(4);
  private readonly originalDst = new Uint32Array(4);

  constructor(
    private readonly result: PacketResult,
    /** The engine's interface cells (`Engine.interfaces`): [0] input, [1] output. */
    private readonly interfaces: Uint32Array,
  ) {}

  /** The hook about to be called ({@link PolicyHook}); the pipeline sets it before each stage. */
  hook: number = PolicyHook.PREROUTING;

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
  inInterface = 0;
  outInterface = 0;

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
    this.fillInterfaces();
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
    this.fillInterfaces();
  }

  /** The interfaces the current hook may see; the other reads 0, as nft refuses to match it there. */
  private fillInterfaces(): void {
    const hook = this.hook;
    this.inInterface = hook === PolicyHook.POSTROUTING ? 0 : this.interfaces[0]!;
    this.outInterface = hook === PolicyHook.PREROUTING ? 0 : this.interfaces[1]!;
  }
}
