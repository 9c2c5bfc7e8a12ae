import { ascii } from "@alg-sdk/core/payload";

/** The CTCP opening of a DCC request, `\1DCC `, which must directly follow the first `" :"`. */
export const DCC_MARK = ascii("\x01DCC ");

/** `PRIVMSG `, lower case for the case-insensitive comparison. */
export const PRIVMSG = ascii("privmsg ");

/**
 * The DCC types that open a connection back to the client, in Linux's
 * order, each with its trailing space. The order matters: when an offer of
 * one type is refused, only the types after it are tried at the same place
 * (Linux walks this list once per `\1DCC`). Matched case-sensitively.
 */
export const DCC_TYPES: readonly Uint8Array[] = [ascii("SEND "), ascii("CHAT "), ascii("MOVE "), ascii("TSEND "), ascii("SCHAT ")];
