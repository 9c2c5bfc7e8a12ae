import {
  concatBytes,
  fragment,
  fragments,
  icmp,
  icmpv6,
  ipv4,
  ipv6,
  tcp,
  udp,
  udplite,
  type Ipv6ExtensionHeader,
  type TcpPacketOptions,
  type UdpPacketOptions,
} from "@alg-sdk/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IpProto, Reason } from "../src/constants.js";
import { decodePacket } from "../src/packet/decode.js";
import { ParsedPacket, TcpFlag } from "../src/packet/parsed-packet.js";

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" } as const;
const V6 = { src: "fd00::1", dst: "fd00::2" } as const;
/** The words a `ParsedPacket` holds for those addresses, written out so the decoder is checked against no parser. */
const V4_SRC_WORDS = Uint32Array.of(0x0a000001, 0, 0, 0);
const V6_SRC_WORDS = Uint32Array.of(0xfd000000, 0, 0, 1);

/** A UDP datagram for tests about the IP layer. */
const udp4 = (o: Partial<UdpPacketOptions> = {}) => udp({ ...V4, sport: 40000, dport: 53, ...o });
const udp6 = (o: Partial<UdpPacketOptions> = {}) => udp({ ...V6, sport: 40000, dport: 53, ...o });
const tcp4 = (o: Partial<TcpPacketOptions> = {}) => tcp({ ...V4, sport: 40000, dport: 80, seq: 1000, ...o });
/** Its UDP header alone, to wrap in hand-made IP headers. */
const UDP_SEGMENT = udp4().subarray(20);

/** IPv4 options (RFC 791): router alert (RFC 2113, copied into fragments) and record route with empty slots. */
const ROUTER_ALERT = [0x94, 4, 0, 0];
const recordRoute = (slots: number) => [7, 3 + 4 * slots, 4, ...new Array<number>(4 * slots).fill(0)];

function decode(b: Uint8Array, offset = 0, length = b.length - offset): { r: number; p: ParsedPacket } {
  const p = new ParsedPacket();
  const r = decodePacket(b, offset, length, p);
  return { r, p };
}

function ok(b: Uint8Array): ParsedPacket {
  const { r, p } = decode(b);
  expect(r).toBe(Reason.NONE);
  return p;
}

const REASONS = new Set<number>(Object.values(Reason));

/** Checks the bounds a successful decode promises. */
function checkBounds(p: ParsedPacket, bytesLength: number, offset: number, length: number): void {
  expect(p.family === 4 || p.family === 6).toBe(true);
  expect(p.l3Offset).toBe(offset);
  expect(p.l3End).toBeLessThanOrEqual(offset + length);
  expect(p.l3End).toBeLessThanOrEqual(bytesLength);
  expect(p.l4Offset).toBeGreaterThanOrEqual(p.l3Offset + (p.family === 4 ? 20 : 40));
  expect(p.l4Offset).toBeLessThanOrEqual(p.l3End);
  expect(p.l4Offset + p.l4Length).toBe(p.l3End);
  expect(p.payloadLength).toBeGreaterThanOrEqual(0);
  expect(p.payloadOffset + p.payloadLength).toBeLessThanOrEqual(p.l3End);
  if (!p.fragment) {
    expect(p.payloadOffset).toBeGreaterThanOrEqual(p.l4Offset);
  }
  if (p.fragHeaderOffset >= 0) {
    expect(p.fragHeaderOffset + 8).toBeLessThanOrEqual(p.l3End);
    expect(p.prevNextHeaderOffset).toBeGreaterThanOrEqual(p.l3Offset);
    expect(p.prevNextHeaderOffset).toBeLessThan(p.fragHeaderOffset);
    expect(p.bytes[p.prevNextHeaderOffset]).toBe(IpProto.FRAGMENT);
  }
  for (const v of [p.sport, p.dport]) expect(v >= 0 && v <= 0xffff).toBe(true);
}

