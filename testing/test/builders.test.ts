import { decodePacket, IpProto, ParsedPacket, Reason, TcpFlag } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import {
  checksumValid,
  icmp,
  icmpv6,
  internetChecksum,
  ipv4,
  ipv6,
  pseudoHeaderSum,
  readU16,
  tcp,
  tcpFlagBits,
  tcpFlagLetters,
  toBytes,
  udp,
  udplite,
} from "@alg-sdk/testing";

function decode(bytes: Uint8Array): ParsedPacket {
  const p = new ParsedPacket();
  expect(decodePacket(bytes, 0, bytes.length, p)).toBe(Reason.NONE);
  return p;
}

/** Checks the transport checksum of a datagram built by the kit. */
function transportChecksumOk(bytes: Uint8Array, p: ParsedPacket): boolean {
  const v6 = p.family === 6;
  const src = bytes.subarray(v6 ? 8 : 12, v6 ? 24 : 16);
  const dst = bytes.subarray(v6 ? 24 : 16, v6 ? 40 : 20);
  const pseudo = p.protocol === IpProto.ICMP ? 0 : pseudoHeaderSum(src, dst, p.protocol, p.l4Length);
  return checksumValid(bytes, p.l4Offset, p.l4Length, pseudo);
}

describe("checksum", () => {
  it("matches the RFC 1071 worked example", () => {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement), checksum 220d.
    expect(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
  });

  it("pads an odd last byte with zero", () => {
    expect(internetChecksum(Uint8Array.from([0x01]))).toBe(0xfeff);
  });
});

describe("ipv4 / ipv6", () => {
  it("ipv4 writes a valid header", () => {
    const b = ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: 253, payload: [1, 2, 3], ttl: 9, id: 77, df: true });
    const p = decode(b);
    expect(p.family).toBe(4);
    expect(p.protocol).toBe(253);
    expect(p.ttl).toBe(9);
    expect(p.src[0]).toBe(0x0a000102);
    expect(p.dst[0]).toBe(0x0a000202);
    expect(p.l4Length).toBe(3);
    expect(checksumValid(b, 0, 20)).toBe(true);
    expect(readU16(b, 4)).toBe(77);
    expect(b[6]! & 0x40).toBe(0x40);
  });

  it("ipv4 stores a forced bad checksum", () => {
    const b = ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: 253, checksum: 0x1234 });
    expect(readU16(b, 10)).toBe(0x1234);
    expect(checksumValid(b, 0, 20)).toBe(false);
  });

  it("ipv4 marks fragments", () => {
    const b = ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: 17, payload: new Uint8Array(16), mf: true, fragOffset: 64 });
    const p = new ParsedPacket();
    decodePacket(b, 0, b.length, p);
    expect(p.fragment).toBe(true);
    expect(p.moreFragments).toBe(true);
    expect(p.fragOffset).toBe(64);
    expect(() => ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: 17, fragOffset: 3 })).toThrow(RangeError);
  });

  it("ipv6 writes a valid header", () => {
    const b = ipv6({ src: "fd00:1::2", dst: "fd00:2::2", nextHeader: 253, payload: [9, 9], hopLimit: 3, flowLabel: 0x12345 });
    const p = decode(b);
    expect(p.family).toBe(6);
    expect(p.protocol).toBe(253);
    expect(p.ttl).toBe(3);
    expect([...p.src]).toEqual([0xfd000001, 0, 0, 2]);
    expect([...p.dst]).toEqual([0xfd000002, 0, 0, 2]);
    expect(readU16(b, 4)).toBe(2);
  });

  it("refuses mixed or wrong families and bad text", () => {
    expect(() => ipv4({ src: "fd00::1", dst: "fd00::2", protocol: 6 })).toThrow(TypeError);
    expect(() => ipv6({ src: "10.0.0.1", dst: "10.0.0.2", nextHeader: 6 })).toThrow(TypeError);
    expect(() => tcp({ src: "10.0.0.1", dst: "fd00::2", sport: 1, dport: 2 })).toThrow(TypeError);
    expect(() => tcp({ src: "10.0.0.256", dst: "10.0.0.2", sport: 1, dport: 2 })).toThrow(TypeError);
  });
});

