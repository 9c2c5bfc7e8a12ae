/**
 * The process's streams, passed in rather than reached through `process`,
 * so commands can run in-process in tests with plain streams.
 */
export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdinIsTty: boolean;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  /** ALG_SDK_DEBUG: print stacks of internal errors. */
  readonly debug: boolean;
  /** Calls `handler` on SIGINT/SIGTERM; returns the function that stops listening. */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTty: process.stdin.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    debug: process.env.ALG_SDK_DEBUG !== undefined && process.env.ALG_SDK_DEBUG !== "" && process.env.ALG_SDK_DEBUG !== "0",
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
}
