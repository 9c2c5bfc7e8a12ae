import { DEFAULT_FRAGMENT_OPTIONS, type FragmentOptions } from "../config.js";
import { IpProto, ReasonCode } from "../constants.js";
import { defaultTrackers, type TrackerRegistry } from "../proto/registry.js";
import { hashTuple } from "../table/hash.js";
import { Ipv6Walk, walkIpv6Headers, WalkResult } from "./ipv6-headers.js";
import type { ParsedPacket } from "./parsed-packet.js";

export enum DefragResult {
  /** {@link Defragmenter.push}: the fragment is kept (or was a duplicate); the datagram is not complete yet. */
  DEFRAG_HELD = 0,
  /** {@link Defragmenter.push}: the datagram is complete and in {@link Defragmenter.datagram}. */
  DEFRAG_DONE = 1,
}

/** Counters of a {@link Defragmenter}, for statistics and tests. */
export interface DefragStats {
  /** Datagrams reassembled (pushes that returned DEFRAG_DONE). */
  reassembled: number;
  /** Queues dropped because their timeout passed. */
  timedOut: number;
  /** Queues dropped to stay within `maxDatagrams` / `maxBytes` (Linux's eviction). */
  evicted: number;
  /** Datagrams discarded because two of their fragments overlapped (FRAGMENT_OVERLAP). */
  overlaps: number;
  /** Fragments rejected as malformed or inconsistent, with or without their datagram (BAD_FRAGMENT). */
  invalid: number;
  /** Exact or contained duplicates, dropped while the datagram is kept (DEFRAG_HELD). */
  duplicates: number;
  /** Fragments refused because the limits cannot hold them (FRAGMENT_LIMIT). */
  limited: number;
}

/**
 * What one held fragment costs beyond its data bytes: its record, its place
 * in a run, its `Uint8Array` and the `ArrayBuffer` behind it with V8's
 * backing-store bookkeeping (measured on Node 20: 260 bytes in a run of
 * adjacent fragments, 360 alone). Counted against `maxBytes` the way Linux
 * counts each fragment's `skb->truesize` (buffer and `struct sk_buff`), not
 * only its data, so tiny fragments cannot hold many times the budget.
 */
export const FRAGMENT_OVERHEAD = 384;
/**
 * What one incomplete datagram costs beyond its fragments: its queue record,
 * address words, index entries and the buffer of its saved header (measured
 * on Node 20: 930 to 1150 bytes). Linux likewise counts each queue's `qsize`.
 */
export const QUEUE_OVERHEAD = 1152;

/** The largest IPv4 datagram, and the largest IPv6 payload without a jumbogram. */
const IP_MAX_LENGTH = 65535;

/** One fragment's data, `offset` and `end` in bytes of the fragmentable part. */
interface Fragment {
  offset: number;
  end: number;
  data: Uint8Array;
}

/**
 * Adjacent fragments that arrived in order, kept together as one node the
 * way Linux's `inet_frag_queue_insert` builds "runs" in its RB-tree. A new
 * fragment contained in a run is a duplicate; any other overlap with a run
 * discards the datagram.
 */
interface Run {
  offset: number;
  end: number;
  frags: Fragment[];
}

/** An incomplete datagram (Linux `struct inet_frag_queue`). */
class FragQueue {
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** Runs sorted by offset, never overlapping; the last one holds the highest fragment. */
  readonly runs: Run[] = [];
  /** Length of the fragmentable part: known exactly once the last fragment came. */
  len = 0;
  /** Bytes of data received. */
  meat = 0;
  firstIn = false;
  lastIn = false;
  /** IPv4: the first fragment's header; IPv6: its unfragmentable part (up to the fragment header). */
  header: Uint8Array | null = null;
  /** IPv6: offset in `header` of the next-header byte naming the fragment header. */
  nextHeaderAt = -1;
  /** IPv6: the next header the first fragment's fragment header names. */
  nextHeader = 0;
  /** Union of `1 << ecn` over the fragments (Linux `ip4_frag_ecn` / `ip6_frag_ecn`). */
  ecn = 0;
  /** IPv4: largest fragment, and largest with DF set (to decide DF of the datagram). */
  maxSize = 0;
  maxDfSize = 0;
  /** Bytes this queue costs: its overhead, each fragment's data and overhead, the saved header. */
  bytes = 0;

