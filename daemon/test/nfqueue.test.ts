import { describe, expect, it } from "vitest";
import { MessageBuilder, concatMessages } from "../src/netlink/builder.js";
import { NfVerdict } from "../src/netlink/constants.js";
import { splitMessages } from "../src/netlink/reader.js";
import { encodeQueueConfig } from "../src/nfqueue/config.js";
import { NfqAttr, NfqCfgCmd, NfqCfgFlag, NfqCopyMode } from "../src/nfqueue/constants.js";
import { decodeQueuedPacket } from "../src/nfqueue/packet.js";
import { decodeVerdict, encodeBatchVerdict, encodeVerdict } from "../src/nfqueue/verdict.js";
import { CtAttr, IpAttr, ProtoAttr, TupleAttr } from "../src/ctnetlink/constants.js";
import { hex, only, toHex } from "./support.js";

describe("queue config messages", () => {
  it("binds a queue: NFQA_CFG_CMD with command, pad and pf, res_id = queue", () => {
    expect(toHex(encodeQueueConfig({ queue: 5, command: NfqCfgCmd.BIND }, 9))).toBe(
      toHex(hex(`1c000000 0203 0500 09000000 00000000  00 00 0005  0800 0100 01000000`)),
    );
  });

  it("sets copy mode and range as the packed 5-byte params, then the queue length", () => {
    const m = encodeQueueConfig({ queue: 0, copyMode: NfqCopyMode.PACKET, copyRange: 0xffff, maxLen: 1024 }, 1);
    expect(toHex(m.subarray(20))).toBe(toHex(hex(`0900 0200 0000ffff 02 000000  0800 0300 00000400`)));
  });

  it("sends flags with their mask (the kernel wants both)", () => {
    const m = encodeQueueConfig({ queue: 0, flags: NfqCfgFlag.FAIL_OPEN, flagsMask: NfqCfgFlag.FAIL_OPEN | NfqCfgFlag.CONNTRACK }, 1);
    expect(toHex(m.subarray(20))).toBe(toHex(hex(`0800 0500 00000001  0800 0400 00000003`)));
  });
});

describe("verdicts", () => {
  it("encodes one verdict: type 0x0301, verdict header big-endian", () => {
    expect(toHex(encodeVerdict(2, 0x01020304, NfVerdict.DROP, 3))).toBe(
      toHex(hex(`20000000 0103 0100 03000000 00000000  00 00 0002  0c00 0200 00000000 01020304`)),
    );
  });

  it("encodes a batch verdict (type 0x0303) with an optional mark, and decodes both back", () => {
    const batch = encodeBatchVerdict(7, 42, NfVerdict.ACCEPT, 1, 0x99);
    expect(only(batch).type).toBe(0x0303);
    expect(decodeVerdict(only(batch))).toEqual({ batch: true, queue: 7, verdict: NfVerdict.ACCEPT, id: 42, mark: 0x99 });
    const one = encodeVerdict(7, 43, NfVerdict.ACCEPT, 2);
    expect(decodeVerdict(only(one))).toEqual({ batch: false, queue: 7, verdict: 1, id: 43, mark: null });
  });

  it("carries several verdicts in one datagram", () => {
    const d = concatMessages([encodeVerdict(0, 1, 1, 1), encodeVerdict(0, 2, 0, 2)]);
    const { messages } = splitMessages(d);
    expect(messages.map((m) => decodeVerdict(m)?.id)).toEqual([1, 2]);
  });
});

/** A packet message as nfqnl_build_packet_message lays it out. */
function packetMessage(opts: { id: number; payload: Uint8Array; withCt?: boolean; withHeader?: boolean }): Uint8Array {
  const b = new MessageBuilder(0x0300, 0, 0, 2, 3);
  if (opts.withHeader !== false) b.bytes(NfqAttr.PACKET_HDR, hex(`${opts.id.toString(16).padStart(8, "0")} 0800 02`));
  b.be32(NfqAttr.MARK, 7);
  b.bytes(NfqAttr.TIMESTAMP, hex(`0000000000000064 00000000000003e8`)); // 100 s + 1000 us
  b.be32(NfqAttr.IFINDEX_INDEV, 4);
  if (opts.withCt) {
    b.nest(NfqAttr.CT);
    b.nest(CtAttr.TUPLE_ORIG).nest(TupleAttr.IP).bytes(IpAttr.V4_SRC, hex("0ac90102")).bytes(IpAttr.V4_DST, hex("0ac90202")).end();
    b.nest(TupleAttr.PROTO).u8(ProtoAttr.NUM, 6).be16(ProtoAttr.SRC_PORT, 40000).be16(ProtoAttr.DST_PORT, 21).end().end();
    b.be32(CtAttr.ID, 1234).be16(CtAttr.ZONE, 3);
    b.nest(CtAttr.HELP).string(1, "sane").end();
    b.end();
    b.be32(NfqAttr.CT_INFO, 0);
  }
  b.bytes(NfqAttr.PAYLOAD, opts.payload);
  return b.finish();
}

describe("packet messages", () => {
  it("decodes id, hook, protocol, metadata and the payload view", () => {
    const payload = hex("4500001c 0000 4000 4006 0000 0ac90102 0ac90202 0000 0000");
    const p = decodeQueuedPacket(only(packetMessage({ id: 0x10203, payload })));
    expect(p).toMatchObject({ queue: 3, id: 0x10203, hwProtocol: 0x0800, hook: 2, mark: 7, timestamp: 100.001, inIfindex: 4, outIfindex: null, conntrack: null, ctInfo: null });
    expect(toHex(p!.payload)).toBe(toHex(payload));
  });

  it("decodes the attached conntrack (NFQA_CT) when the kernel sends one", () => {
    const p = decodeQueuedPacket(only(packetMessage({ id: 1, payload: hex("45"), withCt: true })));
    expect(p?.conntrack).toMatchObject({ id: 1234, zone: 3, helper: "sane" });
    expect(p?.conntrack?.original).toMatchObject({ family: 4, protocol: 6, srcPort: 40000, dstPort: 21 });
    expect(Array.from(p!.conntrack!.original.src)).toEqual([10, 201, 1, 2]);
    expect(p?.ctInfo).toBe(0);
  });

  it("answers null, never throws, for a message without header or payload, or of another type", () => {
    expect(decodeQueuedPacket(only(packetMessage({ id: 1, payload: hex("45"), withHeader: false })))).toBeNull();
    expect(decodeQueuedPacket(only(new MessageBuilder(0x0300, 0, 0, 2, 3).bytes(NfqAttr.PACKET_HDR, hex("00000001 0800 02")).finish()))).toBeNull();
    expect(decodeQueuedPacket(only(encodeVerdict(0, 1, 1, 1)))).toBeNull();
    expect(decodeQueuedPacket(only(new MessageBuilder(0x0300, 0, 0, 2, 3).bytes(NfqAttr.PACKET_HDR, hex("000001")).bytes(NfqAttr.PAYLOAD, hex("45")).finish()))).toBeNull();
  });

  it("survives every truncation of a real-shaped message", () => {
    const full = packetMessage({ id: 9, payload: hex("4500001c00004000400600000ac901020ac90202"), withCt: true });
    for (let n = 0; n < full.length; n++) {
      const cut = full.slice(0, n);
      // The header's length says n: the message ends where the bytes do.
      if (n >= 4) new DataView(cut.buffer).setUint32(0, Math.max(16, n), true);
      const { messages } = splitMessages(cut);
      for (const m of messages) expect(() => decodeQueuedPacket(m)).not.toThrow();
    }
  });
});
