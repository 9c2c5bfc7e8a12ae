import { describe, expect, it } from "vitest";
import { MessageBuilder, concatMessages } from "../src/netlink/builder.js";
import { NLA_F_NESTED, NlMsgType } from "../src/netlink/constants.js";
import { decodeError, errnoName } from "../src/netlink/error.js";
import { Attrs, nfgenHeader, splitMessages } from "../src/netlink/reader.js";
import { hex, only, toHex } from "./support.js";

describe("MessageBuilder", () => {
  it("lays out nlmsghdr (host order), nfgenmsg (res_id big-endian) and padded attributes", () => {
    const m = new MessageBuilder(0x0302, 0x0005, 7, 2, 0x0102).u8(1, 0xaa).be16(2, 0x1234).be32(3, 0xdeadbeef).string(4, "ftp").finish();
    expect(toHex(m)).toBe(
      toHex(
        hex(`
          34000000 0203 0500 07000000 00000000   # len 52, type 0x0302, flags REQUEST|ACK, seq 7, pid 0
          02 00 0102                              # nfgenmsg: AF_INET, v0, res_id 0x0102
          0500 0100 aa000000                      # u8 attr, padded to 8
          0600 0200 1234 0000                     # be16 attr
          0800 0300 deadbeef                      # be32 attr
          0800 0400 66747000                      # "ftp\\0"
        `),
      ),
    );
  });

  it("sets NLA_F_NESTED and the nest's length over what it holds", () => {
    const m = new MessageBuilder(1, 0, 1, 0, 0).nest(5).be32(1, 9).nest(2).u8(1, 6).end().end().finish();
    const body = m.subarray(20);
    expect(toHex(body)).toBe(toHex(hex(`1800 0580  0800 0100 00000009  0c00 0280 0500 0100 06000000`)));
    const a = new Attrs(m, 20, m.length);
    expect(a.nested(5)?.be32(1)).toBe(9);
    expect(a.nested(5)?.nested(2)?.u8(1)).toBe(6);
    expect((new DataView(m.buffer).getUint16(22, true) & NLA_F_NESTED) !== 0).toBe(true);
  });

  it("grows past its initial capacity without corrupting what it wrote", () => {
    const b = new MessageBuilder(1, 0, 1, 0, 0, 24);
    for (let i = 0; i < 100; i++) b.be32(1 + (i % 10), i);
    const m = b.finish();
    expect(m.length).toBe(20 + 100 * 8);
    expect(new Attrs(m, 20, m.length).be32(10)).toBe(99);
  });

  it("refuses to finish with an open nest (a programming error, not input)", () => {
    expect(() => new MessageBuilder(1, 0, 1, 0, 0).nest(1).finish()).toThrow(/open nest/);
  });
});

describe("splitMessages", () => {
  it("walks several messages of one datagram", () => {
    const a = new MessageBuilder(0x0300, 0, 1, 0, 3).u8(1, 1).finish();
    const b = new MessageBuilder(0x0300, 0, 2, 0, 4).finish();
    const { messages, malformed } = splitMessages(concatMessages([a, b]));
    expect(malformed).toBe(false);
    expect(messages.map((m) => [m.seq, nfgenHeader(m)?.resId])).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it("reports a length that runs past the datagram instead of throwing", () => {
    const m = new MessageBuilder(0x0300, 0, 1, 0, 0).be32(1, 1).finish().slice();
    new DataView(m.buffer).setUint32(0, 200, true);
    expect(splitMessages(m)).toEqual({ messages: [], malformed: true });
  });

  it("reports a length below the header size and trailing bytes", () => {
    const tiny = hex("08000000 0300 0000 01000000 00000000");
    expect(splitMessages(tiny).malformed).toBe(true);
    const good = new MessageBuilder(0x0300, 0, 1, 0, 0).finish();
    const withTail = concatMessages([good, hex("0102")]);
    const r = splitMessages(withTail);
    expect(r.messages).toHaveLength(1);
    expect(r.malformed).toBe(true);
  });

  it("keeps the attributes before one that overruns its container and marks the walk", () => {
    const m = new MessageBuilder(0x0300, 0, 1, 0, 0).be32(1, 5).be32(2, 6).finish().slice();
    new DataView(m.buffer).setUint16(28, 0x40, true); // second attribute claims 64 bytes
    const a = Attrs.ofMessage(only(m));
    expect(a.be32(1)).toBe(5);
    expect(a.has(2)).toBe(false);
    expect(a.malformed).toBe(true);
  });

  it("answers null for values shorter than their type", () => {
    const m = new MessageBuilder(0x0300, 0, 1, 0, 0).u8(1, 5).finish();
    const a = Attrs.ofMessage(only(m));
    expect([a.be16(1), a.be32(1), a.be64(1), a.u8(9), a.string(9), a.nested(9)]).toEqual([null, null, null, null, null, null]);
  });
});

describe("NLMSG_ERROR", () => {
  it("gives the errno and the sequence number of the request it answers", () => {
    // nlmsgerr: int error (-95), then the request's nlmsghdr (len 40, type 0x0200, flags 0x0605, seq 77).
    const m = hex(`24000000 0200 0001 4d000000 00000000  a1ffffff  28000000 0002 0506 4d000000 00000000`);
    const msg = only(m);
    expect(msg.type).toBe(NlMsgType.ERROR);
    expect(decodeError(msg)).toEqual({ errno: 95, requestSeq: 77, requestType: 0x0200 });
    expect(errnoName(95)).toBe("EOPNOTSUPP (95)");
    expect(errnoName(999)).toBe("errno 999");
  });

  it("reads an acknowledgement as errno 0", () => {
    const m = hex(`24000000 0200 0001 05000000 00000000  00000000  14000000 0103 0500 05000000 00000000`);
    expect(decodeError(only(m))?.errno).toBe(0);
  });
});
