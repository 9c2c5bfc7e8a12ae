import { formatConnection, formatExpectation } from "@alg-sdk/core";
import type { Tables } from "../replay/sink.js";
import type { FirewallReport, NatReport, Summary } from "../replay/summary.js";
import { count, dateTime, plural, timeOfDay } from "./text.js";
import type { BufferedWriter } from "./writer.js";

/** The end of a human report: the tables as conntrack lists them, totals, and the firewall's account. */

/**
 * `conntrack -L` and `conntrack -L expect`, streamed from the engine (a big
 * table is never built as one string), at most `limit` lines each (0: all):
 * a report of a busy capture stays readable, and the rest is counted.
 */
export function writeTables(out: BufferedWriter, tables: Tables, limit: number): void {
  out.write(`\nConnections (conntrack -L) at the last packet, ${timeOfDay(tables.at)} UTC:\n`);
  const shown = (n: number, total: number, what: string, none: string) => {
    if (total === 0) return `  ${none}\n`;
    if (n < total) return `  … and ${count(total - n)} more (${plural(total, what)}; --table-limit 0 lists all)\n`;
    return `  (${plural(total, what)})\n`;
  };
  let n = 0;
  for (const c of tables.connections()) {
    if (limit > 0 && n === limit) break;
    out.write(`  ${formatConnection(c)}\n`);
    n++;
  }
  out.write(shown(n, tables.connectionCount, "connection", "(none)"));
  out.write("\nExpectations (conntrack -L expect):\n");
  let e = 0;
  for (const x of tables.expectations()) {
    if (limit > 0 && e === limit) break;
    out.write(`  ${formatExpectation(x)}\n`);
    e++;
  }
  out.write(shown(e, tables.expectationCount, "expectation", "(none pending)"));
}

/** Totals: what was read, packets per state, connections, expectations, invalid reasons. */
export function writeTotals(out: BufferedWriter, s: Summary): void {
  const c = s.capture;
  const label = (name: string) => `  ${name.padEnd(14)}`;
  out.write("\nTotals\n");
  let read = `${c.name}: ${plural(c.records, "packet")}`;
  if (c.linkTypes.length > 0) read += `, link type ${c.linkTypes.join(", ")}`;
  if (c.firstTs !== null && c.lastTs !== null) read += `, from ${dateTime(c.firstTs)} over ${(c.lastTs - c.firstTs).toFixed(3)} s`;
  out.write(`${label("capture")}${read}\n`);
  if (c.stopped) out.write(`${label("")}STOPPED at byte ${count(c.stopped.offset)}: ${c.stopped.message}\n`);
  if (c.interrupted) out.write(`${label("")}interrupted: the stream was not read to its end\n`);
  const states = Object.entries(s.packets.byState).map(([name, n]) => `${name} ${count(n)}`).join("   ");
  out.write(`${label("states")}${states}\n`);
  const other: string[] = [];
  if (s.packets.held > 0) other.push(`${plural(s.packets.held, "fragment")} held for reassembly`);
  if (s.packets.notIp > 0) other.push(`${plural(s.packets.notIp, "frame")} without IP skipped`);
  if (s.packets.linkErrors > 0) other.push(`${plural(s.packets.linkErrors, "frame")} with a broken link-layer header skipped`);
  if (s.packets.engineDropped > 0) other.push(`${plural(s.packets.engineDropped, "packet")} dropped by conntrack`);
  if (s.nat.translated > 0 || s.nat.rewrites > 0) other.push(natText(s.nat));
  if (other.length > 0) out.write(`${label("")}${other.join(", ")}\n`);
  const k = s.connections;
  out.write(`${label("connections")}${count(k.created)} created, ${count(k.destroyed)} destroyed, ${count(k.inTable)} in the table` +
    `${k.earlyDrops > 0 ? `, ${count(k.earlyDrops)} early-dropped (table full)` : ""}\n`);
  const x = s.expectations;
  out.write(`${label("expectations")}${count(x.created)} created, ${count(x.matched)} matched, ${count(x.expired)} expired, ` +
    `${count(x.evicted)} evicted${x.refused > 0 ? `, ${count(x.refused)} refused` : ""}, ${count(x.pending)} pending\n`);
  const invalid = Object.entries(s.invalid);
  out.write(`${label("invalid")}${invalid.length === 0 ? "none" : invalid.map(([r, n]) => `${r} ${count(n)}`).join(", ")}\n`);
  if (s.helperErrors > 0) out.write(`${label("helper errors")}${count(s.helperErrors)}\n`);
  out.write(`${label("helpers")}${s.helpers.length === 0 ? "none" : s.helpers.join(", ")}\n`);
}

/** `60 packets translated, 2 payload rewrites`. */
function natText(n: NatReport): string {
  return `${plural(n.translated, "packet")} translated, ${plural(n.rewrites, "payload rewrite")}`;
}

/** The NAT rules and the connections each translated (decided on a connection's first packet). */
export function writeNat(out: BufferedWriter, file: string, n: NatReport): void {
  out.write(`\nNAT (${file})\n`);
  const width = Math.max(4, ...n.rules.map((r) => r.text.length));
  out.write(`  ${"line".padStart(5)}  ${"rule".padEnd(width)}  ${"connections".padStart(11)}\n`);
  for (const r of n.rules) out.write(`  ${String(r.line).padStart(5)}  ${r.text.padEnd(width)}  ${count(r.connections).padStart(11)}\n`);
  out.write(`  ${natText(n)}\n`);
}

/**
 * The firewall's account: each rule and what it decided, the totals, and
 * the sentence the ruleset exists to show: connections opened through an
 * expectation passed although the rules only open the listed ports.
 */
export function writeFirewall(out: BufferedWriter, f: FirewallReport): void {
  out.write(`\nFirewall (${f.file})\n`);
  const width = Math.max(4, ...f.rules.map((r) => r.text.length));
  out.write(`  ${"line".padStart(5)}  ${"rule".padEnd(width)}  ${"packets".padStart(9)}  ${"NEW accepted".padStart(12)}\n`);
  for (const r of f.rules) {
    const line = r.line === null ? "-" : String(r.line);
    const opened = r.verdict === "accept" ? count(r.newAccepted) : "-";
    out.write(`  ${line.padStart(5)}  ${r.text.padEnd(width)}  ${count(r.packets).padStart(9)}  ${opened.padStart(12)}\n`);
  }
  out.write(`  firewall passed ${count(f.passed)}, dropped ${count(f.dropped)}\n`);
  const ruleName = (r: { line: number | null; text: string }) => (r.line === null ? r.text : `line ${r.line} (${r.text})`);
  const doors = f.rules.filter((r) => r.newAccepted > 0);
  const doorText =
    doors.length === 0 ? "no rule let a new connection in" : `new connections were let in only by ${doors.map(ruleName).join(", ")}`;
  if (f.relatedPassed === 0) {
    out.write(`  no connection was opened through an expectation; ${doorText}\n`);
    return;
  }
  const helpers = Object.entries(f.relatedPassedByHelper).map(([h, n]) => `${h}: ${count(n)}`).join(", ");
  const by = f.relatedPassedBy.map((line) => (line === null ? "the policy" : `line ${line}`)).join(" and ");
  out.write(
    `  ${plural(f.relatedPassed, "connection")} announced by a helper (${helpers}) started as RELATED and passed by ${by},\n` +
      `  although ${doorText}\n`,
  );
}
