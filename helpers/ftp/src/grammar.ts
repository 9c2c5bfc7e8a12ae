import { Direction } from "@alg-sdk/core";
import { FtpCommand, FtpCommandKind, FtpMatch } from "./command.js";
import { caselessPrefix, isDigit, readDelimitedPort, readIpv6Text, readNumberList } from "@alg-sdk/core/payload";

/**
 * The command grammars of nf_conntrack_ftp. A command is only looked for at
 * the first byte of the data (Linux anchors it at the start of the segment),
 * case-insensitively, and only the keywords of the packet's direction:
 * PORT then EPRT from the client, "227 " then "229 " from the server.
 */

const CR = 0x0d;
const SPACE = 0x20;
const OPEN_PAREN = 0x28;
const COMMA = 0x2c;
const DOT = 0x2e;

// Keywords in lower case (digits and spaces compare exactly).
const KW_PORT = Uint8Array.of(0x70, 0x6f, 0x72, 0x74);
const KW_EPRT = Uint8Array.of(0x65, 0x70, 0x72, 0x74);
const KW_227 = Uint8Array.of(0x32, 0x32, 0x37, SPACE);
const KW_229 = Uint8Array.of(0x32, 0x32, 0x39, SPACE);

const numbers = new Uint32Array(6);
const portOut = new Uint32Array(1);
const v6 = new Uint8Array(16);

/** Six comma-separated numbers: four address bytes and the port's two bytes (RFC 959). */
function sixNumbers(b: Uint8Array, start: number, end: number, term: number, cmd: FtpCommand): number {
  const n = readNumberList(b, start, end, numbers, 6, COMMA, term);
  if (n === 0) return 0;
  // The kernel shifts and ORs u32 values: bytes above 255 bleed into their neighbours, and the port keeps 16 bits.
  cmd.address[0] = (numbers[0]! << 24) | (numbers[1]! << 16) | (numbers[2]! << 8) | numbers[3]!;
  cmd.port = ((numbers[4]! << 8) | numbers[5]!) & 0xffff;
  return n;
}

/** A delimiter of EPRT / EPSV: printable, not a digit (RFC 2428). */
function validDelimiter(c: number): boolean {
  return c >= 33 && c <= 126 && !isDigit(c);
}

/** `<d>1<d>a.b.c.d<d>port<d>` or `<d>2<d>ipv6<d>port<d>`; the protocol must be the connection's. */
function eprt(b: Uint8Array, start: number, end: number, family: number, cmd: FtpCommand): number {
  if (end - start <= 3) return 0;
  const delim = b[start]!;
  if (!validDelimiter(delim) || b[start + 2] !== delim) return 0;
  const proto = b[start + 1]!;
  if ((family === 4 && proto !== 0x31) || (family === 6 && proto !== 0x32)) return 0;
  let len: number;
  if (proto === 0x31) {
    len = readNumberList(b, start + 3, end, numbers, 4, DOT, delim);
    if (len !== 0) cmd.address[0] = (numbers[0]! << 24) | (numbers[1]! << 16) | (numbers[2]! << 8) | numbers[3]!;
  } else {
    // The kernel reads at most 0xffff bytes of address text.
    const e = readIpv6Text(b, start + 3, Math.min(end, start + 3 + 0xffff), delim, v6);
    len = e < 0 ? 0 : e - (start + 3);
    if (len !== 0) {
      for (let i = 0; i < 4; i++) {
        cmd.address[i] = (v6[i * 4]! << 24) | (v6[i * 4 + 1]! << 16) | (v6[i * 4 + 2]! << 8) | v6[i * 4 + 3]!;
      }
    }
  }
  if (len === 0) return 0;
  const n = readDelimitedPort(b, start, start + 3 + len + 1, end, delim, portOut);
  if (n !== 0) cmd.port = portOut[0]!;
  return n;
}

