import { ReasonCode, StatusBit, StatusMask } from "../constants.js";
import type { Expectation } from "../expect/expectation.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { NatDecision, PacketPolicy } from "../policy/types.js";
import type { TrackerRegistry } from "../proto/registry.js";
import type { ConnTable } from "../table/conn-table.js";
import { Layout } from "../table/layout.js";
import { portRewriteKind } from "../proto/ports.js";
import { addDeltas, halfDelta, wordDelta } from "./checksum.js";
import { BySource } from "./by-source.js";
import { Side, manipDatagram, manipIpv4Ports } from "./manip.js";
import { NatTuple } from "./nat-tuple.js";
import { NatRandom } from "./random.js";
import { NatRange } from "./range.js";
import type { PolicyView } from "../engine/policy-view.js";
import { TupleChooser } from "./unique-tuple.js";

/** The NAT status bit a manipulation of `side` sets ("done" is decided; the plain bit means "changed"). */
const CHANGED = [StatusBit.SRC_NAT, StatusBit.DST_NAT] as const;
const DONE = [StatusBit.SRC_NAT_DONE, StatusBit.DST_NAT_DONE] as const;

/**
 * Network address translation with Linux's semantics (nf_nat_core.c,
 * nf_nat_proto.c, nf_nat_helper.c): a binding decided once per connection
 * and side, stored as the connection's reply tuple; every packet of either
 * direction rewritten from it; ICMP errors about a translated connection
 * translated inside and out; expected connections following their master.
 */
export class Nat {
  private readonly bySource: BySource;
  private readonly chooser: TupleChooser;
  private readonly curr = new NatTuple();
  private readonly next = new NatTuple();
  private readonly mirror = new NatTuple();
  private readonly range = new NatRange();
  private readonly keys = new Uint16Array(2);
  /** The address a packet manipulation writes. */
  private readonly address = new Uint32Array(4);
  private readonly random: NatRandom;
  /**
   * Protocol number to the `PortChecksum` kind of its tracker's rewrite
   * (-1: none), as of the last binding decided for the protocol: what the
   * precomputed deltas of its connections are applied with.
   */
  private readonly portKinds = new Int8Array(256).fill(-1);

  constructor(
    private readonly table: ConnTable,
    private readonly trackers: TrackerRegistry,
    private readonly policy: PacketPolicy,
    private readonly view: PolicyView,
    seed: number,
  ) {
    this.bySource = new BySource(seed ^ 0x68e31da4);
    this.random = new NatRandom(seed);
    this.chooser = new TupleChooser(table, trackers, this.bySource, this.random);
  }

  /**
   * Decides the binding of side `side` of new connection `s` (unless its
   * master decided it): the policy's target, else a null binding that keeps
   * the address (and the key, when unique). Returns false when no unique
   * tuple exists or the policy answered `"drop"` (the packet is dropped).
   */
  decide(s: number, side: Side): boolean {
    const t = this.table;
    if ((t.status(s) & DONE[side]) !== 0) return true;
    this.view.fillOriginal(t, s, this.trackers.get(t.protocol(s)).hasPorts);
    let target: NatDecision | undefined;
    try {
      target = side === Side.DESTINATION ? this.policy.destinationNat?.(this.view) : this.policy.sourceNat?.(this.view);
    } catch {
      // Fails closed, as a filter that throws does: untranslated, the packet would leak what NAT hides.
      target = "drop";
    }
    if (target === "drop") return false;
    const family = t.family(s);
    if (target !== null && target !== undefined && target.family === family) this.range.fromTarget(target);
    else {
      // nf_nat_alloc_null_binding: the address the other side already sees.
      const at = side === Side.SOURCE ? t.dstAt(s, 1) : t.srcAt(s, 1);
      this.range.single(t.u32.subarray(at, at + 4));
    }
    return this.setup(s, this.range, side);
  }

