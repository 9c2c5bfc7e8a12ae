import type { CliOptions } from "../args.js";
import { CliError, ExitCode } from "../errors.js";
import type { Io } from "../io.js";
import { BufferedWriter } from "../output/writer.js";
import { Progress } from "../progress.js";

/** The output side of a run: the buffered stdout and, on a terminal, the progress bar. */
export interface OutputSession {
  readonly out: BufferedWriter;
  readonly progress: Progress | null;
  /** Per-chunk hook for the capture pump: progress, then backpressure. */
  chunk(bytes: number, records: number): Promise<void> | void;
  /** Flushes everything, erases the bar; throws if stdout failed (other than a closed pipe). */
  close(): Promise<void>;
}

export function openOutput(o: CliOptions, io: Io, totalBytes: number | null): OutputSession {
  // The bar is for a person at a terminal: only on a TTY stderr, never in redirected output.
  const show = o.progress === "always" || (o.progress === "auto" && io.stderrIsTty && o.command !== "watch");
  const progress = show ? new Progress(io.stderr, totalBytes) : null;
  // When stdout is the same terminal, the bar gets out of the way of each write.
  const out = new BufferedWriter(io.stdout, progress !== null && io.stdoutIsTty ? () => progress.clear() : null);
  return {
    out,
    progress,
    chunk(bytes, records) {
      progress?.update(bytes, records);
      return out.ready() ?? undefined;
    },
    async close() {
      progress?.clear();
      await out.end();
      if (out.failure) throw new CliError(`cannot write the output: ${out.failure.message}`, ExitCode.INPUT);
    },
  };
}
