import { DecimalCursor, MOD_16, MOD_32, indexOfByte, readDecimal, readIpv6Words } from "@alg-sdk/core/payload";
import { LF, SPACE } from "./bytes.js";
import { ARGUMENT_RESERVE } from "./constants.js";
import type { DccOffer } from "./offer.js";

const num = new DecimalCursor();

/**
 * Reads what follows a DCC type, as Linux's `parse_dcc` does: the argument
 * (a file name, `chat`, …) up to its first space, then the address and the
 * port. Positions are absolute in `buf`; nothing at or past `end` is read.
 * Whether the address is acceptable is the caller's business.
 *
 * - The argument may be empty and may contain anything but a space; the
 *   space must come while at least {@link ARGUMENT_RESERVE} bytes remain.
 * - A line end (LF) must appear somewhere after that space in the window:
 *   Linux checks this so its number parsing cannot run past the data. It is
 *   not required to end the offer itself.
 * - IPv4 (`family` 4): the address is a decimal number, kept modulo 2^32;
 *   blanks; the port, a decimal number kept modulo 2^16. Missing digits
 *   read as 0 (the caller refuses address 0 as forged and port 0).
 * - IPv6 (`family` 6, an extension): IPv6 text as every IPv6 text in
 *   alg-sdk is read (core's `readIpv6Words`, the kernel's `in6_pton`),
 *   ended by a space, one or more spaces, and a port of 1 to 5 digits no
 *   larger than 65535; anything else is refused.
 *
 * @returns true with `offer.address` / `offer.port` filled, or false.
 */
export function readDccTarget(buf: Uint8Array, at: number, end: number, family: 4 | 6, offer: DccOffer): boolean {
  let p = at;
  for (;;) {
    const c = p < end ? buf[p]! : -1;
    p++;
    if (c === SPACE) break;
    if (p > end - ARGUMENT_RESERVE) return false;
  }
  if (indexOfByte(buf, p, end, LF) < 0) return false;

  offer.family = family;
  offer.textStart = p;
  const address = offer.address;
  if (family === 4) {
    readDecimal(buf, p, end, MOD_32, num);
    address[0] = num.value;
    address[1] = 0;
    address[2] = 0;
    address[3] = 0;
    p = num.pos;
    // The line end found above stops this before the window ends.
    while (p < end && buf[p] === SPACE) p++;
    readDecimal(buf, p, end, MOD_16, num);
    offer.port = num.value;
    offer.textEnd = num.pos;
    return true;
  }

  p = readIpv6Words(buf, p, end, SPACE, address);
  if (p < 0 || p >= end || buf[p] !== SPACE) return false;
  while (p < end && buf[p] === SPACE) p++;
  readDecimal(buf, p, end, MOD_32, num);
  if (num.digits === 0 || num.digits > 5 || num.value > 0xffff) return false;
  offer.port = num.value;
  offer.textEnd = num.pos;
  return true;
}
