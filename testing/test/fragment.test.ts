import { decodePacket, IpProto, ParsedPacket, Reason } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { checksumValid, concatBytes, fragment, fragments, icmpv6, readU16, tcp, udp } from "@alg-sdk/testing";

const RECORD_ROUTE_3 = [7, 15, 4, ...new Array<number>(12).fill(0)];
const ROUTER_ALERT = [0x94, 4, 0, 0];

function decoded(b: Uint8Array): ParsedPacket {
  const p = new ParsedPacket();
  expect(decodePacket(b, 0, b.length, p)).toBe(Reason.NONE);
  return p;
}

function data(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** The data of IPv4 fragments put back at their offsets. */
function joinIpv4(frags: Uint8Array[]): Uint8Array {
  const parts = frags.map((f) => ({ at: (readU16(f, 6) & 0x1fff) * 8, bytes: f.subarray((f[0]! & 0x0f) * 4) }));
  const out = new Uint8Array(Math.max(...parts.map((p) => p.at + p.bytes.length)));
  for (const p of parts) out.set(p.bytes, p.at);
  return out;
}

describe("fragments of IPv4", () => {
  const dg = udp({ src: "10.0.1.2", dst: "10.0.2.3", id: 0x4242, sport: 5000, dport: 53, payload: data(1000) });

  it("split to an MTU with 8-byte aligned data, in order, carrying the whole datagram", () => {
    const frags = fragments(dg, { mtu: 300 });
    expect(frags.length).toBe(4);
    for (const f of frags) expect(f.length).toBeLessThanOrEqual(300);
    for (const f of frags.slice(0, -1)) expect((f.length - 20) % 8).toBe(0);
    expect(frags.map((f) => decoded(f))).toMatchObject([
      { fragment: true, moreFragments: true, fragOffset: 0, fragId: 0x4242 },
      { fragment: true, moreFragments: true, fragOffset: 280 },
      { fragment: true, moreFragments: true, fragOffset: 560 },
      { fragment: true, moreFragments: false, fragOffset: 840 },
    ]);
    for (const f of frags) expect(checksumValid(f, 0, 20)).toBe(true);
    expect(joinIpv4(frags)).toEqual(dg.subarray(20));
  });

  it("split by data sizes; what is left over forms the last fragment", () => {
    const frags = fragments(dg, { sizes: [400, 96, 8, 400] });
    expect(frags.map((f) => f.length - 20)).toEqual([400, 96, 8, 400, 104]);
    expect(joinIpv4(frags)).toEqual(dg.subarray(20));
    expect(fragments(dg, { sizes: [1000, 8] }).map((f) => f.length)).toEqual([1020, 28]);
    expect(() => fragments(dg, { sizes: [12, 8] })).toThrow(RangeError);
    expect(() => fragments(dg, { sizes: [1000, 16] })).toThrow(RangeError);
    expect(() => fragments(dg, { mtu: 27 })).toThrow(RangeError);
  });

  it("keep only options with the copy bit after the first fragment", () => {
    const withOptions = udp({ src: "10.0.1.2", dst: "10.0.2.3", sport: 5000, dport: 53, payload: data(600), ipOptions: [...RECORD_ROUTE_3, ...ROUTER_ALERT] });
    const frags = fragments(withOptions, { mtu: 200 });
    expect(frags[0]![0]! & 0x0f).toBe(10);
    expect(frags[1]![0]! & 0x0f).toBe(6);
    expect([...frags[1]!.subarray(20, 24)]).toEqual(ROUTER_ALERT);
    for (const f of frags) expect(checksumValid(f, 0, (f[0]! & 0x0f) * 4)).toBe(true);
    expect(joinIpv4(frags)).toEqual(withOptions.subarray(40));
  });

  it("keep DF, and cut any range with MF as asked", () => {
    const df = udp({ src: "10.0.1.2", dst: "10.0.2.3", sport: 1, dport: 2, payload: data(100), df: true });
    const odd = fragment(df, { offset: 0, length: 13, mf: true });
    expect([odd.length, readU16(odd, 6)]).toEqual([33, 0x6000]);
    const last = fragment(df, { offset: 104, length: 4 });
    expect(readU16(last, 6)).toBe(0x4000 | 13);
    expect(readU16(fragment(df, { offset: 8, length: 8, mf: false }), 6)).toBe(0x4001);
    expect(readU16(fragment(df, { offset: 8, length: 8, id: 9 }), 4)).toBe(9);
    expect(() => fragment(df, { offset: 4, length: 8 })).toThrow(RangeError);
    expect(() => fragment(df, { offset: 104, length: 5 })).toThrow(RangeError);
  });

  it("place a fragment of a fragment at the original's offset", () => {
    const second = fragment(dg, { offset: 512, length: 256 });
    const inner = fragment(second, { offset: 64, length: 64 });
    expect(decoded(inner)).toMatchObject({ fragOffset: 576, moreFragments: true });
    expect(inner.subarray(20)).toEqual(dg.subarray(20 + 576, 20 + 640));
  });
});

describe("fragments of IPv6", () => {
  it("carry a fragment header with the id, after the unfragmentable headers", () => {
    const dg = udp({ src: "fd00:1::2", dst: "fd00:2::3", sport: 10, dport: 20, payload: data(100), extensionHeaders: [{ type: "hopopts" }] });
    const [first, second] = fragments(dg, { sizes: [64], id: 0xfeedf00d });
    expect(decoded(first!)).toMatchObject({ fragment: true, moreFragments: true, fragOffset: 0, fragId: 0xfeedf00d, fragHeaderOffset: 48, prevNextHeaderOffset: 40, protocol: IpProto.UDP });
    expect(decoded(second!)).toMatchObject({ fragment: true, moreFragments: false, fragOffset: 64, fragHeaderOffset: 48, l4Offset: 56 });
    expect(concatBytes(first!.subarray(56), second!.subarray(56))).toEqual(dg.subarray(48));
    // Straight after the fixed header the next-header byte is byte 6; the default id is 0.
    const bare = fragment(udp({ src: "fd00::1", dst: "fd00::2", sport: 1, dport: 2, payload: data(40) }), { offset: 0, length: 24, mf: true });
    expect(decoded(bare)).toMatchObject({ fragHeaderOffset: 40, prevNextHeaderOffset: 6, fragId: 0 });
  });

  it("split to an MTU, the fragment header counted", () => {
    const dg = udp({ src: "fd00:1::2", dst: "fd00:2::3", sport: 5000, dport: 53, payload: data(3000) });
    const frags = fragments(dg, { mtu: 1280 });
    expect(frags.map((f) => f.length)).toEqual([1280, 1280, 48 + 3008 - 2 * 1232]);
    for (const f of frags.slice(0, -1)) expect((f.length - 48) % 8).toBe(0);
  });

  it("keep hop-by-hop, routing and the destination options before routing in every fragment", () => {
    const dg = tcp({
      src: "2001:db8::1",
      dst: "2001:db8:1::9",
      sport: 4000,
      dport: 443,
      flags: "PA",
      payload: data(900),
      extensionHeaders: [
        { type: "hopopts", options: [5, 2, 0, 0] },
        { type: "dstopts", options: [0x1e, 1, 0] },
        { type: "routing", data: new Uint8Array(20) },
        { type: "dstopts", options: [0x1e, 2, 0, 0] },
      ],
    });
    const frags = fragments(dg, { mtu: 400 });
    for (const f of frags) expect(f.length).toBeLessThanOrEqual(400);
    expect(decoded(frags[1]!)).toMatchObject({ fragHeaderOffset: 40 + 8 + 8 + 24, prevNextHeaderOffset: 40 + 8 + 8 });
    // The destination options after routing are fragmentable: they start the data.
    expect(frags[0]![80]).toBe(IpProto.DSTOPTS);
    expect(concatBytes(...frags.map((f) => f.subarray(88)))).toEqual(dg.subarray(80));
  });

  it("treat AH as fragmentable", () => {
    const dg = icmpv6({ src: "fd00::1", dst: "fd00::2", type: 128, id: 9, seq: 1, payload: data(300), extensionHeaders: [{ type: "hopopts" }, { type: "ah" }] });
    const frags = fragments(dg, { mtu: 200 });
    expect(decoded(frags[0]!).prevNextHeaderOffset).toBe(40);
    expect(frags[0]![48]).toBe(IpProto.AH);
  });
});
