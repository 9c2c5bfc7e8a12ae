import { decodePacket, IpProto, ParsedPacket, Reason } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import {
  addressBytes,
  checksumProblems,
  checksumValid,
  concatBytes,
  icmp,
  icmpv6,
  internetChecksum,
  ipv4,
  ipv6,
  readU16,
  tcp,
  udp,
  udplite,
} from "@alg-sdk/testing";

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" };
const V6 = { src: "fd00::1", dst: "fd00::2" };
const ROUTER_ALERT = [0x94, 4, 0, 0];

function decode(b: Uint8Array): { r: number; p: ParsedPacket } {
  const p = new ParsedPacket();
  return { r: decodePacket(b, 0, b.length, p), p };
}

function ok(b: Uint8Array): ParsedPacket {
  const { r, p } = decode(b);
  expect(r).toBe(Reason.NONE);
  return p;
}

/**
 * The one's complement sum of a transport segment with a pseudo-header built
 * here byte by byte (not with the kit's pseudoHeaderSum): 0xffff when the
 * checksum is right. For datagrams without IPv6 extension headers.
 */
function independentSum(dg: Uint8Array): number {
  const v6 = dg[0]! >> 4 === 6;
  const l4 = v6 ? 40 : (dg[0]! & 0x0f) * 4;
  const len = dg.length - l4;
  const pseudo = v6
    ? concatBytes(dg.subarray(8, 40), Uint8Array.from([0, 0, len >> 8, len & 0xff, 0, 0, 0, dg[6]!]))
    : concatBytes(dg.subarray(12, 20), Uint8Array.from([0, dg[9]!, len >> 8, len & 0xff]));
  return ~internetChecksum(concatBytes(pseudo, dg.subarray(l4))) & 0xffff;
}

describe("addresses", () => {
  it("are read by core's parser, every text form included", () => {
    expect([...addressBytes("10.0.1.2").bytes]).toEqual([10, 0, 1, 2]);
    expect([...addressBytes("::ffff:192.0.2.1").bytes.subarray(10)]).toEqual([0xff, 0xff, 192, 0, 2, 1]);
    expect([...addressBytes("::").bytes]).toEqual(new Array(16).fill(0));
    expect(() => addressBytes("1::2::3")).toThrow(TypeError);
    expect(() => addressBytes("300.1.1.1")).toThrow(TypeError);
  });
});

