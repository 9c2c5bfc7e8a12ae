import { parseAddress } from "@alg-sdk/core";
import { didYouMean } from "../closest.js";
import type { AddressPrefix, Match, Rule, RuleVerdict, Ruleset, SourcePosition, StateWord } from "./ast.js";
import { STATE_WORDS } from "./ast.js";
import { RuleSyntaxError, tokenize, type Token } from "./lexer.js";

/** Protocol words and their numbers; `ports` marks the ones with `sport`/`dport`. */
const PROTOCOLS: Readonly<Record<string, { number: number; ports: boolean }>> = {
  tcp: { number: 6, ports: true },
  udp: { number: 17, ports: true },
  udplite: { number: 136, ports: true },
  icmp: { number: 1, ports: false },
  icmpv6: { number: 58, ports: false },
  sctp: { number: 132, ports: false },
  gre: { number: 47, ports: false },
  esp: { number: 50, ports: false },
  ah: { number: 51, ports: false },
};

const VERDICTS = ["accept", "drop"] as const;
const MATCH_WORDS = ["ct", "meta", "ip", "ip6", ...Object.keys(PROTOCOLS)];

/**
 * Parses a rules file (grammar in docs/cli.md). Throws {@link RuleSyntaxError}
 * with the line and column of the first mistake.
 *
 * ```
 * policy drop
 * ct state established,related accept
 * ct state new tcp dport 21 accept
 * ct state invalid drop
 * ```
 */
export function parseRules(source: string): Ruleset {
  const lines = source.split("\n");
  const rules: Rule[] = [];
  let policy: RuleVerdict = "accept";
  let policyPosition: SourcePosition | null = null;
  for (const tokens of tokenize(source)) {
    const s = new Statement(tokens);
    const first = s.peek();
    if (first.kind === "word" && first.text.toLowerCase() === "policy") {
      s.next();
      if (policyPosition !== null) {
        throw new RuleSyntaxError(`the policy is already set on line ${policyPosition.line}`, first.line, first.column);
      }
      policy = s.verdict();
      s.expectEnd("after the policy");
      policyPosition = { line: first.line, column: first.column };
      continue;
    }
    const matches: Match[] = [];
    for (;;) {
      const t = s.peek();
      if (t.kind === "word" && (VERDICTS as readonly string[]).includes(t.text.toLowerCase())) break;
      if (t.kind === "end") throw new RuleSyntaxError("the rule has no verdict: end it with accept or drop", t.line, t.column);
      matches.push(...s.match());
    }
    const verdict = s.verdict();
    s.expectEnd("after the verdict: a rule ends with it");
    const end = tokens[tokens.length - 1]!;
    const text = lines[first.line - 1]!.slice(first.column - 1, end.column - 1).trim();
    rules.push({ position: { line: first.line, column: first.column }, text, matches, verdict });
  }
  return { rules, policy, policyPosition };
}

