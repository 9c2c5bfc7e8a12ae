import { formatAddress, parseAddress } from "@alg-sdk/core";

/** An address with a prefix length: `10.0.1.1/24`, `fd00:1::1/64`. */
export interface Prefix {
  readonly family: 4 | 6;
  /** The address as four 32-bit words (IPv4 in word 0), as core keeps them. */
  readonly words: Uint32Array;
  readonly bits: number;
  readonly mask: Uint32Array;
  readonly text: string;
}

/** Parses `ADDR/BITS` (or a bare address, a host prefix). Throws a RangeError naming the problem. */
export function parsePrefix(text: string): Prefix {
  const [addr, bitsText] = text.split("/");
  const parsed = parseAddress(addr ?? "");
  if (!parsed) throw new RangeError(`not an address: ${JSON.stringify(text)}`);
  const max = parsed.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new RangeError(`bad prefix length in ${JSON.stringify(text)}`);
  const mask = new Uint32Array(4);
  for (let w = 0, left = bits; w < 4; w++, left -= 32) {
    mask[w] = left >= 32 ? 0xffffffff : left <= 0 ? 0 : (0xffffffff << (32 - left)) >>> 0;
  }
  return { family: parsed.family, words: parsed.words, bits, mask, text };
}

/** Reads the IPv4 address at `offset` as an unsigned number. */
export function readIpv4(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function writeIpv4(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 255;
  bytes[offset + 2] = (value >>> 8) & 255;
  bytes[offset + 3] = value & 255;
}

/** Reads the IPv6 address at `offset` into `out` (four words). */
export function readIpv6(bytes: Uint8Array, offset: number, out: Uint32Array): Uint32Array {
  for (let w = 0; w < 4; w++) out[w] = readIpv4(bytes, offset + 4 * w);
  return out;
}

export function writeWords(bytes: Uint8Array, offset: number, words: Uint32Array): void {
  for (let w = 0; w < 4; w++) writeIpv4(bytes, offset + 4 * w, words[w]!);
}

/** `words` (same family as the prefix) lies inside `p`. */
export function prefixContains(p: Prefix, words: Uint32Array): boolean {
  for (let w = 0; w < 4; w++) if (((words[w]! & p.mask[w]!) >>> 0) !== ((p.words[w]! & p.mask[w]!) >>> 0)) return false;
  return true;
}

export function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** A key for maps of IPv6 addresses (the slow path: neighbours, local addresses). */
export function ipv6Key(words: Uint32Array): string {
  return formatAddress(6, words);
}
