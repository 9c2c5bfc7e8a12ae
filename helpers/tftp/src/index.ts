/**
 * @packageDocumentation
 * `@alg-sdk/helper-tftp`: the TFTP helper for alg-sdk, with the behaviour of
 * Linux's `nf_conntrack_tftp`: a read or write request expects the
 * server's transfer from any port back to the client's port.
 */
export { tftpHelper } from "./helper.js";
export { TFTP_PORT, type TftpOptions } from "./options.js";
