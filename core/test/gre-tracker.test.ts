import { describe, expect, it } from "vitest";
import { GRE_KEYMAPS, Tuple, createEngine, greTracker, parseAddress, reasonName, type Engine } from "../src/index.js";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { gre, icmp } from "@alg-sdk/testing";
import { GreKeymapTable } from "../src/proto/gre/keymaps.js";

// GRE as Linux's nf_conntrack_proto_gre.c tracks it (mainline).

const A = "10.0.1.2";
const B = "10.0.2.2";
const w = (a: string) => parseAddress(a)!.words;
const greTuple = (src: string, dst: string, srcKey: number, dstKey: number) => new Tuple(src.includes(":") ? 6 : 4, 47, w(src), w(dst), srcKey, dstKey);

function send(engine: Engine, bytes: Uint8Array, ts: number) {
  const r = engine.process(bytes, ts);
  return { state: r.stateName, dir: r.directionName, reason: r.reason === 0 ? null : reasonName(r.reason), slot: r.slot };
}

describe("GRE: version 1 (PPTP) keyed by call id (gre_pkt_to_tuple)", () => {
  it("without a keymap the destination key is the call id and the source key 0: each direction is an entry of its own", () => {
    const e = createEngine();
    const out = send(e, gre({ src: A, dst: B, callId: 0x8001 }), 1);
    expect(out.state).toBe("NEW");
    expect(send(e, gre({ src: B, dst: A, callId: 0x4001 }), 1.1).state).toBe("NEW");
    const c = e.connection(out.slot)!;
    expect([c.original.srcPort, c.original.dstPort, c.reply.srcPort, c.reply.dstPort]).toEqual([0, 0x8001, 0x8001, 0]);
    expect(c.original.keyText).toBe("srckey=0x0 dstkey=0x8001");
  });

  it("with the keymaps of a call both directions map to one entry: the source key comes from the keymap of the packet's addresses and call id", () => {
    const e = createEngine();
    const km = e.service(GRE_KEYMAPS)!;
    const owner = { id: 77 };
    expect(km.add(owner, 0, greTuple(A, B, 0x4001, 0x8001))).toBe("added");
    expect(km.add(owner, 1, greTuple(B, A, 0x8001, 0x4001))).toBe("added");
    const out = send(e, gre({ src: A, dst: B, callId: 0x8001 }), 1);
    expect(send(e, gre({ src: B, dst: A, callId: 0x4001 }), 1.1)).toMatchObject({ state: "ESTABLISHED", dir: "reply", slot: out.slot });
    expect(e.connection(out.slot)!.original.keyText).toBe("srckey=0x4001 dstkey=0x8001");
  });

  it("a keymap matches on both addresses and the call id only", () => {
    const e = createEngine();
    e.service(GRE_KEYMAPS)!.add({ id: 1 }, 0, greTuple(A, B, 0x4001, 0x8001));
    const other = send(e, gre({ src: A, dst: "10.0.2.3", callId: 0x8001 }), 1);
    expect(e.connection(other.slot)!.original.srcPort).toBe(0);
    const otherId = send(e, gre({ src: A, dst: B, callId: 0x8002 }), 1);
    expect(e.connection(otherId.slot)!.original.srcPort).toBe(0);
  });

  it("version 1 carrying anything but PPP is INVALID", () => {
    expect(send(createEngine(), gre({ src: A, dst: B, callId: 1, protocol: 0x0800 }), 1)).toMatchObject({ state: "INVALID", reason: "gre-not-ppp" });
  });

  it("a version 1 header too short for the call id is tracked without keys", () => {
    const e = createEngine();
    const short = gre({ src: A, dst: B, callId: 0x8001 }).slice(0, 26);
    short[3] = 26;
    short[10] = 0;
    short[11] = 0;
    const r = send(e, short, 1);
    expect(r.state).toBe("NEW");
    expect(e.connection(r.slot)!.original.dstPort).toBe(0);
  });
});

describe("GRE: timeouts and ASSURED (nf_conntrack_gre_packet)", () => {
  it("30 s until traffic was seen both ways; then 180 s and ASSURED from the next packet on", () => {
    const e = createEngine();
    const out = gre({ version: 0, src: A, dst: B });
    const back = gre({ version: 0, src: B, dst: A });
    const s = send(e, out, 1).slot;
    expect([Math.round(e.connection(s)!.timeout), e.connection(s)!.assured]).toEqual([30, false]);
    // The first reply finds SEEN_REPLY not yet set (Linux sets it after the tracker ran).
    send(e, back, 2);
    expect([Math.round(e.connection(s)!.timeout), e.connection(s)!.assured, e.connection(s)!.seenReply]).toEqual([30, false, true]);
    send(e, out, 3);
    expect([Math.round(e.connection(s)!.timeout), e.connection(s)!.assured]).toEqual([180, true]);
  });

  it("an unreplied entry expires after 30 s; the timeouts are the engine's (greUnreplied, greReplied)", () => {
    const e = createEngine({ timeouts: { greUnreplied: 5 } });
    const out = gre({ version: 0, src: A, dst: B });
    send(e, out, 1);
    expect(send(e, out, 5.5).state).toBe("NEW");
    expect(send(e, out, 11).state).toBe("NEW");
    expect(e.connectionCount).toBe(1);
  });
});

