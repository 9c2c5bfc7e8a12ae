import type { ConnectionInfo, TupleInfo } from "@alg-sdk/core";

const endpoint = (addr: string, port: number, family: number) => (port === 0 ? addr : family === 6 ? `[${addr}]:${port}` : `${addr}:${port}`);

/** `src:sport → dst:dport` of a tuple (ICMP: addresses and id). */
export function tupleText(t: TupleInfo): string {
  if (t.icmp) return `${t.src} → ${t.dst} id ${t.icmp.id}`;
  return `${endpoint(t.src, t.srcPort, t.family)} → ${endpoint(t.dst, t.dstPort, t.family)}`;
}

/**
 * What NAT did to a connection, read from its two tuples as `conntrack -L`
 * shows them: the reply goes to the source NAT address and comes from the
 * destination NAT address. Empty when untranslated.
 */
export function translationText(c: ConnectionInfo): string {
  const o = c.original;
  const r = c.reply;
  const parts: string[] = [];
  const oId = o.icmp?.id ?? 0;
  const rId = r.icmp?.id ?? 0;
  if (r.dst !== o.src || r.dstPort !== o.srcPort || oId !== rId) parts.push(`SNAT ${endpoint(r.dst, r.icmp ? rId : r.dstPort, r.family)}`);
  if (r.src !== o.dst || r.srcPort !== o.dstPort) parts.push(`DNAT ${endpoint(r.src, r.srcPort, r.family)}`);
  return parts.join(", ");
}
