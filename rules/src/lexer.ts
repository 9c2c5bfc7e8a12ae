/**
 * Tokens of a rules file. Statements end at a newline or `;`; `#` starts a
 * comment. Words are runs of letters, digits and `_ . : / - [ ]`, so
 * addresses (`fd00::/16`), ranges (`1024-65535`), NAT targets
 * (`10.0.2.100-10.0.2.110:1024-2047`, `[fd00::1]:21`) and keywords are
 * single tokens and the parser decides what they mean where they appear.
 */

import { RuleSyntaxError } from "./errors.js";

export type TokenKind = "word" | "string" | "lbrace" | "rbrace" | "comma" | "not-equal" | "end";

export interface Token {
  readonly kind: TokenKind;
  /** The word, the string's contents, or the punctuation itself; "" for `end`. */
  readonly text: string;
  /** 1-based line and column of the token's first character. */
  readonly line: number;
  readonly column: number;
}

const WORD = /[A-Za-z0-9_.:/[\]-]/;

/**
 * Splits `source` into statements, each a list of tokens closed by an `end`
 * token placed where the statement stops (so "missing verdict" points at
 * the end of the line). Empty statements are dropped.
 */
export function tokenize(source: string): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const close = (at: number) => {
    if (current.length > 0) statements.push([...current, { kind: "end", text: "", line, column: at - lineStart + 1 }]);
    current = [];
  };
  while (i < source.length) {
    const c = source[i]!;
    const column = i - lineStart + 1;
    if (c === "\n") {
      close(i);
      i++;
      line++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === ";") {
      close(i);
      i++;
    } else if (c === "{" || c === "}" || c === ",") {
      current.push({ kind: c === "{" ? "lbrace" : c === "}" ? "rbrace" : "comma", text: c, line, column });
      i++;
    } else if (c === "!" && source[i + 1] === "=") {
      current.push({ kind: "not-equal", text: "!=", line, column });
      i += 2;
    } else if (c === '"') {
      const end = source.indexOf('"', i + 1);
      const newline = source.indexOf("\n", i + 1);
      if (end < 0 || (newline >= 0 && newline < end)) throw new RuleSyntaxError("unterminated string: a closing \" is missing", line, column);
      current.push({ kind: "string", text: source.slice(i + 1, end), line, column });
      i = end + 1;
    } else if (WORD.test(c)) {
      const start = i;
      while (i < source.length && WORD.test(source[i]!)) i++;
      current.push({ kind: "word", text: source.slice(start, i), line, column });
    } else {
      throw new RuleSyntaxError(`unexpected character ${JSON.stringify(c)}`, line, column);
    }
  }
  close(i);
  return statements;
}