/** A cursor over one statement's tokens. */
class Statement {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }

  next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== "end") this.i++;
    return t;
  }

  fail(t: Token, expected: string, candidates: readonly string[] = []): never {
    const found = t.kind === "end" ? "the end of the line" : JSON.stringify(t.text);
    const hint = t.kind === "word" ? didYouMean(t.text, candidates) : "";
    throw new RuleSyntaxError(`expected ${expected}, found ${found}${hint}`, t.line, t.column);
  }

  word(expected: string, allowed: readonly string[]): string {
    const t = this.next();
    if (t.kind === "word" && allowed.includes(t.text.toLowerCase())) return t.text.toLowerCase();
    return this.fail(t, expected, allowed);
  }

  verdict(): RuleVerdict {
    return this.word("a verdict (accept or drop)", VERDICTS) as RuleVerdict;
  }

  expectEnd(where: string): void {
    const t = this.peek();
    if (t.kind !== "end") throw new RuleSyntaxError(`unexpected ${JSON.stringify(t.text)} ${where}`, t.line, t.column);
  }

  negation(): boolean {
    if (this.peek().kind !== "not-equal") return false;
    this.next();
    return true;
  }

  /** `a,b,c` or `{ a, b, c }`, each item read by `item`. */
  set<T>(item: (t: Token) => T): T[] {
    const out: T[] = [];
    const braced = this.peek().kind === "lbrace";
    if (braced) this.next();
    for (;;) {
      out.push(item(this.next()));
      if (this.peek().kind !== "comma") break;
      this.next();
    }
    if (braced && this.next().kind !== "rbrace") this.fail(this.tokens[this.i - 1]!, '"}" to close the set');
    return out;
  }

  /** One selector and its value; a protocol with ports gives several matches. */
  match(): Match[] {
    const t = this.next();
    const word = t.kind === "word" ? t.text.toLowerCase() : "";
    if (word === "ct") return [this.ctMatch()];
    if (word === "meta") return [this.metaMatch()];
    if (word === "ip" || word === "ip6") return [this.addressMatch(word === "ip" ? 4 : 6)];
    const proto = PROTOCOLS[word];
    if (proto !== undefined && Object.hasOwn(PROTOCOLS, word)) {
      // `tcp dport 21` means "tcp, and destination port 21", as in nft.
      const out: Match[] = [{ kind: "protocol", negate: false, protocols: [proto.number] }];
      while (this.peek().kind === "word" && ["sport", "dport"].includes(this.peek().text.toLowerCase())) {
        const which = this.next();
        if (!proto.ports) throw new RuleSyntaxError(`${word} has no ports: ${which.text} applies to tcp, udp and udplite`, which.line, which.column);
        const negate = this.negation();
        out.push({ kind: "port", which: which.text.toLowerCase() as "sport" | "dport", negate, ranges: this.set((v) => this.portRange(v)) });
      }
      return out;
    }
    return this.fail(t, `a match (${MATCH_WORDS.join(", ")}) or a verdict (accept, drop)`, [...MATCH_WORDS, ...VERDICTS, "policy"]);
  }

  private ctMatch(): Match {
    const key = this.word("state, direction, status or helper after ct", ["state", "direction", "status", "helper"]);
    const negate = this.negation();
    switch (key) {
      case "state":
        return { kind: "state", negate, states: this.set((t) => this.oneOf(t, "a state", STATE_WORDS) as StateWord) };
      case "direction":
        return { kind: "direction", negate, direction: this.word("original or reply", ["original", "reply"]) as "original" | "reply" };
      case "status":
        this.word("expected (the only status the engine reports per packet)", ["expected"]);
        return { kind: "expected", negate };
      default:
        return { kind: "helper", negate, helpers: this.set((t) => this.name(t)) };
    }
  }

  private metaMatch(): Match {
    const key = this.word("l4proto or nfproto after meta", ["l4proto", "nfproto"]);
    const negate = this.negation();
    if (key === "nfproto") {
      return { kind: "family", negate, family: this.word("ipv4 or ipv6", ["ipv4", "ipv6"]) === "ipv4" ? 4 : 6 };
    }
    return { kind: "protocol", negate, protocols: this.set((t) => this.protocolNumber(t)) };
  }

  private addressMatch(family: 4 | 6): Match {
    const which = this.word("saddr or daddr", ["saddr", "daddr"]) as "saddr" | "daddr";
    const negate = this.negation();
    return { kind: "address", which, family, negate, prefixes: this.set((t) => this.prefix(t, family)) };
  }

  private oneOf(t: Token, what: string, allowed: readonly string[]): string {
    const w = t.kind === "word" ? t.text.toLowerCase() : "";
    if (allowed.includes(w)) return w;
    return this.fail(t, `${what} (${allowed.join(", ")})`, allowed);
  }

  private name(t: Token): string {
    if (t.kind === "string" || t.kind === "word") return t.text;
    return this.fail(t, "a helper name");
  }

  private protocolNumber(t: Token): number {
    if (t.kind === "word" && Object.hasOwn(PROTOCOLS, t.text.toLowerCase())) return PROTOCOLS[t.text.toLowerCase()]!.number;
    if (t.kind === "word" && /^\d+$/.test(t.text) && Number(t.text) <= 255) return Number(t.text);
    return this.fail(t, `a protocol (${Object.keys(PROTOCOLS).join(", ")} or a number 0-255)`, Object.keys(PROTOCOLS));
  }

  private portRange(t: Token): [number, number] {
    const m = t.kind === "word" ? /^(\d+)(?:-(\d+))?$/.exec(t.text) : null;
    if (!m) return this.fail(t, "a port or a range like 1024-65535");
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 65535 || hi > 65535) throw new RuleSyntaxError(`port ${hi > 65535 ? hi : lo} is above 65535`, t.line, t.column);
    if (hi < lo) throw new RuleSyntaxError(`range ${t.text} is backwards`, t.line, t.column);
    return [lo, hi];
  }

  private prefix(t: Token, family: 4 | 6): AddressPrefix {
    if (t.kind !== "word") return this.fail(t, family === 4 ? "an IPv4 address or prefix" : "an IPv6 address or prefix");
    const [addr, bitsText, extra] = t.text.split("/");
    const parsed = parseAddress(addr ?? "");
    if (parsed === null || extra !== undefined) return this.fail(t, family === 4 ? "an IPv4 address or prefix like 10.0.0.0/8" : "an IPv6 address or prefix like fd00::/16");
    if (parsed.family !== family) {
      const want = parsed.family === 4 ? "ip" : "ip6";
      throw new RuleSyntaxError(`${addr} is an IPv${parsed.family} address: match it with ${want} saddr / ${want} daddr`, t.line, t.column);
    }
    const max = family === 4 ? 32 : 128;
    const bits = bitsText === undefined ? max : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
    if (!(bits >= 0 && bits <= max)) throw new RuleSyntaxError(`prefix length /${bitsText} is not between 0 and ${max}`, t.line, t.column);
    return { text: t.text, family, words: [...parsed.words], bits };
  }
}
