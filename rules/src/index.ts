/**
 * @packageDocumentation
 * `@alg-sdk/rules`: a small nft-style ruleset language for alg-sdk. Filter
 * rules (`ct state established,related accept`) and NAT statements
 * (`ip daddr 10.0.1.200 tcp dport 21 dnat to 10.0.2.2`) compile into the
 * `PacketPolicy` that `createEngine({ policy })` calls. Runs in any
 * JavaScript runtime; the grammar is in docs/cli.md.
 */
export { compileRules } from "./compile.js";
export { parseRules } from "./parser.js";
export { RulesPolicy, NOT_DECIDED, NO_RULE } from "./policy.js";
export type { LastDecision } from "./policy.js";
export { RuleSyntaxError } from "./errors.js";
export type { RulesInterface, RulesOptions } from "./interfaces.js";
export { tokenize } from "./lexer.js";
export type { Token, TokenKind } from "./lexer.js";
export { STATE_WORDS } from "./ast.js";
export type {
  AddressPrefix,
  FilterRule,
  Match,
  NatKind,
  NatRule,
  NatTargetText,
  Rule,
  RuleCommon,
  RuleVerdict,
  Ruleset,
  SourcePosition,
  StateWord,
} from "./ast.js";
