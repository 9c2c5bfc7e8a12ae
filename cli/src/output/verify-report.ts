import type { Format } from "../args.js";
import type { Verdict, VerifyResult } from "../verify/compare.js";
import { count } from "./text.js";
import type { BufferedWriter } from "./writer.js";

/** Disagreements listed in the human report; json and jsonl list every one kept. */
const SHOWN = 50;

/** `RELATED original expected`, `INVALID`, `(no label)`. */
function verdictText(v: Verdict | null): string {
  if (v === null) return "(no label)";
  if (v.dir === null && v.expected === null) return v.label;
  return `${v.label} ${v.dir ?? "-"} ${v.expected === true ? "expected" : v.expected === false ? "-" : "?"}`;
}

export function writeVerifyReport(out: BufferedWriter, format: Format, r: VerifyResult): void {
  if (format === "json") {
    out.write(`${JSON.stringify(jsonReport(r), null, 2)}\n`);
    return;
  }
  if (format === "jsonl") {
    for (const d of r.disagreements) out.write(`${JSON.stringify({ type: "disagreement", ...d })}\n`);
    const { disagreements: _omitted, ...rest } = jsonReport(r);
    out.write(`${JSON.stringify({ type: "verify", ...rest })}\n`);
    return;
  }
  out.write(`alg-sdk verify ${r.info?.capture ?? "?"} against ${r.labels}\n`);
  out.write(`  helpers  ${r.info?.helpers.join(", ") || "none"}\n\n`);
  out.write(`  ${"state".padEnd(12)}${"labelled".padStart(10)}${"agree".padStart(10)}\n`);
  let labelled = 0;
  for (const [state, s] of Object.entries(r.byState)) {
    labelled += s.labelled;
    out.write(`  ${state.padEnd(12)}${count(s.labelled).padStart(10)}${count(s.agree).padStart(10)}\n`);
  }
  const pct = r.compared === 0 ? "-" : `${((100 * r.agree) / r.compared).toFixed(2)}%`;
  out.write(`  ${"all".padEnd(12)}${count(labelled).padStart(10)}${count(r.agree).padStart(10)}  ${pct}\n`);
  if (r.disagreeing === 0) {
    out.write(`\nall ${count(r.compared)} packets agree with the labels (state, direction and EXPECTED status)\n`);
    return;
  }
  out.write(`\n  ${"packet".padStart(7)}  ${"linux".padEnd(30)}${"alg-sdk".padEnd(30)}packet\n`);
  for (const d of r.disagreements.slice(0, SHOWN)) {
    out.write(`  ${String(d.index).padStart(7)}  ${verdictText(d.linux).padEnd(30)}${verdictText(d.ours).padEnd(30)}${d.packet ?? ""}\n`);
  }
  if (r.disagreeing > SHOWN) out.write(`  … and ${count(r.disagreeing - SHOWN)} more (--format jsonl lists them)\n`);
  out.write(`\n${count(r.disagreeing)} of ${count(r.compared)} packets disagree with the labels\n`);
}

function jsonReport(r: VerifyResult) {
  return {
    capture: r.info?.capture ?? null,
    labels: r.labels,
    helpers: r.info?.helpers ?? [],
    compared: r.compared,
    agree: r.agree,
    disagreeing: r.disagreeing,
    byState: r.byState,
    disagreements: r.disagreements,
  };
}
