// Builds and reads the Ethernet frames the gateway tests send and expect,
// written from the RFCs independently of the gateway's own builders so a
// shared mistake cannot hide.
import { parseAddress } from "@alg-sdk/core";

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(":").map((h) => parseInt(h, 16)));
}

function sum16(b: Uint8Array, start: number, end: number, init = 0): number {
  let s = init;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
export function checksumOk(b: Uint8Array, start: number, end: number, init = 0): boolean {
  return sum16(b, start, end, init) === 0xffff;
}
function put16(b: Uint8Array, o: number, v: number) {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
}
function addrBytes(text: string): Uint8Array {
  const a = parseAddress(text)!;
  const n = a.family === 4 ? 1 : 4;
  const out = new Uint8Array(n * 4);
  for (let w = 0; w < n; w++) {
    const v = a.words[w]!;
    out.set([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255], w * 4);
  }
  return out;
}

export function ethernet(dst: string, src: string, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 14 + payload.length));
  f.set(mac(dst), 0);
  f.set(mac(src), 6);
  put16(f, 12, type);
  f.set(payload, 14);
  return f;
}

export function arpRequest(srcMac: string, srcIp: string, targetIp: string): Uint8Array {
  const a = new Uint8Array(28);
  put16(a, 0, 1);
  put16(a, 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, 1);
  a.set(mac(srcMac), 8);
  a.set(addrBytes(srcIp), 14);
  a.set(addrBytes(targetIp), 24);
  return ethernet("ff:ff:ff:ff:ff:ff", srcMac, 0x0806, a);
}

export function arpReply(srcMac: string, srcIp: string, dstMac: string, dstIp: string): Uint8Array {
  const a = new Uint8Array(28);
  put16(a, 0, 1);
  put16(a, 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, 2);
  a.set(mac(srcMac), 8);
  a.set(addrBytes(srcIp), 14);
  a.set(mac(dstMac), 18);
  a.set(addrBytes(dstIp), 24);
  return ethernet(dstMac, srcMac, 0x0806, a);
}

/** An IPv4 datagram with a valid header checksum. */
export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, ttl = 64): Uint8Array {
  const d = new Uint8Array(20 + payload.length);
  d[0] = 0x45;
  put16(d, 2, d.length);
  put16(d, 4, 0x1234);
  d[8] = ttl;
  d[9] = proto;
  d.set(addrBytes(src), 12);
  d.set(addrBytes(dst), 16);
  put16(d, 10, ~sum16(d, 0, 20) & 0xffff);
  d.set(payload, 20);
  fillTransportChecksum4(d);
  return d;
}

function fillTransportChecksum4(d: Uint8Array) {
  const proto = d[9]!;
  const l4 = 20;
  const len = d.length - l4;
  if (proto === 1) {
    put16(d, l4 + 2, 0);
    put16(d, l4 + 2, ~sum16(d, l4, d.length) & 0xffff);
    return;
  }
  const at = proto === 6 ? 16 : proto === 17 ? 6 : -1;
  if (at < 0) return;
  put16(d, l4 + at, 0);
  const pseudo = sum16(d, 12, 20) + proto + len;
  put16(d, l4 + at, ~sum16(d, l4, d.length, pseudo) & 0xffff);
}

export function udp(sport: number, dport: number, data: Uint8Array = new Uint8Array(4)): Uint8Array {
  const u = new Uint8Array(8 + data.length);
  put16(u, 0, sport);
  put16(u, 2, dport);
  put16(u, 4, u.length);
  u.set(data, 8);
  return u;
}

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;
export const TCP_PSH = 0x08;

export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const t = new Uint8Array(20 + data.length);
  put16(t, 0, sport);
  put16(t, 2, dport);
  new DataView(t.buffer).setUint32(4, seq >>> 0);
  new DataView(t.buffer).setUint32(8, ack >>> 0);
  t[12] = 5 << 4;
  t[13] = flags;
  put16(t, 14, 65535);
  t.set(data, 20);
  return t;
}

export function icmpEcho(type: 8 | 0, id: number, seq: number): Uint8Array {
  const m = new Uint8Array(16);
  m[0] = type;
  put16(m, 4, id);
  put16(m, 6, seq);
  return m;
}

/** An IPv6 packet (no extension headers); ICMPv6 and UDP checksums filled. */
export function ipv6(src: string, dst: string, next: number, payload: Uint8Array, hop = 64): Uint8Array {
  const d = new Uint8Array(40 + payload.length);
  d[0] = 0x60;
  put16(d, 4, payload.length);
  d[6] = next;
  d[7] = hop;
  d.set(addrBytes(src), 8);
  d.set(addrBytes(dst), 24);
  d.set(payload, 40);
  const at = next === 58 ? 2 : next === 17 ? 6 : next === 6 ? 16 : -1;
  if (at >= 0) {
    put16(d, 40 + at, 0);
    const pseudo = sum16(d, 8, 40) + next + payload.length;
    put16(d, 40 + at, ~sum16(d, 40, d.length, pseudo) & 0xffff);
  }
  return d;
}

export function neighborSolicit(target: string, srcMac: string): Uint8Array {
  const m = new Uint8Array(32);
  m[0] = 135;
  m.set(addrBytes(target), 8);
  m[24] = 1;
  m[25] = 1;
  m.set(mac(srcMac), 26);
  return m;
}

export function neighborAdvert(target: string, targetMac: string): Uint8Array {
  const m = new Uint8Array(32);
  m[0] = 136;
  m[4] = 0x60;
  m.set(addrBytes(target), 8);
  m[24] = 2;
  m[25] = 1;
  m.set(mac(targetMac), 26);
  return m;
}

export function formatMacAt(f: Uint8Array, o: number): string {
  return Array.from(f.subarray(o, o + 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}
export function ipv4At(f: Uint8Array, o: number): string {
  return Array.from(f.subarray(o, o + 4)).join(".");
}
export function u16(f: Uint8Array, o: number): number {
  return (f[o]! << 8) | f[o + 1]!;
}