  constructor(
    readonly hash: number,
    readonly zone: number,
    readonly family: number,
    readonly proto: number,
    readonly id: number,
    src: Uint32Array,
    dst: Uint32Array,
    readonly created: number,
  ) {
    this.src.set(src);
    this.dst.set(dst);
  }
}

/** Where a fragment goes, or why it does not (`inet_frag_queue_insert`). */
const INSERT_DUP = -1;
const INSERT_OVERLAP = -2;

/**
 * RFC 3168 5.3 as Linux's `ip_frag_ecn_table`: given the union of the
 * fragments' ECN codepoints (bit 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE), the
 * value to OR into the reassembled header, or -1 to drop the datagram.
 */
function ecnOf(bits: number): number {
  if ((bits & 1) !== 0) return bits === 1 ? 0 : -1;
  if ((bits & 8) !== 0) return bits === 8 ? 0 : 3;
  return 0;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function limit(value: number | undefined, fallback: number): number {
  return typeof value === "number" && value >= 0 ? value : fallback;
}

const EMPTY = new Uint8Array(0);
const walk = new Ipv6Walk();

/**
 * IP fragment reassembly with the rules of Linux's `ip_defrag`
 * (net/ipv4/ip_fragment.c) and `nf_ct_frag6_gather`
 * (net/ipv6/netfilter/nf_conntrack_reasm.c) over the common
 * `inet_frag_queue_insert` (net/ipv4/inet_fragment.c):
 *
 * - Queues are keyed by (zone, family, source, destination, identification)
 *   and, for IPv4, the protocol.
 * - A fragment contained in data already held (an exact duplicate, or inside
 *   a run of adjacent fragments that came in order) is dropped and the
 *   datagram kept; any other overlap discards the whole datagram (RFC 5722,
 *   and the same for IPv4 since Linux 4.19).
 * - IPv4: the data of a non-last fragment is cut to a multiple of 8; a last
 *   fragment that disagrees with the known length, data beyond it, an empty
 *   fragment, or a datagram over 65535 bytes discard the datagram.
 * - IPv6: a non-last fragment whose data is not a multiple of 8 discards the
 *   datagram; a fragment reaching past 65535, an empty one, or one that
 *   disagrees with the known length is dropped alone; a first fragment
 *   without the whole upper-layer header is dropped (RFC 8200 4.5).
 * - Mixed Not-ECT and ECT/CE fragments discard the datagram (RFC 3168); CE
 *   in any fragment marks the datagram CE.
 * - A queue lives `timeout` seconds from its first fragment (the timer is not
 *   restarted by later fragments). It is dropped at the next `push` or
 *   `expire` after that ({@link nextDue} says when one is due), as Linux's
 *   `ip_expire` timer frees it whether or not more fragments come.
 *
 * Bounds: at most `maxDatagrams` queues and `maxBytes` bytes held, counted
 * as memory really held (Linux's truesize accounting): each fragment's data
 * plus {@link FRAGMENT_OVERHEAD}, each queue's saved header plus {@link
 * QUEUE_OVERHEAD}. A new fragment that would exceed
 * either evicts the oldest queues first, like the LRU evictor of older
 * kernels (since 4.17 Linux has no evictor: above `ipfrag_high_thresh` it
 * refuses new fragments). A datagram that cannot fit alone is dropped with
 * FRAGMENT_LIMIT.
 *
 * Time comes from the caller (seconds, never read from a clock here); it is
 * taken as non-decreasing: an earlier `now` counts as the latest one seen.
 * Never throws.
 */
export class Defragmenter {
  /** The last reassembled datagram, a fresh array valid until the next `push`. */
  datagram: Uint8Array = EMPTY;
  /**
   * Time at which the oldest queue times out (Infinity when none is held):
   * a typed-array cell the engine compares with the packet time to call
   * {@link expire} when one is due, without a call per packet.
   */
  readonly nextDue = new Float64Array([Infinity]);
  readonly stats: DefragStats = {
    reassembled: 0,
    timedOut: 0,
    evicted: 0,
    overlaps: 0,
    invalid: 0,
    duplicates: 0,
    limited: 0,
  };

  private readonly maxDatagrams: number;
  private readonly maxBytes: number;
  private readonly timeout: number;
  private readonly seed: number;
  private readonly buckets = new Map<number, FragQueue[]>();
  /** Every queue, oldest first (creation order; creation times never decrease). */
  private readonly order = new Set<FragQueue>();
  private bytesHeld = 0;
  private clock = Number.NaN;
  private readonly srcScratch = new Uint32Array(4);
  private readonly dstScratch = new Uint32Array(4);

  /**
   * @param options bounds and timeout (negative or missing values take the defaults)
   * @param seed hash seed for the queue index (pass the engine's `hashSeed`)
   */
  constructor(
    options: FragmentOptions = DEFAULT_FRAGMENT_OPTIONS,
    seed = 0,
    private readonly trackers: TrackerRegistry = defaultTrackers,
  ) {
    const o: Partial<FragmentOptions> = options ?? {};
    this.maxDatagrams = limit(o.maxDatagrams, DEFAULT_FRAGMENT_OPTIONS.maxDatagrams);
    this.maxBytes = limit(o.maxBytes, DEFAULT_FRAGMENT_OPTIONS.maxBytes);
    this.timeout = limit(o.timeout, DEFAULT_FRAGMENT_OPTIONS.timeout);
    this.seed = typeof seed === "number" ? seed | 0 : 0;
  }

  /** Datagrams being reassembled now. */
  get pending(): number {
    return this.order.size;
  }

  /** Bytes held now, as counted against `maxBytes` (data, headers and overheads). */
  get heldBytes(): number {
    return this.bytesHeld;
  }

  /**
   * Takes the fragment `p` (decoded by `decodePacket`, `p.fragment` true) for
   * conntrack zone `zone` (16 bits) at time `now` (seconds). The fragment's
   * fields are read again from `p.bytes` (only the offsets locate it), and
   * its bytes are copied: the caller may reuse `p.bytes` afterwards. Queues
   * past their timeout are expired first.
   *
   * Returns {@link DEFRAG_HELD} (kept, or a duplicate of data held), {@link
   * DEFRAG_DONE} (`this.datagram` holds the whole datagram), or a `Reason`:
   * `BAD_FRAGMENT` (malformed or inconsistent; the datagram may be discarded
   * with it), `FRAGMENT_OVERLAP` (the datagram is discarded) or
   * `FRAGMENT_LIMIT` (the limits cannot hold it).
   */
  push(p: ParsedPacket, zone: number, now: number): number {
    this.datagram = EMPTY;
    const t = this.tick(now);
    this.expireAt(t);
    if (p === null || typeof p !== "object" || !(p.bytes instanceof Uint8Array)) return this.invalid(null);
    const b = p.bytes;
    const l3 = p.l3Offset;
    const l3End = p.l3End;
    if (!isIndex(l3) || !isIndex(l3End) || l3End > b.length || l3End <= l3) return this.invalid(null);
    zone &= 0xffff;

    const src = this.srcScratch;
    const dst = this.dstScratch;
    let offset: number;
    let more: boolean;
    let id: number;
    let proto = 0;
    let dataStart: number;
    let headerEnd: number;
    let ecnBit: number;
    let df = false;
    let fh = -1;
    let nhAt = -1;
    if (p.family === 4) {
      if (l3End - l3 < 20 || b[l3]! >> 4 !== 4) return this.invalid(null);
      const ihl = (b[l3]! & 0x0f) << 2;
      if (ihl < 20 || ((b[l3 + 2]! << 8) | b[l3 + 3]!) !== l3End - l3 || ihl > l3End - l3) return this.invalid(null);
      const field = (b[l3 + 6]! << 8) | b[l3 + 7]!;
      offset = (field & 0x1fff) << 3;
      more = (field & 0x2000) !== 0;
      df = (field & 0x4000) !== 0;
      id = (b[l3 + 4]! << 8) | b[l3 + 5]!;
      proto = b[l3 + 9]!;
      src.fill(0);
      dst.fill(0);
      src[0] = readU32(b, l3 + 12);
      dst[0] = readU32(b, l3 + 16);
      ecnBit = 1 << (b[l3 + 1]! & 3);
      headerEnd = l3 + ihl;
      dataStart = headerEnd;
    } else if (p.family === 6) {
      if (l3End - l3 < 48 || b[l3]! >> 4 !== 6) return this.invalid(null);
      if (40 + ((b[l3 + 4]! << 8) | b[l3 + 5]!) !== l3End - l3) return this.invalid(null);
      fh = p.fragHeaderOffset;
      nhAt = p.prevNextHeaderOffset;
      if (!isIndex(fh) || fh < l3 + 40 || fh + 8 > l3End) return this.invalid(null);
      if (!isIndex(nhAt) || !(nhAt === l3 + 6 || (nhAt >= l3 + 40 && nhAt < fh)) || b[nhAt] !== IpProto.FRAGMENT) {
        return this.invalid(null);
      }
      const field = (b[fh + 2]! << 8) | b[fh + 3]!;
      offset = field & 0xfff8;
      more = (field & 1) !== 0;
      id = readU32(b, fh + 4);
      for (let w = 0; w < 4; w++) {
        src[w] = readU32(b, l3 + 8 + w * 4);
        dst[w] = readU32(b, l3 + 24 + w * 4);
      }
      ecnBit = 1 << ((b[l3 + 1]! >> 4) & 3);
      headerEnd = fh;
      dataStart = fh + 8;
      // RFC 8200 4.5: the first fragment must hold every header up to the upper-layer one.
      if (offset === 0 && upperLayerTruncated(b, dataStart, l3End, b[fh]!, this.trackers)) return this.invalid(null);
    } else {
      return this.invalid(null);
    }
    // An unfragmented datagram (or an IPv6 atomic fragment) is not ours.
    if (offset === 0 && !more) return this.invalid(null);

    let end = offset + (l3End - dataStart);
    if (p.family === 6 && end > IP_MAX_LENGTH) return this.invalid(null);

    const hash = hashTuple(this.seed, p.family, proto, zone, src, 0, dst, 0, id >>> 16, id & 0xffff);
    let q = this.find(hash, zone, p.family, proto, id, src, dst);
    const created = q === null;
    if (q === null) q = new FragQueue(hash, zone, p.family, proto, id, src, dst, t);

    if (p.family === 4) {
      if (more) end &= ~7;
      // Linux checks the total against 65535 only when reassembling; a fragment
      // reaching past it (with at least a 20-byte header) dooms the datagram, so drop it now.
      if (end + 20 > IP_MAX_LENGTH) return this.invalid(q);
      if (!more) {
        if (end < q.len || (q.lastIn && end !== q.len)) return this.invalid(q);
        q.lastIn = true;
        q.len = end;
      } else {
        if (end > q.len) {
          if (q.lastIn) return this.invalid(q);
          q.len = end;
        }
      }
      if (end === offset) return this.invalid(q);
    } else {
      if (!more) {
        if (end < q.len || (q.lastIn && end !== q.len)) return this.invalid(null);
        q.lastIn = true;
        q.len = end;
      } else {
        if ((end & 7) !== 0) return this.invalid(q);
        if (end > q.len) {
          if (q.lastIn) return this.invalid(null);
          q.len = end;
        }
      }
      if (end === offset) return this.invalid(null);
    }

    const at = findSlot(q.runs, offset, end);
    if (at === INSERT_DUP) {
      this.stats.duplicates++;
      return DefragResult.DEFRAG_HELD;
    }
    if (at === INSERT_OVERLAP) {
      this.stats.overlaps++;
      this.drop(q);
      return ReasonCode.FRAGMENT_OVERLAP;
    }

    // Make room: the fragment's data and overhead, the header it brings if it
    // is the first, and the queue itself if it is new (truesize, as Linux counts).
    const cost = end - offset + FRAGMENT_OVERHEAD + (offset === 0 ? headerEnd - l3 : 0) + (created ? QUEUE_OVERHEAD : 0);
    if (created && this.maxDatagrams < 1) return this.limited(null);
    if (q.bytes + cost > this.maxBytes) return this.limited(q);
    if (created) {
      while (this.order.size >= this.maxDatagrams) this.evictOldest(null);
    }
    while (this.bytesHeld + cost > this.maxBytes) {
      if (!this.evictOldest(q)) return this.limited(q);
    }

    const frag: Fragment = { offset, end, data: b.slice(dataStart, dataStart + (end - offset)) };
    insertAt(q.runs, at, frag);
    if (offset === 0) {
      q.firstIn = true;
      q.header = b.slice(l3, headerEnd);
      if (p.family === 6) {
        q.nextHeaderAt = nhAt - l3;
        q.nextHeader = b[fh]!;
      }
    }
    q.meat += end - offset;
    q.ecn |= ecnBit;
    if (p.family === 4) {
      const size = end - offset + (headerEnd - l3);
      if (size > q.maxSize) q.maxSize = size;
      if (df && size > q.maxDfSize) q.maxDfSize = size;
    }
    q.bytes += cost;
    this.bytesHeld += cost;
    if (created) this.add(q);

    if (q.firstIn && q.lastIn && q.meat === q.len) return this.reassemble(q);
    return DefragResult.DEFRAG_HELD;
  }

  /** Drops the queues whose timeout has passed at `now`; returns how many. */
  expire(now: number): number {
    return this.expireAt(this.tick(now));
  }

  /** Drops every queue (counted nowhere). */
  clear(): void {
    this.buckets.clear();
    this.order.clear();
    this.bytesHeld = 0;
    this.datagram = EMPTY;
    this.nextDue[0] = Infinity;
  }

  private tick(now: number): number {
    if (typeof now === "number" && Number.isFinite(now) && (Number.isNaN(this.clock) || now > this.clock)) this.clock = now;
    return Number.isNaN(this.clock) ? 0 : this.clock;
  }

  private expireAt(t: number): number {
    let n = 0;
    for (const q of this.order) {
      if (q.created + this.timeout > t) break;
      this.drop(q);
      n++;
    }
    this.stats.timedOut += n;
    return n;
  }

  private find(hash: number, zone: number, family: number, proto: number, id: number, src: Uint32Array, dst: Uint32Array): FragQueue | null {
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) return null;
    for (const q of bucket) {
      if (q.zone !== zone || q.family !== family || q.proto !== proto || q.id !== id) continue;
      if (q.src[0] !== src[0] || q.dst[0] !== dst[0]) continue;
      if (q.src[1] !== src[1] || q.src[2] !== src[2] || q.src[3] !== src[3]) continue;
      if (q.dst[1] !== dst[1] || q.dst[2] !== dst[2] || q.dst[3] !== dst[3]) continue;
      return q;
    }
    return null;
  }

  private add(q: FragQueue): void {
    const bucket = this.buckets.get(q.hash);
    if (bucket === undefined) this.buckets.set(q.hash, [q]);
    else bucket.push(q);
    this.order.add(q);
    if (this.order.size === 1) this.nextDue[0] = q.created + this.timeout;
  }

  /** Removes `q` and releases its bytes (a queue not yet added is left alone). */
  private drop(q: FragQueue): void {
    if (!this.order.delete(q)) return;
    const bucket = this.buckets.get(q.hash);
    if (bucket !== undefined) {
      const i = bucket.indexOf(q);
      if (i >= 0) bucket.splice(i, 1);
      if (bucket.length === 0) this.buckets.delete(q.hash);
    }
    this.bytesHeld -= q.bytes;
    q.bytes = 0;
    const oldest = this.order.values().next();
    this.nextDue[0] = oldest.done === true ? Infinity : oldest.value.created + this.timeout;
  }

  /** Evicts the oldest queue other than `keep`; false when there is none. */
  private evictOldest(keep: FragQueue | null): boolean {
    for (const q of this.order) {
      if (q === keep) continue;
      this.drop(q);
      this.stats.evicted++;
      return true;
    }
    return false;
  }

  private invalid(q: FragQueue | null): number {
    if (q !== null) this.drop(q);
    this.stats.invalid++;
    return ReasonCode.BAD_FRAGMENT;
  }

  private limited(q: FragQueue | null): number {
    if (q !== null && this.order.has(q)) {
      this.drop(q);
      this.stats.evicted++;
    }
    this.stats.limited++;
    return ReasonCode.FRAGMENT_LIMIT;
  }

  /** Builds the datagram of the complete queue `q` (`ip_frag_reasm` / `nf_ct_frag6_reasm`). */
  private reassemble(q: FragQueue): number {
    this.drop(q);
    const header = q.header;
    const ecn = ecnOf(q.ecn);
    if (header === null || ecn < 0) return this.invalid(null);
    const hl = header.length;
    let out: Uint8Array;
    if (q.family === 4) {
      const total = hl + q.len;
      if (total > IP_MAX_LENGTH) return this.invalid(null);
      out = new Uint8Array(total);
      out.set(header);
      out[1] = out[1]! | ecn;
      out[2] = total >>> 8;
      out[3] = total & 0xff;
      // MF and the offset cleared; DF kept when the largest fragment had it (Linux's IPSKB_FRAG_PMTU rule).
      out[6] = q.maxDfSize === q.maxSize ? 0x40 : 0;
      out[7] = 0;
      out[10] = 0;
      out[11] = 0;
      const sum = ipv4HeaderChecksum(out, hl);
      out[10] = sum >>> 8;
      out[11] = sum & 0xff;
    } else {
      const payload = hl - 40 + q.len;
      if (payload > IP_MAX_LENGTH) return this.invalid(null);
      out = new Uint8Array(hl + q.len);
      out.set(header);
      out[q.nextHeaderAt] = q.nextHeader;
      out[4] = payload >>> 8;
      out[5] = payload & 0xff;
      out[1] = out[1]! | (ecn << 4);
    }
    for (const run of q.runs) {
      for (const f of run.frags) out.set(f.data, hl + f.offset);
    }
    this.datagram = out;
    this.stats.reassembled++;
    return DefragResult.DEFRAG_DONE;
  }
}

