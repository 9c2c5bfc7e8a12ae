import { parseAddress } from "@alg-sdk/core";
import type { NatTargetText } from "./ast.js";
import { RuleSyntaxError } from "./errors.js";
import type { Token } from "./lexer.js";

/**
 * Reads a NAT target the way nft writes one after `to`:
 *
 * - `10.0.2.2`, `10.0.2.100-10.0.2.110`, with an optional `:PORT` or
 *   `:PORT-PORT` (`10.0.2.2:2121`, `10.0.2.100:1024-2047`);
 * - IPv6 bare (`fd00:2::2`, `fd00:2::100-fd00:2::1ff`), or in brackets when a
 *   port follows (`[fd00:2::2]:21`, `[fd00:2::100]-[fd00:2::1ff]:1024-2047`),
 *   since a colon and digits would otherwise read as more of the address.
 *
 * The target is one word, written without blanks. Errors point at the part
 * that is wrong. `family` is the one `dnat ip` / `dnat ip6` asked for, if any.
 */
export function parseNatTarget(t: Token, family: 4 | 6 | null): NatTargetText {
  if (t.kind !== "word") throw new RuleSyntaxError(`expected a NAT target address, found ${describe(t)}`, t.line, t.column);
  const parts = split(t);
  if (parts.addresses[0].text === "") {
    throw new RuleSyntaxError(`a NAT target needs an address: ${t.text} gives only a port`, t.line, t.column);
  }
  const lo = address(t, parts.addresses[0]);
  const hi = parts.addresses[1] === null ? lo : address(t, parts.addresses[1]);
  if (lo.family !== hi.family) {
    throw at(t, parts.addresses[1]!.offset, `${parts.addresses[0].text} and ${parts.addresses[1]!.text} are of different families: a range is one family`);
  }
  if (compareAddresses(lo.words, hi.words) > 0) {
    throw at(t, parts.addresses[0].offset, `address range ${parts.addresses[0].text}-${parts.addresses[1]!.text} is backwards`);
  }
  if (family !== null && lo.family !== family) {
    const keyword = family === 4 ? "ip" : "ip6";
    throw at(t, parts.addresses[0].offset, `${parts.addresses[0].text} is an IPv${lo.family} address, but the statement says ${keyword} (IPv${family})`);
  }
  return {
    text: t.text,
    position: { line: t.line, column: t.column },
    family: lo.family,
    addresses: [parts.addresses[0].text, parts.addresses[1]?.text ?? parts.addresses[0].text],
    ports: parts.ports === null ? null : ports(t, parts.ports),
  };
}

/** A piece of the target word and where it starts in it. */
interface Piece {
  readonly text: string;
  readonly offset: number;
}

interface Parts {
  readonly addresses: readonly [Piece, Piece | null];
  readonly ports: Piece | null;
}

function split(t: Token): Parts {
  const text = t.text;
  if (text.startsWith("[")) return splitBracketed(t);
  if (text.includes("[") || text.includes("]")) throw at(t, 0, `an IPv6 address with a port is written [address]:port, not ${text}`);
  const colons = text.split(":").length - 1;
  // Two colons or more: an IPv6 address (and its range); a port would need brackets.
  if (colons >= 2) return { addresses: range(text, 0), ports: null };
  const colon = text.indexOf(":");
  const addressText = colon < 0 ? text : text.slice(0, colon);
  return { addresses: range(addressText, 0), ports: colon < 0 ? null : { text: text.slice(colon + 1), offset: colon + 1 } };
}

/** `[a]`, `[a]-[b]`, each optionally followed by `:PORT[-PORT]`. */
function splitBracketed(t: Token): Parts {
  const text = t.text;
  const close = text.indexOf("]");
  if (close < 0) throw at(t, 0, `${text} opens a bracket it does not close`);
  const first: Piece = { text: text.slice(1, close), offset: 1 };
  let rest = close + 1;
  let second: Piece | null = null;
  if (text.startsWith("-[", rest)) {
    const end = text.indexOf("]", rest + 2);
    if (end < 0) throw at(t, rest + 1, `${text} opens a bracket it does not close`);
    second = { text: text.slice(rest + 2, end), offset: rest + 2 };
    rest = end + 1;
  }
  if (rest === text.length) return { addresses: [first, second], ports: null };
  if (text[rest] !== ":") throw at(t, rest, `expected :PORT after the bracketed address, found ${JSON.stringify(text.slice(rest))}`);
  return { addresses: [first, second], ports: { text: text.slice(rest + 1), offset: rest + 1 } };
}

/** `a` or `a-b` (addresses contain no `-`). */
function range(text: string, offset: number): [Piece, Piece | null] {
  const dash = text.indexOf("-");
  if (dash < 0) return [{ text, offset }, null];
  return [
    { text: text.slice(0, dash), offset },
    { text: text.slice(dash + 1), offset: offset + dash + 1 },
  ];
}

function address(t: Token, piece: Piece): { family: 4 | 6; words: Uint32Array } {
  const parsed = parseAddress(piece.text);
  if (parsed === null) throw at(t, piece.offset, `expected an IPv4 or IPv6 address, found ${JSON.stringify(piece.text)}`);
  return parsed;
}

function ports(t: Token, piece: Piece): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(piece.text);
  if (!m) throw at(t, piece.offset, `expected a port or a port range like 1024-2047, found ${JSON.stringify(piece.text)}`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  for (const p of [lo, hi]) {
    if (p < 1 || p > 65535) throw at(t, piece.offset, `port ${p} is not between 1 and 65535`);
  }
  if (hi < lo) throw at(t, piece.offset, `port range ${piece.text} is backwards`);
  return [lo, hi];
}

/** Orders two addresses (four 32-bit words each) as unsigned numbers. */
function compareAddresses(a: Uint32Array, b: Uint32Array): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function at(t: Token, offset: number, message: string): RuleSyntaxError {
  return new RuleSyntaxError(message, t.line, t.column + offset);
}

function describe(t: Token): string {
  return t.kind === "end" ? "the end of the line" : JSON.stringify(t.text);
}
