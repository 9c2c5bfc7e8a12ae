import { describe, expect, it } from "vitest";
import { createEngine, PacketKind, Reason, reasonName } from "../src/index.js";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { concatBytes, icmp, icmpv6, ipv4, udp } from "@alg-sdk/testing";
import { icmpv6Tracker } from "../src/proto/icmp.js";
import { decodePacket } from "../src/packet/decode.js";
import { ParsedPacket } from "../src/packet/parsed-packet.js";

// Every ICMPv6 type as Linux's nf_conntrack_proto_icmpv6.c classifies it
// (mainline, the kernel the conformance traces were recorded on: 6.18).

const HOST = "fd00:1::2";
const PEER = "fd00:2::2";
const ROUTER_LL = "fe80::1";

/** The tracker's classification of one datagram (after decoding it). */
function classify(bytes: Uint8Array): number {
  const p = new ParsedPacket();
  expect(decodePacket(bytes, 0, bytes.length, p)).toBe(Reason.NONE);
  return icmpv6Tracker.classify(p);
}

/** State and reason the engine gives one message, with or without the ICMP helper. */
function verdict(bytes: Uint8Array, withHelper = true, before: Uint8Array[] = []) {
  const engine = createEngine({ helpers: withHelper ? [icmpHelper()] : [] });
  for (const b of before) engine.process(b, 1);
  const r = engine.process(bytes, 2);
  return { state: r.stateName, reason: r.reason === 0 ? null : reasonName(r.reason), connections: engine.connectionCount };
}

const message = (type: number, extra: { code?: number; id?: number; src?: string; ttl?: number; payload?: Uint8Array } = {}) =>
  icmpv6({ src: extra.src ?? HOST, dst: PEER, type, code: extra.code ?? 0, id: extra.id ?? 7, seq: 1, ttl: extra.ttl ?? 64, payload: extra.payload });

const UNTRACKED = [130, 131, 132, 133, 134, 135, 136, 143, 151, 152];

describe("ICMPv6 classification, type by type (nf_conntrack_proto_icmpv6.c)", () => {
  it("noct_valid_new[]: MLD (130-132), router/neighbour discovery (133-136), MLDv2 report (143) and multicast router discovery (151, 152) are UNTRACKED", () => {
    for (const type of UNTRACKED) {
      expect(classify(message(type)), `type ${type}`).toBe(PacketKind.UNTRACKED);
      expect(verdict(message(type)), `type ${type}`).toEqual({ state: "UNTRACKED", reason: null, connections: 0 });
    }
  });

  it("nf_conntrack_icmpv6_error: every type below 128 is an error and goes to nf_conntrack_inet_error (RELATED or INVALID, never a connection)", () => {
    for (let type = 0; type < 128; type++) {
      expect(classify(message(type)), `type ${type}`).toBe(PacketKind.RELATE);
      // Quoting nothing known: INVALID, and nothing is created.
      expect(verdict(message(type)).state, `type ${type}`).toBe("INVALID");
    }
  });

  it("valid_new[] of nf_conntrack_icmpv6_packet: only an echo request (128) or a node information query (139) starts a connection", () => {
    for (const [request, reply] of [
      [128, 129],
      [139, 140],
    ] as const) {
      const engine = createEngine();
      expect(engine.process(message(request, { id: 9 }), 1).stateName).toBe("NEW");
      const back = icmpv6({ src: PEER, dst: HOST, type: reply, id: 9, seq: 1 });
      expect(engine.process(back, 1.5)).toMatchObject({ stateName: "ESTABLISHED", directionName: "reply" });
    }
  });

  it("nf_conntrack_icmpv6_packet: an echo reply (129) or node information reply (140) without its request cannot start a connection: INVALID", () => {
    for (const type of [129, 140]) {
      expect(classify(message(type)), `type ${type}`).toBe(PacketKind.TRACK);
      expect(verdict(message(type)), `type ${type}`).toEqual({ state: "INVALID", reason: "icmp-reply-without-request", connections: 0 });
    }
  });

  it("nf_conntrack_invert_icmpv6_tuple: every other informational type (138, 141, 142, 144-150, 153-255) has no inverse: INVALID", () => {
    for (let type = 138; type < 256; type++) {
      if (type === 139 || type === 140 || UNTRACKED.includes(type)) continue;
      expect(classify(message(type)), `type ${type}`).toBe(PacketKind.TRACK);
      expect(verdict(message(type)), `type ${type}`).toEqual({ state: "INVALID", reason: "icmp-unknown-type", connections: 0 });
    }
  });

  it("nf_conntrack_icmpv6_packet: ICMPv6 carried by IPv4 is INVALID whatever its type (state->pf != NFPROTO_IPV6)", () => {
    for (const type of [1, 128, 135]) {
      const body = icmpv6({ src: HOST, dst: PEER, type, id: 3 }).subarray(40);
      const wrong = ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: 58, payload: body });
      expect(verdict(wrong), `type ${type}`).toEqual({ state: "INVALID", reason: "icmp-wrong-family", connections: 0 });
    }
  });
});

