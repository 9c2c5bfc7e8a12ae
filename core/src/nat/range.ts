import type { NatTarget } from "../policy/types.js";

/**
 * What a binding may map one side of a connection to (Linux's
 * `nf_nat_range2`): an address range, and a key range when `specified`
 * (ports, or the ICMP identifier). A range without specified keys keeps the
 * key when the result is unique.
 */
export class NatRange {
  readonly minAddress = new Uint32Array(4);
  readonly maxAddress = new Uint32Array(4);
  /** Addresses are mapped (NF_NAT_RANGE_MAP_IPS). */
  mapIps = false;
  /** Keys are confined to [minKey, maxKey] (NF_NAT_RANGE_PROTO_SPECIFIED). */
  specified = false;
  minKey = 0;
  maxKey = 0;

  /** A policy's target. */
  fromTarget(t: NatTarget): this {
    this.minAddress.set(t.minAddress);
    this.maxAddress.set(t.maxAddress);
    this.mapIps = true;
    this.specified = t.minPort !== 0 || t.maxPort !== 0;
    this.minKey = t.minPort;
    this.maxKey = t.maxPort;
    return this;
  }

  /** Exactly one address, keys free (a null binding, or a master followed by address). */
  single(addr: ArrayLike<number>): this {
    for (let w = 0; w < 4; w++) {
      this.minAddress[w] = addr[w]!;
      this.maxAddress[w] = addr[w]!;
    }
    this.mapIps = true;
    this.specified = false;
    this.minKey = 0;
    this.maxKey = 0;
    return this;
  }

  /** Exactly one address and one key. */
  exact(addr: ArrayLike<number>, key: number): this {
    this.single(addr);
    this.specified = true;
    this.minKey = key;
    this.maxKey = key;
    return this;
  }

  /** True when `words` lie in the address range (unsigned 128-bit comparison). */
  holdsAddress(words: ArrayLike<number>): boolean {
    return compare(words, this.minAddress) >= 0 && compare(words, this.maxAddress) <= 0;
  }
}

function compare(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < 4; i++) {
    const x = a[i]! >>> 0;
    const y = b[i]! >>> 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
