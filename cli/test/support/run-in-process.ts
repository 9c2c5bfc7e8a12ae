import { PassThrough, Readable, Writable } from "node:stream";
import type { Io } from "../../src/io.js";
import { run } from "../../src/main.js";

export interface InProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/**
 * Runs the CLI in this process with captured streams (from the TypeScript
 * sources: the capture is read on this thread, there is no built worker).
 */
export async function runInProcess(
  argv: string[],
  options: { stdin?: Readable | Buffer; onInterrupt?: (handler: () => void) => void } = {},
): Promise<InProcessRun> {
  const out = collector();
  const err = collector();
  const stdin = options.stdin instanceof Readable ? options.stdin : Readable.from(options.stdin ? [options.stdin] : []);
  const io: Io = {
    stdin,
    stdout: out.stream,
    stderr: err.stream,
    stdinIsTty: false,
    stdoutIsTty: false,
    stderrIsTty: false,
    debug: false,
    onInterrupt(handler) {
      options.onInterrupt?.(handler);
      return () => undefined;
    },
  };
  const code = await run(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

export { PassThrough };
