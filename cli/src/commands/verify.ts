import type { CliOptions } from "../args.js";
import { ExitCode } from "../errors.js";
import type { Io } from "../io.js";
import { writeVerifyReport } from "../output/verify-report.js";
import { damageError, runCapture } from "../replay/run.js";
import { VerifySink } from "../verify/compare.js";
import { readLabels } from "../verify/labels.js";
import { openOutput } from "./output-session.js";
import { startCapture } from "./start-capture.js";

/**
 * `alg-sdk verify <capture> <labels.jsonl>`: replays the capture and
 * compares every packet with Linux's label. Exit 1 on any disagreement.
 */
export async function verifyCommand(o: CliOptions, io: Io): Promise<ExitCode> {
  const labels = await readLabels(o.labels!);
  const { reader, setup, size } = await startCapture(o, io);
  const session = openOutput(o, io, size);
  const sink = new VerifySink(labels, o.labels!);
  let summary;
  try {
    summary = await runCapture(reader, setup, sink, {
      command: "verify",
      zone: o.zone,
      events: "expectations",
      tables: false,
      chunk: (bytes, records) => session.chunk(bytes, records),
      write: o.write,
    });
    session.progress?.clear();
    writeVerifyReport(session.out, o.format, sink.result());
  } finally {
    await session.close();
  }
  const damage = damageError(summary);
  if (damage) throw damage;
  return sink.result().disagreeing === 0 ? ExitCode.OK : ExitCode.DISAGREEMENT;
}