describe("decodePacket: IPv4", () => {
  it("decodes a TCP segment", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.3", ttl: 33, sport: 1234, dport: 21, seq: 0xfffffff0, ack: 0x80000001, flags: "PA", window: 512, payload: "USER x\r\n" });
    const p = ok(b);
    expect(p.family).toBe(4);
    expect(p.protocol).toBe(IpProto.TCP);
    expect(p.src).toEqual(Uint32Array.of(0x0a000102, 0, 0, 0));
    expect(p.dst).toEqual(Uint32Array.of(0x0a000203, 0, 0, 0));
    expect(p.ttl).toBe(33);
    expect(p.l3Offset).toBe(0);
    expect(p.l3End).toBe(b.length);
    expect(p.l4Offset).toBe(20);
    expect(p.l4Length).toBe(b.length - 20);
    expect([p.sport, p.dport]).toEqual([1234, 21]);
    expect(p.seq).toBe(0xfffffff0);
    expect(p.ack).toBe(0x80000001);
    expect(p.tcpFlags).toBe(TcpFlag.PSH | TcpFlag.ACK);
    expect(p.window).toBe(512);
    expect(p.tcpHeaderLength).toBe(20);
    expect(p.payloadOffset).toBe(40);
    expect(p.payloadLength).toBe(8);
    expect(p.fragment).toBe(false);
    expect(p.bytes).toBe(b);
  });

  it("skips well-formed options", () => {
    const opts = [1, ...recordRoute(2), ...ROUTER_ALERT]; // NOP, record route, router alert
    const p = ok(udp4({ sport: 1, dport: 2, ipOptions: opts }));
    expect(p.l4Offset).toBe(20 + 16);
    expect([p.sport, p.dport]).toEqual([1, 2]);
    // END stops the list: whatever follows it is padding.
    const q = ok(udp4({ ipOptions: [0, 0xff, 0xff, 0xff] }));
    expect(q.l4Offset).toBe(24);
  });

  it("rejects malformed options", () => {
    const bad = [
      [7, 1, 0, 0], // length < 2
      [7, 0, 0, 0], // length 0
      [7, 12, 4, 0, 0, 0, 0, 0], // past the header
      [1, 1, 1, 0x44], // a type-length option without its length byte
    ];
    for (const options of bad) {
      expect(decode(udp4({ ipOptions: options })).r).toBe(Reason.BAD_IP_OPTIONS);
    }
  });

  it("ignores link-layer padding after the total length", () => {
    const b = tcp({ ...V4, sport: 40000, dport: 80, seq: 1000, flags: "A", ack: 1 });
    const padded = concatBytes(b, new Uint8Array(6).fill(0xaa));
    const p = ok(padded);
    expect(p.l3End).toBe(b.length);
    expect(p.payloadLength).toBe(0);
    expect(p.l4Length).toBe(20);
  });

  it("rejects a total length beyond the buffer or below the header", () => {
    const b = udp4({ payload: "abcd" });
    expect(decode(b, 0, b.length - 1).r).toBe(Reason.TRUNCATED);
    expect(decode(ipv4({ ...V4, protocol: IpProto.UDP, totalLength: 19, payload: UDP_SEGMENT })).r).toBe(Reason.BAD_TOTAL_LENGTH);
    expect(decode(ipv4({ ...V4, protocol: IpProto.UDP, ipOptions: ROUTER_ALERT, totalLength: 22, payload: UDP_SEGMENT })).r).toBe(Reason.BAD_TOTAL_LENGTH);
  });

  it("rejects a header length under 5 words or past the buffer", () => {
    for (const ihl of [0, 1, 4]) expect(decode(ipv4({ ...V4, protocol: IpProto.UDP, ihl, payload: UDP_SEGMENT })).r).toBe(Reason.BAD_IP_HEADER_LENGTH);
    const b = ipv4({ ...V4, protocol: 253, ihl: 15 });
    expect(b.length).toBe(20);
    expect(decode(b).r).toBe(Reason.TRUNCATED);
  });

  it("rejects other versions and short buffers", () => {
    for (const version of [0, 5, 7, 15]) expect(decode(ipv4({ ...V4, protocol: IpProto.UDP, version, payload: UDP_SEGMENT })).r).toBe(Reason.BAD_VERSION);
    expect(decode(udp4().subarray(0, 19)).r).toBe(Reason.TRUNCATED);
    expect(decode(new Uint8Array(0), 0, 0).r).toBe(Reason.TRUNCATED);
  });

  it("decodes at an offset, within a length", () => {
    const b = udp4({ sport: 7, dport: 9 });
    const frame = concatBytes(new Uint8Array(14).fill(0xee), b, new Uint8Array(4).fill(0xcc));
    const { r, p } = decode(frame, 14, b.length);
    expect(r).toBe(Reason.NONE);
    expect(p.l3Offset).toBe(14);
    expect(p.l3End).toBe(14 + b.length);
    expect(p.l4Offset).toBe(34);
    expect(p.payloadOffset).toBe(42);
    expect([p.sport, p.dport]).toEqual([7, 9]);
    expect(decode(frame, 14, frame.length).r).toBe(Reason.TRUNCATED);
    expect(decode(frame, -1, 10).r).toBe(Reason.TRUNCATED);
    expect(decode(frame, 14, 0).r).toBe(Reason.TRUNCATED);
  });

  it("describes fragments and leaves their transport header alone", () => {
    const dg = tcp({ ...V4, id: 0xbeef, sport: 5, dport: 6, seq: 1000, flags: "S", payload: new Uint8Array(100) });
    const [first, second] = fragments(dg, { mtu: 84 });
    const f = ok(first!);
    expect(f.fragment).toBe(true);
    expect(f.moreFragments).toBe(true);
    expect(f.fragOffset).toBe(0);
    expect(f.fragId).toBe(0xbeef);
    expect(f.protocol).toBe(IpProto.TCP);
    expect([f.sport, f.dport, f.tcpFlags]).toEqual([0, 0, 0]);
    expect(f.l4Offset).toBe(20);
    const s = ok(second!);
    expect(s.fragment).toBe(true);
    expect(s.moreFragments).toBe(false);
    expect(s.fragOffset).toBe(64);
    expect(s.l4Offset).toBe(20);
    expect(s.l3End).toBe(second!.length);
    // DF alone is not a fragment.
    expect(ok(udp4({ df: true })).fragment).toBe(false);
  });
});

