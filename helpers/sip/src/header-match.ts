import { isDigit } from "@alg-sdk/core/payload";
import { readSdpAddress, readSipAddress } from "./address-text.js";
import { AT, COLON, isAlpha, isLineEnd } from "./chars.js";

/**
 * How much of a header value (or SDP line) a match covers: Linux's
 * `match_len` functions. The scanner reuses one {@link Match}; read it
 * before the next scan.
 */
export const MatchKind = {
  /** Decimal digits (`digits_len`): CSeq, Expires, Content-Length, `v=`. */
  DIGITS: 0,
  /** An address and optional ":port" (`epaddr_len`): Via. */
  SIP_ADDRESS: 1,
  /** The same after an optional "user@" on the same line (`skp_epaddr_len`): Contact. */
  SIP_ADDRESS_AFTER_USER: 2,
  /** An SDP address (`sdp_addr_len`): `c=`. */
  SDP_ADDRESS: 3,
  /** Letters, a space, digits (`media_len`): `m=`. */
  MEDIA: 4,
} as const;
export type MatchKind = (typeof MatchKind)[keyof typeof MatchKind];

/** Where a match is: `off` is absolute, `len` its length (Linux's `matchoff` / `matchlen`). */
export class Match {
  off = 0;
  len = 0;
  /** Bytes skipped before the match proper (the "user@" of a URI). */
  shift = 0;
}

const scratch = new Uint32Array(4);

function digitsLength(b: Uint8Array, p: number, limit: number): number {
  const start = p;
  while (p < limit && isDigit(b[p]!)) p++;
  return p - start;
}

function sipAddressLength(b: Uint8Array, p: number, limit: number, family: number): number {
  let end = readSipAddress(b, p, limit, family, true, scratch);
  if (end < 0) return 0;
  if (end < limit && b[end] === COLON) {
    end++;
    end += digitsLength(b, end, limit);
  }
  return end - p;
}

/**
 * Measures a match of `kind` starting at `p`. 0 means no match (Linux then
 * reports the header as unparsable). For a Contact the "user@" part is
 * skipped and its length left in `m.shift`.
 */
export function matchLength(kind: MatchKind, b: Uint8Array, p: number, limit: number, family: number, m: Match): number {
  switch (kind) {
    case MatchKind.DIGITS:
      return digitsLength(b, p, limit);
    case MatchKind.SIP_ADDRESS:
      return sipAddressLength(b, p, limit, family);
    case MatchKind.SIP_ADDRESS_AFTER_USER: {
      // The user part ends at '@', looked for on this line only (a URI never folds).
      let q = p;
      while (q < limit && b[q] !== AT && !isLineEnd(b[q]!)) q++;
      if (q < limit && b[q] === AT) {
        m.shift += q + 1 - p;
        p = q + 1;
      }
      return sipAddressLength(b, p, limit, family);
    }
    case MatchKind.SDP_ADDRESS: {
      const end = readSdpAddress(b, p, limit, family, scratch);
      return end < 0 ? 0 : end - p;
    }
    case MatchKind.MEDIA: {
      let q = p;
      while (q < limit && isAlpha(b[q]!)) q++;
      if (q >= limit || b[q] !== 0x20) return 0;
      q++;
      return q - p + digitsLength(b, q, limit);
    }
  }
  return 0;
}
