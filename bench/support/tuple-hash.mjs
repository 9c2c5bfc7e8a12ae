// The engine's tuple hash (core/src/table/hash.ts), restated for scripts that
// run on the built packages, which do not export it: an attacker reads the
// source, so the hash-flood bench and the fuzz harness craft tuples with it.
// core/test/hash-mirror.test.ts checks that it agrees with core's.

/** @param {number} h @param {number} w @returns {number} */
function mix(h, w) {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** @param {number} h @returns {number} */
function finish(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of an IPv4 tuple (addresses as unsigned 32-bit numbers), zone 0.
 * @param {number} seed @param {number} proto @param {number} src @param {number} dst @param {number} sport @param {number} dport
 * @returns {number}
 */
export function hashIpv4Tuple(seed, proto, src, dst, sport, dport) {
  let h = mix(seed | 0, 4 | (proto << 8));
  h = mix(h, (sport << 16) | dport);
  h = mix(h, src | 0);
  h = mix(h, dst | 0);
  return finish(h);
}

/** The seed every engine had before seeds were random (what a flood crafted from the old source targets). */
export const OLD_DEFAULT_SEED = 0x2545f491;
