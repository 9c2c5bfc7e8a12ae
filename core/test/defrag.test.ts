import { fragment, fragments, icmpv6, ipv4, ipv6, tcp, udp, type UdpPacketOptions } from "@alg-sdk/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_FRAGMENT_OPTIONS, type FragmentOptions } from "../src/config.js";
import { Reason } from "../src/constants.js";
import { decodePacket } from "../src/packet/decode.js";
import { DefragResult, Defragmenter, FRAGMENT_OVERHEAD, QUEUE_OVERHEAD } from "../src/packet/defrag.js";
import { ParsedPacket } from "../src/packet/parsed-packet.js";

function decoded(b: Uint8Array): ParsedPacket {
  const p = new ParsedPacket();
  const r = decodePacket(b, 0, b.length, p);
  expect(r).toBe(Reason.NONE);
  return p;
}

function defrag(options: Partial<FragmentOptions> = {}): Defragmenter {
  return new Defragmenter({ ...DEFAULT_FRAGMENT_OPTIONS, ...options });
}

/** Pushes each fragment (decoded) and returns the results. */
function pushAll(d: Defragmenter, frags: Uint8Array[], zone = 0, now = 0): number[] {
  return frags.map((f) => d.push(decoded(f), zone, now));
}

function payloadOf(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" } as const;
const V6 = { src: "fd00::1", dst: "fd00::2" } as const;
/** The identification of IPv6 fragments that must land in one queue. */
const ID6 = 0x1234abcd;

const udp4 = (n: number, id = 0x4242, extra: Partial<UdpPacketOptions> = {}) =>
  udp({ src: "10.0.1.2", dst: "10.0.2.3", id, sport: 5000, dport: 53, payload: payloadOf(n, id), ...extra });

const udp6 = (n: number) => udp({ src: "fd00:1::2", dst: "fd00:2::3", sport: 5000, dport: 53, payload: payloadOf(n) });

/** IPv4 options (RFC 791): record route with empty slots (not copied into later fragments) and router alert (RFC 2113, copied). */
const recordRoute = (slots: number) => [7, 3 + 4 * slots, 4, ...new Array<number>(4 * slots).fill(0)];
const ROUTER_ALERT = [0x94, 4, 0, 0];

describe("Defragmenter: IPv4", () => {
  it("reassembles fragments in order into the original datagram", () => {
    const dg = udp4(1000);
    const frags = fragments(dg, { mtu: 300 });
    expect(frags.length).toBe(4);
    const d = defrag();
    expect(pushAll(d, frags)).toEqual([DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_DONE]);
    expect(d.datagram).toEqual(dg);
    expect(d.pending).toBe(0);
    expect(d.heldBytes).toBe(0);
    expect(d.stats.reassembled).toBe(1);
  });

  it("reassembles fragments in any order", () => {
    const dg = udp4(2000);
    const frags = fragments(dg, { sizes: [400, 96, 8, 800] });
    const orders = [
      [4, 3, 2, 1, 0],
      [2, 0, 4, 1, 3],
      [1, 3, 0, 4, 2],
    ];
    for (const order of orders) {
      const d = defrag();
      const results = pushAll(d, order.map((i) => frags[i]!));
      expect(results.slice(0, -1).every((r) => r === DefragResult.DEFRAG_HELD)).toBe(true);
      expect(results.at(-1)).toBe(DefragResult.DEFRAG_DONE);
      expect(d.datagram).toEqual(dg);
    }
  });

  it("gives a datagram that decodes like the original", () => {
    const dg = tcp({ src: "192.0.2.1", dst: "198.51.100.7", ttl: 9, id: 0x1234, sport: 1234, dport: 80, flags: "PA", seq: 77, ack: 99, payload: payloadOf(700) });
    const d = defrag();
    const results = pushAll(d, fragments(dg, { mtu: 200 }).reverse());
    expect(results.at(-1)).toBe(DefragResult.DEFRAG_DONE);
    const a = decoded(dg);
    const b = decoded(d.datagram);
    for (const k of ["family", "protocol", "sport", "dport", "seq", "ack", "tcpFlags", "ttl", "l4Offset", "payloadOffset", "payloadLength", "fragment"] as const) {
      expect(b[k]).toEqual(a[k]);
    }
    expect(Array.from(b.src)).toEqual(Array.from(a.src));
    expect(Array.from(b.dst)).toEqual(Array.from(a.dst));
  });

  it("uses the first fragment's header, options included", () => {
    const dg = udp4(600, 0x77, { ipOptions: [...recordRoute(3), ...ROUTER_ALERT] });
    const frags = fragments(dg, { mtu: 200 });
    // Record route is not copied into later fragments; router alert is.
    expect(frags[0]![0]! & 0x0f).toBe(10);
    expect(frags[1]![0]! & 0x0f).toBe(6);
    const d = defrag();
    expect(pushAll(d, [frags[2]!, frags[1]!, frags[3]!, frags[0]!]).at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
  });

  it("keeps DF when the fragments carry it, and clears MF and the offset", () => {
    const dg = udp4(300, 9, { df: true });
    const d = defrag();
    expect(pushAll(d, fragments(dg, { mtu: 100 })).at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
    expect(d.datagram[6]).toBe(0x40);
  });

  it("cuts the data of a non-last fragment to a multiple of 8 (Linux)", () => {
    const dg = udp4(100);
    const d = defrag();
    // 13 data bytes with MF: only 8 are kept.
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 13, mf: true })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.heldBytes).toBe(QUEUE_OVERHEAD + 20 + 8 + FRAGMENT_OVERHEAD);
    expect(d.push(decoded(fragment(dg, { offset: 8, length: 100 })), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
  });

  it("drops exact duplicates and keeps the datagram", () => {
    const dg = udp4(500);
    const frags = fragments(dg, { mtu: 200 });
    const d = defrag();
    expect(pushAll(d, [frags[1]!, frags[1]!, frags[0]!, frags[0]!])).toEqual([DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_HELD]);
    expect(d.stats.duplicates).toBe(2);
    expect(d.push(decoded(frags[2]!), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
    expect(d.stats.overlaps).toBe(0);
  });

  it("treats a fragment inside a run of in-order fragments as a duplicate, like Linux's RB-tree runs", () => {
    const dg = udp4(100);
    const d = defrag();
    pushAll(d, [fragment(dg, { offset: 0, length: 16 }), fragment(dg, { offset: 16, length: 16 })]);
    // [8, 24) lies inside the run [0, 32) built from two adjacent fragments.
    expect(d.push(decoded(fragment(dg, { offset: 8, length: 16 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.stats.duplicates).toBe(1);
    expect(d.push(decoded(fragment(dg, { offset: 32, length: 76 })), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);

    // The same fragments out of order are two separate nodes: [8, 24) now overlaps.
    const e = defrag();
    pushAll(e, [fragment(dg, { offset: 16, length: 16 }), fragment(dg, { offset: 0, length: 16 })]);
    expect(e.push(decoded(fragment(dg, { offset: 8, length: 16 })), 0, 0)).toBe(Reason.FRAGMENT_OVERLAP);
  });

  it("discards the whole datagram on an overlap", () => {
    const dg = udp4(200);
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 64 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 32, length: 64 })), 0, 0)).toBe(Reason.FRAGMENT_OVERLAP);
    expect(d.pending).toBe(0);
    expect(d.heldBytes).toBe(0);
    expect(d.stats.overlaps).toBe(1);
    // What follows starts a new datagram that lacks its first part.
    expect(d.push(decoded(fragment(dg, { offset: 96, length: 112 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 64, length: 32 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.pending).toBe(1);
  });

  it("detects overlaps with fragments before the last one", () => {
    const dg = udp4(200);
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 160, length: 48 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 64 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 56, length: 16 })), 0, 0)).toBe(Reason.FRAGMENT_OVERLAP);
    // A fragment spanning two held ones overlaps both.
    pushAll(d, [fragment(dg, { offset: 160, length: 48 }), fragment(dg, { offset: 0, length: 64 }), fragment(dg, { offset: 64, length: 32 })]);
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 96 })), 0, 0)).toBe(Reason.FRAGMENT_OVERLAP);
  });

  it("discards the datagram when the last fragments disagree on the length", () => {
    const dg = udp4(200);
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 160, length: 48 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 80, length: 40, mf: false })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
    // Data beyond a known end.
    expect(d.push(decoded(fragment(dg, { offset: 80, length: 40, mf: false })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 120, length: 48, mf: true })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
    expect(d.stats.invalid).toBe(2);
  });

  it("keys datagrams by addresses, id, protocol and zone", () => {
    const a = udp4(100, 1);
    const b = ipv4({ src: "10.0.1.2", dst: "10.0.2.3", id: 1, protocol: 6, payload: payloadOf(108) });
    const d = defrag();
    const fa = fragments(a, { mtu: 84 });
    const fb = fragments(b, { mtu: 84 });
    expect([fa.length, fb.length]).toEqual([2, 2]);
    expect(d.push(decoded(fa[0]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fb[1]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fa[1]!), 7, 0)).toBe(DefragResult.DEFRAG_HELD); // other zone
    expect(d.pending).toBe(3);
    expect(d.push(decoded(fa[1]!), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(a);
    expect(d.push(decoded(fb[0]!), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(b);
    expect(d.push(decoded(fa[0]!), 7, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(a);
  });

  it("rejects datagrams over 65535 bytes", () => {
    const d = defrag();
    // A fragment at the highest offset reaching past 65535.
    const tail = ipv4({ ...V4, id: 5, protocol: 17, fragOffset: 65528, payload: payloadOf(100) });
    expect(d.push(decoded(tail), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
    // A non-last fragment is first cut to a multiple of 8: 65504 + 14 becomes 65504 + 8, which fits.
    const near = ipv4({ ...V4, id: 5, protocol: 17, fragOffset: 65504, mf: true, payload: payloadOf(14) });
    expect(d.push(decoded(near), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.heldBytes).toBe(QUEUE_OVERHEAD + 8 + FRAGMENT_OVERHEAD);
    d.clear();
    // Within 65535 - 20 for the data, but the first fragment's 60-byte header makes the total 65560.
    const opts = new Uint8Array(40).fill(1);
    const first = ipv4({ ...V4, id: 6, protocol: 17, mf: true, ipOptions: opts, payload: payloadOf(1480) });
    const last = ipv4({ ...V4, id: 6, protocol: 17, fragOffset: 1480, payload: payloadOf(65500 - 1480) });
    expect(d.push(decoded(last), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(first), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
    expect(d.heldBytes).toBe(0);
  });

  it("accepts a datagram of exactly 65535 bytes", () => {
    const dg = udp4(65535 - 28);
    const d = defrag();
    const results = pushAll(d, fragments(dg, { mtu: 1500 }));
    expect(results.at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
  });

  it("drops a datagram whose fragments mix Not-ECT and ECT, and marks CE", () => {
    expect(fragments(udp4(200), { mtu: 124 }).length).toBe(2);
    /** The two fragments of one datagram, each sent with its own TOS byte (ECN in the low two bits). */
    const withTos = (first: number, second: number) => [
      fragments(udp4(200, 0x4242, { tos: first }), { mtu: 124 })[0]!,
      fragments(udp4(200, 0x4242, { tos: second }), { mtu: 124 })[1]!,
    ];
    const d = defrag();
    expect(pushAll(d, withTos(0, 2)).at(-1)).toBe(Reason.BAD_FRAGMENT);
    expect(pushAll(d, withTos(2, 3)).at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram[1]).toBe(3);
    expect(pushAll(d, withTos(0xb8 | 1, 0xb8 | 2)).at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram[1]).toBe(0xb8 | 1);
  });

  it("rejects what is not a usable fragment", () => {
    const d = defrag();
    const whole = udp4(100);
    expect(d.push(decoded(whole), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    // An empty non-first fragment.
    expect(d.push(decoded(ipv4({ ...V4, id: 3, protocol: 17, fragOffset: 64 })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    // A fragment with less than 8 bytes and MF: cut to nothing.
    expect(d.push(decoded(ipv4({ ...V4, id: 3, protocol: 17, mf: true, payload: payloadOf(7) })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    // Garbage in the decoded view.
    const p = decoded(fragments(whole, { mtu: 64 })[0]!);
    p.l3End = 1e9;
    expect(d.push(p, 0, 0)).toBe(Reason.BAD_FRAGMENT);
    p.l3End = 20;
    expect(d.push(p, 0, 0)).toBe(Reason.BAD_FRAGMENT);
    p.family = 5;
    expect(d.push(p, 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.push(new ParsedPacket(), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.push(null as unknown as ParsedPacket, 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
  });

  it("copies fragment bytes: the caller may reuse its buffer", () => {
    const dg = udp4(300);
    const frags = fragments(dg, { mtu: 200 });
    const buf = new Uint8Array(2000);
    const d = defrag();
    const p = new ParsedPacket();
    buf.set(frags[0]!, 100);
    expect(decodePacket(buf, 100, frags[0]!.length, p)).toBe(Reason.NONE);
    expect(d.push(p, 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    buf.fill(0xee);
    buf.set(frags[1]!, 7);
    expect(decodePacket(buf, 7, frags[1]!.length, p)).toBe(Reason.NONE);
    expect(d.push(p, 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
  });
});

describe("Defragmenter: IPv6", () => {
  it("reassembles, removing the fragment header", () => {
    const dg = udp6(1200);
    const frags = fragments(dg, { mtu: 500, id: 0xabcdef01 });
    expect(frags.length).toBe(3);
    const d = defrag();
    expect(pushAll(d, [frags[2]!, frags[0]!, frags[1]!])).toEqual([DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_DONE]);
    expect(d.datagram).toEqual(dg);
    const p = decoded(d.datagram);
    expect(p.fragment).toBe(false);
    expect(p.dport).toBe(53);
  });

  it("keeps the extension headers before the fragment header", () => {
    const dg = tcp({
      src: "2001:db8::1",
      dst: "2001:db8:1::9",
      extensionHeaders: [
        { type: "hopopts", options: [5, 2, 0, 0] },
        { type: "dstopts", options: [0x1e, 1, 0] },
        { type: "routing", routingType: 0, segmentsLeft: 0, data: new Uint8Array(20) },
        { type: "dstopts", options: [0x1e, 2, 0, 0] },
      ],
      sport: 4000,
      dport: 443,
      seq: 1000,
      flags: "PA",
      ack: 1,
      payload: payloadOf(900),
    });
    const frags = fragments(dg, { mtu: 400 });
    // Hop-by-hop, the destination options before routing, and routing stay in every fragment.
    const f1 = decoded(frags[1]!);
    expect(f1.fragHeaderOffset).toBe(40 + 8 + 8 + 24);
    expect(f1.prevNextHeaderOffset).toBe(40 + 8 + 8);
    const d = defrag();
    expect(pushAll(d, frags.slice().reverse()).at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
    const p = decoded(d.datagram);
    expect(p.protocol).toBe(6);
    expect(p.dport).toBe(443);
  });

  it("handles a fragment header right after an AH-free chain and after AH", () => {
    const dg = icmpv6({ ...V6, extensionHeaders: [{ type: "hopopts" }, { type: "ah" }], type: 128, id: 9, seq: 1, payload: payloadOf(300) });
    // AH belongs to the fragmentable part: the fragment header follows hop-by-hop.
    const frags = fragments(dg, { mtu: 200 });
    expect(decoded(frags[0]!).prevNextHeaderOffset).toBe(40);
    const d = defrag();
    expect(pushAll(d, frags).at(-1)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
  });

  it("discards the datagram on an overlap (RFC 5722)", () => {
    const dg = udp6(300);
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 128, id: ID6 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 120, length: 64, id: ID6 })), 0, 0)).toBe(Reason.FRAGMENT_OVERLAP);
    expect(d.pending).toBe(0);
    expect(d.stats.overlaps).toBe(1);
  });

  it("discards the datagram when a non-last fragment is not a multiple of 8", () => {
    const dg = udp6(300);
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 64, length: 64, id: ID6 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 60, mf: true, id: ID6 })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
  });

  it("drops a bad fragment alone where Linux keeps the queue", () => {
    const dg = udp6(300);
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 64, length: 64, id: ID6 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    // Reaching past 65535.
    const far = ipv6({ extensionHeaders: [{ type: "fragment", offset: 65528, id: ID6 }], src: "fd00:1::2", dst: "fd00:2::3", nextHeader: 17, payload: payloadOf(16) });
    expect(d.push(decoded(far), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    // Last fragments disagreeing.
    expect(d.push(decoded(fragment(dg, { offset: 128, length: 180, id: ID6 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(fragment(dg, { offset: 128, length: 100, mf: false, id: ID6 })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(1);
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 64, id: ID6 })), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(dg);
  });

  it("drops a first fragment that does not hold the whole transport header (RFC 8200)", () => {
    const dg = tcp({ ...V6, sport: 40000, dport: 80, seq: 1000, flags: "A", ack: 5, payload: payloadOf(100) });
    const d = defrag();
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 16, mf: true, id: ID6 })), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.push(decoded(fragment(dg, { offset: 0, length: 24, mf: true, id: ID6 })), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
  });

  it("rejects a datagram whose payload would exceed 65535 bytes", () => {
    // The unfragmentable part (hop-by-hop of 1024 bytes) plus 65528 bytes of data.
    const big = ipv6({ ...V6, extensionHeaders: [{ type: "hopopts", options: new Uint8Array(1022) }], nextHeader: 17, payload: new Uint8Array(0) });
    const unfrag = big.length;
    const first = fragment(ipv6({ ...V6, extensionHeaders: [{ type: "hopopts", options: new Uint8Array(1022) }], nextHeader: 17, payload: payloadOf(64) }), { offset: 0, length: 64, mf: true, id: ID6 });
    const last = ipv6({ ...V6, extensionHeaders: [{ type: "fragment", offset: 64, id: ID6 }], nextHeader: 17, payload: payloadOf(65528 - 64 - 8) });
    const d = defrag();
    expect(unfrag).toBe(40 + 1024);
    expect(d.push(decoded(first), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(last), 0, 0)).toBe(Reason.BAD_FRAGMENT);
    expect(d.pending).toBe(0);
  });
});

describe("Defragmenter: time and limits", () => {
  it("expires a datagram 30 s after its first fragment", () => {
    const frags = fragments(udp4(300), { mtu: 200 });
    const d = defrag();
    expect(d.push(decoded(frags[0]!), 0, 100)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.expire(129.9)).toBe(0);
    expect(d.pending).toBe(1);
    expect(d.expire(130)).toBe(1);
    expect(d.pending).toBe(0);
    expect(d.heldBytes).toBe(0);
    expect(d.stats.timedOut).toBe(1);
  });

  it("does not restart the timer on later fragments, and push expires on its own", () => {
    const frags = fragments(udp4(500), { mtu: 200 });
    const d = defrag({ timeout: 10 });
    expect(d.push(decoded(frags[0]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(frags[1]!), 0, 9)).toBe(DefragResult.DEFRAG_HELD);
    // At 10 s the queue is gone: the last fragment starts a new one.
    expect(d.push(decoded(frags[2]!), 0, 10)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.stats.timedOut).toBe(1);
    expect(d.pending).toBe(1);
  });

  it("takes time as non-decreasing", () => {
    const frags = fragments(udp4(300), { mtu: 200 });
    const d = defrag({ timeout: 10 });
    d.push(decoded(frags[0]!), 0, 50);
    expect(d.expire(5)).toBe(0);
    expect(d.expire(Number.NaN)).toBe(0);
    expect(d.expire(60)).toBe(1);
  });

  it("evicts the oldest datagram beyond maxDatagrams", () => {
    const d = defrag({ maxDatagrams: 2 });
    const a = fragments(udp4(300, 1), { mtu: 200 });
    const b = fragments(udp4(300, 2), { mtu: 200 });
    const c = fragments(udp4(300, 3), { mtu: 200 });
    d.push(decoded(a[0]!), 0, 1);
    d.push(decoded(b[0]!), 0, 2);
    d.push(decoded(a[0]!), 0, 3); // a duplicate neither renews nor grows anything
    expect(d.push(decoded(c[0]!), 0, 4)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.pending).toBe(2);
    expect(d.stats.evicted).toBe(1);
    // a was the oldest: its last fragment starts over; b and c complete.
    expect(d.push(decoded(b[1]!), 0, 5)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.push(decoded(c[1]!), 0, 5)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.push(decoded(a[1]!), 0, 5)).toBe(DefragResult.DEFRAG_HELD);
  });

  it("evicts the oldest datagrams to stay within maxBytes", () => {
    const a = fragments(udp4(400, 1), { mtu: 200 }); // first fragment: 20 + 176 bytes held
    const b = fragments(udp4(400, 2), { mtu: 200 });
    const c = fragments(udp4(400, 3), { mtu: 200 });
    const cost = QUEUE_OVERHEAD + 20 + 176 + FRAGMENT_OVERHEAD;
    const d = defrag({ maxBytes: 2 * cost + 60 });
    d.push(decoded(a[0]!), 0, 0);
    d.push(decoded(b[0]!), 0, 0);
    expect(d.heldBytes).toBe(2 * cost);
    expect(d.push(decoded(c[0]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.heldBytes).toBe(2 * cost);
    expect(d.stats.evicted).toBe(1);
    // Growing b evicts the oldest queue other than b: c, now that a is gone.
    expect(d.push(decoded(b[1]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.stats.evicted).toBe(2);
    expect(d.pending).toBe(1);
    expect(d.push(decoded(b[2]!), 0, 0)).toBe(DefragResult.DEFRAG_DONE);
    expect(d.datagram).toEqual(udp4(400, 2));
  });

  it("refuses a datagram that cannot fit at all", () => {
    const frags = fragments(udp4(1000), { mtu: 600 });
    const d = defrag({ maxBytes: QUEUE_OVERHEAD + 2 * FRAGMENT_OVERHEAD + 700 });
    expect(d.push(decoded(frags[0]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
    expect(d.push(decoded(frags[1]!), 0, 0)).toBe(Reason.FRAGMENT_LIMIT);
    expect(d.pending).toBe(0);
    expect(d.heldBytes).toBe(0);
    const none = defrag({ maxDatagrams: 0 });
    expect(none.push(decoded(frags[0]!), 0, 0)).toBe(Reason.FRAGMENT_LIMIT);
    expect(none.pending).toBe(0);
    expect(none.stats.limited).toBe(1);
  });
});

describe("Defragmenter: properties", () => {
  /** A fragment of a few possible datagrams, with arbitrary offset, length and MF. */
  const arbFragment = fc.record({
    v6: fc.boolean(),
    id: fc.integer({ min: 0, max: 3 }),
    zone: fc.integer({ min: 0, max: 1 }),
    offset: fc.integer({ min: 0, max: 8191 }).map((o) => (o % 4 === 0 ? o : o % 40) * 8),
    length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3000 })),
    mf: fc.boolean(),
    tos: fc.integer({ min: 0, max: 3 }),
    dt: fc.double({ min: 0, max: 8, noNaN: true }),
  });

  function build(f: { v6: boolean; id: number; offset: number; length: number; mf: boolean; tos: number }): Uint8Array {
    if (f.v6) {
      return ipv6({
        ...V6,
        trafficClass: f.tos,
        extensionHeaders: f.id === 3 ? [{ type: "hopopts" }, { type: "fragment", offset: f.offset, mf: f.mf, id: f.id }] : [{ type: "fragment", offset: f.offset, mf: f.mf, id: f.id }],
        nextHeader: 17,
        payload: payloadOf(Math.min(f.length, 65535 - 60)),
      });
    }
    const length = Math.min(f.length, 65515);
    return ipv4({ ...V4, id: f.id, protocol: 17, tos: f.tos, fragOffset: f.offset, mf: f.mf, payload: payloadOf(length) });
  }

  it("never throws and never holds more than the limits", () => {
    fc.assert(
      fc.property(
        fc.array(arbFragment, { maxLength: 60 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 0, max: 4 }),
        (frags, maxBytes, maxDatagrams) => {
          const d = defrag({ maxBytes, maxDatagrams, timeout: 20 });
          let now = 0;
          for (const f of frags) {
            now += f.dt;
            const b = build(f);
            const p = new ParsedPacket();
            if (decodePacket(b, 0, b.length, p) !== Reason.NONE || !p.fragment) continue;
            const r = d.push(p, f.zone, now);
            expect(typeof r).toBe("number");
            expect([DefragResult.DEFRAG_HELD, DefragResult.DEFRAG_DONE, Reason.BAD_FRAGMENT, Reason.FRAGMENT_OVERLAP, Reason.FRAGMENT_LIMIT]).toContain(r);
            expect(d.heldBytes).toBeLessThanOrEqual(maxBytes);
            expect(d.heldBytes).toBeGreaterThanOrEqual(0);
            expect(d.pending).toBeLessThanOrEqual(maxDatagrams);
            if (r === DefragResult.DEFRAG_DONE) {
              const q = new ParsedPacket();
              expect(d.datagram.length).toBeLessThanOrEqual(65535 + 40);
              const dr = decodePacket(d.datagram, 0, d.datagram.length, q);
              expect(typeof dr).toBe("number");
            }
          }
          d.expire(now + 20);
          expect(d.pending).toBe(0);
          expect(d.heldBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reassembles any split, in any order, with duplicates, into the original", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (v6, size, units, shuffle, dups) => {
          const dg = v6 ? udp6(size) : udp4(size);
          const dataLength = v6 ? size + 8 : size + 8;
          const sizes: number[] = [];
          let used = 0;
          for (const u of units) {
            if (used + u * 8 >= dataLength) break;
            sizes.push(u * 8);
            used += u * 8;
          }
          if (sizes.length === 0) sizes.push(8);
          const frags = fragments(dg, { sizes });
          const order = frags.map((_, i) => i);
          shuffle.forEach((s, i) => {
            const a = i % order.length;
            const b = s % order.length;
            [order[a], order[b]] = [order[b]!, order[a]!];
          });
          const d = defrag();
          const seen = new Set<number>();
          let done = 0;
          for (const [k, i] of order.entries()) {
            // Replay a fragment already sent, unless all are in.
            const dup = dups[k];
            if (dup !== undefined && seen.size > 0 && seen.size < frags.length) {
              const j = [...seen][dup % seen.size]!;
              expect(d.push(decoded(frags[j]!), 0, 0)).toBe(DefragResult.DEFRAG_HELD);
            }
            seen.add(i);
            const r = d.push(decoded(frags[i]!), 0, 0);
            if (seen.size < frags.length) expect(r).toBe(DefragResult.DEFRAG_HELD);
            else {
              expect(r).toBe(DefragResult.DEFRAG_DONE);
              done++;
            }
          }
          expect(done).toBe(1);
          expect(d.datagram).toEqual(dg);
          expect(d.pending).toBe(0);
          expect(d.heldBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
