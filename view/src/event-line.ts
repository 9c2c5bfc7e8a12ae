import type { EngineEvent } from "@alg-sdk/core";
import { formatConnection, formatExpectation } from "@alg-sdk/core";
import type { VerdictRecord } from "@alg-sdk/vnet";

/** One engine event as `conntrack -E` prints it (`[NEW] tcp 6 120 SYN_SENT src=… …`), or null for events it has no line for. */
export function eventLine(e: EngineEvent): string | null {
  switch (e.type) {
    case "conn-new": return `[NEW] ${formatConnection(e.connection)}`;
    case "conn-update": return `[UPDATE] ${formatConnection(e.connection)}`;
    case "conn-destroy": return `[DESTROY] ${formatConnection(e.connection)} (${e.reason})`;
    case "expect-new": return `[NEW] expect ${formatExpectation(e.expectation)}`;
    case "expect-destroy": return `[DESTROY] expect ${formatExpectation(e.expectation)} (${e.reason})`;
    case "payload-rewrite": return `[REWRITE] helper=${e.helper} id=${e.connectionId} "${printable(e.before)}" -> "${printable(e.after)}"`;
    case "helper-error": return `[ERROR] helper=${e.helper} id=${e.connectionId} ${String(e.error)}`;
    default: return null;
  }
}

/** A firewall verdict in one line. */
export function verdictLine(v: VerdictRecord): string {
  const ports = v.sport || v.dport ? ` sport=${v.sport} dport=${v.dport}` : "";
  return `${v.verdict.toUpperCase()} ${v.in}->${v.out ?? "-"} ${v.protocol} src=${v.src} dst=${v.dst}${ports} state=${v.state ?? "-"}${v.reason ? ` reason=${v.reason}` : ""}`;
}

function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
