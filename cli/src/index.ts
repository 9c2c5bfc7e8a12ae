/**
 * @packageDocumentation
 * `@alg-sdk/cli`: the `alg-sdk` command, and the pieces it is made of for
 * programs that want them: `run` (the whole CLI, in-process), the rules
 * language (parse, evaluate) and the output formatting of tuples and
 * expectations.
 */
export { run } from "./main.js";
export type { Io } from "./io.js";
export { ExitCode, CliError, UsageError, InputError } from "./errors.js";
export { parseCommandLine } from "./args.js";
export type { CliOptions, CommandLine, Command, Format } from "./args.js";
export { parseRules } from "./rules/parser.js";
export { RuleSyntaxError, tokenize } from "./rules/lexer.js";
export type { Token, TokenKind } from "./rules/lexer.js";
export { Firewall } from "./rules/evaluate.js";
export type { RuleInput } from "./rules/evaluate.js";
export type { Match, Rule, Ruleset, RuleVerdict, StateWord, AddressPrefix, SourcePosition } from "./rules/ast.js";
export { expectationText } from "./output/human-packet.js";
export { jsonConnection, jsonEvent, jsonExpectation, jsonTuple } from "./output/json-shapes.js";
export type { JsonTuple } from "./output/json-shapes.js";
