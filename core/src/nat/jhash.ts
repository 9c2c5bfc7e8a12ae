/**
 * Bob Jenkins' lookup3 `hashword` as Linux's `jhash2` computes it: NAT picks
 * an address from a range by it (`find_best_ips_proto`, with no secret in
 * the seed), so the same client maps to the same address as it would on a
 * Linux router.
 */

const JHASH_INITVAL = 0xdeadbeef;

function rol32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** `jhash2(k, length, initval)` over 32-bit words. */
export function jhash2(k: ArrayLike<number>, length: number, initval: number): number {
  let a = (JHASH_INITVAL + (length << 2) + initval) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  let left = length;
  while (left > 3) {
    a = (a + (k[i]! >>> 0)) >>> 0;
    b = (b + (k[i + 1]! >>> 0)) >>> 0;
    c = (c + (k[i + 2]! >>> 0)) >>> 0;
    // __jhash_mix
    a = (a - c) >>> 0; a = (a ^ rol32(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol32(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol32(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rol32(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rol32(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rol32(b, 4)) >>> 0; b = (b + a) >>> 0;
    left -= 3;
    i += 3;
  }
  // The last one to three words, then __jhash_final (nothing to do for none).
  if (left === 0) return c;
  if (left === 3) c = (c + (k[i + 2]! >>> 0)) >>> 0;
  if (left >= 2) b = (b + (k[i + 1]! >>> 0)) >>> 0;
  a = (a + (k[i]! >>> 0)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 24)) >>> 0;
  return c;
}

/** A 32-bit word as a little-endian machine loads it from network-order bytes. */
export function byteSwap(w: number): number {
  return (((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;
}
