import { describe, expect, it } from "vitest";
import { MessageBuilder } from "../src/netlink/builder.js";
import { NlmFlag } from "../src/netlink/constants.js";
import { Attrs } from "../src/netlink/reader.js";
import { CtAttr, ExpAttr } from "../src/ctnetlink/constants.js";
import { decodeConntrackMessage, encodeConntrackGet } from "../src/ctnetlink/conntrack.js";
import { decodeExpectation, encodeExpectDelete, encodeExpectGet, encodeExpectNew, EXPECT_NEW_TYPE, type KernelExpectationRequest } from "../src/ctnetlink/expect.js";
import { invertTuple, readTuple, tuplesEqual, writeTuple, type CtTuple } from "../src/ctnetlink/tuple.js";
import { hex, only, toHex } from "./support.js";

const master: CtTuple = { family: 4, protocol: 6, src: hex("0ac90102"), dst: hex("0ac90202"), srcPort: 40000, dstPort: 21 };
const passive: KernelExpectationRequest = {
  master,
  tuple: { family: 4, protocol: 6, src: hex("0ac90102"), dst: hex("0ac90202"), srcPort: 0, dstPort: 5000 },
  maskSrc: hex("ffffffff"),
  maskSrcPort: 0,
  timeout: 300,
  zone: 0,
  flags: 0,
  class: 0,
};

describe("tuples", () => {
  it("writes a TCP/IPv4 tuple as CTA_TUPLE_IP and CTA_TUPLE_PROTO nests, ports big-endian", () => {
    const b = new MessageBuilder(0, 0, 0, 2, 0);
    writeTuple(b, 1, master);
    expect(toHex(b.finish().subarray(20))).toBe(
      toHex(
        hex(`
          3400 0180                        # CTA_EXPECT_MASTER-style nest, 52 bytes
            1400 0180                      # CTA_TUPLE_IP
              0800 0100 0ac90102           # CTA_IP_V4_SRC
              0800 0200 0ac90202           # CTA_IP_V4_DST
            1c00 0280                      # CTA_TUPLE_PROTO
              0500 0100 06000000           # CTA_PROTO_NUM
              0600 0200 9c40 0000          # CTA_PROTO_SRC_PORT 40000
              0600 0300 0015 0000          # CTA_PROTO_DST_PORT 21
        `),
      ),
    );
  });

  it("round-trips IPv6 and ICMP tuples (id, type << 8 | code)", () => {
    const v6: CtTuple = { family: 6, protocol: 17, src: hex("fd000001000000000000000000000002"), dst: hex("fd000002000000000000000000000002"), srcPort: 1, dstPort: 69 };
    const icmp: CtTuple = { family: 4, protocol: 1, src: hex("01020304"), dst: hex("05060708"), srcPort: 0x1234, dstPort: 0x0800 };
    for (const t of [v6, icmp, master]) {
      const b = new MessageBuilder(0, 0, 0, 0, 0);
      writeTuple(b, 1, t);
      const m = b.finish();
      const back = readTuple(new Attrs(m, 20, m.length).nested(1));
      expect(back && tuplesEqual(back, t)).toBe(true);
    }
    expect(invertTuple(master)).toMatchObject({ srcPort: 21, dstPort: 40000, src: master.dst });
  });

  it("reads an incomplete tuple as null", () => {
    const b = new MessageBuilder(0, 0, 0, 0, 0).nest(1).nest(1).bytes(1, hex("01020304")).end().end();
    const m = b.finish();
    expect(readTuple(new Attrs(m, 20, m.length).nested(1))).toBeNull();
  });
});

