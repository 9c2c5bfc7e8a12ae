import { IpProto } from "@alg-sdk/core";
import { ascii, caselessPrefix } from "@alg-sdk/core/payload";
import { readSipAddress } from "./address-text.js";
import { COLON } from "./chars.js";
import { MAX_PORT, MIN_PORT, SIP_PORT } from "./constants.js";
import type { Match } from "./header-match.js";
import { searchHeader } from "./line-scan.js";
import { number, readUnsigned, readUnsignedAnyBase } from "./numbers.js";
import { Found, walkHeaders, type ListPosition, type SipHeader } from "./sip-headers.js";

/**
 * URIs and parameters of SIP header values: Linux's
 * `ct_sip_parse_header_uri`, `ct_sip_parse_param`,
 * `ct_sip_parse_numerical_param` and `ct_sip_parse_transport`.
 */

const COMMA = ascii(",");
const SEMICOLON = ascii(";");
const TRANSPORT = ascii("transport=");
const TCP = ascii("tcp");
const UDP = ascii("udp");

/** A URI's host and port as {@link parseHeaderUri} reads them (one instance reused per helper). */
export class UriTarget {
  readonly address = new Uint32Array(4);
  port = 0;
  /** Where the URI's address and port end: the next list value is looked for from here. */
  end = 0;
}

/**
 * The next parsable header `h` (continuing a Contact list when `list` says
 * so), its URI's address and port. The port defaults to 5060 and must be
 * 1024-65535. YES, NO, or BAD when the address or port does not parse.
 * `m` covers the address and port.
 */
export function parseHeaderUri(
  h: SipHeader,
  b: Uint8Array,
  from: number,
  limit: number,
  family: number,
  list: ListPosition | null,
  m: Match,
  out: UriTarget,
): Found {
  if (walkHeaders(h, b, from, limit, family, list, m) === Found.NO) return Found.NO;
  let c = readSipAddress(b, m.off, limit, family, true, out.address);
  if (c < 0) return Found.BAD;
  if (c < limit && b[c] === COLON) {
    const port = readUnsigned(b, c + 1, limit);
    c = number.pos;
    if (port < MIN_PORT || port > MAX_PORT) return Found.BAD;
    out.port = port;
  } else out.port = SIP_PORT;
  out.end = c;
  return Found.YES;
}

/** End of the current list value: the next comma in this header, or the end of the message. */
function valueEnd(b: Uint8Array, from: number, limit: number): number {
  const comma = searchHeader(b, from, limit, COMMA);
  return comma < 0 ? limit : comma;
}

/**
 * Linux's `ct_sip_parse_param`: the value of parameter `name` (lower case,
 * with its "="), looked for from `from` in the current list value; it ends
 * at the next ';' or with the list value. Returns YES or NO.
 */
export function findParam(b: Uint8Array, from: number, limit: number, name: Uint8Array, m: Match): Found {
  const end = valueEnd(b, from, limit);
  let start = searchHeader(b, from, end, name);
  if (start < 0) return Found.NO;
  start += name.length;
  const semicolon = searchHeader(b, start, end, SEMICOLON);
  m.off = start;
  m.len = (semicolon < 0 ? end : semicolon) - start;
  return Found.YES;
}

/**
 * Linux's `ct_sip_parse_numerical_param`: a number parameter, read with
 * the base its text says (`0x…` hexadecimal, `0…` octal). YES with the
 * value left in `number.value`, NO when absent, BAD when no digit follows
 * the name.
 */
export function findNumberParam(b: Uint8Array, from: number, limit: number, name: Uint8Array): Found {
  const end = valueEnd(b, from, limit);
  let start = searchHeader(b, from, end, name);
  if (start < 0) return Found.NO;
  start += name.length;
  readUnsignedAnyBase(b, start, limit);
  return number.digits === 0 ? Found.BAD : Found.YES;
}

/**
 * Linux's `ct_sip_parse_transport`: the protocol a Contact's
 * `transport=` parameter names (TCP or UDP, by its first three letters),
 * or the connection's own without one. 0 when it names another protocol,
 * or one different from the connection's.
 */
export function contactTransport(b: Uint8Array, from: number, limit: number, connectionProtocol: number, m: Match): number {
  if (findParam(b, from, limit, TRANSPORT, m) === Found.NO) return connectionProtocol;
  const at = m.off;
  let proto = 0;
  if (at + 3 <= limit && caselessPrefix(b, at, TCP, 3)) proto = IpProto.TCP;
  else if (at + 3 <= limit && caselessPrefix(b, at, UDP, 3)) proto = IpProto.UDP;
  return proto === connectionProtocol ? proto : 0;
}
