import type { CliOptions } from "../args.js";
import type { ReplaySink } from "../replay/sink.js";
import { HumanReplaySink } from "./human.js";
import { HumanWatchSink } from "./human-watch.js";
import { JsonSummarySink } from "./json.js";
import { JsonlSink } from "./jsonl.js";
import type { BufferedWriter } from "./writer.js";

/** The sink for `--format` and the command (watch's human format prints events, replay's prints packets). */
export function chooseSink(o: CliOptions, out: BufferedWriter): ReplaySink {
  switch (o.format) {
    case "jsonl":
      return new JsonlSink(out, { packets: o.packets, tables: o.tables, emitBytes: o.emitBytes });
    case "json":
      return new JsonSummarySink(out);
    default:
      return o.command === "watch" ? new HumanWatchSink(out, { packets: o.packets, tableLimit: o.tableLimit })
        : new HumanReplaySink(out, { packets: o.packets, tableLimit: o.tableLimit });
  }
}
