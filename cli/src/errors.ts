/**
 * The CLI's errors. Every failure a user can cause ends as one line on
 * stderr and an exit code that says whose fault it is, so scripts can tell
 * a typo in an option from a damaged capture without parsing messages.
 */

/** Exit codes (documented in docs/cli.md). */
export const ExitCode = {
  OK: 0,
  /** `verify` found packets whose verdict differs from the labels. */
  DISAGREEMENT: 1,
  /** The command line or a file it names as configuration (rules) is wrong. */
  USAGE: 2,
  /** The input data is wrong: missing or unreadable file, damaged capture, unsupported link type, bad labels. */
  INPUT: 3,
  /** Not the user's fault: a missing package, a bug. */
  INTERNAL: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: its message is the whole story, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A malformed command line or rules file (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.USAGE);
  }
}

/** Unusable input data (exit 3). */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.INPUT);
  }
}

/** Turns a Node file-system error into a sentence naming the file. */
export function describeFileError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return `${path}: no such file`;
    case "EACCES":
    case "EPERM":
      return `${path}: permission denied`;
    case "EISDIR":
      return `${path}: is a directory, not a file`;
    default:
      return `${path}: cannot read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The single line printed for `error`. Errors that are not `CliError`s are
 * bugs: they get a short message, and the stack only when ALG_SDK_DEBUG is
 * set, because a stack trace tells a user nothing they can act on.
 */
export function errorLine(error: unknown, debug: boolean): string {
  if (error instanceof CliError) return `alg-sdk: error: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  if (debug && error instanceof Error && error.stack) return `alg-sdk: internal error: ${error.stack}`;
  return `alg-sdk: internal error: ${firstLine(message)} (run with ALG_SDK_DEBUG=1 for details)`;
}

/** Exit code for `error`. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof CliError ? error.exitCode : ExitCode.INTERNAL;
}

function firstLine(text: string): string {
  const i = text.indexOf("\n");
  return i < 0 ? text : text.slice(0, i);
}