describe("IPv4 options", () => {
  it("are written after the fixed header, padded with End of Option List, and checksummed", () => {
    const b = ipv4({ ...V4, protocol: 253, ipOptions: [1, 7, 7, 4, 0, 0, 0, 0, 0, 0], payload: [9] });
    expect(b[0]).toBe(0x48);
    expect([...b.subarray(20, 32)]).toEqual([1, 7, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(readU16(b, 2)).toBe(33);
    expect(checksumValid(b, 0, 32)).toBe(true);
    expect(b[32]).toBe(9);
    expect(ok(b).l4Offset).toBe(32);
  });

  it("refuse more than 40 bytes", () => {
    expect(() => ipv4({ ...V4, protocol: 253, ipOptions: new Uint8Array(41) })).toThrow(RangeError);
    expect(ipv4({ ...V4, protocol: 253, ipOptions: new Uint8Array(40) })[0]).toBe(0x4f);
  });

  it("ride under every transport builder, with correct checksums", () => {
    const t = tcp({ ...V4, sport: 1, dport: 2, flags: "SA", ack: 9, options: { mss: 1400 }, payload: "odd", ipOptions: ROUTER_ALERT });
    const u = udp({ ...V4, sport: 1, dport: 2, payload: "hello", ipOptions: ROUTER_ALERT, tos: 0xb8, df: true, ttl: 3, id: 77 });
    const i = icmp({ ...V4, type: 8, id: 1, seq: 2, payload: "ping", ipOptions: ROUTER_ALERT });
    for (const b of [t, u, i]) {
      expect(b[0]).toBe(0x46);
      expect(internetChecksum(b, 0, 24)).toBe(0);
      expect(checksumProblems(b)).toEqual([]);
    }
    expect(independentSum(t)).toBe(0xffff);
    expect(independentSum(u)).toBe(0xffff);
    expect(internetChecksum(i, 24)).toBe(0);
    expect([u[1], u[6], u[8], readU16(u, 4)]).toEqual([0xb8, 0x40, 3, 77]);
    expect(ok(u).l4Offset).toBe(24);
  });
});

describe("malformed IPv4 headers", () => {
  it("write version, header length and total length as given", () => {
    const b = ipv4({ ...V4, protocol: 17, payload: new Uint8Array(8), version: 5, ihl: 4, totalLength: 19 });
    expect([b[0], readU16(b, 2), b.length]).toEqual([0x54, 19, 28]);
    // The header checksum still covers the real header.
    expect(checksumValid(b, 0, 20)).toBe(true);
  });

  it("are what the decoder rejects", () => {
    expect(decode(ipv4({ ...V4, protocol: 17, version: 6 })).r).toBe(Reason.TRUNCATED);
    expect(decode(ipv4({ ...V4, protocol: 17, payload: new Uint8Array(8), version: 5 })).r).toBe(Reason.BAD_VERSION);
    expect(decode(ipv4({ ...V4, protocol: 17, payload: new Uint8Array(8), ihl: 4 })).r).toBe(Reason.BAD_IP_HEADER_LENGTH);
    expect(decode(ipv4({ ...V4, protocol: 17, payload: new Uint8Array(8), totalLength: 19 })).r).toBe(Reason.BAD_TOTAL_LENGTH);
    expect(decode(ipv4({ ...V4, protocol: 17, ihl: 15 })).r).toBe(Reason.TRUNCATED);
  });

  it("refuse a fragment offset the field cannot hold", () => {
    expect(ipv4({ ...V4, protocol: 17, fragOffset: 65528 })[6]).toBe(0x1f);
    for (const fragOffset of [3, -8, 65536]) expect(() => ipv4({ ...V4, protocol: 17, fragOffset })).toThrow(RangeError);
  });
});

describe("IPv6 extension headers", () => {
  const transport = { sport: 80, dport: 81, flags: "A", ack: 2 } as const;

  it("chain their next-header bytes and have the lengths their fields say", () => {
    const b = tcp({
      ...V6,
      ...transport,
      extensionHeaders: [{ type: "hopopts" }, { type: "dstopts", options: new Uint8Array(10) }, { type: "routing", data: new Uint8Array(20) }, { type: "ah", icv: new Uint8Array(16) }],
    });
    // Walked by hand: [protocol naming the header, its offset, its length from its own length field].
    const chain: number[][] = [];
    let protocol = b[6]!;
    let at = 40;
    while (protocol !== IpProto.TCP) {
      const length = protocol === IpProto.AH ? (b[at + 1]! + 2) * 4 : (b[at + 1]! + 1) * 8;
      chain.push([protocol, at, length]);
      protocol = b[at]!;
      at += length;
    }
    expect(chain).toEqual([
      [IpProto.HOPOPTS, 40, 8],
      [IpProto.DSTOPTS, 48, 16],
      [IpProto.ROUTING, 64, 24],
      [IpProto.AH, 88, 28],
    ]);
    expect(readU16(b, 4)).toBe(b.length - 40);
    expect(readU16(b, at)).toBe(80); // the TCP header follows the last one
    expect(checksumProblems(b)).toEqual([]);
    expect(ok(b)).toMatchObject({ protocol: IpProto.TCP, l4Offset: at, sport: 80, dport: 81 });
  });

  it("pad options with Pad1 or PadN to 8 bytes", () => {
    const one = ipv6({ ...V6, nextHeader: 59, extensionHeaders: [{ type: "hopopts", options: [5, 2, 0, 0, 0] }] });
    expect([...one.subarray(40, 48)]).toEqual([59, 0, 5, 2, 0, 0, 0, 0]);
    const many = ipv6({ ...V6, nextHeader: 59, extensionHeaders: [{ type: "dstopts", options: [0x1e, 1, 0] }] });
    expect([...many.subarray(40, 48)]).toEqual([59, 0, 0x1e, 1, 0, 1, 1, 0]);
    const wide = ipv6({ ...V6, nextHeader: 59, extensionHeaders: [{ type: "hopopts", options: new Uint8Array(1022) }] });
    expect([wide.length, wide[41]]).toEqual([40 + 1024, 127]);
  });

  it("write routing, AH and fragment fields", () => {
    const b = ipv6({
      ...V6,
      nextHeader: 59,
      extensionHeaders: [
        { type: "routing", routingType: 4, segmentsLeft: 2 },
        { type: "ah", spi: 0xabcdef01, seq: 7 },
        { type: "fragment", offset: 0, id: 0x01020304 },
      ],
    });
    expect([...b.subarray(40, 48)]).toEqual([IpProto.AH, 0, 4, 2, 0, 0, 0, 0]);
    expect([...b.subarray(48, 60)]).toEqual([IpProto.FRAGMENT, 4, 0, 0, 0xab, 0xcd, 0xef, 0x01, 0, 0, 0, 7]);
    expect([...b.subarray(72, 80)]).toEqual([59, 0, 0, 0, 1, 2, 3, 4]);
    expect(() => ipv6({ ...V6, nextHeader: 59, extensionHeaders: [{ type: "ah", icv: new Uint8Array(3) }] })).toThrow(RangeError);
    expect(() => ipv6({ ...V6, nextHeader: 59, extensionHeaders: [{ type: "fragment", offset: 4 }] })).toThrow(RangeError);
  });

  it("write a raw header as given apart from its next header", () => {
    const b = ipv6({ ...V6, nextHeader: 59, extensionHeaders: [{ type: "raw", protocol: 43, bytes: [99, 2, 0, 0, 0, 0, 0, 0] }] });
    expect([b[6], ...b.subarray(40)]).toEqual([43, 59, 2, 0, 0, 0, 0, 0, 0]);
    expect(decode(b).r).toBe(Reason.BAD_EXTENSION_HEADER);
  });

  it("make an atomic fragment a whole datagram and a real one a fragment", () => {
    const atomic = udp({ ...V6, sport: 1, dport: 2, extensionHeaders: [{ type: "fragment", id: 7 }] });
    expect(ok(atomic)).toMatchObject({ fragment: false, protocol: IpProto.UDP, sport: 1, dport: 2, fragHeaderOffset: 40 });
    expect(checksumProblems(atomic)).toEqual([]);
    const real = ipv6({ ...V6, nextHeader: 17, extensionHeaders: [{ type: "fragment", offset: 64, mf: true, id: 7 }], payload: new Uint8Array(16) });
    expect(ok(real)).toMatchObject({ fragment: true, moreFragments: true, fragOffset: 64, fragId: 7 });
  });

  it("are refused on IPv4, as IPv4 options and DF are on IPv6", () => {
    expect(() => udp({ ...V4, sport: 1, dport: 2, extensionHeaders: [{ type: "hopopts" }] })).toThrow(TypeError);
    expect(() => udp({ ...V6, sport: 1, dport: 2, ipOptions: ROUTER_ALERT })).toThrow(TypeError);
    expect(() => udp({ ...V6, sport: 1, dport: 2, df: true })).toThrow(TypeError);
  });

  it("carry the transport's pseudo-header checksum, traffic class and hop limit", () => {
    const u = udp({ ...V6, sport: 1, dport: 2, payload: "hi", tos: 0x2e, ttl: 9, extensionHeaders: [{ type: "hopopts" }] });
    expect(checksumProblems(u)).toEqual([]);
    expect(ok(u)).toMatchObject({ ttl: 9, l4Offset: 48, payloadLength: 2 });
    expect([u[0], u[1]! >> 4]).toEqual([0x62, 0xe]);
    expect(independentSum(udp({ ...V6, sport: 1, dport: 2, payload: "hi" }))).toBe(0xffff);
    expect(independentSum(tcp({ src: "fd00:1::2", dst: "fd00:2::3", sport: 1, dport: 2, flags: "PA", payload: "x" }))).toBe(0xffff);
    expect(independentSum(icmpv6({ ...V6, type: 128, id: 3, seq: 4 }))).toBe(0xffff);
  });

  it("override the payload length as given", () => {
    const b = udp({ ...V6, sport: 1, dport: 2 });
    const long = ipv6({ ...V6, nextHeader: 17, payload: b.subarray(40), payloadLength: 100 });
    expect(readU16(long, 4)).toBe(100);
    expect(decode(long).r).toBe(Reason.TRUNCATED);
  });
});

describe("raw payloads", () => {
  it("go under any protocol number without a transport header", () => {
    const experimental = ipv4({ ...V4, protocol: 253, payload: [0, 0, 0x08, 0x00, 1, 2, 3, 4] });
    expect(ok(experimental)).toMatchObject({ protocol: 253, sport: 0, dport: 0, payloadOffset: 20, payloadLength: 8 });
    expect([...experimental.subarray(20)]).toEqual([0, 0, 0x08, 0x00, 1, 2, 3, 4]);
    const esp = ipv6({ ...V6, nextHeader: IpProto.ESP, payload: new Uint8Array(24).fill(3) });
    expect(ok(esp)).toMatchObject({ protocol: IpProto.ESP, payloadOffset: 40, payloadLength: 24 });
    expect(decode(ipv4({ ...V4, protocol: IpProto.TCP, payload: new Uint8Array(19) })).r).toBe(Reason.TRUNCATED);
  });

  it("and UDP-Lite under IPv4 options", () => {
    expect(checksumProblems(udplite({ ...V4, sport: 1, dport: 2, payload: "x", ipOptions: ROUTER_ALERT }))).toEqual([]);
  });
});
