import type { PacketHooks } from "../capture/packet-input.js";
import type { CaptureReader } from "../capture/reader.js";
import type { Setup } from "../engine-setup.js";
import { InputError } from "../errors.js";
import { EventTap } from "./event-tap.js";
import { Replayer } from "./replayer.js";
import type { ReplaySink, RunInfo, Tables } from "./sink.js";
import { buildSummary, newRunCounts, type Summary } from "./summary.js";

export interface RunOptions {
  readonly command: RunInfo["command"];
  readonly zone: number;
  /** Report every engine event (watch) or only expectations (replay, verify). */
  readonly events: "expectations" | "all";
  readonly tables: boolean;
  /** After each chunk of input: progress, flushing, backpressure. */
  readonly chunk?: (bytes: number, records: number) => Promise<void> | void;
  /** Polled after each chunk; true stops reading. */
  readonly stopped?: () => boolean;
}

/**
 * Replays a capture into a sink: streams the packets through the engine,
 * then takes the tables and the totals. A capture damaged before its first
 * packet is an InputError with no output at all; damage later is reported
 * in the summary (`capture.stopped`) after everything before it was
 * replayed, and the caller turns it into the error line and exit code.
 */
export async function runCapture(reader: CaptureReader, setup: Setup, sink: ReplaySink, o: RunOptions): Promise<Summary> {
  const input = reader.input;
  const { engine, firewall } = setup;
  const counts = newRunCounts(firewall?.fw.ruleset.rules.length ?? 0);
  const info: RunInfo = {
    command: o.command,
    capture: input.name,
    helpers: setup.helpers,
    rules: firewall === null ? null : { file: firewall.file, ruleset: firewall.fw.ruleset },
  };
  const tap = new EventTap(engine, o.events);
  const replayer = new Replayer(engine, o.zone, tap, sink, counts, firewall?.fw ?? null);
  let begun = false;
  // The header waits for the first record, so a file that is not a capture,
  // or one of an unknown link type, prints nothing but the error.
  const begin = () => {
    begun = true;
    sink.begin(info);
  };
  const hooks: PacketHooks = {
    packet: (p) => {
      if (!begun) begin();
      replayer.packet(p);
    },
    skipped: (index, ts, reason, detail) => {
      if (!begun) begin();
      replayer.skipped(index, ts, reason, detail);
    },
    linkType: (name) => counts.linkTypes.add(name),
    ...(o.chunk ? { chunk: o.chunk } : {}),
    ...(o.stopped ? { stopped: o.stopped } : {}),
  };
  const result = await reader.read(hooks);
  counts.records = result.records;
  counts.bytes = result.bytes;
  counts.interrupted = o.stopped?.() === true;
  // A stream cut by Ctrl-C usually ends inside a record: that is the interruption, not damage.
  counts.stopped = counts.interrupted && result.damage?.code === "truncated" ? null : result.damage;
  if (counts.stopped !== null && result.records === 0) throw new InputError(`${input.name}: ${counts.stopped.message}`);
  if (!begun) begin();
  replayer.finish();
  const summary = buildSummary(engine, counts, input.name, setup.helpers, firewall);
  const tables: Tables | null = o.tables
    ? {
        connections: () => engine.connections(),
        expectations: () => engine.pendingExpectations(),
        at: counts.lastTs ?? 0,
        connectionCount: engine.connectionCount,
        expectationCount: engine.expectationCount,
      }
    : null;
  sink.end(summary, tables);
  return summary;
}

/** The error line for a capture that stopped early, after its output was written. */
export function damageError(summary: Summary): InputError | null {
  const d = summary.capture.stopped;
  if (d === null) return null;
  return new InputError(
    `${summary.capture.name}: replayed the ${summary.capture.records} packets before byte ${d.offset}, then stopped: ${d.message}`,
  );
}
