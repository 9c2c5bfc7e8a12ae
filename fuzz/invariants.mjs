// What must hold whatever the packets: checks run after every packet.
import { decodePacket, formatAddress, ParsedPacket, PacketState, Reason } from "@alg-sdk/core";

const REASONS = Object.values(Reason).filter((v) => typeof v === "number");
const MAX_REASON = Math.max(...REASONS);

/** A result of `process` that makes sense: a known state, an INVALID always with a known reason. */
export function resultProblem(r) {
  if (!(r.state >= 0 && r.state <= 4 && Number.isInteger(r.state))) return `state ${r.state}`;
  if (!(Number.isInteger(r.reason) && r.reason >= 0 && r.reason <= MAX_REASON)) return `reason ${r.reason}`;
  if (r.state === PacketState.INVALID && r.reason === 0) return "INVALID without a reason";
  return null;
}

const outer = new ParsedPacket();

/** Whether `b` is an ICMP or ICMPv6 error (the packets the engine relates to the connection they quote). */
function icmpErrorAt(b) {
  if (decodePacket(b, 0, b.length, outer) !== Reason.NONE) return -1;
  if (outer.protocol === 1 && [3, 4, 5, 11, 12].includes(outer.icmpType)) return outer.l4Offset + 8;
  if (outer.protocol === 58 && outer.icmpType >= 1 && outer.icmpType <= 4) return outer.l4Offset + 8;
  return -1;
}

const EXTENSION_HEADERS = new Set([0, 43, 60, 51]);

/** The quoted datagram's tuple (addresses as text, protocol, ports or ICMP id), or null when it is too short to tell. */
function quotedTuple(b, at) {
  if (at + 20 > b.length) return null;
  const v = b[at] >> 4;
  let proto;
  let l4;
  let src;
  let dst;
  if (v === 4) {
    const hl = (b[at] & 0x0f) << 2;
    proto = b[at + 9];
    l4 = at + hl;
    const w = (o) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    src = formatAddress(4, Uint32Array.of(w(at + 12), 0, 0, 0));
    dst = formatAddress(4, Uint32Array.of(w(at + 16), 0, 0, 0));
  } else if (v === 6) {
    if (at + 40 > b.length) return null;
    const words = (o) => Uint32Array.from({ length: 4 }, (_, i) => ((b[o + i * 4] << 24) | (b[o + i * 4 + 1] << 16) | (b[o + i * 4 + 2] << 8) | b[o + i * 4 + 3]) >>> 0);
    src = formatAddress(6, words(at + 8));
    dst = formatAddress(6, words(at + 24));
    proto = b[at + 6];
    l4 = at + 40;
    while (EXTENSION_HEADERS.has(proto) || proto === 44) {
      if (l4 + 8 > b.length) return null;
      const next = b[l4];
      l4 += proto === 44 ? 8 : proto === 51 ? (b[l4 + 1] + 2) * 4 : (b[l4 + 1] + 1) * 8;
      proto = next;
    }
  } else return null;
  const tuple = { src, dst, proto, sport: 0, dport: 0, id: -1 };
  if (proto === 6 || proto === 17 || proto === 136) {
    if (l4 + 4 > b.length) return null;
    tuple.sport = (b[l4] << 8) | b[l4 + 1];
    tuple.dport = (b[l4 + 2] << 8) | b[l4 + 3];
  } else if (proto === 1 || proto === 58) {
    if (l4 + 8 > b.length) return null;
    tuple.id = (b[l4 + 4] << 8) | b[l4 + 5];
  }
  return tuple;
}

function sameTuple(q, t, reverse) {
  const [src, dst, sport, dport] = reverse ? [t.dst, t.src, t.dstPort, t.srcPort] : [t.src, t.dst, t.srcPort, t.dstPort];
  if (q.proto !== t.protocol || q.src !== src || q.dst !== dst) return false;
  if (q.proto === 6 || q.proto === 17 || q.proto === 136) return q.sport === sport && q.dport === dport;
  if ((q.proto === 1 || q.proto === 58) && t.icmp !== undefined) return q.id === t.icmp.id;
  return true;
}

/**
 * An ICMP error the engine made RELATED must quote a packet of the
 * connection it was related to: the quoted tuple is one of the
 * connection's tuples, either way round (as sent, or as translated).
 * Returns a description of the problem, or null.
 */
export function icmpProblem(engine, r, b) {
  if (r.state !== PacketState.RELATED || r.slot < 0) return null;
  const at = icmpErrorAt(b);
  if (at < 0) return null;
  const c = engine.connection(r.slot);
  if (c === null) return `related to slot ${r.slot}, which holds no connection`;
  const q = quotedTuple(b, at);
  if (q === null) return null; // a quote too short to read here was judged by the tracker's own rules
  for (const t of [c.original, c.reply]) if (sameTuple(q, t, false) || sameTuple(q, t, true)) return null;
  return `error quoting ${q.src}:${q.sport} -> ${q.dst}:${q.dport} (proto ${q.proto}) related to ${c.original.src}:${c.original.srcPort} -> ${c.original.dst}:${c.original.dstPort}`;
}

/**
 * An expectation's destination must be an endpoint of its master (either
 * tuple, so NAT addresses count), unless the helper runs in a loose mode.
 */
export function endpointProblem(e, master) {
  const d = e.tuple.dst;
  const ends = [master.original.src, master.original.dst, master.reply.src, master.reply.dst];
  if (ends.includes(d)) return null;
  return `${e.helper} expects ${d}:${e.tuple.dstPort}, not an endpoint of its master ${master.original.src} -> ${master.original.dst}`;
}
