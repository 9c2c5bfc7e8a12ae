import { parseAddress } from "@alg-sdk/core";
import type { AddressPrefix, Match, StateWord } from "./ast.js";
import { STATE_WORDS } from "./ast.js";
import type { TokenCursor } from "./cursor.js";
import { RuleSyntaxError } from "./errors.js";
import type { InterfaceMap } from "./interfaces.js";
import type { Token } from "./lexer.js";
import { PROTOCOL_WORDS, PROTOCOLS } from "./protocols.js";

/** A match and the token it starts at (rule checks point their errors there). */
export interface PlacedMatch {
  readonly match: Match;
  readonly at: Token;
}

/** nft's interface selectors (also written after `meta`): by name, or `iif` / `oif` by name or index. */
const INTERFACE_WORDS: readonly string[] = ["iifname", "oifname", "iif", "oif"];

/** The words a match can start with, for "expected …" messages. */
export const MATCH_WORDS: readonly string[] = ["ct", "meta", "ip", "ip6", ...INTERFACE_WORDS, ...PROTOCOL_WORDS];

/** True when the cursor is at a word that starts a match. */
export function atMatch(c: TokenCursor): boolean {
  return MATCH_WORDS.includes(c.peekWord());
}

/**
 * Reads one selector and its value. `tcp dport 21` means "protocol tcp, and
 * destination port 21" as in nft, so a protocol with ports gives several
 * matches.
 */
export function readMatch(c: TokenCursor, interfaces: InterfaceMap): PlacedMatch[] {
  const t = c.next();
  const word = t.kind === "word" ? t.text.toLowerCase() : "";
  if (word === "ct") return [{ match: ctMatch(c), at: t }];
  if (word === "meta") {
    if (INTERFACE_WORDS.includes(c.peekWord())) return [{ match: interfaceMatch(c, c.next().text.toLowerCase(), interfaces), at: t }];
    return [{ match: metaMatch(c), at: t }];
  }
  if (INTERFACE_WORDS.includes(word)) return [{ match: interfaceMatch(c, word, interfaces), at: t }];
  if (word === "ip" || word === "ip6") return [{ match: addressMatch(c, word === "ip" ? 4 : 6), at: t }];
  const proto = Object.hasOwn(PROTOCOLS, word) ? PROTOCOLS[word]! : undefined;
  if (proto === undefined) throw new Error(`readMatch called on ${JSON.stringify(t.text)}, which starts no match`);
  const out: PlacedMatch[] = [{ match: { kind: "protocol", negate: false, protocols: [proto.number] }, at: t }];
  while (c.peekWord() === "sport" || c.peekWord() === "dport") {
    const which = c.next();
    if (!proto.ports) throw new RuleSyntaxError(`${word} has no ports: ${which.text} applies to tcp, udp and udplite`, which.line, which.column);
    const negate = c.negation();
    const ranges = c.set((v) => portRange(c, v));
    out.push({ match: { kind: "port", which: which.text.toLowerCase() as "sport" | "dport", negate, ranges }, at: which });
  }
  return out;
}

function ctMatch(c: TokenCursor): Match {
  const key = c.word("state, direction, status or helper after ct", ["state", "direction", "status", "helper"]);
  const negate = c.negation();
  switch (key) {
    case "state":
      return { kind: "state", negate, states: c.set((t) => oneOf(c, t, "a state", STATE_WORDS) as StateWord) };
    case "direction":
      return { kind: "direction", negate, direction: c.word("original or reply", ["original", "reply"]) as "original" | "reply" };
    case "status":
      c.word("expected (the only status the engine reports per packet)", ["expected"]);
      return { kind: "expected", negate };
    default:
      return { kind: "helper", negate, helpers: c.set((t) => helperName(c, t)) };
  }
}

