/**
 * Address text <-> the network-order bytes netlink carries. The text is
 * core's (snapshots format addresses with `formatAddress`), so core's parser
 * and formatter are used both ways: one IPv6 text reader in the repository.
 */
import { formatAddress, parseAddress } from "@alg-sdk/core";

/** "10.0.0.1" → 4 bytes, "fd00::1" → 16 bytes; null when it is neither. */
export function addressBytes(text: string): Uint8Array | null {
  const parsed = parseAddress(text);
  if (parsed === null) return null;
  const n = parsed.family === 4 ? 1 : 4;
  const out = new Uint8Array(n * 4);
  for (let w = 0; w < n; w++) {
    const v = parsed.words[w]!;
    out[w * 4] = v >>> 24;
    out[w * 4 + 1] = (v >>> 16) & 0xff;
    out[w * 4 + 2] = (v >>> 8) & 0xff;
    out[w * 4 + 3] = v & 0xff;
  }
  return out;
}

/** Bytes → text (dotted quad, or RFC 5952 short IPv6). */
export function addressText(bytes: Uint8Array): string {
  const n = bytes.length === 4 ? 1 : 4;
  const words = new Uint32Array(4);
  for (let w = 0; w < n; w++) {
    const o = w * 4;
    words[w] = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
  }
  return formatAddress(n === 1 ? 4 : 6, words);
}
