import { describe, expect, it } from "vitest";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { helperHarness, tcp, tcpConversation } from "@alg-sdk/testing";
import { ftpSession } from "./support/session.js";

/** `stream: true`: in-order reassembly per direction, every complete line parsed. */

const STREAM = { stream: true } as const;

describe("stream mode", () => {
  it("sees a command split across segments", () => {
    const s = ftpSession({ ftp: STREAM });
    const recs = s.client("PORT 10,0,1,2,4,1\r\n", { segments: [3, 5, 4] });
    expect(recs.every((r) => r.verdict === "accept")).toBe(true);
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025]);
    // The expectation comes with the segment that completes the line.
    expect(s.h.created()[0]!.created).toBe(recs[3]!.ts);
  });

  it("sees every command of a segment", () => {
    const s = ftpSession({ ftp: STREAM });
    s.client("NOOP\r\nPORT 10,0,1,2,4,1\r\nPORT 10,0,1,2,4,2\r\n");
    s.server("200 ok\r\n227 Entering Passive Mode (10,0,2,2,4,3).\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025, 1026, 1027]);
    // Still one pending per control connection.
    expect(s.h.expectations().map((e) => e.tuple.dstPort)).toEqual([1027]);
  });

  it("parses the first line too, since the SYN told where the stream starts", () => {
    const s = ftpSession({ ftp: STREAM, warm: false });
    s.client("PORT 10,0,1,2,4,1\r\n");
    expect(s.h.created()).toHaveLength(1);
  });

  it("reorders segments that arrive out of order", () => {
    const s = ftpSession({ ftp: STREAM });
    s.client("PORT 10,0,1,2,4,1\r\nPORT 10,0,1,2,4,2\r\n", { segments: [10, 10, 10], order: [2, 1, 0, 3] });
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025, 1026]);
  });

  it("does not parse retransmitted data twice", () => {
    const s = ftpSession({ ftp: STREAM });
    s.client("PORT 10,0,1,2,4,1\r\n", { retransmit: [0] });
    s.client("NOOP\r\n", { segments: 2, retransmit: [1, 0] });
    expect(s.h.created()).toHaveLength(1);
  });

  it("skips the first line when it picks a connection up mid-stream", () => {
    const h = helperHarness({ helpers: [ftpHelper(STREAM)] });
    // No handshake: the engine picks the connection up from an ACK (loose), the helper from its data.
    const mid = (seq: number, payload: string, ts: number) =>
      ({ bytes: tcp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 21, dport: 40000, flags: "PA", seq, ack: 1, payload }), ts });
    const c = (seq: number, payload: string, ts: number) =>
      ({ bytes: tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, flags: "PA", seq, ack: 1, payload }), ts });
    h.run(c(100, "PORT 10,0,1,2,4,1\r\n", 1)); // NEW (not parsed), and its line start is unknown
    h.run(mid(1, "200 ok\r\n", 2));
    h.run(c(119, "ORT 10,0,1,2,4,2\r\nPORT 10,0,1,2,4,3\r\n", 3));
    expect(h.created().map((e) => e.tuple.dstPort)).toEqual([1027]);
  });

  it("drops a partial line and parses it again when retransmitted", () => {
    const s = ftpSession({ ftp: STREAM });
    const seq = s.c.nextSeq("client");
    const [r] = s.client("PORT 10,0,1,2,4,1\n");
    expect(r).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    const [again] = s.h.run(s.c.raw("client", { flags: "PA", seq, payload: "PORT 10,0,1,2,4,1\n" }));
    expect(again).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    const [fixed] = s.h.run(s.c.raw("client", { flags: "PA", seq, payload: "PORT 10,0,1,2,4,1\r\n" }));
    expect(fixed!.verdict).toBe("accept");
    expect(s.h.created()).toHaveLength(1);
  });

  it("in lenient mode accepts a partial line and goes on", () => {
    const s = ftpSession({ ftp: { stream: true, onPartialMatch: "accept" } });
    const [r] = s.client("PORT 10,0,1,2,4,1\nPORT 10,0,1,2,4,2\r\n");
    expect(r!.verdict).toBe("accept");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026]);
  });

  it("waits for the line end instead of calling a split keyword partial", () => {
    const s = ftpSession({ ftp: STREAM });
    expect(s.client("PO")[0]!.verdict).toBe("accept");
    expect(s.client("RT 10,0,1,2,4,1\r\n")[0]!.verdict).toBe("accept");
    expect(s.h.created()).toHaveLength(1);
  });

  it("skips a split line longer than maxLine, then carries on", () => {
    const s = ftpSession({ ftp: { stream: { maxLine: 32 } } });
    s.client(`PORT 10,0,1,2,4,1${" ".repeat(40)}`);
    s.client("\r\n");
    s.client("PORT 10,0,1,2,4,2\r\n", { segments: 2 });
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026]);
    // A long line arriving whole is parsed whatever its length.
    s.server(`227 ${"x".repeat(100)} (10,0,2,2,4,3)\r\n`);
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026, 1027]);
  });

  it("loses its place when data ahead of a gap exceeds maxOutOfOrder, and resynchronises at a line end", () => {
    const s = ftpSession({ ftp: { stream: { maxOutOfOrder: 16 } } });
    // Segment 1 would end 25 bytes ahead of the stream: more than 16.
    s.client("NOOP\r\nPORT 10,0,1,2,4,1\r\nPORT 10,0,1,2,4,2\r\n", { segments: [6, 19, 19], order: [1, 2, 0] });
    // The helper restarted at segment 1, skipping its line (it could not know where that line began);
    // segment 2 then followed in order, and segment 0 came too late.
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026]);
    s.client("PORT 10,0,1,2,4,3\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026, 1027]);
  });

  it("bridges several holes at once, within the bounds", () => {
    const s = ftpSession({ ftp: STREAM });
    s.client("PORT 10,0,1,2,4,1\r\nPORT 10,0,1,2,4,2\r\n", { segments: [4, 4, 4, 4, 4, 4, 4, 4], order: [1, 3, 5, 7, 8, 6, 4, 2, 0] });
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025, 1026]);
  });

  it("gives up on a ninth piece ahead of the stream", () => {
    const s = ftpSession({ ftp: STREAM });
    const text = "PORT 10,0,1,2,4,1\r\n".padEnd(40, "\n");
    // Every odd segment first: nine pieces kept apart by holes.
    s.client(text, { segments: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], order: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18] });
    expect(s.h.created()).toHaveLength(0);
    s.client("PORT 10,0,1,2,4,2\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026]);
  });

  it("bridges one gap filled by segments out of order", () => {
    const s = ftpSession({ ftp: STREAM });
    s.client("PORT 10,0,1,2,4,1\r\n", { segments: [4, 4, 4, 4], order: [1, 3, 2, 0, 4] });
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025]);
  });

  it("agrees with Linux mode on ordinary traffic", () => {
    for (const ftp of [{}, STREAM]) {
      const s = ftpSession({ ftp });
      s.client("PORT 10,0,1,2,4,1\r\n");
      s.server("200 ok\r\n");
      s.client("PASV\r\n");
      s.server("227 Entering Passive Mode (10,0,2,2,4,2).\r\n");
      s.client("EPSV\r\n");
      s.server("229 Entering Extended Passive Mode (|||4099|)\r\n");
      expect(s.h.created().map((e) => e.tuple.dstPort), JSON.stringify(ftp)).toEqual([1025, 1026, 4099]);
    }
  });

  it("is not rewound by a late duplicate SYN-ACK", () => {
    const s = ftpSession({ ftp: STREAM });
    const synAck = s.c.packets[1]!;
    s.h.run({ bytes: synAck.bytes, ts: s.c.now });
    s.server("227 Entering Passive Mode (10,0,2,2,4,1).\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025]);
  });

  it("validates its bounds", () => {
    expect(() => ftpHelper({ stream: { maxLine: 0 } })).toThrow(RangeError);
    expect(() => ftpHelper({ stream: { maxOutOfOrder: 1.5 } })).toThrow(RangeError);
  });

  it("keeps per-connection state apart", () => {
    const h = helperHarness({ helpers: [ftpHelper(STREAM)] });
    const a = tcpConversation({ clientPort: 40000 });
    const b = tcpConversation({ clientPort: 40001, start: 1.5 });
    h.run(a.handshake());
    h.run(b.handshake());
    h.run(a.client("PORT 10,0,1,"));
    h.run(b.client("PORT 10,0,1,2,4,9\r\n"));
    h.run(a.client("2,4,1\r\n"));
    expect(h.created().map((e) => e.tuple.dstPort)).toEqual([1033, 1025]);
  });
});