function ipv4HeaderChecksum(b: Uint8Array, hl: number): number {
  let s = 0;
  for (let i = 0; i + 1 < hl; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/**
 * Where the fragment `[offset, end)` goes among `runs` (the placement rules
 * of `inet_frag_queue_insert`): an index `i * 2` for a new run inserted at
 * `i`, `i * 2 + 1` to append to run `i` (the last one), or INSERT_DUP /
 * INSERT_OVERLAP.
 */
function findSlot(runs: Run[], offset: number, end: number): number {
  const n = runs.length;
  if (n === 0) return 0;
  const last = runs[n - 1]!;
  if (last.end < end) {
    // The common case: past everything held so far.
    if (offset < last.end) return INSERT_OVERLAP;
    return offset === last.end ? (n - 1) * 2 + 1 : n * 2;
  }
  // Binary search for the first run ending after `offset`; one exists since last.end >= end > offset.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const r = runs[lo]!;
  if (end <= r.offset) return lo * 2;
  if (offset >= r.offset && end <= r.end) return INSERT_DUP;
  return INSERT_OVERLAP;
}

function insertAt(runs: Run[], at: number, f: Fragment): void {
  const i = at >>> 1;
  if ((at & 1) !== 0) {
    const r = runs[i]!;
    r.frags.push(f);
    r.end = f.end;
  } else {
    runs.splice(i, 0, { offset: f.offset, end: f.end, frags: [f] });
  }
}

/**
 * Whether an IPv6 first fragment lacks part of its upper-layer header
 * (Linux `ipv6frag_thdr_truncated`): extension headers after the fragment
 * header are skipped, then the upper layer needs its tracker's
 * `minHeaderLength` (TCP 20, UDP and ICMPv6 8, others 1). `next` is the
 * fragment header's next header, `p` where its data starts.
 */
function upperLayerTruncated(b: Uint8Array, p: number, end: number, next: number, trackers: TrackerRegistry): boolean {
  if (walkIpv6Headers(b, p, end, next, -1, walk) !== WalkResult.WALK_OK) return true;
  // A second fragment header: not a datagram we can reassemble.
  if (walk.fragHeader >= 0) return true;
  if (walk.next === IpProto.NONE) return false;
  return walk.offset + trackers.get(walk.next).minHeaderLength > end;
}
