/**
 * Writing ASCII straight into a byte buffer, for the per-packet lines.
 *
 * Each function writes at position `p` of `b` and returns the position
 * after what it wrote; the caller has reserved the room first (see
 * `BufferedWriter.reserve`). Plain functions over (buffer, position) are
 * what the JIT turns into the tightest loops: this is where a replay of a
 * million packets spends its printing time.
 */

/** Pre-encodes an ASCII constant. */
export function encode(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Copies a pre-encoded piece. */
export function putBytes(b: Uint8Array, p: number, piece: Uint8Array): number {
  const n = piece.length;
  // Short pieces: a loop beats the call into TypedArray.set.
  if (n > 32) b.set(piece, p);
  else for (let i = 0; i < n; i++) b[p + i] = piece[i]!;
  return p + n;
}

/** Copies an ASCII string (names, reasons). */
export function putAscii(b: Uint8Array, p: number, text: string): number {
  for (let i = 0; i < text.length; i++) b[p + i] = text.charCodeAt(i);
  return p + text.length;
}

/** Decimal digits of a non-negative integer. */
export function uintWidth(n: number): number {
  // Comparisons, not divisions: this runs for every number of every line.
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  if (n < 10000000000) return n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
  let w = 11;
  for (let x = n / 1e11; x >= 1; x /= 10) w++;
  return w;
}

/** "00" to "99": two digits per division. */
const PAIRS = encode(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).join(""));

/** A non-negative integer below 2^53 in decimal. */
export function putUint(b: Uint8Array, p: number, n: number): number {
  if (n < 10) {
    b[p] = 48 + n;
    return p + 1;
  }
  const end = p + uintWidth(n);
  let q = end;
  if (n < 0x80000000) {
    // 32-bit fast path: integer arithmetic, two digits per step.
    while (n >= 100) {
      const d = (n / 100) | 0;
      const r = (n - d * 100) << 1;
      b[--q] = PAIRS[r + 1]!;
      b[--q] = PAIRS[r]!;
      n = d;
    }
    if (n >= 10) {
      b[--q] = PAIRS[(n << 1) + 1]!;
      b[--q] = PAIRS[n << 1]!;
    } else b[--q] = 48 + n;
  } else {
    // Above 2^31, `%` and an exact division keep every digit right up to 2^53.
    while (n > 0) {
      const r = n % 10;
      b[--q] = 48 + r;
      n = (n - r) / 10;
    }
  }
  return end;
}

/** `n` as exactly `width` digits, zero-padded (`n` below 2^31). */
export function putDigits(b: Uint8Array, p: number, n: number, width: number): number {
  let i = p + width;
  for (; i - p >= 2; ) {
    const d = (n / 100) | 0;
    const r = (n - d * 100) << 1;
    b[--i] = PAIRS[r + 1]!;
    b[--i] = PAIRS[r]!;
    n = d;
  }
  if (i > p) b[--i] = 48 + (n % 10);
  return p + width;
}

/** "0" to "255", four bytes each: up to three digits, then the length. */
const OCTETS = new Uint8Array(1024);
for (let i = 0; i < 256; i++) {
  const t = String(i);
  for (let k = 0; k < t.length; k++) OCTETS[i * 4 + k] = t.charCodeAt(k);
  OCTETS[i * 4 + 3] = t.length;
}

function putOctet(b: Uint8Array, p: number, v: number): number {
  const o = v << 2;
  const n = OCTETS[o + 3]!;
  b[p] = OCTETS[o]!;
  if (n > 1) b[p + 1] = OCTETS[o + 1]!;
  if (n > 2) b[p + 2] = OCTETS[o + 2]!;
  return p + n;
}

/** Dotted IPv4 from a 32-bit word (table lookups, no division). */
export function putIpv4(b: Uint8Array, p: number, word: number): number {
  p = putOctet(b, p, word >>> 24);
  b[p++] = 46;
  p = putOctet(b, p, (word >>> 16) & 255);
  b[p++] = 46;
  p = putOctet(b, p, (word >>> 8) & 255);
  b[p++] = 46;
  return putOctet(b, p, word & 255);
}

/** "00" to "ff": two lower-case hex digits per byte value. */
const HEX = encode(Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join(""));

/** `bytes[offset, offset + length)` as lower-case hex, two digits per byte. */
export function putHex(b: Uint8Array, p: number, bytes: Uint8Array, offset: number, length: number): number {
  for (let i = 0; i < length; i++) {
    const v = bytes[offset + i]! << 1;
    b[p++] = HEX[v]!;
    b[p++] = HEX[v + 1]!;
  }
  return p;
}

/** `n` spaces (none when `n` <= 0). */
export function putSpaces(b: Uint8Array, p: number, n: number): number {
  for (let i = 0; i < n; i++) b[p + i] = 32;
  return n > 0 ? p + n : p;
}

/**
 * Timestamps as `seconds.fraction` (6 digits, or 9 when the capture has
 * nanoseconds). The seconds change rarely from one packet to the next, so
 * their digits are encoded once and copied.
 */
export class TimestampWriter {
  private sec = -1;
  private digits: Uint8Array = new Uint8Array(0);

  /** @param prefix - text written before the seconds (a JSON key), copied along with them. */
  constructor(private readonly prefix = "") {}

  put(b: Uint8Array, p: number, sec: number, nanos: number): number {
    if (sec !== this.sec) {
      this.sec = sec;
      this.digits = encode(`${this.prefix}${sec}.`);
    }
    p = putBytes(b, p, this.digits);
    return nanos % 1000 === 0 ? putDigits(b, p, nanos / 1000, 6) : putDigits(b, p, nanos, 9);
  }
}
