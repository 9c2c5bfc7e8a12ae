import { readIpv6Words } from "./payload/ipv6-text.js";

/**
 * Address words <-> text. The engine stores addresses as four 32-bit words
 * in network order (IPv4 in word 0); text is only for the slow path (events,
 * tables, helper requests given as strings).
 */

/** Formats `words[off..off+3]` as dotted IPv4 or compressed IPv6 text. */
export function formatAddress(family: number, words: ArrayLike<number>, off = 0): string {
  if (family === 4) {
    const w = words[off]! >>> 0;
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = words[off + i]! >>> 0;
    groups.push(w >>> 16, w & 0xffff);
  }
  // RFC 5952: compress the longest run (2 or more) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * Parses IPv4 (dotted decimal) or IPv6 text into family and words; `null`
 * if it is not an address. IPv6 is read with the same rules as every other
 * IPv6 text in alg-sdk (the kernel's `in6_pton`, see payload/ipv6-text.ts).
 */
export function parseAddress(text: string): { family: 4 | 6; words: Uint32Array } | null {
  if (typeof text !== "string") return null;
  const words = new Uint32Array(4);
  if (!text.includes(":")) {
    const v = parseIpv4(text);
    if (v === null) return null;
    words[0] = v;
    return { family: 4, words };
  }
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Outside Latin-1 nothing can be part of an address; NUL would end it early.
    if (c === 0 || c > 0xff) return null;
    bytes[i] = c;
  }
  // No delimiter: only the end of the text may end the address.
  return readIpv6Words(bytes, 0, bytes.length, -1, words) === bytes.length ? { family: 6, words } : null;
}

function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v >>> 0;
}
