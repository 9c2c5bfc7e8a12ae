/**
 * @packageDocumentation
 * `@alg-sdk/core/payload`: what helpers need to read application payloads
 * without allocating: byte and keyword comparisons, the kernel's decimal
 * and IPv6 text readers, and the line reassembler every line-protocol
 * helper shares.
 */
export { ascii, caselessPrefix, indexOfByte, indexOfBytes, lastIndexOfByte, matchesAt, matchesCaselessAt } from "./bytes.js";
export { DecimalCursor, MOD_16, MOD_32, isDigit, readDecimal, readDelimitedPort, readNumberList } from "./decimal.js";
export { readIpv6Text, readIpv6Words } from "./ipv6-text.js";
export { LineReassembler, LineStream, type LineHandler, type LineStreamOptions } from "./line-stream.js";
// What a line handler and the reassembler answer (also exported by "@alg-sdk/core").
export { HelperVerdict } from "../helper/types.js";
