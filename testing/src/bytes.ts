/**
 * Payload input accepted by every builder: text (encoded as UTF-8, so plain
 * ASCII protocol lines come out byte for byte) or bytes (copied).
 */
export type PayloadInput = string | Uint8Array | ArrayLike<number>;

/**
 * Turns a {@link PayloadInput} into a fresh `Uint8Array`.
 *
 * Encodes UTF-8 by hand rather than with `TextEncoder` so the kit needs no
 * runtime globals beyond the ECMAScript standard library.
 */
export function toBytes(input: PayloadInput | undefined): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  // The constructor copies (a subclass's slice() may return a view) and is the fast path for typed arrays.
  if (input instanceof Uint8Array) return new Uint8Array(input);
  if (typeof input !== "string") return Uint8Array.from(input);
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    let c = input.charCodeAt(i);
    // Join a surrogate pair into one code point; a lone surrogate becomes U+FFFD.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
      const lo = input.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Reads a big-endian 16-bit value. */
export function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Writes a big-endian 16-bit value. */
export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 255;
  b[o + 1] = v & 255;
}

/** Writes a big-endian 32-bit value. */
export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 255;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}

/** Reads a big-endian 32-bit value as an unsigned number. */
export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
