import type { Direction } from "../../constants.js";
import { serviceToken } from "../../service.js";
import type { Tuple } from "../../tuple.js";

/**
 * The GRE tracker's keymaps (Linux's `nf_ct_gre_keymap_*`), the service a
 * PPTP helper reaches with `ctx.service(GRE_KEYMAPS)`.
 *
 * A PPTP call's GRE packets carry only the call id of their receiver; the
 * keymap of a direction supplies the sender's, so each direction of a call
 * gets a tuple with both ids and a call's two directions form one
 * connection. Without a keymap the source key is 0.
 */
export interface GreKeymaps {
  /**
   * Registers a keymap for connection `owner`'s direction `dir` (Linux's
   * `nf_ct_gre_keymap_add`): GRE version 1 packets of `tuple.family` from
   * `tuple.src` to `tuple.dst` whose call id is `tuple.dstPort` get the
   * source key `tuple.srcPort`. `tuple.protocol` must be 47. An owner has
   * at most one keymap per direction: the same one again (a retransmitted
   * message) is `"unchanged"`, another is a `"conflict"`.
   */
  add(owner: { readonly id: number }, dir: Direction, tuple: Tuple): GreKeymapResult;
  /** Removes `owner`'s keymaps (Linux's `nf_ct_gre_keymap_destroy`); returns how many. */
  remove(owner: { readonly id: number }): number;
  /** The source key a GRE version 1 packet with these addresses and call id gets (0: none), as the tracker looks it up. */
  sourceKey(family: number, src: ArrayLike<number>, dst: ArrayLike<number>, callId: number): number;
  /** Keymaps registered now. */
  readonly size: number;
  /** Most keymaps held at once; `add` answers `"full"` beyond. */
  readonly limit: number;
}

/** What {@link GreKeymaps.add} did. */
export type GreKeymapResult =
  /** Registered. */
  | "added"
  /** This owner already had this keymap for this direction. */
  | "unchanged"
  /** This owner already has another keymap for this direction (Linux's -EEXIST). */
  | "conflict"
  /** The limit is reached. */
  | "full"
  /** Not a GRE tuple, or a key outside 0..65535. */
  | "bad-tuple";

/** The token of the GRE tracker's {@link GreKeymaps}. */
export const GRE_KEYMAPS = serviceToken<GreKeymaps>("@alg-sdk/core/gre-keymaps");

const GRE = 47;
const NONE = -1;

/**
 * The keymaps of one engine: entries in typed arrays, chained per hash
 * bucket, so the per-packet lookup compares numbers and allocates nothing.
 * Storage starts small and doubles up to the limit. Entries of a bucket
 * stay in the order they were added and the first match wins, as Linux's
 * list does.
 */
export class GreKeymapTable implements GreKeymaps {
  private capacity = 0;
  private family = new Uint8Array(0);
  private src = new Uint32Array(0);
  private dst = new Uint32Array(0);
  private callId = new Uint16Array(0);
  private srcKey = new Uint16Array(0);
  private next = new Int32Array(0);
  private heads = new Int32Array(0);
  private mask = 0;
  private freeHead = NONE;
  private count = 0;
  /** Entry of each owner's direction: `owners.get(id)[dir]` (slow path only). */
  private readonly owners = new Map<number, [number, number]>();

  constructor(
    readonly limit: number,
    private readonly seed: number,
  ) {}

  get size(): number {
    return this.count;
  }

  sourceKey(family: number, src: ArrayLike<number>, dst: ArrayLike<number>, callId: number): number {
    if (this.count === 0) return 0;
    for (let i = this.heads[this.bucket(family, src, dst, callId)]!; i !== NONE; i = this.next[i]!) {
      if (this.matches(i, family, src, dst, callId)) return this.srcKey[i]!;
    }
    return 0;
  }

  add(owner: { readonly id: number }, dir: Direction, tuple: Tuple): GreKeymapResult {
    if (tuple === null || typeof tuple !== "object" || tuple.protocol !== GRE || (tuple.family !== 4 && tuple.family !== 6)) return "bad-tuple";
    if (!isKey(tuple.srcPort) || !isKey(tuple.dstPort) || (dir !== 0 && dir !== 1)) return "bad-tuple";
    const id = owner.id;
    const mine = this.owners.get(id);
    const existing = mine === undefined ? NONE : mine[dir];
    if (existing !== NONE) {
      // gre_key_cmpfn compares addresses and the call id, not the source key.
      return this.matches(existing, tuple.family, tuple.src, tuple.dst, tuple.dstPort) ? "unchanged" : "conflict";
    }
    if (this.count >= this.limit) return "full";
    if (this.freeHead === NONE) this.grow();
    const i = this.freeHead;
    this.freeHead = this.next[i]!;
    this.family[i] = tuple.family;
    for (let w = 0; w < 4; w++) {
      this.src[i * 4 + w] = tuple.src[w]!;
      this.dst[i * 4 + w] = tuple.dst[w]!;
    }
    this.callId[i] = tuple.dstPort;
    this.srcKey[i] = tuple.srcPort;
    this.link(i);
    this.count++;
    if (mine === undefined) this.owners.set(id, dir === 0 ? [i, NONE] : [NONE, i]);
    else mine[dir] = i;
    return "added";
  }