  /**
   * `nf_nat_setup_info`: the unique tuple for the range; when it differs,
   * the connection's reply tuple becomes its inverse.
   */
  setup(s: number, range: NatRange, side: Side): boolean {
    const t = this.table;
    const curr = this.invertedReply(s, this.curr);
    if (curr === null) return false;
    if (!this.chooser.choose(this.next, curr, range, side, s)) return false;
    if (!this.next.equals(curr)) this.setReply(s, this.next, side);
    t.addStatus(s, DONE[side]);
    if (side === Side.SOURCE) this.bySource.add(t, s);
    this.precompute(s);
    return true;
  }

  /**
   * What every packet of IPv4 connection `s` with a ported protocol needs
   * to be rewritten, computed once its bindings are decided: per binding
   * that changed a side, the checksum deltas of the original direction's
   * rewrite of that side (from the original tuple to the inverse of the
   * reply tuple). The reply direction's rewrite is the opposite change, so
   * its deltas are the one's-complement negations. Other connections keep 0
   * there and take the general rewrite.
   */
  private precompute(s: number): void {
    const t = this.table;
    const proto = t.protocol(s);
    const kind = portRewriteKind(this.trackers.get(proto).natRewrite);
    this.portKinds[proto] = kind;
    const status = t.status(s);
    const h = (t.extAt(s) + Layout.X_NAT_DELTA) << 1;
    for (let side = 0; side < 2; side++) {
      let ip = 0;
      let l4 = 0;
      if (kind >= 0 && t.family(s) === 4 && (status & CHANGED[side]) !== 0) {
        const oldAddr = t.u32[side === Side.SOURCE ? t.srcAt(s, 0) : t.dstAt(s, 0)]! | 0;
        const newAddr = t.u32[side === Side.SOURCE ? t.dstAt(s, 1) : t.srcAt(s, 1)]! | 0;
        // Ported keys: the inverse of the reply tuple has its ports swapped.
        const newPort = t.port(s, side === Side.SOURCE ? 3 : 2);
        // A delta of 0 is stored as 0xffff (the same modulo 0xffff): 0 means "none".
        ip = wordDelta(oldAddr, newAddr) || 0xffff;
        l4 = addDeltas(ip, halfDelta(t.port(s, side), newPort)) || 0xffff;
      }
      t.u16[h + side * 2] = ip;
      t.u16[h + side * 2 + 1] = l4;
    }
  }

  /**
   * `nf_nat_follow_master`: a connection that matched an expectation of a
   * translated master comes from where the master sends to, and goes to
   * where the announcement really pointed (the master's other side, at the
   * port announced before translation).
   */
  followMaster(s: number, e: Expectation): boolean {
    const t = this.table;
    const m = e.master;
    if (e.natPort < 0 || !t.holds(m, e.masterId)) return true;
    const d = e.natDir ^ 1;
    const dstAt = t.dstAt(m, d);
    if (!this.setup(s, this.range.single(t.u32.subarray(dstAt, dstAt + 4)), Side.SOURCE)) return false;
    const srcAt = t.srcAt(m, d);
    return this.setup(s, this.range.exact(t.u32.subarray(srcAt, srcAt + 4), e.natPort), Side.DESTINATION);
  }

  /**
   * The sides (bit `1 << side`) the bindings of connection `s` rewrite in
   * packets of direction `dir`: the original direction's are the sides the
   * bindings changed, the reply direction's the other ones. The NAT hook of
   * any other side has nothing to do for a packet of a known connection.
   */
  rewrittenSides(s: number, dir: number): number {
    const status = this.table.status(s);
    const bySource = (status & StatusBit.SRC_NAT) !== 0 ? 1 : 0;
    const byDestination = (status & StatusBit.DST_NAT) !== 0 ? 1 : 0;
    return dir === 0 ? (bySource << Side.SOURCE) | (byDestination << Side.DESTINATION) : (byDestination << Side.SOURCE) | (bySource << Side.DESTINATION);
  }

