import type { PacketHooks } from "../capture/packet-input.js";
import type { CaptureReader } from "../capture/reader.js";
import type { Setup } from "../engine-setup.js";
import { InputError } from "../errors.js";
import { EgressCapture } from "../output/egress-capture.js";
import { EventTap } from "./event-tap.js";
import { Replayer } from "./replayer.js";
import type { ReplaySink, RunInfo, Tables } from "./sink.js";
import { buildSummary, newRunCounts, type Summary } from "./summary.js";

export interface RunOptions {
  readonly command: RunInfo["command"];
  readonly zone: number;
  /** Report every engine event (watch) or only expectations and payload rewrites (replay, verify). */
  readonly events: "expectations" | "all";
  readonly tables: boolean;
  /** After each chunk of input: progress, flushing, backpressure. */
  readonly chunk?: (bytes: number, records: number) => Promise<void> | void;
  /** Polled after each chunk; true stops reading. */
  readonly stopped?: () => boolean;
  /** `--write`: the pcap file of the packets as they leave, or null. */
  readonly write: string | null;
}

/**
 * Replays a capture into a sink: streams the packets through the engine,
 * then takes the tables and the totals. A capture damaged before its first
 * packet is an InputError with no output at all; damage later is reported
 * in the summary (`capture.stopped`) after everything before it was
 * replayed, and the caller turns it into the error line and exit code.
 */
export async function runCapture(reader: CaptureReader, setup: Setup, sink: ReplaySink, o: RunOptions): Promise<Summary> {
  const egress = o.write === null ? null : await EgressCapture.open(o.write).catch(async (error: unknown) => {
    await reader.cancel();
    throw error;
  });
  try {
    return await replay(reader, setup, sink, o, egress);
  } finally {
    await egress?.close();
  }
}

async function replay(reader: CaptureReader, setup: Setup, sink: ReplaySink, o: RunOptions, egress: EgressCapture | null): Promise<Summary> {
  const input = reader.input;
  const { engine, rules } = setup;
  const counts = newRunCounts(rules?.policy.ruleset.rules.length ?? 0);
  const info: RunInfo = {
    command: o.command,
    capture: input.name,
    helpers: setup.helpers,
    rules: rules === null ? null : { file: rules.file, ruleset: rules.policy.ruleset, filtering: rules.policy.filter !== undefined },
  };
  const tap = new EventTap(engine, o.events);
  const replayer = new Replayer(engine, { zone: o.zone, tap, sink, counts, rules: rules?.policy ?? null, egress });
  // The file of leaving packets keeps pace with the capture: one flush per chunk read, waiting when the disk is behind.
  const chunk = egress === null ? o.chunk : async (bytes: number, records: number) => {
    await Promise.all([egress.flush(), o.chunk?.(bytes, records)]);
  };
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
    ...(chunk ? { chunk } : {}),
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
  const summary = buildSummary(engine, counts, input.name, setup.helpers, rules);
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
