import type { EngineEvent } from "@alg-sdk/core";
import type { PacketOutcome } from "../replay/outcome.js";
import type { ReplaySink, RunInfo, Tables } from "../replay/sink.js";
import type { Summary } from "../replay/summary.js";
import { jsonConnection, jsonExpectation } from "./json-shapes.js";
import type { BufferedWriter } from "./writer.js";

/**
 * `--format json`: nothing per packet, one document at the end: the
 * summary, and with tables the connections and pending expectations.
 */
export class JsonSummarySink implements ReplaySink {
  readonly showsTuples = false;
  private info: RunInfo | null = null;

  constructor(private readonly out: BufferedWriter) {}

  begin(info: RunInfo): void {
    this.info = info;
  }

  packet(_p: PacketOutcome, _events: readonly EngineEvent[]): void {}

  skipped(): void {}

  events(): void {}

  end(summary: Summary, tables: Tables | null): void {
    const doc = {
      command: this.info?.command ?? null,
      rules: this.info?.rules?.file ?? null,
      ...summary,
      ...(tables === null
        ? {}
        : { connections: [...tables.connections()].map(jsonConnection), pendingExpectations: [...tables.expectations()].map(jsonExpectation) }),
    };
    this.out.write(`${JSON.stringify(doc, null, 2)}\n`);
  }
}