describe("decodePacket: IPv6", () => {
  it("decodes addresses, hop limit and the transport header", () => {
    const b = udp({ src: "2001:db8::1", dst: "2001:db8:ffff::2", ttl: 3, sport: 546, dport: 547, payload: "dhcp" });
    const p = ok(b);
    expect(p.family).toBe(6);
    expect(p.src).toEqual(Uint32Array.of(0x20010db8, 0, 0, 1));
    expect(p.dst).toEqual(Uint32Array.of(0x20010db8, 0xffff0000, 0, 2));
    expect(p.ttl).toBe(3);
    expect(p.protocol).toBe(IpProto.UDP);
    expect(p.l4Offset).toBe(40);
    expect(p.payloadOffset).toBe(48);
    expect(p.payloadLength).toBe(4);
    expect(ok(concatBytes(b, new Uint8Array(10))).l3End).toBe(b.length);
  });

  it("walks hop-by-hop, routing, destination options and AH", () => {
    const cases: Array<[Ipv6ExtensionHeader[], number]> = [
      [[{ type: "hopopts" }], 48],
      [[{ type: "routing", data: new Uint8Array(20) }], 64],
      [[{ type: "dstopts", options: new Uint8Array(10) }], 56],
      [[{ type: "ah" }], 64],
      [[{ type: "ah", icv: new Uint8Array(16) }], 68],
      [[{ type: "hopopts" }, { type: "dstopts" }, { type: "routing" }, { type: "ah" }, { type: "dstopts" }], 40 + 8 + 8 + 8 + 24 + 8],
    ];
    for (const [extensionHeaders, l4] of cases) {
      const p = ok(tcp({ ...V6, extensionHeaders, sport: 80, dport: 81, seq: 1000, flags: "A", ack: 2 }));
      expect(p.protocol).toBe(IpProto.TCP);
      expect(p.l4Offset).toBe(l4);
      expect([p.sport, p.dport]).toEqual([80, 81]);
      expect(p.fragment).toBe(false);
    }
  });

  it("rejects extension headers that do not fit", () => {
    // A routing header claiming 24 bytes in a 16-byte payload.
    const b = ipv6({ ...V6, extensionHeaders: [{ type: "raw", protocol: 43, bytes: [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }], nextHeader: 59 });
    expect(decode(b).r).toBe(Reason.BAD_EXTENSION_HEADER);
    // Less than 8 bytes left for a hop-by-hop header.
    expect(decode(ipv6({ ...V6, nextHeader: 0, payload: new Uint8Array(6) })).r).toBe(Reason.BAD_EXTENSION_HEADER);
    // AH longer than the payload.
    expect(decode(ipv6({ ...V6, extensionHeaders: [{ type: "raw", protocol: 51, bytes: [0, 9, 0, 0, 0, 0, 0, 0] }], nextHeader: 59 })).r).toBe(Reason.BAD_EXTENSION_HEADER);
  });

  it("rejects short buffers and payload lengths beyond the buffer", () => {
    const b = udp6();
    expect(decode(b.subarray(0, 39)).r).toBe(Reason.TRUNCATED);
    expect(decode(b, 0, b.length - 1).r).toBe(Reason.TRUNCATED);
    expect(decode(ipv6({ ...V6, nextHeader: IpProto.UDP, payloadLength: 100, payload: b.subarray(40) })).r).toBe(Reason.TRUNCATED);
  });

  it("describes fragment headers", () => {
    const dg = udp6({ extensionHeaders: [{ type: "hopopts" }], sport: 10, dport: 20, payload: new Uint8Array(100) });
    const [first, second] = fragments(dg, { sizes: [64], id: 0xfeedf00d });
    const f = ok(first!);
    expect(f.fragment).toBe(true);
    expect(f.moreFragments).toBe(true);
    expect(f.fragOffset).toBe(0);
    expect(f.fragId).toBe(0xfeedf00d);
    expect(f.fragHeaderOffset).toBe(48);
    expect(f.prevNextHeaderOffset).toBe(40);
    expect(f.protocol).toBe(IpProto.UDP);
    expect([f.sport, f.dport]).toEqual([0, 0]);
    const s = ok(second!);
    expect(s.fragment).toBe(true);
    expect(s.moreFragments).toBe(false);
    expect(s.fragOffset).toBe(64);
    expect(s.fragHeaderOffset).toBe(48);
    expect(s.prevNextHeaderOffset).toBe(40);
    expect(s.protocol).toBe(IpProto.UDP);
    expect(s.l4Offset).toBe(56);
    // Straight after the IPv6 header the next-header byte is byte 6.
    const g = ok(fragment(udp6({ payload: new Uint8Array(40) }), { offset: 0, length: 24, mf: true }));
    expect(g.fragHeaderOffset).toBe(40);
    expect(g.prevNextHeaderOffset).toBe(6);
  });

  it("walks the headers after the fragment header only in the first fragment", () => {
    const dg = udp6({ extensionHeaders: [{ type: "dstopts" }], payload: new Uint8Array(64) });
    // The destination options header is fragmentable: it follows the fragment header.
    const [first, second] = fragments(dg, { sizes: [24] });
    const f = ok(first!);
    expect(f.fragHeaderOffset).toBe(40);
    expect(f.protocol).toBe(IpProto.UDP);
    expect(f.l4Offset).toBe(56);
    const s = ok(second!);
    expect(s.protocol).toBe(IpProto.DSTOPTS);
    expect(s.l4Offset).toBe(48);
  });

  it("decodes an atomic fragment as a whole datagram (RFC 6946)", () => {
    const p = ok(udp6({ extensionHeaders: [{ type: "fragment", offset: 0, mf: false, id: 7 }], sport: 1, dport: 2 }));
    expect(p.fragment).toBe(false);
    expect(p.protocol).toBe(IpProto.UDP);
    expect([p.sport, p.dport]).toEqual([1, 2]);
    expect(p.fragHeaderOffset).toBe(40);
  });

  it("rejects two fragment headers", () => {
    const b = udp6({ extensionHeaders: [{ type: "fragment", mf: true }, { type: "fragment", mf: true }] });
    expect(decode(b).r).toBe(Reason.BAD_EXTENSION_HEADER);
  });

  it("treats ESP and No Next Header as opaque", () => {
    const esp = ok(ipv6({ ...V6, nextHeader: IpProto.ESP, payload: new Uint8Array(24).fill(3) }));
    expect([esp.protocol, esp.sport, esp.dport, esp.payloadOffset, esp.payloadLength]).toEqual([IpProto.ESP, 0, 0, 40, 24]);
    const none = ok(ipv6({ ...V6, extensionHeaders: [{ type: "hopopts" }], nextHeader: IpProto.NONE }));
    expect([none.protocol, none.l4Offset, none.payloadLength]).toEqual([IpProto.NONE, 48, 0]);
  });
});

describe("decodePacket: TCP", () => {
  it("reads window scale and SACK-permitted from a SYN", () => {
    const p = ok(tcp4({ flags: "S", options: { mss: 1460, sackPerm: true, timestamp: [1, 0], wscale: 7 } }));
    expect(p.tcpFlags).toBe(TcpFlag.SYN);
    expect(p.tcpHeaderLength).toBe(40);
    expect(p.wscale).toBe(7);
    expect(p.sackPermitted).toBe(true);
    expect(p.payloadLength).toBe(0);
    const sa = ok(tcp({ ...V6, sport: 40000, dport: 80, seq: 1000, flags: "SA", ack: 1, options: { wscale: 0 } }));
    expect(sa.wscale).toBe(0);
    expect(sa.sackPermitted).toBe(false);
  });

  it("caps the window scale at 14", () => {
    expect(ok(tcp4({ flags: "S", options: { wscale: 15 } })).wscale).toBe(14);
    expect(ok(tcp4({ flags: "S", options: { wscale: 255 } })).wscale).toBe(14);
  });

  it("reads options only on a SYN", () => {
    const p = ok(tcp4({ flags: "A", ack: 1, options: { wscale: 7, sackPerm: true } }));
    expect(p.wscale).toBe(-1);
    expect(p.sackPermitted).toBe(false);
    expect(p.tcpHeaderLength).toBe(28);
  });

  it("stops at malformed options", () => {
    // A SACK-permitted option with size 3 is ignored, one with size 1 ends parsing.
    const a = ok(tcp4({ flags: "S", options: { raw: [4, 3, 0, 3, 3, 5] } }));
    expect([a.sackPermitted, a.wscale]).toEqual([false, 5]);
    const b = ok(tcp4({ flags: "S", options: { raw: [1, 4, 1, 3, 3, 5] } }));
    expect([b.sackPermitted, b.wscale]).toEqual([false, -1]);
    // An option running past the header is not read.
    const c = ok(tcp4({ flags: "S", options: { raw: [1, 3, 3, 9] } }));
    expect(c.wscale).toBe(9);
    const d = ok(tcp4({ flags: "S", options: { raw: [1, 1, 1, 3] } }));
    expect(d.wscale).toBe(-1);
    // END ends the list.
    const e = ok(tcp4({ flags: "S", options: { raw: [0, 3, 3, 6] } }));
    expect(e.wscale).toBe(-1);
  });

  it("rejects a data offset under 5 words or past the segment", () => {
    for (const dataOffset of [0, 4]) {
      expect(decode(tcp4({ flags: "A", ack: 1, dataOffset })).r).toBe(Reason.BAD_L4_HEADER);
    }
    expect(decode(tcp4({ flags: "A", ack: 1, dataOffset: 6 })).r).toBe(Reason.TRUNCATED);
    expect(decode(ipv4({ ...V4, protocol: IpProto.TCP, payload: new Uint8Array(19) })).r).toBe(Reason.TRUNCATED);
    const withData = ok(tcp4({ flags: "PA", ack: 1, dataOffset: 6, payload: new Uint8Array(4) }));
    expect(withData.payloadOffset).toBe(44);
    expect(withData.payloadLength).toBe(0);
  });
});

describe("decodePacket: UDP and UDP-Lite", () => {
  it("checks the UDP length against the IP payload", () => {
    const p = ok(udp4({ sport: 53, dport: 33000, payload: "12345678" }));
    expect([p.sport, p.dport, p.payloadOffset, p.payloadLength]).toEqual([53, 33000, 28, 8]);
    // Shorter than the IP payload: the UDP length wins.
    const s = ok(udp4({ payload: "12345678", length: 10 }));
    expect(s.payloadLength).toBe(2);
    expect(s.l4Length).toBe(16);
    for (const length of [0, 7, 17, 0xffff]) {
      expect(decode(udp4({ payload: "12345678", length })).r).toBe(Reason.BAD_L4_HEADER);
    }
    expect(decode(udp6({ length: 9 })).r).toBe(Reason.BAD_L4_HEADER);
    expect(decode(ipv4({ ...V4, protocol: IpProto.UDP, payload: new Uint8Array(7) })).r).toBe(Reason.TRUNCATED);
  });

  it("reads the UDP-Lite checksum coverage", () => {
    const data = new Uint8Array(20);
    const whole = ok(udplite({ ...V4, sport: 9, dport: 10, coverage: 0, payload: data }));
    expect([whole.protocol, whole.sport, whole.dport, whole.payloadOffset, whole.payloadLength]).toEqual([IpProto.UDPLITE, 9, 10, 28, 20]);
    for (const coverage of [8, 12, 28]) {
      const p = ok(udplite({ ...V6, sport: 40000, dport: 5000, coverage, payload: data }));
      // The coverage does not shorten the payload.
      expect(p.payloadLength).toBe(20);
    }
    for (const coverage of [1, 7, 29, 0xffff]) {
      expect(decode(udplite({ ...V4, sport: 40000, dport: 5000, coverage, payload: data })).r).toBe(Reason.BAD_L4_HEADER);
    }
  });
});

describe("decodePacket: ICMP and other protocols", () => {
  it("reads ICMP type, code and identifier", () => {
    const p = ok(icmp({ ...V4, type: 8, code: 0, id: 0x1234, seq: 9, payload: "abcdefgh" }));
    expect([p.protocol, p.icmpType, p.icmpCode, p.sport, p.dport]).toEqual([IpProto.ICMP, 8, 0, 0x1234, 8 << 8]);
    expect([p.payloadOffset, p.payloadLength]).toEqual([28, 8]);
    const quoted = udp4({ sport: 1, dport: 2 });
    const e = ok(icmp({ ...V4, type: 3, code: 3, payload: quoted }));
    expect([e.icmpType, e.icmpCode, e.dport]).toEqual([3, 3, (3 << 8) | 3]);
    expect(e.payloadLength).toBe(quoted.length);
    expect(decode(ipv4({ ...V4, protocol: IpProto.ICMP, payload: new Uint8Array(7) })).r).toBe(Reason.TRUNCATED);
  });

  it("reads ICMPv6 type, code and identifier", () => {
    const p = ok(icmpv6({ ...V6, type: 129, code: 0, id: 0xabcd, seq: 1 }));
    expect([p.protocol, p.icmpType, p.icmpCode, p.sport, p.dport]).toEqual([IpProto.ICMPV6, 129, 0, 0xabcd, 129 << 8]);
    const tb = ok(icmpv6({ ...V6, type: 2, code: 0, rest: 1280, payload: udp6() }));
    expect([tb.icmpType, tb.sport]).toEqual([2, 0]);
    expect(decode(ipv6({ ...V6, nextHeader: IpProto.ICMPV6, payload: new Uint8Array(4) })).r).toBe(Reason.TRUNCATED);
  });

  it("gives protocols without a tracker (ESP) keys 0 and the whole rest as payload", () => {
    const esp = ok(ipv4({ ...V4, protocol: IpProto.ESP, payload: [0, 0, 0x08, 0x00, 1, 2, 3, 4] }));
    expect([esp.protocol, esp.sport, esp.dport, esp.payloadOffset, esp.payloadLength]).toEqual([IpProto.ESP, 0, 0, 20, 8]);
    const esp6 = ok(ipv6({ ...V6, nextHeader: IpProto.ESP, payload: [0, 0, 0x86, 0xdd] }));
    expect([esp6.sport, esp6.dport, esp6.l4Offset, esp6.payloadLength]).toEqual([0, 0, 40, 4]);
  });

  it("clears per-packet fields between packets", () => {
    const p = new ParsedPacket();
    const syn = tcp4({ flags: "S", options: { wscale: 3, sackPerm: true } });
    expect(decodePacket(syn, 0, syn.length, p)).toBe(Reason.NONE);
    const ping = icmpv6({ ...V6, type: 128, id: 5 });
    expect(decodePacket(ping, 0, ping.length, p)).toBe(Reason.NONE);
    expect([p.tcpFlags, p.seq, p.ack, p.window, p.tcpHeaderLength, p.wscale, p.sackPermitted]).toEqual([0, 0, 0, 0, 0, -1, false]);
    expect(p.src).toEqual(V6_SRC_WORDS);
    const frag = fragments(udp4({ payload: new Uint8Array(64) }), { mtu: 44 })[1]!;
    expect(decodePacket(frag, 0, frag.length, p)).toBe(Reason.NONE);
    expect([p.icmpType, p.icmpCode, p.sport, p.dport, p.payloadOffset, p.payloadLength]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(p.src).toEqual(V4_SRC_WORDS);
    const whole = udp4({ id: 0x1234 });
    expect(decodePacket(whole, 0, whole.length, p)).toBe(Reason.NONE);
    expect([p.fragment, p.fragOffset, p.moreFragments, p.fragHeaderOffset, p.prevNextHeaderOffset]).toEqual([false, 0, false, -1, -1]);
    // IPv4 always reports the identification field.
    expect(p.fragId).toBe(0x1234);
  });

  it("resets the header fields when a packet is rejected", () => {
    const p = new ParsedPacket();
    const good = udp6();
    decodePacket(good, 0, good.length, p);
    const bad = new Uint8Array([0x50, 0, 0, 0]);
    expect(decodePacket(bad, 0, bad.length, p)).toBe(Reason.BAD_VERSION);
    expect([p.family, p.protocol, p.l3End, p.l4Offset, p.l4Length]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("decodePacket: properties", () => {
  // Addresses as text for the builders and as the words the decoder must produce, computed here.
  const addr4 = fc
    .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
    .map((a) => ({ text: a.join("."), words: Uint32Array.of(((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0, 0, 0, 0) }));
  const addr6 = fc
    .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
    .map((a) => ({ text: a.map((w) => w.toString(16)).join(":"), words: Uint32Array.from([0, 1, 2, 3], (i) => ((a[2 * i]! << 16) | a[2 * i + 1]!) >>> 0) }));
  const port = fc.nat(0xffff);
  const data = fc.uint8Array({ maxLength: 64 });
  const flags = fc.constantFrom("S", "SA", "A", "PA", "FA", "R", "RA", "SE", "SAEC", "FPU");

  const transport = fc.oneof(
    fc.record({ kind: fc.constant("tcp" as const), sport: port, dport: port, seq: fc.nat(), ack: fc.nat(), flags, window: port, wscale: fc.option(fc.nat(20)), sackPerm: fc.boolean(), payload: data }),
    fc.record({ kind: fc.constant("udp" as const), sport: port, dport: port, payload: data }),
    fc.record({ kind: fc.constant("udplite" as const), sport: port, dport: port, payload: data }),
    fc.record({ kind: fc.constant("icmp" as const), type: fc.nat(255), code: fc.nat(255), id: port, seq: port, payload: data }),
    fc.record({ kind: fc.constant("gre" as const), payload: data }),
  );
  const ext = fc.constantFrom<Ipv6ExtensionHeader>({ type: "hopopts" }, { type: "dstopts", options: [0x1e, 3, 1, 2, 3] }, { type: "routing" }, { type: "ah" });

  const datagram = fc
    .record({
      v6: fc.boolean(),
      src4: addr4,
      dst4: addr4,
      src6: addr6,
      dst6: addr6,
      ttl: fc.nat(255),
      options: fc.constantFrom<number[]>([], [1, 1, 1, 1], ROUTER_ALERT, recordRoute(3)),
      exts: fc.array(ext, { maxLength: 3 }),
      t: transport,
      fragment: fc.option(fc.nat(3)),
    })
    .map((d) => {
      const ip = d.v6
        ? { src: d.src6.text, dst: d.dst6.text, ttl: d.ttl, extensionHeaders: d.exts }
        : { src: d.src4.text, dst: d.dst4.text, ttl: d.ttl, ipOptions: d.options };
      let whole: Uint8Array;
      switch (d.t.kind) {
        case "tcp":
          whole = tcp({ ...ip, ...d.t, options: { wscale: d.t.wscale ?? undefined, sackPerm: d.t.sackPerm } });
          break;
        case "udp":
          whole = udp({ ...ip, ...d.t });
          break;
        case "udplite":
          whole = udplite({ ...ip, ...d.t });
          break;
        case "icmp":
          whole = d.v6 ? icmpv6({ ...ip, ...d.t }) : icmp({ ...ip, ...d.t });
          break;
        case "gre":
          // A protocol without a tracker (the kind keeps its old name: GRE used to be one).
          whole = d.v6
            ? ipv6({ src: ip.src, dst: ip.dst, hopLimit: d.ttl, extensionHeaders: d.exts, nextHeader: IpProto.ESP, payload: d.t.payload })
            : ipv4({ src: ip.src, dst: ip.dst, ttl: d.ttl, ipOptions: d.options, protocol: IpProto.ESP, payload: d.t.payload });
          break;
      }
      if (d.fragment === null) return { d, whole, packet: whole };
      const frags = fragments(whole, { mtu: d.v6 ? 48 + 8 * 10 : 60 + 8 * 4 });
      return { d, whole, packet: frags[d.fragment % frags.length]! };
    });

  it("decodes what the builder makes, fields included", () => {
    fc.assert(
      fc.property(datagram, ({ d, whole, packet }) => {
        const { r, p } = decode(packet);
        expect(r).toBe(Reason.NONE);
        checkBounds(p, packet.length, 0, packet.length);
        expect(p.family).toBe(d.v6 ? 6 : 4);
        expect(p.ttl).toBe(d.ttl);
        expect(p.src).toEqual(d.v6 ? d.src6.words : d.src4.words);
        expect(p.dst).toEqual(d.v6 ? d.dst6.words : d.dst4.words);
        // A fragment (or an IPv6 atomic fragment when the datagram fits in one).
        if (packet !== whole) return;
        expect(p.fragment).toBe(false);
        const t = d.t;
        if (t.kind === "tcp" || t.kind === "udp" || t.kind === "udplite") {
          expect([p.sport, p.dport]).toEqual([t.sport, t.dport]);
          expect(p.payloadLength).toBe(t.payload.length);
          expect(p.bytes.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)).toEqual(t.payload);
        }
        if (t.kind === "tcp") {
          expect([p.seq, p.ack, p.window]).toEqual([t.seq, t.ack, t.window]);
          const syn = t.flags.includes("S");
          expect(p.wscale).toBe(syn && t.wscale !== null ? Math.min(t.wscale, 14) : -1);
          expect(p.sackPermitted).toBe(syn && t.sackPerm);
        }
        if (t.kind === "icmp") expect([p.icmpType, p.icmpCode, p.sport, p.dport]).toEqual([t.type, t.code, t.id, (t.type << 8) | t.code]);
        if (t.kind === "gre") expect([p.sport, p.dport, p.payloadLength]).toEqual([0, 0, t.payload.length]);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on random bytes and always returns a Reason", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(130), fc.integer({ min: -5, max: 130 }), fc.boolean(), (b, offset, length, v4) => {
        if (b.length > 0) b[0] = (b[0]! & 0x0f) | (v4 ? 0x40 : 0x60);
        const p = new ParsedPacket();
        const r = decodePacket(b, offset, length, p);
        expect(typeof r).toBe("number");
        expect(REASONS.has(r)).toBe(true);
        if (r === Reason.NONE) checkBounds(p, b.length, offset, length);
      }),
      { numRuns: 3000 },
    );
  });

  it("never throws on mutated valid packets, and keeps offsets within bounds", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), at: fc.nat(200), value: fc.nat(255) }),
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(200), bit: fc.nat(7) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat(200) }),
      fc.record({ kind: fc.constant("grow" as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    );
    fc.assert(
      fc.property(datagram, fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(8), ({ packet }, mutations, lead) => {
        let b: Uint8Array = packet.slice();
        for (const m of mutations) {
          if (m.kind === "set" && b.length > 0) b[m.at % b.length] = m.value;
          else if (m.kind === "flip" && b.length > 0) b[m.at % b.length]! ^= 1 << m.bit;
          else if (m.kind === "cut") b = b.slice(0, m.at % (b.length + 1));
          else if (m.kind === "grow") b = concatBytes(b, m.extra);
        }
        const frame = concatBytes(new Uint8Array(lead), b);
        const p = new ParsedPacket();
        const r = decodePacket(frame, lead, b.length, p);
        expect(REASONS.has(r)).toBe(true);
        if (r === Reason.NONE) checkBounds(p, frame.length, lead, b.length);
      }),
      { numRuns: 3000 },
    );
  });
});
