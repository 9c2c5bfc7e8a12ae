import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MessageBuilder, concatMessages } from "../src/netlink/builder.js";
import { NlMsgType } from "../src/netlink/constants.js";
import { RequestChannel } from "../src/transport/requests.js";

/** The kernel's answer to request `seq`: NLMSG_ERROR with `errno` (0 = ack). */
function answer(seq: number, errno: number): Uint8Array {
  const m = new Uint8Array(36);
  const v = new DataView(m.buffer);
  v.setUint32(0, 36, true);
  v.setUint16(4, NlMsgType.ERROR, true);
  v.setUint32(8, seq, true);
  v.setInt32(16, -errno, true);
  v.setUint32(20, 20, true);
  v.setUint32(28, seq, true);
  return m;
}

function done(seq: number): Uint8Array {
  const m = new Uint8Array(20);
  const v = new DataView(m.buffer);
  v.setUint32(0, 20, true);
  v.setUint16(4, NlMsgType.DONE, true);
  v.setUint32(8, seq, true);
  return m;
}

describe("RequestChannel", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("settles each request with its own answer, matched by sequence number", async () => {
    const sent: Uint8Array[] = [];
    const ch = new RequestChannel((d) => sent.push(d));
    const s1 = ch.nextSeq();
    const s2 = ch.nextSeq();
    const p1 = ch.request(new Uint8Array(1), s1, 1000);
    const p2 = ch.request(new Uint8Array(1), s2, 1000);
    ch.receive(concatMessages([answer(s2, 95), answer(s1, 0)]));
    expect((await p1).errno).toBe(0);
    expect((await p2).errno).toBe(95);
    expect(sent).toHaveLength(2);
    expect(ch.waiting).toBe(0);
  });

  it("resolves ETIMEDOUT when no answer comes, and counts a late answer as stray", async () => {
    const ch = new RequestChannel(() => {});
    const seq = ch.nextSeq();
    const p = ch.request(new Uint8Array(1), seq, 100);
    await vi.advanceTimersByTimeAsync(100);
    expect((await p).errno).toBe(110);
    ch.receive(answer(seq, 0));
    expect(ch.stray).toBe(1);
  });

  it("collects a dump's messages until NLMSG_DONE", async () => {
    const ch = new RequestChannel(() => {});
    const seq = ch.nextSeq();
    const p = ch.request(new Uint8Array(1), seq, 1000, true);
    const item = (n: number) => new MessageBuilder(0x0200, 2, seq, 2, 0).be32(4, n).finish();
    ch.receive(concatMessages([item(1), item(2)]));
    ch.receive(done(seq));
    const a = await p;
    expect(a.errno).toBe(0);
    expect(a.messages).toHaveLength(2);
  });

  it("counts garbage and keeps working", async () => {
    const ch = new RequestChannel(() => {});
    ch.receive(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17));
    expect(ch.malformed).toBe(1);
    const seq = ch.nextSeq();
    const p = ch.request(new Uint8Array(1), seq, 1000);
    ch.receive(answer(seq, 17));
    expect((await p).errno).toBe(17);
  });

  it("abortAll settles everything waiting", async () => {
    const ch = new RequestChannel(() => {});
    const p = ch.request(new Uint8Array(1), ch.nextSeq(), 1000);
    ch.abortAll(125);
    expect((await p).errno).toBe(125);
  });
});
