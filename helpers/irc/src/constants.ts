/**
 * Numbers that define Linux's IRC helper (net/netfilter/nf_conntrack_irc.c).
 * Every bound the scanner uses is named here so the parser reads like the
 * behaviour it reproduces.
 */

/** The conventional IRC server port (Linux's `IRC_PORT`). */
export const IRC_PORT = 6667;

/** Pending DCC expectations per IRC connection (Linux's `max_dcc_channels`). */
export const MAX_DCC_CHANNELS = 8;

/** Seconds an unused DCC expectation lives (Linux's `dcc_timeout`). */
export const DCC_TIMEOUT = 300;

/**
 * Only the first 4095 payload bytes of a packet are searched (Linux's
 * `MAX_SEARCH_SIZE`, part of the 2022 fixes); the rest is never looked at.
 */
export const SEARCH_LIMIT = 4095;

/**
 * Leading spaces and line ends are skipped, and `PRIVMSG ` is looked for,
 * only while more than this many bytes remain: Linux's reserve for the
 * shortest `PRIVMSG x ` it bothers with.
 */
export const PRIVMSG_RESERVE = 10;

/**
 * The search for `" :"` only runs while more than this many bytes remain:
 * room for `" :\1DCC "`, a type and the shortest argument, address and port
 * (Linux's `21 + MINMATCHLEN`).
 */
export const OFFER_RESERVE = 26;

/**
 * After the argument's space there must be room for at least this many
 * bytes (address, space, port, `\1`, line end); a later space is refused.
 */
export const ARGUMENT_RESERVE = 12;
