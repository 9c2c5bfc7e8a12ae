import type { ConnectionInfo, ExpectationInfo, TupleInfo } from "./info.js";

function tuple(t: TupleInfo): string {
  if (t.icmp) return `src=${t.src} dst=${t.dst} type=${t.icmp.type} code=${t.icmp.code} id=${t.icmp.id}`;
  // The tracker decides how keys print (snapshots carry its answer): as text, not at all, or as ports.
  if (t.keyText !== undefined) return t.keyText === "" ? `src=${t.src} dst=${t.dst}` : `src=${t.src} dst=${t.dst} ${t.keyText}`;
  return `src=${t.src} dst=${t.dst} sport=${t.srcPort} dport=${t.dstPort}`;
}

/** One line in the style of `conntrack -L`. */
export function formatConnection(c: ConnectionInfo): string {
  const parts = [c.original.protocolName.padEnd(8), String(c.original.protocol).padEnd(2), String(Math.floor(c.timeout))];
  if (c.protocolState) parts.push(c.protocolState);
  parts.push(tuple(c.original));
  if (!c.seenReply) parts.push("[UNREPLIED]");
  parts.push(tuple(c.reply));
  if (c.assured) parts.push("[ASSURED]");
  parts.push(`mark=${c.mark}`);
  if (c.zone !== 0) parts.push(`zone=${c.zone}`);
  if (c.helper) parts.push(`helper=${c.helper}`);
  if (c.expected) parts.push("[EXPECTED]");
  if (c.master) parts.push(`master=${c.master.original.src}:${c.master.original.srcPort}->${c.master.original.dst}:${c.master.original.dstPort}`);
  parts.push(`id=${c.id}`);
  return parts.join(" ");
}

/** One line in the style of `conntrack -L expect`. */
export function formatExpectation(e: ExpectationInfo): string {
  const t = e.tuple;
  const m = e.master?.original;
  return [
    String(Math.floor(e.timeout)),
    `proto=${t.protocol}`,
    `src=${t.src} dst=${t.dst} sport=${t.srcPort} dport=${t.dstPort}`,
    `mask-src=${e.mask.src} mask-dst=${e.mask.dst} sport=${e.mask.srcPort} dport=${e.mask.dstPort}`,
    m ? `master-src=${m.src} master-dst=${m.dst} sport=${m.srcPort} dport=${m.dstPort}` : "master=gone",
    `class=${e.class}`,
    `helper=${e.helper}`,
  ].join(" ");
}
