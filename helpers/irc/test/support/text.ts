/** Latin-1 bytes of `text` (each char code is one byte), as IRC carries it. */
export function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Address words of a dotted IPv4 address (word 0; the others 0). */
export function v4(text: string): Uint32Array {
  const parts = text.split(".").map(Number);
  return new Uint32Array([((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0, 0, 0, 0]);
}

/** The decimal form of a dotted IPv4 address, as DCC offers write it. */
export function dccDecimal(text: string): string {
  return String(v4(text)[0]);
}
