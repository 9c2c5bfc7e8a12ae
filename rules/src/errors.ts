/**
 * The one error the rules language raises: a mistake in the rules text,
 * at a 1-based line and column, so an editor (or a person) can jump to it.
 * Evaluating compiled rules never throws.
 */
export class RuleSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "RuleSyntaxError";
  }
}
