import type { CliOptions } from "../args.js";
import { interruptible } from "../capture/interruptible.js";
import { startReader } from "../capture/reader.js";
import { setUp } from "../engine-setup.js";
import { ExitCode, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { chooseSink } from "../output/choose.js";
import { damageError, runCapture } from "../replay/run.js";
import { openOutput } from "./output-session.js";

/**
 * `alg-sdk watch`: a live pcap stream on standard input (`tcpdump -U -w -`),
 * events printed as they happen, totals when the stream ends or on Ctrl-C.
 */
export async function watchCommand(o: CliOptions, io: Io): Promise<ExitCode> {
  if (io.stdinIsTty) {
    throw new UsageError("watch reads a pcap stream on standard input, e.g. tcpdump -U -w - -i eth0 | alg-sdk watch");
  }
  const setup = await setUp(o);
  const source = interruptible(io.stdin);
  let interrupted = false;
  const stopListening = io.onInterrupt(() => {
    interrupted = true;
    // A second Ctrl-C gets the default behaviour (exit at once).
    stopListening();
    source.stop();
  });
  const session = openOutput(o, io, null);
  let summary;
  try {
    const reader = startReader({ name: "standard input", path: null, chunks: () => source.chunks, size: null }, "never");
    summary = await runCapture(reader, setup, chooseSink(o, session.out), {
      command: "watch",
      zone: o.zone,
      events: "all",
      tables: o.tables,
      chunk: () => {
        // Live output: whatever a chunk produced is shown now, not when 64 KiB have piled up.
        session.out.flush();
        return session.out.ready() ?? undefined;
      },
      stopped: () => interrupted || session.out.closed,
      write: o.write,
    });
  } finally {
    stopListening();
    await session.close();
  }
  const damage = damageError(summary);
  if (damage) throw damage;
  return ExitCode.OK;
}
