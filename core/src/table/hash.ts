/**
 * Numeric tuple hashing. A tuple is hashed from its words directly (no string
 * keys), with a seed so that a deployment can make bucket positions
 * unpredictable to senders.
 */

/** One MurmurHash3 round: scramble the word on its own, then fold it into the state. */
function mix(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of (family, protocol, zone, source, destination, ports). `src` and
 * `dst` are read as 1 word (IPv4) or 4 words (IPv6) from the given offsets.
 */
export function hashTuple(
  seed: number,
  family: number,
  proto: number,
  zone: number,
  src: Uint32Array,
  srcOff: number,
  dst: Uint32Array,
  dstOff: number,
  sport: number,
  dport: number,
): number {
  let h = mix(seed, family | (proto << 8) | (zone << 16));
  h = mix(h, (sport << 16) | dport);
  h = mix(h, src[srcOff]!);
  h = mix(h, dst[dstOff]!);
  if (family === 6) {
    h = mix(h, src[srcOff + 1]!);
    h = mix(h, src[srcOff + 2]!);
    h = mix(h, src[srcOff + 3]!);
    h = mix(h, dst[dstOff + 1]!);
    h = mix(h, dst[dstOff + 2]!);
    h = mix(h, dst[dstOff + 3]!);
  }
  return finish(h);
}
