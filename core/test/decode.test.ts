import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IpProto, Reason } from "../src/constants.js";
import { decodePacket } from "../src/packet/decode.js";
import { ParsedPacket, TcpFlag } from "../src/packet/parsed-packet.js";
import {
  addressWords,
  bytes,
  concat,
  fixIpv4Checksum,
  fragmentIpv4,
  fragmentIpv6,
  icmp,
  icmpv6,
  internetChecksum,
  ipv4,
  ipv4Options,
  ipv6,
  ipv6Fragment,
  type Ipv6ExtHeader,
  parseIpv6,
  tcp,
  udp,
  udplite,
} from "./support/packets.js";

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

/** One's complement sum of a transport segment with its pseudo-header: 0xffff when the checksum is right. */
function verifyChecksum(dg: Uint8Array): number {
  const v6 = dg[0]! >> 4 === 6;
  const l4 = v6 ? 40 : (dg[0]! & 0x0f) * 4;
  const len = dg.length - l4;
  const pseudo = v6
    ? concat(dg.subarray(8, 40), bytes([0, 0, len >> 8, len & 0xff, 0, 0, 0, dg[6]!]))
    : concat(dg.subarray(12, 20), bytes([0, dg[9]!, len >> 8, len & 0xff]));
  const all = concat(pseudo, dg.subarray(l4));
  return ~internetChecksum(all) & 0xffff;
}

describe("packet builder", () => {
  it("writes correct IPv4 header and transport checksums", () => {
    const t = ipv4({ src: "10.0.1.2", dst: "10.0.2.3", payload: tcp({ flags: "SA", ack: 9, options: { mss: 1400 }, payload: bytes("odd") }) });
    expect(internetChecksum(t, 0, 20)).toBe(0);
    expect(verifyChecksum(t)).toBe(0xffff);
    const u = ipv4({ options: ipv4Options.routerAlert(), payload: udp({ payload: bytes("hello") }) });
    expect(internetChecksum(u, 0, 24)).toBe(0);
    expect(verifyChecksum(u)).toBe(0xffff);
    const i = ipv4({ payload: icmp({ type: 8, id: 1, seq: 2, payload: bytes("ping") }) });
    expect(internetChecksum(i, 20)).toBe(0);
    const t6 = ipv6({ src: "fd00:1::2", dst: "fd00:2::3", payload: tcp({ flags: "PA", ack: 1, payload: bytes("x") }) });
    expect(verifyChecksum(t6)).toBe(0xffff);
    const u6 = ipv6({ payload: udp({ payload: bytes("hi") }) });
    expect(verifyChecksum(u6)).toBe(0xffff);
    const i6 = ipv6({ payload: icmpv6({ type: 128, id: 3, seq: 4 }) });
    expect(verifyChecksum(i6)).toBe(0xffff);
    // Stand-alone segments agree with the wrapped ones.
    const seg = tcp({ flags: "PA", ack: 1, payload: bytes("x"), src: "fd00:1::2", dst: "fd00:2::3" });
    expect(seg).toEqual(t6.subarray(40));
  });

  it("parses addresses", () => {
    expect(Array.from(addressWords("10.0.1.2"))).toEqual([0x0a000102, 0, 0, 0]);
    expect(Array.from(addressWords("fd00:1::2"))).toEqual([0xfd000001, 0, 0, 2]);
    expect(Array.from(parseIpv6("::ffff:192.0.2.1").subarray(10))).toEqual([0xff, 0xff, 192, 0, 2, 1]);
    expect(Array.from(parseIpv6("::"))).toEqual(new Array(16).fill(0));
    expect(() => parseIpv6("1::2::3")).toThrow();
    expect(() => addressWords("300.1.1.1")).toThrow();
  });
});

