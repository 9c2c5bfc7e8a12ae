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

/** Parses IPv4 or IPv6 text into family and words; `null` if it is not an address. */
export function parseAddress(text: string): { family: 4 | 6; words: Uint32Array } | null {
  const words = new Uint32Array(4);
  if (text.includes(".") && !text.includes(":")) {
    const v = parseIpv4(text);
    if (v === null) return null;
    words[0] = v;
    return { family: 4, words };
  }
  if (!text.includes(":")) return null;
  let head = text;
  let v4tail: number | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    v4tail = parseIpv4(text.slice(lastColon + 1));
    if (v4tail === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const parts = head.split("::");
  if (parts.length > 2) return null;
  const left = parts[0] === "" ? [] : parts[0]!.split(":");
  const right = parts.length === 2 ? (parts[1] === "" ? [] : parts[1]!.split(":")) : [];
  const missing = 8 - left.length - right.length;
  if ((parts.length === 1 && missing !== 0) || (parts.length === 2 && missing < 1)) return null;
  const all = [...left, ...Array<string>(parts.length === 2 ? missing : 0).fill("0"), ...right];
  const groups: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    groups.push(parseInt(g, 16));
  }
  for (let i = 0; i < 4; i++) words[i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  if (v4tail !== null) words[3] = v4tail;
  return { family: 6, words };
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