describe("tcp", () => {
  it.each([4, 6] as const)("builds a decodable segment with a valid checksum (IPv%i)", (family) => {
    const [src, dst] = family === 4 ? ["10.0.1.2", "10.0.2.2"] : ["fd00:1::2", "fd00:2::2"];
    const b = tcp({ src: src!, dst: dst!, sport: 40000, dport: 21, seq: 0xfffffff0, ack: 7, flags: "PA", window: 512, payload: "PORT 1,2,3,4,5,6\r\n" });
    const p = decode(b);
    expect(p.protocol).toBe(IpProto.TCP);
    expect(p.sport).toBe(40000);
    expect(p.dport).toBe(21);
    expect(p.seq).toBe(0xfffffff0);
    expect(p.ack).toBe(7);
    expect(p.tcpFlags).toBe(TcpFlag.PSH | TcpFlag.ACK);
    expect(p.window).toBe(512);
    expect(p.payloadLength).toBe(18);
    expect(String.fromCharCode(...b.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength))).toBe("PORT 1,2,3,4,5,6\r\n");
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("writes SYN options the decoder reads back", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, flags: "S", options: { mss: 1460, sackPerm: true, wscale: 7, timestamp: [1, 0] } });
    const p = decode(b);
    expect(p.tcpFlags).toBe(TcpFlag.SYN);
    expect(p.wscale).toBe(7);
    expect(p.sackPermitted).toBe(true);
    expect(p.tcpHeaderLength % 4).toBe(0);
    expect(p.tcpHeaderLength).toBeGreaterThan(20);
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("checksums an odd-length payload", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, payload: "abc" });
    expect(transportChecksumOk(b, decode(b))).toBe(true);
  });

  it("stores a forced bad checksum", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, checksum: 0xdead });
    expect(transportChecksumOk(b, decode(b))).toBe(false);
  });

  it("writes raw options after the named ones, padded with end-of-list", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, flags: "S", options: { mss: 1460, raw: [4, 3, 0] } });
    expect([...b.subarray(40, 48)]).toEqual([2, 4, 0x05, 0xb4, 4, 3, 0, 0]);
    expect(b[32]).toBe(0x70);
    expect(transportChecksumOk(b, decode(b))).toBe(true);
    expect(() => tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, options: { raw: new Uint8Array(41) } })).toThrow(RangeError);
  });

  it("writes SACK blocks after two NOPs, as Linux sends them", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, options: { sack: [[1, 2]] } });
    expect([...b.subarray(40, 52)]).toEqual([1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it("writes a data offset as given, for malformed headers", () => {
    const b = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, dataOffset: 4, payload: "abcd" });
    expect(b[32]).toBe(0x40);
    expect(b.length).toBe(44);
    const p = new ParsedPacket();
    expect(decodePacket(b, 0, b.length, p)).toBe(Reason.BAD_L4_HEADER);
    expect(decode(tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, dataOffset: 6, payload: "abcd" })).payloadLength).toBe(0);
  });

  it("parses flag letters both ways", () => {
    expect(tcpFlagBits("S")).toBe(0x02);
    expect(tcpFlagBits("SA")).toBe(0x12);
    expect(tcpFlagBits("pa")).toBe(0x18);
    expect(tcpFlagBits("FA")).toBe(0x11);
    expect(tcpFlagBits("R")).toBe(0x04);
    expect(tcpFlagBits(0x1ff)).toBe(0xff);
    expect(() => tcpFlagBits("X")).toThrow(TypeError);
    expect(tcpFlagLetters(0x12)).toBe("SA");
    expect(tcpFlagLetters(0x19)).toBe("FPA");
  });
});

