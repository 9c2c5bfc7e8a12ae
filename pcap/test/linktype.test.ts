import { describe, expect, it } from "vitest";
import {
  EtherType,
  LinkLayerError,
  LinkType,
  UnsupportedLinkTypeError,
  createLinkLayerInfo,
  decodeLinkLayer,
  isSupportedLinkType,
  linkTypeName,
  networkLayerBytes,
} from "../src/index.js";
import { be16, be32, concat, ipv4, ipv6, le32 } from "./helpers.js";

const MAC = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

function expectIp(frame: Uint8Array, linkType: number, ip: Uint8Array, family: 4 | 6) {
  const ll = decodeLinkLayer(linkType, frame);
  expect(ll.linkType).toBe(linkType);
  expect(ll.family).toBe(family);
  expect(ll.etherType).toBe(family === 4 ? 0x0800 : 0x86dd);
  expect(Array.from(networkLayerBytes(frame, ll))).toEqual(Array.from(ip));
  expect(ll.truncated).toBe(false);
  return ll;
}

describe("Ethernet (1)", () => {
  const v4 = ipv4([1, 2, 3]);
  const v6 = ipv6([4, 5]);

  it("IPv4 and IPv6 by ethertype", () => {
    expectIp(concat(MAC, be16(0x0800), v4), 1, v4, 4);
    expectIp(concat(MAC, be16(0x86dd), v6), 1, v6, 6);
  });

  it("trims Ethernet padding and FCS to the IP total length", () => {
    const ll = expectIp(concat(MAC, be16(0x0800), v4, new Array(20).fill(0)), 1, v4, 4);
    expect(ll.offset).toBe(14);
    expectIp(concat(MAC, be16(0x86dd), v6, [0xde, 0xad, 0xbe, 0xef]), 1, v6, 6);
  });

  it("one 802.1Q tag, stacked 802.1ad + 802.1Q, and the old 0x9100 tag", () => {
    let ll = expectIp(concat(MAC, be16(0x8100), be16(0x2064), be16(0x0800), v4), 1, v4, 4);
    expect(ll.vlanIds).toEqual([100]);
    expect(ll.offset).toBe(18);
    ll = expectIp(concat(MAC, be16(0x88a8), be16(10), be16(0x8100), be16(0xe014), be16(0x86dd), v6), 1, v6, 6);
    expect(ll.vlanIds).toEqual([10, 20]);
    expect(ll.offset).toBe(22);
    ll = expectIp(concat(MAC, be16(0x9100), be16(7), be16(0x8100), be16(8), be16(0x8100), be16(9), be16(0x0800), v4), 1, v4, 4);
    expect(ll.vlanIds).toEqual([7, 8, 9]);
  });

  it("non-IP ethertypes and 802.3 length frames are reported as non-IP", () => {
    const arp = decodeLinkLayer(1, concat(MAC, be16(0x0806), new Array(28).fill(0)));
    expect(arp.family).toBe(0);
    expect(arp.etherType).toBe(0x0806);
    expect(arp.offset).toBe(14);
    expect(arp.length).toBe(28);
    const llc = decodeLinkLayer(1, concat(MAC, be16(46), new Array(46).fill(0)));
    expect(llc.family).toBe(0);
    expect(llc.etherType).toBe(46);
    const tagged = decodeLinkLayer(1, concat(MAC, be16(0x8100), be16(5), be16(0x88cc), [1, 2]));
    expect(tagged.family).toBe(0);
    expect(tagged.etherType).toBe(0x88cc);
    expect(tagged.vlanIds).toEqual([5]);
  });

  it("flags IP packets cut by the snaplen", () => {
    const ll = decodeLinkLayer(1, concat(MAC, be16(0x0800), v4.subarray(0, 21)));
    expect(ll.family).toBe(4);
    expect(ll.truncated).toBe(true);
    expect(ll.length).toBe(21);
  });

  it("short frames are LinkLayerErrors", () => {
    expect(() => decodeLinkLayer(1, new Uint8Array(13))).toThrow(LinkLayerError);
    expect(() => decodeLinkLayer(1, concat(MAC, be16(0x8100), [0]))).toThrow(/VLAN tag at offset 14 is cut short/);
  });
});