  remove(owner: { readonly id: number }): number {
    const mine = this.owners.get(owner.id);
    if (mine === undefined) return 0;
    this.owners.delete(owner.id);
    let n = 0;
    for (const i of mine) {
      if (i === NONE) continue;
      this.unlink(i);
      this.family[i] = 0;
      this.next[i] = this.freeHead;
      this.freeHead = i;
      this.count--;
      n++;
    }
    return n;
  }

  private matches(i: number, family: number, src: ArrayLike<number>, dst: ArrayLike<number>, callId: number): boolean {
    if (this.family[i] !== family || this.callId[i] !== callId) return false;
    const at = i * 4;
    return (
      this.src[at] === src[0] && this.src[at + 1] === src[1] && this.src[at + 2] === src[2] && this.src[at + 3] === src[3] &&
      this.dst[at] === dst[0] && this.dst[at + 1] === dst[1] && this.dst[at + 2] === dst[2] && this.dst[at + 3] === dst[3]
    );
  }

  private bucket(family: number, src: ArrayLike<number>, dst: ArrayLike<number>, callId: number): number {
    let h = Math.imul(this.seed ^ family ^ (callId << 8), 0x9e3779b1);
    for (let w = 0; w < 4; w++) {
      h = Math.imul(h ^ src[w]!, 0x85ebca6b);
      h = Math.imul(h ^ dst[w]!, 0xc2b2ae35);
      h ^= h >>> 15;
    }
    return (h >>> 0) & this.mask;
  }

  private bucketOf(i: number): number {
    return this.bucket(this.family[i]!, this.src.subarray(i * 4, i * 4 + 4), this.dst.subarray(i * 4, i * 4 + 4), this.callId[i]!);
  }

  /** Appends entry `i` to its bucket's chain. */
  private link(i: number): void {
    const h = this.bucketOf(i);
    this.next[i] = NONE;
    let j = this.heads[h]!;
    if (j === NONE) {
      this.heads[h] = i;
      return;
    }
    while (this.next[j] !== NONE) j = this.next[j]!;
    this.next[j] = i;
  }

  private unlink(i: number): void {
    const h = this.bucketOf(i);
    if (this.heads[h] === i) {
      this.heads[h] = this.next[i]!;
      return;
    }
    for (let j = this.heads[h]!; j !== NONE; j = this.next[j]!) {
      if (this.next[j] === i) {
        this.next[j] = this.next[i]!;
        return;
      }
    }
  }

  /** Doubles the storage (from 16) and relinks every entry in order of its chains. */
  private grow(): void {
    const old = this.capacity;
    const cap = Math.min(this.limit, Math.max(16, old * 2));
    const order: number[] = [];
    for (let h = 0; h < this.heads.length; h++) for (let i = this.heads[h]!; i !== NONE; i = this.next[i]!) order.push(i);
    const family = new Uint8Array(cap);
    family.set(this.family);
    const src = new Uint32Array(cap * 4);
    src.set(this.src);
    const dst = new Uint32Array(cap * 4);
    dst.set(this.dst);
    const callId = new Uint16Array(cap);
    callId.set(this.callId);
    const srcKey = new Uint16Array(cap);
    srcKey.set(this.srcKey);
    this.family = family;
    this.src = src;
    this.dst = dst;
    this.callId = callId;
    this.srcKey = srcKey;
    this.next = new Int32Array(cap);
    let buckets = 16;
    while (buckets < cap * 2) buckets *= 2;
    this.heads = new Int32Array(buckets).fill(NONE);
    this.mask = buckets - 1;
    this.capacity = cap;
    for (const i of order) this.link(i);
    // The new entries join the free list, lowest first.
    this.freeHead = NONE;
    for (let i = cap - 1; i >= old; i--) {
      this.next[i] = this.freeHead;
      this.freeHead = i;
    }
  }
}

function isKey(k: unknown): k is number {
  return typeof k === "number" && Number.isInteger(k) && k >= 0 && k <= 0xffff;
}