describe("udp", () => {
  it.each([4, 6] as const)("builds a decodable datagram with a valid checksum (IPv%i)", (family) => {
    const [src, dst] = family === 4 ? ["10.0.1.2", "10.0.2.2"] : ["fd00:1::2", "fd00:2::2"];
    const b = udp({ src: src!, dst: dst!, sport: 5353, dport: 53, payload: "hello" });
    const p = decode(b);
    expect(p.protocol).toBe(IpProto.UDP);
    expect(p.sport).toBe(5353);
    expect(p.dport).toBe(53);
    expect(p.payloadLength).toBe(5);
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("can leave the IPv4 checksum out", () => {
    const b = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, checksum: 0 });
    expect(readU16(b, 26)).toBe(0);
  });

  it("writes a length as given, and the decoder reads it", () => {
    const short = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, payload: "12345678", length: 10 });
    expect([readU16(short, 24), short.length]).toEqual([10, 36]);
    expect(decode(short).payloadLength).toBe(2);
    const p = new ParsedPacket();
    expect(decodePacket(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, length: 9 }), 0, 28, p)).toBe(Reason.BAD_L4_HEADER);
  });
});

describe("udplite", () => {
  it.each([4, 6] as const)("checksums the whole datagram by default (IPv%i)", (family) => {
    const [src, dst] = family === 4 ? ["10.0.1.2", "10.0.2.2"] : ["fd00:1::2", "fd00:2::2"];
    const b = udplite({ src: src!, dst: dst!, sport: 7000, dport: 8000, payload: "hello" });
    const p = decode(b);
    expect(p.protocol).toBe(IpProto.UDPLITE);
    expect([p.sport, p.dport, p.payloadLength]).toEqual([7000, 8000, 5]);
    expect(readU16(b, p.l4Offset + 4)).toBe(0);
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("covers only the bytes its coverage names", () => {
    const b = udplite({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, coverage: 12, payload: "abcdefgh" });
    expect(readU16(b, 24)).toBe(12);
    // The pseudo-header counts the whole datagram (RFC 3828 §3.1); the sum covers 12 bytes.
    const pseudo = pseudoHeaderSum(b.subarray(12, 16), b.subarray(16, 20), 136, 16);
    expect(checksumValid(b, 20, 12, pseudo)).toBe(true);
    b[35] ^= 0xff; // outside the coverage
    expect(checksumValid(b, 20, 12, pseudo)).toBe(true);
  });

  it("can send no checksum, which UDP-Lite forbids", () => {
    expect(readU16(udplite({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, checksum: 0 }), 26)).toBe(0);
  });
});

describe("icmp / icmpv6", () => {
  it("builds an echo request", () => {
    const b = icmp({ src: "10.0.1.2", dst: "10.0.2.2", type: 8, id: 7, seq: 1, payload: "ping" });
    const p = decode(b);
    expect(p.protocol).toBe(IpProto.ICMP);
    expect(p.icmpType).toBe(8);
    expect(p.sport).toBe(7);
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("builds an error quoting a datagram", () => {
    const probe = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1234, dport: 9, payload: "x" });
    const b = icmp({ src: "10.0.2.2", dst: "10.0.1.2", type: 3, code: 3, payload: probe.subarray(0, 28) });
    const p = decode(b);
    expect(p.icmpType).toBe(3);
    expect(p.icmpCode).toBe(3);
    expect(b.subarray(28)).toEqual(probe.subarray(0, 28));
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("builds an ICMPv6 echo with the pseudo-header checksum", () => {
    const b = icmpv6({ src: "fd00:1::2", dst: "fd00:2::2", type: 128, id: 3, seq: 4 });
    const p = decode(b);
    expect(p.protocol).toBe(IpProto.ICMPV6);
    expect(p.icmpType).toBe(128);
    expect(transportChecksumOk(b, p)).toBe(true);
  });

  it("keeps ICMP and ICMPv6 to their families", () => {
    expect(() => icmp({ src: "fd00::1", dst: "fd00::2", type: 128 })).toThrow(TypeError);
    expect(() => icmpv6({ src: "10.0.0.1", dst: "10.0.0.2", type: 8 })).toThrow(TypeError);
  });
});

describe("toBytes", () => {
  it("encodes text as UTF-8 and copies bytes", () => {
    expect([...toBytes("A\r\n")]).toEqual([65, 13, 10]);
    expect([...toBytes("é€😀")]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
    const src = Uint8Array.from([1, 2]);
    const copy = toBytes(src);
    copy[0] = 9;
    expect(src[0]).toBe(1);
    expect(toBytes(undefined).length).toBe(0);
  });
});