function metaMatch(c: TokenCursor): Match {
  // The interface keys were taken by readMatch; they stay candidates for "did you mean".
  const key = c.word("l4proto, nfproto, iifname, oifname, iif or oif after meta", ["l4proto", "nfproto", ...INTERFACE_WORDS]);
  const negate = c.negation();
  if (key === "nfproto") {
    return { kind: "family", negate, family: c.word("ipv4 or ipv6", ["ipv4", "ipv6"]) === "ipv4" ? 4 : 6 };
  }
  return { kind: "protocol", negate, protocols: c.set((t) => protocolNumber(c, t)) };
}

/** `iifname "lan"`, `oifname != { "wan", "dmz" }`, `iifname "eth*"`, `iif 2`. */
function interfaceMatch(c: TokenCursor, keyword: string, interfaces: InterfaceMap): Match {
  const negate = c.negation();
  const names: string[] = [];
  const indexes = new Set<number>();
  c.set((t) => {
    names.push(t.text);
    for (const i of interfaces.resolve(t, keyword, !keyword.endsWith("name"))) indexes.add(i);
  });
  return { kind: "interface", which: keyword.startsWith("i") ? "iif" : "oif", negate, names, indexes: [...indexes] };
}

function addressMatch(c: TokenCursor, family: 4 | 6): Match {
  const which = c.word("saddr or daddr", ["saddr", "daddr"]) as "saddr" | "daddr";
  const negate = c.negation();
  return { kind: "address", which, family, negate, prefixes: c.set((t) => prefix(c, t, family)) };
}

function oneOf(c: TokenCursor, t: Token, what: string, allowed: readonly string[]): string {
  const w = t.kind === "word" ? t.text.toLowerCase() : "";
  if (allowed.includes(w)) return w;
  return c.fail(t, `${what} (${allowed.join(", ")})`, allowed);
}

function helperName(c: TokenCursor, t: Token): string {
  if (t.kind === "string" || t.kind === "word") return t.text;
  return c.fail(t, "a helper name");
}

function protocolNumber(c: TokenCursor, t: Token): number {
  const w = t.kind === "word" ? t.text.toLowerCase() : "";
  if (Object.hasOwn(PROTOCOLS, w)) return PROTOCOLS[w]!.number;
  if (/^\d+$/.test(w) && Number(w) <= 255) return Number(w);
  return c.fail(t, `a protocol (${PROTOCOL_WORDS.join(", ")} or a number 0-255)`, PROTOCOL_WORDS);
}

function portRange(c: TokenCursor, t: Token): [number, number] {
  const m = t.kind === "word" ? /^(\d+)(?:-(\d+))?$/.exec(t.text) : null;
  if (!m) return c.fail(t, "a port or a range like 1024-65535");
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535) throw new RuleSyntaxError(`port ${hi > 65535 ? hi : lo} is above 65535`, t.line, t.column);
  if (hi < lo) throw new RuleSyntaxError(`range ${t.text} is backwards`, t.line, t.column);
  return [lo, hi];
}

function prefix(c: TokenCursor, t: Token, family: 4 | 6): AddressPrefix {
  if (t.kind !== "word") return c.fail(t, family === 4 ? "an IPv4 address or prefix" : "an IPv6 address or prefix");
  const [addr, bitsText, extra] = t.text.split("/");
  const parsed = parseAddress(addr ?? "");
  if (parsed === null || extra !== undefined) {
    return c.fail(t, family === 4 ? "an IPv4 address or prefix like 10.0.0.0/8" : "an IPv6 address or prefix like fd00::/16");
  }
  if (parsed.family !== family) {
    const want = parsed.family === 4 ? "ip" : "ip6";
    throw new RuleSyntaxError(`${addr} is an IPv${parsed.family} address: match it with ${want} saddr / ${want} daddr`, t.line, t.column);
  }
  const max = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) throw new RuleSyntaxError(`prefix length /${bitsText} is not between 0 and ${max}`, t.line, t.column);
  return { text: t.text, family, words: [...parsed.words], bits };
}
