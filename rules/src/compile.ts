import { parseRules } from "./parser.js";
import { RulesPolicy } from "./policy.js";

/**
 * Parses and compiles a rules text into the policy an engine runs:
 * `createEngine({ policy: compileRules(text) })`. Throws
 * {@link RuleSyntaxError} (line and column) for a mistake in the text.
 */
export function compileRules(source: string): RulesPolicy {
  return new RulesPolicy(parseRules(source));
}
