import { readU16, writeU16, writeU32 } from "./bytes.js";
import { internetChecksum } from "./checksum.js";
import { checkFragmentOffset, ipv6Unfragmentable } from "./ipv6-extensions.js";

const FRAGMENT = 44;

/** Which bytes of a datagram one fragment carries. */
export interface FragmentRange {
  /** Where the fragment's data starts in the datagram's fragmentable data, in bytes (a multiple of 8). */
  readonly offset: number;
  /** How many data bytes it carries. */
  readonly length: number;
  /**
   * More Fragments. Default: set unless the fragment reaches the end of the
   * datagram (an IPv4 datagram that is itself a non-last fragment keeps it).
   * Set it on a short fragment to send a non-last fragment of odd length.
   */
  readonly mf?: boolean;
  /** Identification. Default: the datagram's own (IPv4), 0 (IPv6). */
  readonly id?: number;
}

/**
 * How to split a datagram: by `mtu` (every fragment's total length within
 * it, the data of all but the last a multiple of 8) or by the data `sizes`
 * of the fragments in order (all but the last a multiple of 8; data left
 * over forms one more, last, fragment).
 */
export type FragmentSplit =
  | { readonly mtu: number; readonly id?: number }
  | { readonly sizes: readonly number[]; readonly id?: number };

/**
 * One fragment of an IPv4 or IPv6 datagram (built by this kit or not),
 * carrying the data bytes `[offset, offset + length)`: for IPv4 the data
 * after the header, for IPv6 the fragmentable part (RFC 8200 §4.5: what
 * follows hop-by-hop, routing, and destination options before a routing
 * header). IPv4 fragments after the first keep only the options with the
 * copy bit (RFC 791); IPv6 fragments get a fragment header after the
 * unfragmentable headers. Any range is allowed, so overlaps, duplicates and
 * odd sizes can be built.
 *
 * @throws RangeError when the offset is not a multiple of 8 or the range is outside the datagram.
 *
 * @example
 * ```ts
 * const dg = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53, payload: new Uint8Array(100) });
 * const overlapping = [fragment(dg, { offset: 0, length: 64 }), fragment(dg, { offset: 32, length: 76 })];
 * ```
 */
export function fragment(datagram: Uint8Array, range: FragmentRange): Uint8Array {
  return datagram[0]! >> 4 === 6 ? ipv6Fragment(datagram, range) : ipv4Fragment(datagram, range);
}

/**
 * Splits an IPv4 or IPv6 datagram into fragments, in order (see
 * {@link fragment} and {@link FragmentSplit}).
 *
 * @example
 * ```ts
 * const pieces = fragments(dg, { mtu: 576 });
 * const [first, rest] = fragments(dg, { sizes: [64], id: 0xfeedf00d });
 * ```
 */
export function fragments(datagram: Uint8Array, split: FragmentSplit): Uint8Array[] {
  const v6 = datagram[0]! >> 4 === 6;
  const dataStart = v6 ? ipv6Unfragmentable(datagram).end : (datagram[0]! & 0x0f) * 4;
  const dataLength = (v6 ? 40 + readU16(datagram, 4) : readU16(datagram, 2)) - dataStart;
  // Later IPv4 fragments may carry fewer options: the first one's header is the largest, so the MTU is applied to it.
  const sizes = "mtu" in split ? sizesForMtu(dataLength, Math.floor((split.mtu - dataStart - (v6 ? 8 : 0)) / 8) * 8) : sizesGiven(dataLength, split.sizes);
  const out: Uint8Array[] = [];
  let offset = 0;
  for (const length of sizes) {
    out.push(fragment(datagram, { offset, length, id: split.id }));
    offset += length;
  }
  return out;
}

function sizesForMtu(dataLength: number, perFragment: number): number[] {
  if (perFragment < 8) throw new RangeError("the MTU leaves less than 8 data bytes per fragment");
  const sizes: number[] = [];
  for (let left = dataLength; left > 0; left -= perFragment) sizes.push(Math.min(left, perFragment));
  return sizes.length > 0 ? sizes : [0];
}

function sizesGiven(dataLength: number, given: readonly number[]): number[] {
  let used = 0;
  for (const s of given) used += s;
  if (used > dataLength) throw new RangeError(`fragment sizes (${used} bytes) exceed the datagram's ${dataLength}`);
  const sizes = used < dataLength || given.length === 0 ? [...given, dataLength - used] : [...given];
  for (const s of sizes.slice(0, -1)) {
    if (s % 8 !== 0) throw new RangeError(`fragment size ${s} is not a multiple of 8 (only the last fragment's may be)`);
  }
  return sizes;
}

function checkRange(range: FragmentRange, dataLength: number): void {
  checkFragmentOffset(range.offset);
  if (range.length < 0 || range.offset + range.length > dataLength) {
    throw new RangeError(`fragment [${range.offset}, ${range.offset + range.length}) is outside the datagram's ${dataLength} data bytes`);
  }
}

/** The options of an IPv4 header that later fragments keep: those with the copy bit (RFC 791). */
function copiedOptions(options: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < options.length; ) {
    const type = options[i]!;
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    const length = options[i + 1] ?? 0;
    if (length < 2 || i + length > options.length) break;
    if ((type & 0x80) !== 0) out.push(...options.subarray(i, i + length));
    i += length;
  }
  while (out.length % 4 !== 0) out.push(0);
  return out;
}

function ipv4Fragment(datagram: Uint8Array, range: FragmentRange): Uint8Array {
  const headerLength = (datagram[0]! & 0x0f) * 4;
  const data = datagram.subarray(headerLength, readU16(datagram, 2));
  checkRange(range, data.length);
  const header = range.offset === 0 ? datagram.subarray(0, headerLength) : Uint8Array.from([...datagram.subarray(0, 20), ...copiedOptions(datagram.subarray(20, headerLength))]);
  const b = new Uint8Array(header.length + range.length);
  b.set(header, 0);
  b.set(data.subarray(range.offset, range.offset + range.length), header.length);
  b[0] = 0x40 | (header.length / 4);
  writeU16(b, 2, b.length);
  if (range.id !== undefined) writeU16(b, 4, range.id);
  const field = readU16(datagram, 6);
  const wasNonLast = (field & 0x2000) !== 0;
  const mf = range.mf ?? (range.offset + range.length < data.length || wasNonLast);
  // DF and the reserved bit stay as they were; a fragment of a fragment is placed at the original's offset plus its own.
  writeU16(b, 6, (field & 0xc000) | (mf ? 0x2000 : 0) | ((field & 0x1fff) + range.offset / 8));
  writeU16(b, 10, 0);
  writeU16(b, 10, internetChecksum(b, 0, header.length));
  return b;
}

function ipv6Fragment(datagram: Uint8Array, range: FragmentRange): Uint8Array {
  const { end, nextHeaderAt } = ipv6Unfragmentable(datagram);
  const data = datagram.subarray(end, 40 + readU16(datagram, 4));
  checkRange(range, data.length);
  const b = new Uint8Array(end + 8 + range.length);
  b.set(datagram.subarray(0, end), 0);
  b[end] = datagram[nextHeaderAt]!;
  b[nextHeaderAt] = FRAGMENT;
  const mf = range.mf ?? range.offset + range.length < data.length;
  writeU16(b, end + 2, range.offset | (mf ? 1 : 0));
  writeU32(b, end + 4, (range.id ?? 0) >>> 0);
  b.set(data.subarray(range.offset, range.offset + range.length), end + 8);
  writeU16(b, 4, b.length - 40);
  return b;
}
