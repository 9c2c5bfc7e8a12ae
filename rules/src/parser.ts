import type { NatKind, NatTargetText, Rule, RuleVerdict, Ruleset, SourcePosition } from "./ast.js";
import { TokenCursor } from "./cursor.js";
import { RuleSyntaxError } from "./errors.js";
import { tokenize, type Token } from "./lexer.js";
import { atMatch, MATCH_WORDS, readMatch, type PlacedMatch } from "./matches.js";
import { parseNatTarget } from "./nat-target.js";
import { checkRule } from "./rule-checks.js";
import { InterfaceMap, type RulesOptions } from "./interfaces.js";

const VERDICTS: readonly string[] = ["accept", "drop"];
const NAT_WORDS: readonly string[] = ["dnat", "snat"];
const STATEMENTS = [...VERDICTS, ...NAT_WORDS, "masquerade"];

/**
 * Parses a rules file (grammar in docs/cli.md). Throws {@link RuleSyntaxError}
 * with the line and column of the first mistake; interface names
 * (`iifname "lan"`) are resolved with `options.interfaces`.
 *
 * ```
 * policy drop
 * ip daddr 10.0.1.200 tcp dport 21 dnat to 10.0.2.2
 * ip saddr 10.0.1.0/24 snat to 10.0.2.100
 * ct state established,related accept
 * ct state new tcp dport 21 accept
 * ```
 */
export function parseRules(source: string, options: RulesOptions = {}): Ruleset {
  const interfaces = new InterfaceMap(options.interfaces);
  const lines = source.split("\n");
  const rules: Rule[] = [];
  let policy: RuleVerdict = "accept";
  let policyPosition: SourcePosition | null = null;
  for (const tokens of tokenize(source)) {
    const c = new TokenCursor(tokens);
    const first = c.peek();
    if (c.peekWord() === "policy") {
      c.next();
      if (policyPosition !== null) {
        throw new RuleSyntaxError(`the policy is already set on line ${policyPosition.line}`, first.line, first.column);
      }
      policy = c.word("a verdict (accept or drop)", VERDICTS) as RuleVerdict;
      c.expectEnd("after the policy");
      policyPosition = { line: first.line, column: first.column };
      continue;
    }
    const position = { line: first.line, column: first.column };
    // The end token sits where the statement stops: the rule as written is everything before it.
    const end = tokens[tokens.length - 1]!;
    const text = lines[first.line - 1]!.slice(first.column - 1, end.column - 1).trim();
    const placed = readMatches(c, interfaces);
    const matches = placed.map((m) => m.match);
    const statement = c.next();
    const word = statement.text.toLowerCase();
    if (NAT_WORDS.includes(word)) {
      const target = natStatement(c, word as NatKind);
      checkRule(placed, word as NatKind, target);
      c.expectEnd("after the NAT target: a rule ends with it");
      rules.push({ kind: word as NatKind, position, text, matches, target });
    } else if (word === "masquerade") {
      if (!interfaces.given) {
        throw new RuleSyntaxError(
          "masquerade translates to the address of the interface a connection leaves by, but no interfaces were given: pass { interfaces: [{ name, index, addresses }] } when compiling the rules",
          statement.line,
          statement.column,
        );
      }
      checkRule(placed, "snat", null);
      c.expectEnd("after masquerade: a rule ends with it");
      rules.push({ kind: "snat", position, text, matches, target: null });
    } else {
      checkRule(placed, "filter", null);
      c.expectEnd("after the verdict: a rule ends with it");
      rules.push({ kind: "filter", position, text, matches, verdict: word as RuleVerdict });
    }
  }
  return { rules, policy, policyPosition };
}

/** The matches of a rule, up to its statement (a verdict or a NAT statement), which is left at the cursor. */
function readMatches(c: TokenCursor, interfaces: InterfaceMap): PlacedMatch[] {
  const matches: PlacedMatch[] = [];
  for (;;) {
    const t = c.peek();
    if (STATEMENTS.includes(c.peekWord())) return matches;
    if (t.kind === "end") {
      throw new RuleSyntaxError("the rule has no verdict or NAT statement: end it with accept, drop, dnat to ADDRESS, snat to ADDRESS or masquerade", t.line, t.column);
    }
    if (!atMatch(c)) {
      c.fail(t, `a match (${MATCH_WORDS.join(", ")}) or a statement (${STATEMENTS.join(", ")})`, [...MATCH_WORDS, ...STATEMENTS, "policy"]);
    }
    matches.push(...readMatch(c, interfaces));
  }
}

/** After `dnat` / `snat`: `[ip | ip6] to TARGET`. */
function natStatement(c: TokenCursor, kind: NatKind): NatTargetText {
  let family: 4 | 6 | null = null;
  const word = c.peekWord();
  if (word === "ip" || word === "ip6") {
    c.next();
    family = word === "ip" ? 4 : 6;
    c.word(`to after ${kind} ${word}`, ["to"]);
  } else {
    c.word(`to (or ip / ip6, then to) after ${kind}`, ["to"]);
  }
  const target: Token = c.next();
  return parseNatTarget(target, family);
}
