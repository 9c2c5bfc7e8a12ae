/**
 * @packageDocumentation
 * `@alg-sdk/helper-ftp`: the FTP helper for alg-sdk. {@link ftpHelper}
 * reproduces Linux's nf_conntrack_ftp by default; options add stream
 * reassembly, a lenient partial-match policy, extra ports and loose address
 * checking. {@link parseFtpCommand} exposes the command grammar on its own.
 */

export { ftpHelper } from "./helper.js";
export { FTP_PORT, type FtpOptions } from "./options.js";
export type { FtpState } from "./state.js";
export { parseFtpCommand } from "./grammar.js";
export { FtpCommand, FtpCommandKind, FtpMatch } from "./command.js";
