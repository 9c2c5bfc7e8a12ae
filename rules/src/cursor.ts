import { RuleSyntaxError } from "./errors.js";
import type { Token } from "./lexer.js";
import { didYouMean } from "./suggest.js";

/** A cursor over one statement's tokens (the last is always an `end` token). */
export class TokenCursor {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }

  /** The word at the cursor, lower-cased, or "" when it is not a word. */
  peekWord(): string {
    const t = this.peek();
    return t.kind === "word" ? t.text.toLowerCase() : "";
  }

  next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== "end") this.i++;
    return t;
  }

  /** Throws "expected …, found …" at `t`, with a suggestion when a candidate is one or two edits away. */
  fail(t: Token, expected: string, candidates: readonly string[] = []): never {
    const found = t.kind === "end" ? "the end of the line" : JSON.stringify(t.text);
    const hint = t.kind === "word" ? didYouMean(t.text, candidates) : "";
    throw new RuleSyntaxError(`expected ${expected}, found ${found}${hint}`, t.line, t.column);
  }

  /** Consumes one of the `allowed` words (case-insensitive) and returns it lower-cased. */
  word(expected: string, allowed: readonly string[]): string {
    const t = this.next();
    if (t.kind === "word" && allowed.includes(t.text.toLowerCase())) return t.text.toLowerCase();
    return this.fail(t, expected, allowed);
  }

  expectEnd(where: string): void {
    const t = this.peek();
    if (t.kind !== "end") throw new RuleSyntaxError(`unexpected ${JSON.stringify(t.text)} ${where}`, t.line, t.column);
  }

  /** Consumes a `!=` if there is one. */
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
    if (braced) {
      const close = this.next();
      if (close.kind !== "rbrace") this.fail(close, '"}" to close the set');
    }
    return out;
  }
}
