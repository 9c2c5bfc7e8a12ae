import { describe, expect, it } from "vitest";
import {
  LinkLayerError,
  NflogTlv,
  decodeLinkLayer,
  forEachNflogTlv,
  networkLayerBytes,
  parseNflog,
  parseNflogPrefix,
} from "../src/index.js";
import { be16, be32, concat, ipv4, ipv6, le16 } from "./helpers.js";

/** TLV with host-order (`le`) length/type header, value padded to 4. */
function tlv(type: number, value: number[] | Uint8Array, le = true): number[] {
  const v = Array.from(value);
  const w16 = le ? le16 : be16;
  return [...w16(4 + v.length), ...w16(type), ...v, ...new Array((4 - (v.length % 4)) % 4).fill(0)];
}
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

function nflogFrame(opts: { family?: number; group?: number; prefix?: string; payload?: Uint8Array; le?: boolean; extra?: number[][] }) {
  const le = opts.le ?? true;
  const parts: number[][] = [[opts.family ?? 2, 0, ...be16(opts.group ?? 100)]];
  parts.push(tlv(NflogTlv.PACKET_HDR, [0x08, 0x00, 1, 0], le));
  if (opts.prefix !== undefined) parts.push(tlv(NflogTlv.PREFIX, [...ascii(opts.prefix), 0], le));
  parts.push(tlv(NflogTlv.MARK, be32(0x1234), le));
  parts.push(tlv(NflogTlv.IFINDEX_INDEV, be32(3), le));
  parts.push(tlv(NflogTlv.IFINDEX_OUTDEV, be32(4), le));
  for (const e of opts.extra ?? []) parts.push(e);
  if (opts.payload) parts.push(tlv(NflogTlv.PAYLOAD, opts.payload, le));
  return concat(...parts);
}

describe("NFLOG (239)", () => {
  const prefix = "ct=related dir=original exp=1 helper=- mhelper=ftp hook=pre";

  it("extracts prefix and IPv4 payload, plus header fields and common TLVs", () => {
    const ip = ipv4([1, 2, 3]);
    const frame = nflogFrame({ prefix, payload: ip });
    const ll = decodeLinkLayer(239, frame);
    expect(ll.family).toBe(4);
    expect(ll.etherType).toBe(0x0800);
    expect(Array.from(networkLayerBytes(frame, ll))).toEqual(Array.from(ip));
    expect(ll.nflog).toMatchObject({
      family: 2,
      version: 0,
      resourceId: 100,
      prefix,
      hwProtocol: 0x0800,
      hook: 1,
      mark: 0x1234,
      inIfindex: 3,
      outIfindex: 4,
      littleEndian: true,
      payloadTruncated: false,
    });
    expect(parseNflogPrefix(ll.nflog!.prefix!)).toEqual({
      ct: "related",
      dir: "original",
      exp: "1",
      helper: "-",
      mhelper: "ftp",
      hook: "pre",
    });
  });

  it("IPv6 payload with an odd length (padding after it)", () => {
    const ip = ipv6([1, 2, 3, 4, 5]);
    const frame = nflogFrame({ family: 10, prefix: "x", payload: ip });
    const ll = decodeLinkLayer(239, frame);
    expect(ll.family).toBe(6);
    expect(Array.from(networkLayerBytes(frame, ll))).toEqual(Array.from(ip));
  });

  it("TLVs after the payload do not leak into the IP bytes", () => {
    const ip = ipv4([7]);
    const frame = concat(nflogFrame({ payload: ip }), tlv(NflogTlv.UID, be32(1000)));
    const ll = decodeLinkLayer(239, frame);
    expect(ll.length).toBe(ip.length);
    expect(ll.nflog!.prefix).toBeUndefined();
  });

  it("big-endian TLV headers (capture written on a big-endian host) are detected", () => {
    const ip = ipv4([9, 9]);
    const frame = nflogFrame({ prefix: "be", payload: ip, le: false });
    const nf = parseNflog(frame);
    expect(nf.littleEndian).toBe(false);
    expect(nf.prefix).toBe("be");
    expect(Array.from(frame.subarray(nf.payloadOffset, nf.payloadOffset + nf.payloadLength))).toEqual(Array.from(ip));
    expect(parseNflog(frame, { littleEndian: false }).prefix).toBe("be");
  });

  it("a payload cut by the snaplen is flagged truncated", () => {
    const ip = ipv4(new Uint8Array(40));
    const full = nflogFrame({ prefix: "p", payload: ip });
    const frame = full.subarray(0, full.length - 30);
    const ll = decodeLinkLayer(239, frame);
    expect(ll.family).toBe(4);
    expect(ll.truncated).toBe(true);
    expect(ll.nflog!.payloadTruncated).toBe(true);
    expect(ll.offset + ll.length).toBe(frame.length);
  });

  it("no payload: non-IP, etherType from the packet header", () => {
    const ll = decodeLinkLayer(239, nflogFrame({ prefix: "nopayload" }));
    expect(ll.family).toBe(0);
    expect(ll.length).toBe(0);
    expect(ll.etherType).toBe(0x0800);
    expect(ll.nflog!.payloadOffset).toBe(-1);
  });

  it("visits every TLV", () => {
    const seen: number[] = [];
    forEachNflogTlv(nflogFrame({ prefix: "a", payload: ipv4() }), (type) => seen.push(type));
    expect(seen).toEqual([1, 10, 2, 4, 5, 9]);
  });

  it("UTF-8 prefixes and prefixes without NUL", () => {
    const utf = [0x63, 0x3d, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff];
    const frame = concat([2, 0, 0, 1], tlv(NflogTlv.PREFIX, utf));
    expect(parseNflog(frame).prefix).toBe("c=é€😀\ufffd");
  });

  it("malformed frames are LinkLayerErrors", () => {
    expect(() => decodeLinkLayer(239, new Uint8Array([2, 0]))).toThrow(LinkLayerError);
    // TLV length 2 (< 4) in both byte orders
    expect(() => decodeLinkLayer(239, new Uint8Array([2, 0, 0, 1, 2, 0, 0, 2]))).toThrow(LinkLayerError);
    // TLV (not a payload) running past the frame in both byte orders
    const bad = new Uint8Array([2, 0, 0, 1, 0x40, 0x40, 10, 0, 1, 2, 3, 4]);
    let err: unknown;
    try {
      decodeLinkLayer(239, bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LinkLayerError);
    expect((err as LinkLayerError).linkType).toBe(239);
    expect((err as LinkLayerError).offset).toBe(4);
  });

  it("reuses the nflog object of a reused LinkLayerInfo", () => {
    const a = decodeLinkLayer(239, nflogFrame({ prefix: "one", payload: ipv4() }));
    const first = a.nflog;
    decodeLinkLayer(239, nflogFrame({ payload: ipv4() }), a);
    expect(a.nflog).toBe(first);
    expect(a.nflog!.prefix).toBeUndefined();
  });
});
