import type { ConnectionInfo } from "@alg-sdk/core";
import { translationText, tupleText } from "./translation.js";

/** A connection as the table shows it: plain strings, and the text a filter searches. */
export interface ConnectionRow {
  readonly id: number;
  readonly protocol: string;
  readonly state: string;
  readonly original: string;
  readonly reply: string;
  readonly translation: string;
  readonly helper: string;
  readonly flags: string;
  readonly search: string;
}

export function connectionRow(c: ConnectionInfo): ConnectionRow {
  const flags = [c.assured ? "ASSURED" : "", c.seenReply ? "" : "UNREPLIED", c.expected ? "RELATED" : ""].filter(Boolean).join(" ");
  const row = {
    id: c.id,
    protocol: c.original.protocolName,
    state: c.protocolState,
    original: tupleText(c.original),
    reply: tupleText(c.reply),
    translation: translationText(c),
    helper: c.helper ?? (c.master ? `(master ${c.master.id})` : ""),
    flags,
  };
  return { ...row, search: `${row.id} ${row.protocol} ${row.state} ${row.original} ${row.reply} ${row.translation} ${row.helper} ${flags} sport=${c.original.srcPort} dport=${c.original.dstPort}`.toLowerCase() };
}

export type SortKey = "id" | "protocol" | "state" | "original" | "translation" | "helper";

/**
 * Filters (every whitespace-separated word must appear), sorts and caps the
 * rows: a table of thousands stays quick because only `limit` rows are built
 * into the page. Returns the rows to show and how many matched.
 */
export function selectRows(rows: Iterable<ConnectionRow>, filter: string, sort: SortKey, descending: boolean, limit: number): { shown: ConnectionRow[]; matched: number } {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const matched: ConnectionRow[] = [];
  for (const r of rows) if (words.every((w) => r.search.includes(w))) matched.push(r);
  const dir = descending ? -1 : 1;
  matched.sort((a, b) => {
    const x = a[sort];
    const y = b[sort];
    return (x < y ? -1 : x > y ? 1 : 0) * dir || a.id - b.id;
  });
  return { shown: matched.slice(0, limit), matched: matched.length };
}