describe("decodePacket: IPv4", () => {
  it("decodes a TCP segment", () => {
    const b = ipv4({ src: "10.0.1.2", dst: "10.0.2.3", ttl: 33, payload: tcp({ sport: 1234, dport: 21, seq: 0xfffffff0, ack: 0x80000001, flags: "PA", window: 512, payload: bytes("USER x\r\n") }) });
    const p = ok(b);
    expect(p.family).toBe(4);
    expect(p.protocol).toBe(IpProto.TCP);
    expect(p.src).toEqual(addressWords("10.0.1.2"));
    expect(p.dst).toEqual(addressWords("10.0.2.3"));
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
    const opts = [...ipv4Options.nop(), ...ipv4Options.recordRoute(2), ...ipv4Options.routerAlert()];
    const p = ok(ipv4({ options: opts, payload: udp({ sport: 1, dport: 2 }) }));
    expect(p.l4Offset).toBe(20 + 16);
    expect([p.sport, p.dport]).toEqual([1, 2]);
    // END stops the list: whatever follows it is padding.
    const q = ok(ipv4({ options: [0, 0xff, 0xff, 0xff], payload: udp() }));
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
      expect(decode(ipv4({ options, payload: udp() })).r).toBe(Reason.BAD_IP_OPTIONS);
    }
  });

  it("ignores link-layer padding after the total length", () => {
    const b = ipv4({ payload: tcp({ flags: "A", ack: 1 }) });
    const padded = concat(b, new Uint8Array(6).fill(0xaa));
    const p = ok(padded);
    expect(p.l3End).toBe(b.length);
    expect(p.payloadLength).toBe(0);
    expect(p.l4Length).toBe(20);
  });

  it("rejects a total length beyond the buffer or below the header", () => {
    const b = ipv4({ payload: udp({ payload: bytes("abcd") }) });
    expect(decode(b, 0, b.length - 1).r).toBe(Reason.TRUNCATED);
    expect(decode(fixIpv4Checksum(ipv4({ totalLength: 19, payload: udp() }))).r).toBe(Reason.BAD_TOTAL_LENGTH);
    expect(decode(ipv4({ options: ipv4Options.routerAlert(), totalLength: 22, payload: udp() })).r).toBe(Reason.BAD_TOTAL_LENGTH);
  });

  it("rejects a header length under 5 words or past the buffer", () => {
    for (const ihl of [0, 1, 4]) expect(decode(ipv4({ ihl, payload: udp() })).r).toBe(Reason.BAD_IP_HEADER_LENGTH);
    const b = ipv4({ ihl: 15 });
    expect(b.length).toBe(20);
    expect(decode(b).r).toBe(Reason.TRUNCATED);
  });

  it("rejects other versions and short buffers", () => {
    for (const version of [0, 5, 7, 15]) expect(decode(ipv4({ version, payload: udp() })).r).toBe(Reason.BAD_VERSION);
    expect(decode(ipv4({ payload: udp() }).subarray(0, 19)).r).toBe(Reason.TRUNCATED);
    expect(decode(new Uint8Array(0), 0, 0).r).toBe(Reason.TRUNCATED);
  });

  it("decodes at an offset, within a length", () => {
    const b = ipv4({ payload: udp({ sport: 7, dport: 9 }) });
    const frame = concat(new Uint8Array(14).fill(0xee), b, new Uint8Array(4).fill(0xcc));
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
    const dg = ipv4({ id: 0xbeef, payload: tcp({ sport: 5, dport: 6, payload: new Uint8Array(100) }) });
    const [first, second] = fragmentIpv4(dg, 84);
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
    expect(ok(ipv4({ df: true, payload: udp() })).fragment).toBe(false);
  });
});