  /**
   * `nf_nat_packet`: rewrites side `side` of packet `p` (direction `dir` of
   * connection `s`) when the binding changed that side for this direction.
   * Returns 1 when the packet changed, 0 when not, -1 when it must be dropped.
   */
  manip(p: ParsedPacket, s: number, dir: number, side: Side): number {
    const t = this.table;
    let bit = CHANGED[side];
    if (dir === 1) bit ^= StatusMask.NAT;
    if ((t.status(s) & bit) === 0) return 0;
    // The binding this rewrite applies or undoes: the side the original direction rewrites.
    const h = (t.extAt(s) + Layout.X_NAT_DELTA + (side ^ dir)) << 1;
    let ipDelta = t.u16[h]!;
    const kind = this.portKinds[t.protocol(s)]!;
    if (ipDelta === 0 || kind < 0) return this.manipGeneral(p, s, dir, side);
    let l4Delta = t.u16[h + 1]!;
    // The reply direction's rewrite is the opposite change: the negated deltas.
    if (dir !== 0) {
      ipDelta = 0xffff - ipDelta;
      l4Delta = 0xffff - l4Delta;
    }
    // The packet must look like the inverse of the other direction's tuple:
    // its source is that tuple's destination, and the other way round (ported keys: swapped).
    const other = dir ^ 1;
    const source = side === Side.SOURCE;
    const addr = t.u32[source ? t.dstAt(s, other) : t.srcAt(s, other)]! | 0;
    const port = t.port(s, source ? other * 2 + 1 : other * 2);
    if (!manipIpv4Ports(p.bytes, p.l3Offset, p.l3End, side, addr, port, kind, ipDelta, l4Delta)) return -1;
    // The pipeline after this stage (filter, helpers) sees the packet as it now is.
    if (source) {
      p.src[0] = addr;
      p.sport = port;
    } else {
      p.dst[0] = addr;
      p.dport = port;
    }
    return 1;
  }

  /** {@link manip} for a connection without precomputed deltas: everything derived from the tuples and the packet. */
  private manipGeneral(p: ParsedPacket, s: number, dir: number, side: Side): number {
    const t = this.table;
    const other = dir ^ 1;
    // Only the address this side needs is copied (this runs per packet).
    const tracker = this.trackers.get(t.protocol(s));
    if (tracker.invertKeys(t.port(s, other * 2), t.port(s, other * 2 + 1), this.keys) !== ReasonCode.NONE) return -1;
    const at = side === Side.SOURCE ? t.dstAt(s, other) : t.srcAt(s, other);
    const addr = this.address;
    const u32 = t.u32;
    for (let w = 0; w < 4; w++) addr[w] = u32[at + w]!;
    const sport = this.keys[0]!;
    const dport = this.keys[1]!;
    if (!manipDatagram(p.bytes, p.l3Offset, p.l3End, side, addr, sport, dport, this.trackers)) return -1;
    // The pipeline after this stage (filter, helpers) sees the packet as it now is.
    if (side === Side.SOURCE) {
      for (let w = 0; w < 4; w++) p.src[w] = addr[w]!;
      p.sport = sport;
    } else {
      for (let w = 0; w < 4; w++) p.dst[w] = addr[w]!;
      if (tracker.hasPorts) p.dport = dport;
      else p.sport = sport;
    }
    return 1;
  }