describe("GRE: version 0 and other versions are tracked like a protocol without keys", () => {
  it("version 0 with a key: keys 0, one entry per address pair", () => {
    const e = createEngine();
    const s = send(e, gre({ version: 0, src: A, dst: B, key: 5 }), 1).slot;
    expect(send(e, gre({ version: 0, src: B, dst: A, key: 6 }), 2)).toMatchObject({ state: "ESTABLISHED", dir: "reply", slot: s });
    expect(e.connection(s)!.original.keyText).toBe("srckey=0x0 dstkey=0x0");
  });

  it("a GRE header shorter than 4 bytes is tracked without keys too", () => {
    const b = gre({ version: 0, src: A, dst: B }).slice(0, 22);
    b[3] = 22;
    b[10] = 0;
    b[11] = 0;
    expect(send(createEngine(), b, 1).state).toBe("NEW");
  });

  it("versions 2 to 7 are tracked without keys", () => {
    const e = createEngine();
    const r = send(e, gre({ version: 5, src: A, dst: B, protocol: 0x880b }), 1);
    expect(e.connection(r.slot)!.original.dstPort).toBe(0);
  });

  it("works the same over IPv6", () => {
    const e = createEngine();
    e.service(GRE_KEYMAPS)!.add({ id: 1 }, 0, greTuple("fd00:1::2", "fd00:2::2", 9, 10));
    const r = send(e, gre({ src: "fd00:1::2", dst: "fd00:2::2", callId: 10 }), 1);
    expect(e.connection(r.slot)!.original.keyText).toBe("srckey=0x9 dstkey=0xa");
  });

  it("an ICMP error quoting a GRE packet is RELATED to its entry (the quote is keyed the same way)", () => {
    const e = createEngine({ helpers: [icmpHelper()] });
    e.service(GRE_KEYMAPS)!.add({ id: 1 }, 0, greTuple(A, B, 0x4001, 0x8001));
    const pkt = gre({ src: A, dst: B, callId: 0x8001, payload: "ppp" });
    send(e, pkt, 1);
    const err = icmp({ src: B, dst: A, type: 3, code: 1, payload: pkt.subarray(0, 28) });
    expect(send(e, err, 1.5)).toMatchObject({ state: "RELATED", dir: "reply" });
  });
});

describe("GRE keymaps (nf_ct_gre_keymap_add / _destroy)", () => {
  it("one keymap per owner and direction: the same again is unchanged, another a conflict", () => {
    const km = new GreKeymapTable(10, 1);
    const t = greTuple(A, B, 1, 2);
    expect(km.add({ id: 1 }, 0, t)).toBe("added");
    expect(km.add({ id: 1 }, 0, greTuple(A, B, 9, 2))).toBe("unchanged");
    expect(km.add({ id: 1 }, 0, greTuple(A, B, 1, 3))).toBe("conflict");
    expect(km.add({ id: 2 }, 0, greTuple(A, B, 1, 3))).toBe("added");
    expect(km.size).toBe(2);
  });

  it("the first keymap added for a tuple wins a lookup, as Linux's list", () => {
    const km = new GreKeymapTable(10, 1);
    km.add({ id: 1 }, 0, greTuple(A, B, 1, 2));
    km.add({ id: 2 }, 0, greTuple(A, B, 7, 2));
    expect(km.sourceKey(4, w(A), w(B), 2)).toBe(1);
    km.remove({ id: 1 });
    expect(km.sourceKey(4, w(A), w(B), 2)).toBe(7);
  });

  it("remove takes both of an owner's keymaps; refusals: full, not GRE, keys out of range", () => {
    const km = new GreKeymapTable(2, 1);
    km.add({ id: 1 }, 0, greTuple(A, B, 1, 2));
    km.add({ id: 1 }, 1, greTuple(B, A, 2, 1));
    expect(km.add({ id: 2 }, 0, greTuple(A, B, 3, 4))).toBe("full");
    expect(km.remove({ id: 1 })).toBe(2);
    expect(km.remove({ id: 1 })).toBe(0);
    expect(km.sourceKey(4, w(A), w(B), 2)).toBe(0);
    expect(km.add({ id: 2 }, 0, new Tuple(4, 17, w(A), w(B), 1, 2))).toBe("bad-tuple");
    expect(km.add({ id: 2 }, 0, new Tuple(4, 47, w(A), w(B), 70000, 2))).toBe("bad-tuple");
    expect(km.add({ id: 2 }, 0, greTuple(A, B, 3, 4))).toBe("added");
  });

  it("grows from 16 entries up to its limit and keeps every mapping", () => {
    const km = new GreKeymapTable(100, 7);
    for (let i = 0; i < 100; i++) expect(km.add({ id: i }, 0, greTuple(A, B, i, 1000 + i))).toBe("added");
    for (let i = 0; i < 100; i++) expect(km.sourceKey(4, w(A), w(B), 1000 + i)).toBe(i);
    expect(km.add({ id: 100 }, 0, greTuple(A, B, 1, 1))).toBe("full");
  });

  it("each engine has keymaps of its own; greTracker({ maxKeymaps }) sets the limit", () => {
    const one = createEngine();
    const two = createEngine({ trackers: [greTracker({ maxKeymaps: 3 })] });
    one.service(GRE_KEYMAPS)!.add({ id: 1 }, 0, greTuple(A, B, 1, 2));
    expect([one.service(GRE_KEYMAPS)!.size, two.service(GRE_KEYMAPS)!.size, two.service(GRE_KEYMAPS)!.limit]).toEqual([1, 0, 3]);
    expect(() => greTracker({ maxKeymaps: 0 })).toThrow(RangeError);
  });
});
