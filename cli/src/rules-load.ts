import { readFile } from "node:fs/promises";
import { describeFileError, UsageError } from "../errors.js";
import { Firewall } from "./evaluate.js";
import { RuleSyntaxError } from "./lexer.js";
import { parseRules } from "./parser.js";

/** Reads and compiles `--rules FILE`; every problem is one `file:line:column: message` line. */
export async function loadFirewall(path: string): Promise<Firewall> {
  let source: string;
  try {
    // A ruleset is a few lines of text, not a capture: reading it whole is right.
    source = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`--rules ${describeFileError(path, error)}`);
  }
  try {
    return new Firewall(parseRules(source));
  } catch (error) {
    if (error instanceof RuleSyntaxError) throw new UsageError(`${path}:${error.line}:${error.column}: ${error.message}`);
    throw error;
  }
}
