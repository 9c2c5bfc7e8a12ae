import type { CliOptions } from "../args.js";
import { ExitCode } from "../errors.js";
import type { Io } from "../io.js";
import { chooseSink } from "../output/choose.js";
import { damageError, runCapture } from "../replay/run.js";
import { openOutput } from "./output-session.js";
import { startCapture } from "./start-capture.js";

/** `alg-sdk replay <capture>`: every packet through the engine, then the tables and totals. */
export async function replayCommand(o: CliOptions, io: Io): Promise<ExitCode> {
  const { reader, setup, size } = await startCapture(o, io);
  const session = openOutput(o, io, size);
  let summary;
  try {
    summary = await runCapture(reader, setup, chooseSink(o, session.out), {
      command: "replay",
      zone: o.zone,
      events: "expectations",
      tables: o.tables,
      chunk: (bytes, records) => session.chunk(bytes, records),
      stopped: () => session.out.closed,
      write: o.write,
    });
  } finally {
    // Whatever was replayed before an error is still printed.
    await session.close();
  }
  const damage = damageError(summary);
  if (damage) throw damage;
  return ExitCode.OK;
}
