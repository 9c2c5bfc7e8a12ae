/**
 * @packageDocumentation
 * `@alg-sdk/helper-irc`: the IRC DCC helper for `@alg-sdk/core`, with the
 * behaviour of Linux's `nf_conntrack_irc` (and opt-in IPv6, stream
 * reassembly and extra ports).
 */

export { ircHelper } from "./helper.js";
export type { IrcOptions, IrcStreamOptions } from "./options.js";
export type { IrcState, IrcStreamState } from "./state.js";
export { DCC_TIMEOUT, IRC_PORT, MAX_DCC_CHANNELS, SEARCH_LIMIT } from "./constants.js";
