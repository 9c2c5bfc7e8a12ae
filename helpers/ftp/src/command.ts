/** Which FTP command or reply announced a data connection. */
export const FtpCommandKind = {
  NONE: 0,
  /** `PORT h1,h2,h3,h4,p1,p2` (client, RFC 959). */
  PORT: 1,
  /** `EPRT |af|address|port|` (client, RFC 2428). */
  EPRT: 2,
  /** `227 … h1,h2,h3,h4,p1,p2` reply to PASV (server, RFC 959 / RFC 1123). */
  PASV: 3,
  /** `229 … (|||port|)` reply to EPSV (server, RFC 2428). */
  EPSV: 4,
} as const;
export type FtpCommandKind = (typeof FtpCommandKind)[keyof typeof FtpCommandKind];

/** What {@link parseFtpCommand} returns, with the values Linux's `find_pattern` uses. */
export const FtpMatch = {
  /** The line does not start with a keyword of its direction: nothing to do. */
  NONE: 0,
  /** A full command: {@link FtpCommand} holds the announced address and port. */
  FOUND: 1,
  /**
   * The data stops inside the keyword, or the keyword is complete but what
   * follows does not parse. Linux drops such a packet.
   */
  PARTIAL: -1,
} as const;
export type FtpMatch = (typeof FtpMatch)[keyof typeof FtpMatch];

/**
 * A parsed command. One instance is reused for every parse (no allocation
 * per packet): copy what you keep.
 */
export class FtpCommand {
  kind: FtpCommandKind = FtpCommandKind.NONE;
  /**
   * The announced address as four 32-bit words in network order (IPv4 in
   * word 0). Parsing starts from the sender's address and overwrites only
   * what the command states, as Linux does: a 229 reply states no address,
   * and PORT or 227 on an IPv6 connection overwrite only the first word.
   */
  readonly address: Uint32Array = new Uint32Array(4);
  /** The announced port (16 bits; PORT and 227 are truncated to 16 bits, 0 is possible). */
  port = 0;
  /** Where the numbers start, as an offset from the start of the parsed data. */
  numberOffset = 0;
  /** How many bytes the numbers (and, for EPRT and 229, their closing delimiter) take. */
  numberLength = 0;
}