describe("expectation messages", () => {
  it("EXP_NEW: subsystem 2 type 0, CREATE|EXCL|ACK, tuple, mask, master, timeout", () => {
    const m = only(encodeExpectNew(passive, 11));
    expect(m.type).toBe(0x0200);
    expect(m.flags).toBe(NlmFlag.REQUEST | NlmFlag.ACK | NlmFlag.CREATE | NlmFlag.EXCL);
    expect(m.bytes[m.payload]).toBe(2); // AF_INET: the kernel parses addresses by nfgen_family
    const a = Attrs.ofMessage(m);
    expect(a.be32(ExpAttr.TIMEOUT)).toBe(300);
    // Zero zone, class and flags are left out (older kernels refuse a class without a master helper).
    expect([a.has(ExpAttr.ZONE), a.has(ExpAttr.CLASS), a.has(ExpAttr.FLAGS)]).toEqual([false, false, false]);
    // The mask is a full tuple: ctnetlink_parse_tuple wants both addresses and both ports.
    const mask = readTuple(a.nested(ExpAttr.MASK))!;
    expect(toHex(mask.src)).toBe("ffffffff");
    expect(mask.srcPort).toBe(0);
    expect(mask.dstPort).toBe(0xffff);
  });

  it("round-trips through the decoder, zone, class and flags included", () => {
    const req = { ...passive, zone: 5, class: 1, flags: 1, tuple: { ...passive.tuple, src: hex("00000000") }, maskSrc: hex("00000000") };
    const m = only(encodeExpectNew(req, 1));
    const e = decodeExpectation(m)!;
    expect(e.zone).toBe(5);
    expect(e.class).toBe(1);
    expect(e.flags).toBe(1);
    expect(tuplesEqual(e.tuple, req.tuple)).toBe(true);
    expect(tuplesEqual(e.master!, master)).toBe(true);
    expect(toHex(e.mask!.src)).toBe("00000000");
  });

  it("EXP_DELETE always names a tuple (a delete without one flushes every expectation)", () => {
    const m = only(encodeExpectDelete(passive.tuple, 0, 3));
    expect(m.type).toBe(0x0202);
    const a = Attrs.ofMessage(m);
    expect(readTuple(a.nested(ExpAttr.TUPLE))).not.toBeNull();
    expect(a.has(ExpAttr.ID)).toBe(false);
    expect(Attrs.ofMessage(only(encodeExpectDelete(passive.tuple, 2, 3, 77))).be32(ExpAttr.ID)).toBe(77);
  });

  it("EXP_GET dumps with NLM_F_DUMP, or asks for one tuple with an ACK", () => {
    const dump = only(encodeExpectGet(1));
    expect(dump.type).toBe(0x0201);
    expect(dump.flags & NlmFlag.DUMP).toBe(NlmFlag.DUMP);
    expect(dump.end - dump.payload).toBe(4);
    const one = only(encodeExpectGet(2, passive.tuple, 1));
    expect(one.flags).toBe(NlmFlag.REQUEST | NlmFlag.ACK);
    expect(Attrs.ofMessage(one).be16(ExpAttr.ZONE)).toBe(1);
  });

  it("decodes a kernel expectation (dump answer) with its helper name and id", () => {
    const b = new MessageBuilder(EXPECT_NEW_TYPE, 2, 0, 2, 0);
    writeTuple(b, ExpAttr.MASTER, master);
    writeTuple(b, ExpAttr.TUPLE, passive.tuple);
    writeTuple(b, ExpAttr.MASK, { ...passive.tuple, src: hex("ffffffff"), dst: hex("ffffffff"), dstPort: 0xffff });
    b.be32(ExpAttr.TIMEOUT, 299).be32(ExpAttr.ID, 0xabcdef).string(ExpAttr.HELP_NAME, "sane").be32(ExpAttr.FLAGS, 0).be32(ExpAttr.CLASS, 0);
    const e = decodeExpectation(only(b.finish()))!;
    expect(e).toMatchObject({ timeout: 299, id: 0xabcdef, helper: "sane", zone: 0 });
    expect(decodeExpectation(only(encodeConntrackGet(master, 0, 1)))).toBeNull();
  });
});

describe("conntrack messages", () => {
  it("CT_GET names the connection by a tuple, and a zone only when not 0", () => {
    const m = only(encodeConntrackGet(master, 0, 4));
    expect(m.type).toBe(0x0101);
    const a = Attrs.ofMessage(m);
    expect(tuplesEqual(readTuple(a.nested(CtAttr.TUPLE_ORIG))!, master)).toBe(true);
    expect(a.has(CtAttr.ZONE)).toBe(false);
    expect(Attrs.ofMessage(only(encodeConntrackGet(master, 9, 4))).be16(CtAttr.ZONE)).toBe(9);
  });

  it("decodes a conntrack answer: tuples, id, status, helper", () => {
    const b = new MessageBuilder(0x0100, 0, 4, 2, 0);
    writeTuple(b, CtAttr.TUPLE_ORIG, master);
    writeTuple(b, CtAttr.TUPLE_REPLY, invertTuple(master));
    b.be32(CtAttr.STATUS, 0x18e).be32(CtAttr.ID, 5).be32(CtAttr.TIMEOUT, 431999);
    b.nest(CtAttr.HELP).string(1, "sane").end();
    const c = decodeConntrackMessage(only(b.finish()))!;
    expect(c).toMatchObject({ id: 5, status: 0x18e, helper: "sane", zone: 0, timeout: 431999 });
    expect(c.reply && tuplesEqual(c.reply, invertTuple(master))).toBe(true);
  });
});
