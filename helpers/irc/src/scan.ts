import { matchesAt, matchesCaselessAt } from "@alg-sdk/core/payload";
import { COLON, CR, LF, SPACE } from "./bytes.js";
import { OFFER_RESERVE, PRIVMSG_RESERVE, SEARCH_LIMIT } from "./constants.js";
import { readDccTarget } from "./dcc-target.js";
import { DCC_MARK, DCC_TYPES, PRIVMSG } from "./dcc-types.js";
import type { DccOffer } from "./offer.js";

/**
 * True when the offer may be expected: it names the client itself, as it
 * knows itself or as the server side sees it through NAT, and a port other
 * than 0. Anything else is what Linux logs as a "Forged DCC command" and
 * skips.
 */
function acceptable(offer: DccOffer, client: ArrayLike<number>, clientSeen: ArrayLike<number>): boolean {
  if (offer.port === 0) return false;
  return names(offer, client) || names(offer, clientSeen);
}

function names(offer: DccOffer, words: ArrayLike<number>): boolean {
  const a = offer.address;
  if (a[0] !== words[0]! >>> 0) return false;
  return offer.family === 4 || (a[1] === words[1]! >>> 0 && a[2] === words[2]! >>> 0 && a[3] === words[3]! >>> 0);
}

/**
 * Searches `length` client-to-server bytes at `buf[off]` for the DCC offer
 * Linux's IRC helper would act on, and fills `offer` with it.
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
 * @param client - the client's address words (its original tuple's source).
 * @param clientSeen - where the server side sees the client (the reply
 *   tuple's destination: the NAT address when translated).
 * @returns true when `offer` holds an acceptable offer.
 */
export function findDccOffer(
  buf: Uint8Array,
  off: number,
  length: number,
  family: 4 | 6,
  client: ArrayLike<number>,
  clientSeen: ArrayLike<number>,
  offer: DccOffer,
): boolean {
  const end = off + (length < SEARCH_LIMIT ? length : SEARCH_LIMIT);
  let p = off;
  while (p < end - PRIVMSG_RESERVE) {
    const c = buf[p];
    if (c !== SPACE && c !== CR && c !== LF) break;
    p++;
  }
  // Too little left for `PRIVMSG x `: Linux skips the check, but then the
  // search below cannot run either.
  if (p >= end - PRIVMSG_RESERVE) return false;
  if (!matchesCaselessAt(buf, p, end, PRIVMSG)) return false;
  p += PRIVMSG.length;

  while (p < end - OFFER_RESERVE) {
    if (buf[p] !== SPACE || buf[p + 1] !== COLON) {
      p++;
      continue;
    }
    p += 2;
    if (!matchesAt(buf, p, end, DCC_MARK)) return false;
    p += DCC_MARK.length;
    for (let i = 0; i < DCC_TYPES.length; i++) {
      const type = DCC_TYPES[i]!;
      if (!matchesAt(buf, p, end, type)) continue;
      // Linux moves past the type even when the offer then fails, so later
      // types are compared with what follows it.
      p += type.length;
      if (readDccTarget(buf, p, end, family, offer) && acceptable(offer, client, clientSeen)) return true;
    }
  }
  return false;
}
