import { readFile } from "node:fs/promises";
import { compileRules, RuleSyntaxError, type RulesPolicy } from "@alg-sdk/rules";
import { describeFileError, UsageError } from "./errors.js";

/** Reads and compiles `--rules FILE`; every problem is one `file:line:column: message` line. */
export async function loadRules(path: string): Promise<RulesPolicy> {
  let source: string;
  try {
    // A ruleset is a few lines of text, not a capture: reading it whole is right.
    source = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`--rules ${describeFileError(path, error)}`);
  }
  try {
    return compileRules(source);
  } catch (error) {
    if (error instanceof RuleSyntaxError) throw new UsageError(`${path}:${error.line}:${error.column}: ${error.message}`);
    throw error;
  }
}