describe("decodePacket: IPv6", () => {
  it("decodes addresses, hop limit and the transport header", () => {
    const b = ipv6({ src: "2001:db8::1", dst: "2001:db8:ffff::2", hopLimit: 3, payload: udp({ sport: 546, dport: 547, payload: bytes("dhcp") }) });
    const p = ok(b);
    expect(p.family).toBe(6);
    expect(p.src).toEqual(addressWords("2001:db8::1"));
    expect(p.dst).toEqual(addressWords("2001:db8:ffff::2"));
    expect(p.ttl).toBe(3);
    expect(p.protocol).toBe(IpProto.UDP);
    expect(p.l4Offset).toBe(40);
    expect(p.payloadOffset).toBe(48);
    expect(p.payloadLength).toBe(4);
    expect(ok(concat(b, new Uint8Array(10))).l3End).toBe(b.length);
  });

  it("walks hop-by-hop, routing, destination options and AH", () => {
    const cases: Array<[Ipv6ExtHeader[], number]> = [
      [[{ type: "hop" }], 48],
      [[{ type: "routing", data: new Uint8Array(20) }], 64],
      [[{ type: "dst", options: new Uint8Array(10) }], 56],
      [[{ type: "ah" }], 64],
      [[{ type: "ah", icv: new Uint8Array(16) }], 68],
      [[{ type: "hop" }, { type: "dst" }, { type: "routing" }, { type: "ah" }, { type: "dst" }], 40 + 8 + 8 + 8 + 24 + 8],
    ];
    for (const [extensionHeaders, l4] of cases) {
      const p = ok(ipv6({ extensionHeaders, payload: tcp({ sport: 80, dport: 81, flags: "A", ack: 2 }) }));
      expect(p.protocol).toBe(IpProto.TCP);
      expect(p.l4Offset).toBe(l4);
      expect([p.sport, p.dport]).toEqual([80, 81]);
      expect(p.fragment).toBe(false);
    }
  });

  it("rejects extension headers that do not fit", () => {
    // A routing header claiming 24 bytes in a 16-byte payload.
    const b = ipv6({ extensionHeaders: [{ type: "raw", proto: 43, bytes: [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }], nextHeader: 59 });
    expect(decode(b).r).toBe(Reason.BAD_EXTENSION_HEADER);
    // Less than 8 bytes left for a hop-by-hop header.
    expect(decode(ipv6({ nextHeader: 0, payload: new Uint8Array(6) })).r).toBe(Reason.BAD_EXTENSION_HEADER);
    // AH longer than the payload.
    expect(decode(ipv6({ extensionHeaders: [{ type: "raw", proto: 51, bytes: [0, 9, 0, 0, 0, 0, 0, 0] }], nextHeader: 59 })).r).toBe(Reason.BAD_EXTENSION_HEADER);
  });

  it("rejects short buffers and payload lengths beyond the buffer", () => {
    const b = ipv6({ payload: udp() });
    expect(decode(b.subarray(0, 39)).r).toBe(Reason.TRUNCATED);
    expect(decode(b, 0, b.length - 1).r).toBe(Reason.TRUNCATED);
    expect(decode(ipv6({ payloadLength: 100, payload: udp() })).r).toBe(Reason.TRUNCATED);
  });

  it("describes fragment headers", () => {
    const dg = ipv6({ extensionHeaders: [{ type: "hop" }], payload: udp({ sport: 10, dport: 20, payload: new Uint8Array(100) }) });
    const [first, second] = fragmentIpv6(dg, [64], { id: 0xfeedf00d });
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
    const g = ok(ipv6Fragment(ipv6({ payload: udp({ payload: new Uint8Array(40) }) }), 0, 24, { mf: true }));
    expect(g.fragHeaderOffset).toBe(40);
    expect(g.prevNextHeaderOffset).toBe(6);
  });

  it("walks the headers after the fragment header only in the first fragment", () => {
    const dg = ipv6({ extensionHeaders: [{ type: "dst" }], payload: udp({ payload: new Uint8Array(64) }) });
    // The destination options header is fragmentable: it follows the fragment header.
    const [first, second] = fragmentIpv6(dg, [24]);
    const f = ok(first!);
    expect(f.fragHeaderOffset).toBe(40);
    expect(f.protocol).toBe(IpProto.UDP);
    expect(f.l4Offset).toBe(56);
    const s = ok(second!);
    expect(s.protocol).toBe(IpProto.DSTOPTS);
    expect(s.l4Offset).toBe(48);
  });

  it("decodes an atomic fragment as a whole datagram (RFC 6946)", () => {
    const p = ok(ipv6({ extensionHeaders: [{ type: "fragment", offset: 0, mf: false, id: 7 }], payload: udp({ sport: 1, dport: 2 }) }));
    expect(p.fragment).toBe(false);
    expect(p.protocol).toBe(IpProto.UDP);
    expect([p.sport, p.dport]).toEqual([1, 2]);
    expect(p.fragHeaderOffset).toBe(40);
  });

  it("rejects two fragment headers", () => {
    const b = ipv6({ extensionHeaders: [{ type: "fragment", mf: true }, { type: "fragment", mf: true }], payload: udp() });
    expect(decode(b).r).toBe(Reason.BAD_EXTENSION_HEADER);
  });

  it("treats ESP and No Next Header as opaque", () => {
    const esp = ok(ipv6({ nextHeader: IpProto.ESP, payload: new Uint8Array(24).fill(3) }));
    expect([esp.protocol, esp.sport, esp.dport, esp.payloadOffset, esp.payloadLength]).toEqual([IpProto.ESP, 0, 0, 40, 24]);
    const none = ok(ipv6({ extensionHeaders: [{ type: "hop" }], nextHeader: IpProto.NONE }));
    expect([none.protocol, none.l4Offset, none.payloadLength]).toEqual([IpProto.NONE, 48, 0]);
  });
});

describe("decodePacket: TCP", () => {
  it("reads window scale and SACK-permitted from a SYN", () => {
    const p = ok(ipv4({ payload: tcp({ flags: "S", options: { mss: 1460, sackPerm: true, timestamp: [1, 0], wscale: 7 } }) }));
    expect(p.tcpFlags).toBe(TcpFlag.SYN);
    expect(p.tcpHeaderLength).toBe(40);
    expect(p.wscale).toBe(7);
    expect(p.sackPermitted).toBe(true);
    expect(p.payloadLength).toBe(0);
    const sa = ok(ipv6({ payload: tcp({ flags: "SA", ack: 1, options: { wscale: 0 } }) }));
    expect(sa.wscale).toBe(0);
    expect(sa.sackPermitted).toBe(false);
  });

  it("caps the window scale at 14", () => {
    expect(ok(ipv4({ payload: tcp({ flags: "S", options: { wscale: 15 } }) })).wscale).toBe(14);
    expect(ok(ipv4({ payload: tcp({ flags: "S", options: { wscale: 255 } }) })).wscale).toBe(14);
  });

  it("reads options only on a SYN", () => {
    const p = ok(ipv4({ payload: tcp({ flags: "A", ack: 1, options: { wscale: 7, sackPerm: true } }) }));
    expect(p.wscale).toBe(-1);
    expect(p.sackPermitted).toBe(false);
    expect(p.tcpHeaderLength).toBe(28);
  });

  it("stops at malformed options", () => {
    // A SACK-permitted option with size 3 is ignored, one with size 1 ends parsing.
    const a = ok(ipv4({ payload: tcp({ flags: "S", options: { raw: [4, 3, 0, 3, 3, 5] } }) }));
    expect([a.sackPermitted, a.wscale]).toEqual([false, 5]);
    const b = ok(ipv4({ payload: tcp({ flags: "S", options: { raw: [1, 4, 1, 3, 3, 5] } }) }));
    expect([b.sackPermitted, b.wscale]).toEqual([false, -1]);
    // An option running past the header is not read.
    const c = ok(ipv4({ payload: tcp({ flags: "S", options: { raw: [1, 3, 3, 9] } }) }));
    expect(c.wscale).toBe(9);
    const d = ok(ipv4({ payload: tcp({ flags: "S", options: { raw: [1, 1, 1, 3] } }) }));
    expect(d.wscale).toBe(-1);
    // END ends the list.
    const e = ok(ipv4({ payload: tcp({ flags: "S", options: { raw: [0, 3, 3, 6] } }) }));
    expect(e.wscale).toBe(-1);
  });

  it("rejects a data offset under 5 words or past the segment", () => {
    for (const dataOffset of [0, 4]) {
      expect(decode(ipv4({ payload: tcp({ flags: "A", ack: 1, dataOffset }) })).r).toBe(Reason.BAD_L4_HEADER);
    }
    expect(decode(ipv4({ payload: tcp({ flags: "A", ack: 1, dataOffset: 6 }) })).r).toBe(Reason.TRUNCATED);
    expect(decode(ipv4({ proto: IpProto.TCP, payload: new Uint8Array(19) })).r).toBe(Reason.TRUNCATED);
    const withData = ok(ipv4({ payload: tcp({ flags: "PA", ack: 1, dataOffset: 6, payload: new Uint8Array(4) }) }));
    expect(withData.payloadOffset).toBe(44);
    expect(withData.payloadLength).toBe(0);
  });
});

describe("decodePacket: UDP and UDP-Lite", () => {
  it("checks the UDP length against the IP payload", () => {
    const p = ok(ipv4({ payload: udp({ sport: 53, dport: 33000, payload: bytes("12345678") }) }));
    expect([p.sport, p.dport, p.payloadOffset, p.payloadLength]).toEqual([53, 33000, 28, 8]);
    // Shorter than the IP payload: the UDP length wins.
    const s = ok(ipv4({ payload: udp({ payload: bytes("12345678"), length: 10 }) }));
    expect(s.payloadLength).toBe(2);
    expect(s.l4Length).toBe(16);
    for (const length of [0, 7, 17, 0xffff]) {
      expect(decode(ipv4({ payload: udp({ payload: bytes("12345678"), length }) })).r).toBe(Reason.BAD_L4_HEADER);
    }
    expect(decode(ipv6({ payload: udp({ length: 9 }) })).r).toBe(Reason.BAD_L4_HEADER);
    expect(decode(ipv4({ proto: IpProto.UDP, payload: new Uint8Array(7) })).r).toBe(Reason.TRUNCATED);
  });

  it("reads the UDP-Lite checksum coverage", () => {
    const data = new Uint8Array(20);
    const whole = ok(ipv4({ payload: udplite({ sport: 9, dport: 10, coverage: 0, payload: data }) }));
    expect([whole.protocol, whole.sport, whole.dport, whole.payloadOffset, whole.payloadLength]).toEqual([IpProto.UDPLITE, 9, 10, 28, 20]);
    for (const coverage of [8, 12, 28]) {
      const p = ok(ipv6({ payload: udplite({ coverage, payload: data }) }));
      // The coverage does not shorten the payload.
      expect(p.payloadLength).toBe(20);
    }
    for (const coverage of [1, 7, 29, 0xffff]) {
      expect(decode(ipv4({ payload: udplite({ coverage, payload: data }) })).r).toBe(Reason.BAD_L4_HEADER);
    }
  });
});

describe("decodePacket: ICMP and other protocols", () => {
  it("reads ICMP type, code and identifier", () => {
    const p = ok(ipv4({ payload: icmp({ type: 8, code: 0, id: 0x1234, seq: 9, payload: bytes("abcdefgh") }) }));
    expect([p.protocol, p.icmpType, p.icmpCode, p.sport, p.dport]).toEqual([IpProto.ICMP, 8, 0, 0x1234, 8 << 8]);
    expect([p.payloadOffset, p.payloadLength]).toEqual([28, 8]);
    const quoted = ipv4({ payload: udp({ sport: 1, dport: 2 }) });
    const e = ok(ipv4({ payload: icmp({ type: 3, code: 3, payload: quoted }) }));
    expect([e.icmpType, e.icmpCode, e.dport]).toEqual([3, 3, (3 << 8) | 3]);
    expect(e.payloadLength).toBe(quoted.length);
    expect(decode(ipv4({ proto: IpProto.ICMP, payload: new Uint8Array(7) })).r).toBe(Reason.TRUNCATED);
  });

  it("reads ICMPv6 type, code and identifier", () => {
    const p = ok(ipv6({ payload: icmpv6({ type: 129, code: 0, id: 0xabcd, seq: 1 }) }));
    expect([p.protocol, p.icmpType, p.icmpCode, p.sport, p.dport]).toEqual([IpProto.ICMPV6, 129, 0, 0xabcd, 129 << 8]);
    const tb = ok(ipv6({ payload: icmpv6({ type: 2, code: 0, rest: 1280, payload: ipv6({ payload: udp() }) }) }));
    expect([tb.icmpType, tb.sport]).toEqual([2, 0]);
    expect(decode(ipv6({ nextHeader: IpProto.ICMPV6, payload: new Uint8Array(4) })).r).toBe(Reason.TRUNCATED);
  });

  it("gives protocols without a tracker (ESP) keys 0 and the whole rest as payload", () => {
    const esp = ok(ipv4({ proto: IpProto.ESP, payload: bytes([0, 0, 0x08, 0x00, 1, 2, 3, 4]) }));
    expect([esp.protocol, esp.sport, esp.dport, esp.payloadOffset, esp.payloadLength]).toEqual([IpProto.ESP, 0, 0, 20, 8]);
    const esp6 = ok(ipv6({ nextHeader: IpProto.ESP, payload: bytes([0, 0, 0x86, 0xdd]) }));
    expect([esp6.sport, esp6.dport, esp6.l4Offset, esp6.payloadLength]).toEqual([0, 0, 40, 4]);
  });

  it("clears per-packet fields between packets", () => {
    const p = new ParsedPacket();
    const syn = ipv4({ payload: tcp({ flags: "S", options: { wscale: 3, sackPerm: true } }) });
    expect(decodePacket(syn, 0, syn.length, p)).toBe(Reason.NONE);
    const ping = ipv6({ payload: icmpv6({ type: 128, id: 5 }) });
    expect(decodePacket(ping, 0, ping.length, p)).toBe(Reason.NONE);
    expect([p.tcpFlags, p.seq, p.ack, p.window, p.tcpHeaderLength, p.wscale, p.sackPermitted]).toEqual([0, 0, 0, 0, 0, -1, false]);
    expect(p.src).toEqual(addressWords("fd00::1"));
    const frag = fragmentIpv4(ipv4({ payload: udp({ payload: new Uint8Array(64) }) }), 44)[1]!;
    expect(decodePacket(frag, 0, frag.length, p)).toBe(Reason.NONE);
    expect([p.icmpType, p.icmpCode, p.sport, p.dport, p.payloadOffset, p.payloadLength]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(p.src).toEqual(addressWords("10.0.0.1"));
    const udp4 = ipv4({ payload: udp() });
    expect(decodePacket(udp4, 0, udp4.length, p)).toBe(Reason.NONE);
    expect([p.fragment, p.fragOffset, p.moreFragments, p.fragHeaderOffset, p.prevNextHeaderOffset]).toEqual([false, 0, false, -1, -1]);
    // IPv4 always reports the identification field.
    expect(p.fragId).toBe(0x1234);
  });

  it("resets the header fields when a packet is rejected", () => {
    const p = new ParsedPacket();
    const good = ipv6({ payload: udp() });
    decodePacket(good, 0, good.length, p);
    const bad = new Uint8Array([0x50, 0, 0, 0]);
    expect(decodePacket(bad, 0, bad.length, p)).toBe(Reason.BAD_VERSION);
    expect([p.family, p.protocol, p.l3End, p.l4Offset, p.l4Length]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("decodePacket: properties", () => {
  const addr4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join("."));
  const addr6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((a) => a.map((w) => w.toString(16)).join(":"));
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
  const ext = fc.constantFrom<Ipv6ExtHeader>({ type: "hop" }, { type: "dst", options: [0x1e, 3, 1, 2, 3] }, { type: "routing" }, { type: "ah" });

  const datagram = fc
    .record({
      v6: fc.boolean(),
      src4: addr4,
      dst4: addr4,
      src6: addr6,
      dst6: addr6,
      ttl: fc.nat(255),
      options: fc.constantFrom<number[]>([], [1, 1, 1, 1], [...ipv4Options.routerAlert()], [...ipv4Options.recordRoute(3)]),
      exts: fc.array(ext, { maxLength: 3 }),
      t: transport,
      fragment: fc.option(fc.nat(3)),
    })
    .map((d) => {
      let payload: Uint8Array;
      switch (d.t.kind) {
        case "tcp":
          payload = tcp({ ...d.t, options: { wscale: d.t.wscale ?? undefined, sackPerm: d.t.sackPerm } });
          break;
        case "udp":
          payload = udp(d.t);
          break;
        case "udplite":
          payload = udplite(d.t);
          break;
        case "icmp":
          payload = d.v6 ? icmpv6(d.t) : icmp(d.t);
          break;
        case "gre":
          payload = d.t.payload;
          break;
      }
      // A protocol without a tracker (the kind keeps its old name: GRE used to be one).
      const proto = d.t.kind === "gre" ? IpProto.ESP : undefined;
      const whole = d.v6
        ? ipv6({ src: d.src6, dst: d.dst6, hopLimit: d.ttl, extensionHeaders: d.exts, nextHeader: proto, payload })
        : ipv4({ src: d.src4, dst: d.dst4, ttl: d.ttl, options: d.options, proto, payload });
      if (d.fragment === null) return { d, whole, packet: whole };
      const frags = d.v6 ? fragmentIpv6(whole, 48 + 8 * 10) : fragmentIpv4(whole, 60 + 8 * 4);
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
        expect(p.src).toEqual(addressWords(d.v6 ? d.src6 : d.src4));
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
          else if (m.kind === "grow") b = concat(b, m.extra);
        }
        const frame = concat(new Uint8Array(lead), b);
        const p = new ParsedPacket();
        const r = decodePacket(frame, lead, b.length, p);
        expect(REASONS.has(r)).toBe(true);
        if (r === Reason.NONE) checkBounds(p, frame.length, lead, b.length);
      }),
      { numRuns: 3000 },
    );
  });
});
