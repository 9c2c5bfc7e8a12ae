/**
 * Standard input as the CLI reads it: chunks of bytes. A Node `Readable`
 * (`process.stdin`) is one.
 */
export type InputStream = AsyncIterable<Uint8Array>;

/**
 * The part of a Node `Writable` the CLI writes to (`process.stdout`,
 * `process.stderr`, a `PassThrough` in tests). Declared here rather than
 * taken from `@types/node`, so the published types need no Node typings.
 */
export interface OutputStream {
  write(chunk: Uint8Array | string, callback?: (error?: Error | null) => void): boolean;
  on(event: "error", listener: (error: Error & { code?: string }) => void): unknown;
  on(event: "drain" | "close", listener: () => void): unknown;
  off(event: "error" | "drain" | "close", listener: () => void): unknown;
  /** True while the stream wants the writer to wait for "drain". */
  readonly writableNeedDrain?: boolean;
}

/**
 * The process's streams, passed in rather than reached through `process`,
 * so commands can run in-process in tests with plain streams.
 */
export interface Io {
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
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