describe("ICMPv6 redirect (137): nf_conntrack_icmpv6_redirect", () => {
  // A UDP flow from the host, which the redirect's redirected-header option quotes.
  const flow = udp({ src: HOST, dst: PEER, sport: 40000, dport: 53, payload: "q" });
  const target = new Uint8Array(16);
  target[0] = 0xfe;
  target[1] = 0x80;
  target[15] = 9;
  const destination = flow.subarray(24, 40);
  const option = (type: number, quoted: Uint8Array) => {
    const len = 8 + quoted.length;
    const padded = new Uint8Array(Math.ceil(len / 8) * 8);
    padded[0] = type;
    padded[1] = padded.length / 8;
    padded.set(quoted, 8);
    return padded;
  };
  const redirect = (o: { code?: number; src?: string; ttl?: number; options?: Uint8Array } = {}) =>
    icmpv6({
      src: o.src ?? ROUTER_LL,
      dst: HOST,
      ttl: o.ttl ?? 255,
      type: 137,
      code: o.code ?? 0,
      rest: 0,
      payload: concatBytes(target, destination, o.options ?? option(4, flow)),
    });

  it("code 0, from a link-local router with hop limit 255, quoting a tracked flow in its redirected-header option: RELATED", () => {
    expect(classify(redirect())).toBe(PacketKind.RELATE);
    expect(verdict(redirect(), true, [flow]).state).toBe("RELATED");
  });

  it("the same from the all-nodes multicast address (link-local scope) passes the source check", () => {
    expect(classify(redirect({ src: "ff02::1" }))).toBe(PacketKind.RELATE);
  });

  it("quoting no known connection: INVALID (nf_conntrack_inet_error finds nothing)", () => {
    expect(verdict(redirect(), true).state).toBe("INVALID");
  });

  it("shorter than its 40 fixed bytes: INVALID (\"short redirect\")", () => {
    const short = icmpv6({ src: ROUTER_LL, dst: HOST, ttl: 255, type: 137, rest: 0, payload: target });
    expect(classify(short)).toBe(Reason.ICMPV6_BAD_REDIRECT);
    expect(verdict(short).state).toBe("INVALID");
  });

  it("a hop limit other than 255, or a source that is not link-local: INVALID (\"invalid saddr or hoplimit\")", () => {
    expect(classify(redirect({ ttl: 254 }))).toBe(Reason.ICMPV6_BAD_REDIRECT);
    expect(classify(redirect({ src: "fd00:1::1" }))).toBe(Reason.ICMPV6_BAD_REDIRECT);
    expect(classify(redirect({ src: "ff05::1" }))).toBe(Reason.ICMPV6_BAD_REDIRECT);
    expect(verdict(redirect({ ttl: 254 }), true, [flow]).state).toBe("INVALID");
  });

  it("no option, or an option of length 0: INVALID (\"redirect without options\")", () => {
    expect(classify(redirect({ options: new Uint8Array(0) }))).toBe(Reason.ICMPV6_BAD_REDIRECT);
    expect(classify(redirect({ options: new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0]) }))).toBe(Reason.ICMPV6_BAD_REDIRECT);
  });

  it("a code other than 0, or a first option other than the redirected header: normal tracking, where a redirect cannot start a connection: INVALID", () => {
    expect(classify(redirect({ code: 1 }))).toBe(PacketKind.TRACK);
    expect(verdict(redirect({ code: 1 }), true, [flow])).toMatchObject({ state: "INVALID", reason: "icmp-unknown-type" });
    const targetLinkLayer = new Uint8Array([2, 1, 0, 0, 0, 0, 0, 1]);
    expect(classify(redirect({ options: concatBytes(targetLinkLayer, option(4, flow)) }))).toBe(PacketKind.TRACK);
    expect(verdict(redirect({ options: targetLinkLayer }), true, [flow]).state).toBe("INVALID");
  });

  it("an ICMPv4 redirect (type 5) is an ordinary error quoting at byte 8 (icmp_is_err)", () => {
    const flow4 = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 53, payload: "q" });
    const r4 = icmp({ src: "10.0.1.1", dst: "10.0.1.2", type: 5, code: 1, rest: 0x0a000109, payload: flow4.subarray(0, 28) });
    expect(verdict(r4, true, [flow4]).state).toBe("RELATED");
  });
});
