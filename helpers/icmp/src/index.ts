/**
 * @packageDocumentation
 * `@alg-sdk/helper-icmp`: relates ICMP and ICMPv6 errors to the connection
 * they quote, so a "port unreachable" or "time exceeded" for a tracked flow is
 * RELATED and an error quoting nothing known is INVALID.
 */
export { icmpHelper } from "./icmp-helper.js";
export type { IcmpHelperOptions } from "./icmp-helper.js";
