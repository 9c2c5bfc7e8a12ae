import { parseAddress } from "@alg-sdk/core";

/** An address in the form the builders write into headers. */
export interface AddressBytes {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

/**
 * Parses "10.0.1.2" or "fd00:1::2" with core's own parser, so a test can
 * never disagree with the engine about what an address means.
 *
 * @throws TypeError when the text is not an address.
 */
export function addressBytes(text: string): AddressBytes {
  const parsed = parseAddress(text);
  if (!parsed) throw new TypeError(`not an IPv4 or IPv6 address: "${text}"`);
  const n = parsed.family === 4 ? 1 : 4;
  const bytes = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const w = parsed.words[i]!;
    bytes[i * 4] = w >>> 24;
    bytes[i * 4 + 1] = (w >>> 16) & 255;
    bytes[i * 4 + 2] = (w >>> 8) & 255;
    bytes[i * 4 + 3] = w & 255;
  }
  return { family: parsed.family, bytes };
}

/** The family of two addresses that must agree (source and destination of one packet). */
export function pairFamily(src: AddressBytes, dst: AddressBytes): 4 | 6 {
  if (src.family !== dst.family) throw new TypeError("source and destination are of different address families");
  return src.family;
}
