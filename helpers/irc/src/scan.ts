import { COLON, CR, LF, SPACE, matchesAt, matchesCaselessAt } from "./bytes.js";
import { OFFER_RESERVE, PRIVMSG_RESERVE, SEARCH_LIMIT } from "./constants.js";
import { readDccTarget } from "./dcc-target.js";
import { DCC_MARK, DCC_TYPES, PRIVMSG } from "./dcc-types.js";
import type { DccOffer } from "./offer.js";

/**
 * True when the offer may be expected: it names the client itself (the
 * sender of the packet) and a port other than 0. Anything else is what
 * Linux logs as a "Forged DCC command" and skips.
 */
function acceptable(offer: DccOffer, client: ArrayLike<number>): boolean {
  if (offer.port === 0) return false;
  const a = offer.address;
  if (a[0] !== client[0]! >>> 0) return false;
  return offer.family === 4 || (a[1] === client[1]! >>> 0 && a[2] === client[2]! >>> 0 && a[3] === client[3]! >>> 0);
}

/**
 * Searches one window of client-to-server bytes for the DCC offer Linux's
 * IRC helper would act on, and fills `offer` with it.
 *
 * The rules, in Linux's order (nf_conntrack_irc.c with the 2022 fixes):
 * 1. Only the first {@link SEARCH_LIMIT} bytes count.
 * 2. Leading spaces, CRs and LFs are skipped; then the text must start with
 *    `PRIVMSG ` (any case), or there is nothing to find.
 * 3. From there the first `" :"` is found, and `\1DCC ` must follow it
 *    directly, or the search ends.
 * 4. A type (`SEND `, `CHAT `, `MOVE `, `TSEND `, `SCHAT `, exact case)
 *    must follow; its target is read by {@link readDccTarget}.
 * 5. The first offer whose target parses and is {@link acceptable} wins:
 *    Linux creates one expectation per packet at most. An offer that fails
 *    (malformed, forged, port 0) is skipped: the types after the matched one
 *    are tried at the position after it, then the search for the next `" :"`
 *    resumes (and again `\1DCC ` must follow that one directly).
 *
 * @param family - 4: decimal IPv4 addresses (Linux); 6: IPv6 text (extension).
 * @param client - the client's address words (the packet's source).
 * @returns true when `offer` holds an acceptable offer.
 */
export function findDccOffer(
  buf: Uint8Array,
  off: number,
  length: number,
  family: 4 | 6,
  client: ArrayLike<number>,
  offer: DccOffer,
): boolean {
  const end = length < SEARCH_LIMIT ? length : SEARCH_LIMIT;
  let p = 0;
  while (p < end - PRIVMSG_RESERVE) {
    const c = buf[off + p];
    if (c !== SPACE && c !== CR && c !== LF) break;
    p++;
  }
  // Too little left for `PRIVMSG x `: Linux skips the check, but then the
  // search below cannot run either.
  if (p >= end - PRIVMSG_RESERVE) return false;
  if (!matchesCaselessAt(buf, off, end, p, PRIVMSG)) return false;
  p += PRIVMSG.length;

  while (p < end - OFFER_RESERVE) {
    if (buf[off + p] !== SPACE || buf[off + p + 1] !== COLON) {
      p++;
      continue;
    }
    p += 2;
    if (!matchesAt(buf, off, end, p, DCC_MARK)) return false;
    p += DCC_MARK.length;
    for (let i = 0; i < DCC_TYPES.length; i++) {
      const type = DCC_TYPES[i]!;
      if (!matchesAt(buf, off, end, p, type)) continue;
      // Linux moves past the type even when the offer then fails, so later
      // types are compared with what follows it.
      p += type.length;
      if (readDccTarget(buf, off, end, p, family, offer) && acceptable(offer, client)) return true;
    }
  }
  return false;
}
