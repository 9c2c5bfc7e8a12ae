import { formatAddress } from "./address.js";

/**
 * A connection tuple as a value, for slow paths (helper hooks, views,
 * expectations): family, protocol, addresses as four 32-bit words (network
 * order, IPv4 in word 0) and the two 16-bit keys. The keys are the ports for
 * TCP, UDP and UDP-Lite; for ICMP queries `srcPort` is the identifier and
 * `dstPort` is `type << 8 | code`; 0 for protocols without keys.
 *
 * The arrays are the tuple's own copies: do not modify them.
 */
export class Tuple {
  constructor(
    readonly family: 4 | 6,
    readonly protocol: number,
    readonly src: Uint32Array,
    readonly dst: Uint32Array,
    readonly srcPort: number,
    readonly dstPort: number,
  ) {}

  /** Copies a tuple out of address words at offsets (the connection table's, or a packet's). */
  static from(
    family: number,
    protocol: number,
    words: Uint32Array,
    srcAt: number,
    dstAt: number,
    srcPort: number,
    dstPort: number,
    dstWords: Uint32Array = words,
  ): Tuple {
    return new Tuple(
      family === 6 ? 6 : 4,
      protocol,
      words.slice(srcAt, srcAt + 4),
      dstWords.slice(dstAt, dstAt + 4),
      srcPort,
      dstPort,
    );
  }

  /** The source address as text ("10.0.1.2", "fd00::2"). */
  get srcText(): string {
    return formatAddress(this.family, this.src);
  }

  /** The destination address as text. */
  get dstText(): string {
    return formatAddress(this.family, this.dst);
  }

  /** True when `words` (four address words) equal the source address. */
  sourceIs(words: ArrayLike<number>): boolean {
    return sameAddress(this.src, words);
  }

  /** True when `words` (four address words) equal the destination address. */
  destinationIs(words: ArrayLike<number>): boolean {
    return sameAddress(this.dst, words);
  }

  /** Same family, protocol, addresses and keys. */
  equals(other: Tuple): boolean {
    return (
      this.family === other.family &&
      this.protocol === other.protocol &&
      this.srcPort === other.srcPort &&
      this.dstPort === other.dstPort &&
      sameAddress(this.src, other.src) &&
      sameAddress(this.dst, other.dst)
    );
  }

  /** `10.0.1.2:40000 -> 10.0.2.2:21` (IPv6 addresses in brackets). */
  toString(): string {
    const host = (t: string) => (this.family === 6 ? `[${t}]` : t);
    return `${host(this.srcText)}:${this.srcPort} -> ${host(this.dstText)}:${this.dstPort}`;
  }
}

/** Four address words equal (unsigned comparison, so a word from a signed view still matches). */
export function sameAddress(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a[0]! >>> 0 === b[0]! >>> 0 && a[1]! >>> 0 === b[1]! >>> 0 && a[2]! >>> 0 === b[2]! >>> 0 && a[3]! >>> 0 === b[3]! >>> 0;
}