  /**
   * `nf_nat_icmp_reply_translation`: an error RELATED to connection `s` in
   * direction `dir`. Its checksum must verify; when the binding changed the
   * side this hook manipulates, the quoted datagram gets the opposite
   * manipulation (its addresses and keys, its IP and transport checksums),
   * the message's checksum is recomputed, and the outer header is rewritten.
   * Returns 1 when it changed, 0 when not, -1 to drop it.
   */
  translateError(p: ParsedPacket, s: number, dir: number, side: Side): number {
    const t = this.table;
    const tracker = this.trackers.get(p.protocol);
    const layout = tracker.natError;
    if (layout === undefined) return 0;
    const b = p.bytes;
    const end = p.l3End;
    const inner = layout.quoteAt(p);
    if (inner > end || !tracker.checksumOk(p)) return -1;
    if (layout.isRedirect(p)) {
      const status = t.status(s);
      if ((status & (StatusBit.SRC_NAT_DONE | StatusBit.DST_NAT_DONE)) !== (StatusBit.SRC_NAT_DONE | StatusBit.DST_NAT_DONE)) return -1;
      if ((status & StatusMask.NAT) !== 0) return -1;
    }
    let bit = CHANGED[side];
    if (dir === 1) bit ^= StatusMask.NAT;
    if ((t.status(s) & bit) === 0) return 0;
    // Inside: the quoted packet travelled the other way; it gets the opposite manipulation, to the tuple itself.
    const m = this.mirror.fromSlot(t, s, dir ^ 1);
    const innerSide = side === Side.SOURCE ? Side.DESTINATION : Side.SOURCE;
    if (!manipDatagram(b, inner, end, innerSide, innerSide === Side.SOURCE ? m.src : m.dst, m.sport, m.dport, this.trackers)) return -1;
    layout.fixChecksum(p);
    // Outside: like the reply to an incoming packet.
    if (this.trackers.get(m.proto).invertKeys(m.sport, m.dport, this.keys) !== ReasonCode.NONE) return -1;
    const addr = side === Side.SOURCE ? m.dst : m.src;
    if (!manipDatagram(b, p.l3Offset, end, side, addr, this.keys[0]!, this.keys[1]!, this.trackers)) return -1;
    if (side === Side.SOURCE) p.src.set(addr);
    else p.dst.set(addr);
    return 1;
  }

  /** A random port in [low, high] (`get_random_u32_between`, seeded). */
  randomBetween(low: number, high: number): number {
    return this.random.between(low, high);
  }

  /**
   * The master direction (Linux's `exp->dir`) whose sender opens the
   * connection expected at `dst`: the one whose tuple's destination is
   * `dst` (where that side sees the announcer), preferring the direction
   * opposite to the announcing packet's; -1 when neither is.
   */
  expectationDirection(s: number, dst: Uint32Array, packetDir: number): number {
    const t = this.table;
    for (const d of [packetDir ^ 1, packetDir]) {
      const at = t.dstAt(s, d);
      if (t.u32[at] === dst[0] && t.u32[at + 1] === dst[1] && t.u32[at + 2] === dst[2] && t.u32[at + 3] === dst[3]) return d;
    }
    return -1;
  }

  /** Connection `s` is going: its source mapping is free again. */
  forget(s: number): void {
    if ((this.table.status(s) & StatusBit.SRC_NAT_DONE) !== 0) this.bySource.remove(this.table, s);
  }

  /** The original tuple as it looks after the bindings so far (the inverse of the reply tuple), or null. */
  private invertedReply(s: number, out: NatTuple): NatTuple | null {
    const r = this.mirror.fromSlot(this.table, s, 1);
    if (this.trackers.get(r.proto).invertKeys(r.sport, r.dport, this.keys) !== ReasonCode.NONE) return null;
    out.copy(r);
    out.src.set(r.dst);
    out.dst.set(r.src);
    out.sport = this.keys[0]!;
    out.dport = this.keys[1]!;
    return out;
  }

  /** `nf_conntrack_alter_reply`: the reply tuple becomes the inverse of `next`; the side's NAT bit is set. */
  private setReply(s: number, next: NatTuple, side: Side): void {
    const t = this.table;
    const x = t.extAt(s);
    if ((t.status(s) & StatusMask.NAT) === 0) {
      // The reply addresses move from the record (the original's, swapped) to the extension.
      const sa = t.srcAt(s, 1);
      const da = t.dstAt(s, 1);
      t.u32.copyWithin(x + Layout.X_REPLY_SRC, sa, sa + 4);
      t.u32.copyWithin(x + Layout.X_REPLY_DST, da, da + 4);
    }
    t.addStatus(s, CHANGED[side]);
    t.u32.set(next.dst, x + Layout.X_REPLY_SRC);
    t.u32.set(next.src, x + Layout.X_REPLY_DST);
    this.trackers.get(next.proto).invertKeys(next.sport, next.dport, this.keys);
    t.setPort(s, 2, this.keys[0]!);
    t.setPort(s, 3, this.keys[1]!);
  }
}
