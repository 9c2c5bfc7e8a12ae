/**
 * Checksum arithmetic of NAT, as Linux does it (include/net/checksum.h):
 * incremental updates with 32-bit one's-complement terms, so the value
 * written, including which of the two zeros it is, is the kernel's.
 *
 * All values are read and written big-endian; one's-complement sums do not
 * depend on byte order, so this gives the bytes a little-endian kernel writes.
 */

/** Folds a non-negative sum of 16-bit terms to 16 bits with end-around carries. */
function fold16(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function readU16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

/**
 * Incremental updates (`csum_replace4` and friends: `~csum_unfold(*sum)`,
 * `csum_sub` of each old value, `csum_add` of each new one, `csum_fold`)
 * are made of deltas: the terms the replacements add, folded to 16 bits.
 *
 * Linux adds 32-bit terms with end-around carry; here every 32-bit term is
 * added as its two 16-bit halves. Both are sums modulo 0xffff that are zero
 * only when every term is zero, and the first term (the unfolded checksum,
 * whose high half is 0xffff) never is, so the folded result, including
 * which of the two zeros it is, is the kernel's wherever the folds happen:
 * deltas add like the terms they stand for, and one computed when a NAT
 * binding is decided updates every packet of the connection as the
 * replacements themselves would. Kept to small integers: a sum above 2^31
 * would be a heap number in V8, allocated per packet whenever a call here
 * is not inlined.
 */

/** The delta of one 32-bit word replaced by another (signed or unsigned): `csum_sub(old)`, `csum_add(new)`. */
export function wordDelta(oldWord: number, newWord: number): number {
  return fold16((~(oldWord >>> 16) & 0xffff) + (~oldWord & 0xffff) + ((newWord >>> 16) & 0xffff) + (newWord & 0xffff));
}

/** The delta of a 16-bit field, zero-extended as Linux passes it to `csum_sub` (its high half becomes 0xffff). */
export function halfDelta(oldValue: number, newValue: number): number {
  return fold16((~oldValue & 0xffff) + 0xffff + (newValue & 0xffff));
}

/** The sum of two deltas: a delta. */
export function addDeltas(a: number, b: number): number {
  return fold16(a + b);
}

/** The delta of an address of `words` 32-bit words changing from the bytes at `b[oldAt]` to `newAddr`. */
export function addressDelta(b: Uint8Array, oldAt: number, newAddr: ArrayLike<number>, words: number): number {
  let delta = 0;
  for (let w = 0; w < words; w++) {
    const o = oldAt + w * 4;
    const old = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
    delta = fold16(delta + wordDelta(old, newAddr[w]! | 0));
  }
  return delta;
}

/** The checksum at `b[at]` updated by `delta` (`csum_fold` of `~csum_unfold` plus it), written; returns the value written. */
export function applyDelta(b: Uint8Array, at: number, delta: number): number {
  // ~csum_unfold(x) in 32 bits: 0xffff in the high half, ~x in the low one.
  const v = ~fold16(0xffff + (~readU16(b, at) & 0xffff) + delta) & 0xffff;
  writeU16(b, at, v);
  return v;
}

/**
 * `csum_replace4` / `inet_proto_csum_replace4`: the checksum at `at` after
 * one 32-bit word changed. Words may be given signed (`| 0`), which hot
 * callers do: a number above 2^31 passed to a call is allocated by V8.
 */
export function replaceWord(b: Uint8Array, at: number, oldWord: number, newWord: number): void {
  applyDelta(b, at, wordDelta(oldWord, newWord));
}

/** `inet_proto_csum_replace2`: the checksum at `at` after one 16-bit field changed. */
export function replaceHalf(b: Uint8Array, at: number, oldValue: number, newValue: number): void {
  applyDelta(b, at, halfDelta(oldValue, newValue));
}

/**
 * The checksum at `at` after an address of `words` 32-bit words changed
 * from the bytes at `b[oldAt]` to `newAddr` (`inet_proto_csum_replace4` or
 * `_replace16` for a pseudo-header address).
 */
export function replaceAddress(b: Uint8Array, at: number, oldAt: number, newAddr: ArrayLike<number>, words: number): void {
  applyDelta(b, at, addressDelta(b, oldAt, newAddr, words));
}

/** One's-complement sum of `b[start..end)` as 16-bit big-endian words, added to `sum` (not folded). */
export function sumBytes(b: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  return sum;
}

/** Folds any non-negative sum to 16 bits and inverts it: a full checksum. */
export function finishSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Sum of an address of `words` words at `b[at]`. */
export function addressBytesSum(b: Uint8Array, at: number, words: number): number {
  return sumBytes(b, at, at + words * 4, 0);
}

/**
 * Recomputes a transport checksum over `b[l4..end)` with the pseudo-header
 * of the IP header at `l3`, and writes it at `at`. `zeroAsOnes`: a result of
 * 0 is written as 0xffff, as a NIC (or `skb_checksum_help`) completes a
 * CHECKSUM_PARTIAL packet; the kernel's own recomputations keep 0.
 */
export function recomputePseudo(b: Uint8Array, l3: number, l4: number, end: number, protocol: number, at: number, zeroAsOnes: boolean): void {
  b[at] = 0;
  b[at + 1] = 0;
  const v6 = b[l3]! >> 4 === 6;
  const words = v6 ? 4 : 1;
  const srcAt = v6 ? l3 + 8 : l3 + 12;
  const length = end - l4;
  let sum = addressBytesSum(b, srcAt, words) + addressBytesSum(b, srcAt + words * 4, words);
  sum += protocol + (length >>> 16) + (length & 0xffff);
  const v = finishSum(sumBytes(b, l4, end, sum));
  writeU16(b, at, v === 0 && zeroAsOnes ? 0xffff : v);
}

/** Recomputes the checksum at `at` over `b[start..end)` without pseudo-header (ICMPv4). */
export function recomputePlain(b: Uint8Array, start: number, end: number, at: number): void {
  b[at] = 0;
  b[at + 1] = 0;
  writeU16(b, at, finishSum(sumBytes(b, start, end, 0)));
}

/** `ip_send_check`: the IPv4 header checksum recomputed in full. */
export function recomputeIpv4Header(b: Uint8Array, l3: number): void {
  const at = l3 + 10;
  b[at] = 0;
  b[at + 1] = 0;
  writeU16(b, at, finishSum(sumBytes(b, l3, l3 + ((b[l3]! & 0x0f) << 2), 0)));
}
