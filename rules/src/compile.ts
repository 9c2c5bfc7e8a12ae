import type { RulesOptions } from "./interfaces.js";
import { parseRules } from "./parser.js";
import { RulesPolicy } from "./policy.js";

/**
 * Parses and compiles a rules text into the policy an engine runs:
 * `createEngine({ policy: compileRules(text) })`. Throws
 * {@link RuleSyntaxError} (line and column) for a mistake in the text.
 * `options.interfaces` names the embedder's interfaces for `iifname` /
 * `oifname` / `iif` / `oif`, and gives their addresses for `masquerade`.
 */
export function compileRules(source: string, options: RulesOptions = {}): RulesPolicy {
  return new RulesPolicy(parseRules(source, options), options);
}
