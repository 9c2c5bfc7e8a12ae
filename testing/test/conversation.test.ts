import { decodePacket, ParsedPacket, Reason } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { tcpConversation, type ConversationPacket } from "@alg-sdk/testing";

function decoded(p: ConversationPacket): ParsedPacket {
  const out = new ParsedPacket();
  expect(decodePacket(p.bytes, 0, p.bytes.length, out)).toBe(Reason.NONE);
  return out;
}

describe("tcpConversation", () => {
  it("keeps seq and ack consistent across a session", () => {
    const c = tcpConversation({ client: "10.0.1.2", server: "10.0.2.2", clientPort: 40000, serverPort: 21, clientIsn: 100, serverIsn: 900 });
    const [syn, synAck, ack] = c.handshake();
    expect([syn!.flags, synAck!.flags, ack!.flags]).toEqual(["S", "SA", "A"]);
    expect(syn!.seq).toBe(100);
    expect(synAck!.seq).toBe(900);
    expect(synAck!.ack).toBe(101);
    expect(ack!.seq).toBe(101);
    expect(ack!.ack).toBe(901);

    const [banner] = c.server("220 ready\r\n");
    expect(banner!.seq).toBe(901);
    expect(banner!.ack).toBe(101);
    const [cmd] = c.client("USER x\r\n");
    expect(cmd!.seq).toBe(101);
    expect(cmd!.ack).toBe(901 + 11);
    expect(c.nextSeq("client")).toBe(109);

    const [fin1, fin2, last] = c.close();
    expect([fin1!.flags, fin2!.flags, last!.flags]).toEqual(["FA", "FA", "A"]);
    expect(fin1!.seq).toBe(109);
    expect(fin2!.ack).toBe(110);
    expect(last!.seq).toBe(110);
    expect(last!.ack).toBe(fin2!.seq + 1);
    expect(c.packets).toHaveLength(3 + 2 + 3);
  });

  it("puts the right ports, addresses and payload in each packet", () => {
    const c = tcpConversation({ family: 6, clientPort: 50000, serverPort: 2121 });
    c.handshake();
    const [p] = c.client("EPSV\r\n");
    const d = decoded(p!);
    expect(d.family).toBe(6);
    expect(d.sport).toBe(50000);
    expect(d.dport).toBe(2121);
    expect([...d.src]).toEqual([0xfd000001, 0, 0, 2]);
    expect(d.seq).toBe(p!.seq);
    expect(d.payloadLength).toBe(6);
    const [r] = c.server("229 ok\r\n");
    const dr = decoded(r!);
    expect(dr.sport).toBe(2121);
    expect(dr.dport).toBe(50000);
  });

  it("splits a payload into segments that cover it exactly", () => {
    const c = tcpConversation();
    c.handshake();
    const base = c.nextSeq("client");
    const segs = c.client("PORT 10,0,1,2,4,1\r\n", { segments: 3 });
    expect(segs).toHaveLength(3);
    expect(segs.map((s) => s.payloadLength).reduce((a, b) => a + b)).toBe(19);
    expect(segs[0]!.seq).toBe(base);
    expect(segs[1]!.seq).toBe(base + segs[0]!.payloadLength);
    expect(segs[2]!.seq).toBe(segs[1]!.seq + segs[1]!.payloadLength);
    expect(c.nextSeq("client")).toBe(base + 19);

    const sized = c.client("abcdefgh", { segments: [2, 3] });
    expect(sized.map((s) => s.payloadLength)).toEqual([2, 3, 3]);
  });

  it("sends out of order and retransmits on request", () => {
    const c = tcpConversation();
    c.handshake();
    const base = c.nextSeq("client");
    const segs = c.client("abcdef", { segments: [2, 4], order: [1, 0], retransmit: [0] });
    expect(segs.map((s) => s.seq - base)).toEqual([2, 0, 0]);
    expect(c.nextSeq("client")).toBe(base + 6);
    expect(() => c.client("ab", { segments: 2, order: [0, 0] })).toThrow(RangeError);
    expect(() => c.client("ab", { segments: [3] })).toThrow(RangeError);
  });

  it("timestamps every packet and lets time pass", () => {
    const c = tcpConversation({ start: 10, step: 0.5 });
    const hs = c.handshake();
    expect(hs.map((p) => p.ts)).toEqual([10, 10.5, 11]);
    c.wait(100);
    const [p] = c.client("x");
    expect(p!.ts).toBe(111.5);
  });

  it("acknowledges on request and wraps sequence numbers", () => {
    const c = tcpConversation({ clientIsn: 0xfffffffe });
    c.handshake();
    const [, ack] = c.client("abc", { ack: true });
    expect(ack!.from).toBe("server");
    expect(ack!.flags).toBe("A");
    expect(ack!.ack).toBe(2); // 0xffffffff + 3, modulo 2^32
    expect(c.nextSeq("client")).toBe(2);
  });

  it("makes raw packets without moving the ends", () => {
    const c = tcpConversation();
    c.handshake();
    const before = c.nextSeq("server");
    const r = c.raw("server", { flags: "PA", seq: before + 100, payload: "late" });
    expect(r.seq).toBe(before + 100);
    expect(c.nextSeq("server")).toBe(before);
    expect(c.reset("client").flags).toBe("R");
  });

  it("refuses addresses of different families", () => {
    expect(() => tcpConversation({ client: "10.0.0.1", server: "fd00::1" })).toThrow(TypeError);
    expect(() => tcpConversation({ client: "10.0.0.1", server: "10.0.0.2", family: 6 })).toThrow(TypeError);
  });
});
