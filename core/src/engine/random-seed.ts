/**
 * The engine's hash seed when the embedder gives none: random, as Linux
 * seeds its conntrack hash (`nf_conntrack_hash_rnd`, drawn with
 * `get_random_bytes` at the first connection). A constant seed lets anyone
 * who can read the source craft tuples that all land in one probe chain
 * (a hash flood: every new connection then walks the whole chain).
 *
 * Core stays runtime-agnostic: the seed comes from the Web Crypto API
 * (`globalThis.crypto.getRandomValues`, present in Node 19+, Deno, Bun and
 * browsers); only a runtime without it falls back to `Math.random`, which
 * is unpredictable enough to a remote sender who never sees its output.
 * Drawn once per engine, never per packet.
 */
export function randomSeed(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => unknown } }).crypto;
  if (crypto !== undefined && typeof crypto.getRandomValues === "function") {
    const word = new Uint32Array(1);
    crypto.getRandomValues(word);
    return word[0]! | 0;
  }
  return (Math.random() * 0x100000000) | 0;
}