/** `<d><d><d>port<d>`: the server's own address is implied. */
function epsv(b: Uint8Array, start: number, end: number, cmd: FtpCommand): number {
  if (end - start <= 3) return 0;
  const delim = b[start]!;
  if (!validDelimiter(delim) || b[start + 1] !== delim || b[start + 2] !== delim) return 0;
  const n = readDelimitedPort(b, start, start + 3, end, delim, portOut);
  if (n !== 0) cmd.port = portOut[0]!;
  return n;
}

/**
 * One keyword of the search table (Linux's `find_pattern`): the keyword at
 * `start`, then (if `skip` is not 0) everything up to and including the
 * first `skip` byte, then the kind's number grammar.
 */
function tryKeyword(
  b: Uint8Array,
  start: number,
  end: number,
  kw: Uint8Array,
  skip: number,
  kind: FtpCommandKind,
  family: number,
  cmd: FtpCommand,
): FtpMatch {
  const len = end - start;
  const plen = kw.length;
  if (len <= plen) return caselessPrefix(b, start, kw, len) ? FtpMatch.PARTIAL : FtpMatch.NONE;
  if (!caselessPrefix(b, start, kw, plen)) return FtpMatch.NONE;
  let i = start + plen;
  if (skip !== 0) {
    while (b[i] !== skip) {
      if (i === end - 1) return FtpMatch.PARTIAL;
      i++;
    }
    i++;
  }
  let n = 0;
  switch (kind) {
    case FtpCommandKind.PORT:
      n = sixNumbers(b, i, end, CR, cmd);
      break;
    case FtpCommandKind.EPRT:
      n = eprt(b, i, end, family, cmd);
      break;
    case FtpCommandKind.PASV: {
      // RFC 1123: the reply's format is loose, so start at its first digit, with no terminator required.
      let d = i;
      while (d < end && !isDigit(b[d]!)) d++;
      if (d < end) {
        n = sixNumbers(b, d, end, 0, cmd);
        i = d;
      }
      break;
    }
    case FtpCommandKind.EPSV:
      n = epsv(b, i, end, cmd);
      break;
  }
  if (n === 0) return FtpMatch.PARTIAL;
  cmd.kind = kind;
  cmd.numberOffset = i - start;
  cmd.numberLength = n;
  return FtpMatch.FOUND;
}

/**
 * Looks for the data-connection command at the start of `b[start..end)`,
 * as nf_conntrack_ftp does for one segment.
 *
 * @param direction - 0 (original, client to server: PORT, EPRT) or 1 (reply: 227, 229).
 * @param family - 4 or 6, the control connection's family (EPRT must name it).
 * @param sender - address words of the packet's source; `cmd.address` starts as a copy.
 * @param cmd - receives the result; reused, never allocated here.
 * @returns {@link FtpMatch}: FOUND, NONE or PARTIAL.
 */
export function parseFtpCommand(
  b: Uint8Array,
  start: number,
  end: number,
  direction: number,
  family: number,
  sender: ArrayLike<number>,
  cmd: FtpCommand,
): FtpMatch {
  cmd.kind = FtpCommandKind.NONE;
  cmd.port = 0;
  cmd.numberOffset = 0;
  cmd.numberLength = 0;
  const a = cmd.address;
  a[0] = sender[0]!;
  a[1] = sender[1]!;
  a[2] = sender[2]!;
  a[3] = sender[3]!;
  if (end <= start) return FtpMatch.NONE;
  if (direction === Direction.ORIGINAL) {
    const r = tryKeyword(b, start, end, KW_PORT, SPACE, FtpCommandKind.PORT, family, cmd);
    if (r !== FtpMatch.NONE) return r;
    return tryKeyword(b, start, end, KW_EPRT, SPACE, FtpCommandKind.EPRT, family, cmd);
  }
  const r = tryKeyword(b, start, end, KW_227, 0, FtpCommandKind.PASV, family, cmd);
  if (r !== FtpMatch.NONE) return r;
  return tryKeyword(b, start, end, KW_229, OPEN_PAREN, FtpCommandKind.EPSV, family, cmd);
}