describe("Linux cooked captures", () => {
  const v4 = ipv4([1]);
  const v6 = ipv6([2]);
  it("SLL (113)", () => {
    const hdr = (proto: number) => concat(be16(0), be16(1), be16(6), [1, 2, 3, 4, 5, 6, 0, 0], be16(proto));
    expect(expectIp(concat(hdr(0x0800), v4), 113, v4, 4).offset).toBe(16);
    expectIp(concat(hdr(0x86dd), v6), 113, v6, 6);
    expect(decodeLinkLayer(113, concat(hdr(0x0806), [0, 0])).family).toBe(0);
    const ll = expectIp(concat(hdr(0x8100), be16(42), be16(0x0800), v4), 113, v4, 4);
    expect(ll.vlanIds).toEqual([42]);
    expect(() => decodeLinkLayer(113, new Uint8Array(15))).toThrow(LinkLayerError);
  });
  it("SLL2 (276)", () => {
    const hdr = (proto: number) => concat(be16(proto), be16(0), be32(3), be16(1), [0, 6], [1, 2, 3, 4, 5, 6, 0, 0]);
    expect(expectIp(concat(hdr(0x0800), v4), 276, v4, 4).offset).toBe(20);
    expectIp(concat(hdr(0x86dd), v6), 276, v6, 6);
    expect(decodeLinkLayer(276, concat(hdr(0x0806), [0])).etherType).toBe(0x0806);
    expect(() => decodeLinkLayer(276, new Uint8Array(19))).toThrow(LinkLayerError);
  });
});

describe("raw IP link types", () => {
  const v4 = ipv4([1, 2]);
  const v6 = ipv6([3]);
  for (const lt of [101, 12, 14]) {
    it(`RAW ${lt}: version from the first nibble`, () => {
      expectIp(v4, lt, v4, 4);
      expectIp(v6, lt, v6, 6);
      const other = decodeLinkLayer(lt, new Uint8Array([0x20, 1, 2]));
      expect(other.family).toBe(0);
      expect(other.etherType).toBe(-1);
      expect(() => decodeLinkLayer(lt, new Uint8Array(0))).toThrow(LinkLayerError);
    });
  }
  it("IPV4 (228) and IPV6 (229)", () => {
    expectIp(v4, 228, v4, 4);
    expectIp(v6, 229, v6, 6);
  });
});

describe("loopback", () => {
  const v4 = ipv4([1]);
  const v6 = ipv6([2]);
  it("NULL (0): AF in either byte order, all AF_INET6 values", () => {
    expectIp(concat(le32(2), v4), 0, v4, 4);
    expectIp(concat(be32(2), v4), 0, v4, 4);
    for (const af of [10, 24, 28, 30]) {
      expectIp(concat(le32(af), v6), 0, v6, 6);
      expectIp(concat(be32(af), v6), 0, v6, 6);
    }
    const other = decodeLinkLayer(0, concat(le32(7), [1, 2, 3]));
    expect(other.family).toBe(0);
    expect(other.offset).toBe(4);
    expect(() => decodeLinkLayer(0, new Uint8Array(3))).toThrow(LinkLayerError);
  });
  it("LOOP (108): network byte order", () => {
    expectIp(concat(be32(2), v4), 108, v4, 4);
    expectIp(concat(be32(24), v6), 108, v6, 6);
    expectIp(concat(le32(30), v6), 108, v6, 6);
  });
});

describe("unknown link types", () => {
  it("throw UnsupportedLinkTypeError naming the link type", () => {
    let err: unknown;
    try {
      decodeLinkLayer(147, new Uint8Array(100));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedLinkTypeError);
    expect((err as UnsupportedLinkTypeError).linkType).toBe(147);
    expect((err as Error).message).toMatch(/^unsupported link type 147/);
    expect(isSupportedLinkType(147)).toBe(false);
    expect(isSupportedLinkType(LinkType.NFLOG)).toBe(true);
    expect(linkTypeName(147)).toBe("LINKTYPE 147");
    expect(linkTypeName(1)).toBe("ETHERNET");
  });
});

describe("reusing the output object", () => {
  it("resets every field between frames", () => {
    const out = createLinkLayerInfo();
    const v4 = ipv4();
    decodeLinkLayer(1, concat(MAC, be16(0x8100), be16(9), be16(0x0800), v4), out);
    expect(out.vlanIds).toEqual([9]);
    const again = decodeLinkLayer(101, v4, out);
    expect(again).toBe(out);
    expect(out.vlanIds).toEqual([]);
    expect(out.offset).toBe(0);
    expect(out.etherType).toBe(EtherType.IPV4);
    expect(out.nflog).toBeNull();
  });
});
