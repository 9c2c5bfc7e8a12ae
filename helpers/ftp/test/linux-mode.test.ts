import { describe, expect, it } from "vitest";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { dataSyn, ftpSession, sessionOn, V4, V6 } from "./support/session.js";

/** Expectations and verdicts of the default (Linux) mode, command by command. */

describe("the helper object", () => {
  it("declares Linux's policy and attachment", () => {
    const h = ftpHelper();
    expect(h.name).toBe("ftp");
    expect(h.policies).toEqual([{ name: "ftp", maxExpected: 1, timeout: 300 }]);
    expect(h.attach).toEqual([{ protocol: "tcp", port: 21 }]);
    expect(h.onPartialMatch).toBe("drop");
    expect(ftpHelper({ onPartialMatch: "accept" }).onPartialMatch).toBe("accept");
  });
});

describe("PORT (client)", () => {
  it("expects the server to connect to the announced address and port", () => {
    const s = ftpSession();
    const [r] = s.client("PORT 10,0,1,2,4,1\r\n");
    expect(r!.verdict).toBe("accept");
    const [e] = s.h.created();
    expect(e).toMatchObject({
      class: 0,
      className: "ftp",
      helper: "ftp",
      timeout: 300,
      flags: 0,
      tuple: { family: 4, protocol: 6, src: V4.server, srcPort: 0, dst: V4.client, dstPort: 1025 },
      mask: { src: "255.255.255.255", srcPort: 0, dst: "255.255.255.255", dstPort: 0xffff },
      master: { original: { src: V4.client, dst: V4.server, srcPort: 40000, dstPort: 21 } },
    });
    expect(s.h.expectations()).toHaveLength(1);
  });

  it("lets the expected data connection in as RELATED", () => {
    const s = ftpSession();
    s.client("PORT 10,0,1,2,4,1\r\n");
    const data = dataSyn(V4.server, 20, V4.client, 1025, s.c.now);
    const [r] = s.h.run(data);
    expect(r).toMatchObject({ state: "RELATED", direction: "original", expected: true, helper: null });
  });

  it("matches the keyword in any case", () => {
    for (const kw of ["port", "PoRt", "pORT"]) {
      const s = ftpSession();
      s.client(`${kw} 10,0,1,2,4,1\r\n`);
      expect(s.h.created(), kw).toHaveLength(1);
    }
  });

  it("needs \\r right after the numbers: a bare \\n is a partial match and the packet is dropped", () => {
    const s = ftpSession();
    const [r] = s.client("PORT 10,0,1,2,4,1\n");
    expect(r).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    expect(s.h.created()).toHaveLength(0);
  });

  it("does not range-check the numbers: bytes are shifted and ORed, the port keeps 16 bits", () => {
    const s = ftpSession();
    // 1 << 8 | 258 = 0x102: the address is still 10.0.1.2.
    s.client("PORT 10,0,1,258,4,1\r\n");
    // 256 << 8 | 1 = 0x10001, truncated to port 1.
    s.client("PORT 10,0,1,2,256,1\r\n");
    // 4 << 8 | 300 = 0x52c.
    s.client("PORT 10,0,1,2,4,300\r\n");
    // 2^32 + 10 wraps to 10 in the kernel's u32.
    s.client("PORT 4294967306,0,1,2,0,80\r\n");
    expect(s.h.created().map((e) => [e.tuple.dst, e.tuple.dstPort])).toEqual([
      [V4.client, 1025],
      [V4.client, 1],
      [V4.client, 0x52c],
      [V4.client, 80],
    ]);
  });

  it("accepts port 0 as Linux does (only EPRT and 229 refuse it)", () => {
    const s = ftpSession();
    s.client("PORT 10,0,1,2,0,0\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([0]);
  });

  it("skips anything after the keyword up to the first space", () => {
    const s = ftpSession();
    s.client("PORTX 10,0,1,2,4,1\r\n");
    expect(s.h.created()).toHaveLength(1);
  });

  it("opens nothing for an address other than the sender's, and accepts the packet", () => {
    const s = ftpSession();
    const [r] = s.client("PORT 10,0,9,9,4,1\r\n");
    expect(r!.verdict).toBe("accept");
    expect(s.h.created()).toHaveLength(0);
  });

  it("with loose, expects the announced third address", () => {
    const s = ftpSession({ ftp: { loose: true } });
    s.client("PORT 10,0,9,9,4,1\r\n");
    expect(s.h.created().map((e) => [e.tuple.src, e.tuple.dst, e.tuple.dstPort])).toEqual([[V4.server, "10.0.9.9", 1025]]);
  });

  it("does nothing when the server sends it", () => {
    const s = ftpSession();
    const [r] = s.server("PORT 10,0,2,2,4,1\r\n");
    expect(r!.verdict).toBe("accept");
    expect(s.h.created()).toHaveLength(0);
  });

  it("is only seen at the start of a segment", () => {
    const s = ftpSession();
    s.client("NOOP\r\nPORT 10,0,1,2,4,1\r\n");
    s.client(" PORT 10,0,1,2,4,1\r\n");
    s.client("XPORT 10,0,1,2,4,1\r\n");
    expect(s.h.created()).toHaveLength(0);
  });

  it("on IPv6, overwrites only the first word of the sender's address, like the kernel", () => {
    const s = ftpSession({ family: 6 });
    // fd00:0001 = 253,0,0,1: with the rest of fd00:1::2 that is the sender itself.
    s.client("PORT 253,0,0,1,4,1\r\n");
    s.client("PORT 10,0,1,2,4,2\r\n");
    expect(s.h.created().map((e) => [e.tuple.dst, e.tuple.dstPort])).toEqual([[V6.client, 1025]]);
  });
});

describe("227 (server, PASV reply)", () => {
  it("expects the client to connect to the server's announced port", () => {
    const s = ftpSession();
    const [r] = s.server("227 Entering Passive Mode (10,0,2,2,117,136).\r\n");
    expect(r!.verdict).toBe("accept");
    expect(s.h.created().map((e) => [e.tuple.src, e.tuple.srcPort, e.tuple.dst, e.tuple.dstPort])).toEqual([[V4.client, 0, V4.server, 30088]]);
  });

  it("starts at the first digit, with or without parentheses, and needs no terminator but one", () => {
    const s = ftpSession();
    s.server("227 =10,0,2,2,4,1\r\n");
    s.server("227 Entering Passive Mode 10,0,2,2,4,2\r\n");
    s.server("227 ok (10,0,2,2,4,3) and more\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025, 1026, 1027]);
  });

  it("is a partial match when the numbers run to the end of the segment or there are none", () => {
    for (const text of ["227 Entering Passive Mode (10,0,2,2,4,1", "227 no numbers here\r\n", "227 ", "22"]) {
      const s = ftpSession();
      const [r] = s.server(text);
      expect(r, text).toMatchObject({ verdict: "drop", reason: "helper-partial" });
      expect(s.h.created()).toHaveLength(0);
    }
  });

  it("does nothing when the client sends it", () => {
    const s = ftpSession();
    const [r] = s.client("227 Entering Passive Mode (10,0,1,2,4,1).\r\n");
    expect(r!.verdict).toBe("accept");
    expect(s.h.created()).toHaveLength(0);
  });

  it("opens nothing for a forged address", () => {
    const s = ftpSession();
    s.server("227 Entering Passive Mode (192,168,1,1,4,1).\r\n");
    expect(s.h.created()).toHaveLength(0);
  });

  it("needs the space after 227", () => {
    const s = ftpSession();
    s.server("227-Entering Passive Mode (10,0,2,2,4,1).\r\n");
    expect(s.h.created()).toHaveLength(0);
  });
});

describe("EPRT (client)", () => {
  it("|1| on IPv4 expects the announced address and port", () => {
    const s = ftpSession();
    s.client("EPRT |1|10.0.1.2|6275|\r\n");
    s.client("eprt !1!10.0.1.2!6276!\r\n");
    expect(s.h.created().map((e) => [e.tuple.src, e.tuple.dst, e.tuple.dstPort])).toEqual([
      [V4.server, V4.client, 6275],
      [V4.server, V4.client, 6276],
    ]);
  });

  it("|2| on IPv6 expects the announced address and port", () => {
    const s = ftpSession({ family: 6 });
    s.client("EPRT |2|fd00:1::2|6275|\r\n");
    s.client("EPRT |2|FD00:1:0:0:0:0:0:2|6276|\r\n");
    expect(s.h.created().map((e) => [e.tuple.family, e.tuple.src, e.tuple.dst, e.tuple.dstPort])).toEqual([
      [6, V6.server, V6.client, 6275],
      [6, V6.server, V6.client, 6276],
    ]);
  });

  it("refuses the other family's protocol number: a partial match, dropped", () => {
    const v4 = ftpSession();
    expect(v4.client("EPRT |2|fd00:1::2|6275|\r\n")[0]).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    const v6 = ftpSession({ family: 6 });
    expect(v6.client("EPRT |1|10.0.1.2|6275|\r\n")[0]).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    expect(v4.h.created().length + v6.h.created().length).toBe(0);
  });

  it("refuses port 0, a port wrapping to 0 and bad delimiters", () => {
    for (const text of ["EPRT |1|10.0.1.2|0|\r\n", "EPRT |1|10.0.1.2|65536|\r\n", "EPRT 1|1|10.0.1.2|1|\r\n", "EPRT |1!10.0.1.2|1|\r\n", "EPRT |1|10.0.1|1|\r\n"]) {
      const s = ftpSession();
      expect(s.client(text)[0], text).toMatchObject({ verdict: "drop", reason: "helper-partial" });
      expect(s.h.created()).toHaveLength(0);
    }
  });

  it("keeps 16 bits of the port", () => {
    const s = ftpSession();
    s.client("EPRT |1|10.0.1.2|65537|\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1]);
  });

  it("opens nothing for a forged address", () => {
    const s = ftpSession({ family: 6 });
    s.client("EPRT |2|fd00:9::9|6275|\r\n");
    expect(s.h.created()).toHaveLength(0);
  });
});

describe("229 (server, EPSV reply)", () => {
  it.each([4, 6] as const)("expects the client to connect to the server's own address (IPv%i)", (family) => {
    const s = ftpSession({ family });
    const a = family === 4 ? V4 : V6;
    s.server("229 Entering Extended Passive Mode (|||6446|)\r\n");
    expect(s.h.created().map((e) => [e.tuple.src, e.tuple.dst, e.tuple.dstPort])).toEqual([[a.client, a.server, 6446]]);
  });

  it("refuses port 0, a missing parenthesis, unequal or digit delimiters", () => {
    for (const text of ["229 (|||0|)\r\n", "229 Entering Extended Passive Mode |||6446|\r\n", "229 (||!6446|)\r\n", "229 (1116446|)\r\n", "229 (|||6446)\r\n"]) {
      const s = ftpSession();
      expect(s.server(text)[0], text).toMatchObject({ verdict: "drop", reason: "helper-partial" });
      expect(s.h.created()).toHaveLength(0);
    }
  });

  it("does nothing when the client sends it", () => {
    const s = ftpSession();
    s.client("229 (|||6446|)\r\n");
    expect(s.h.created()).toHaveLength(0);
  });
});

describe("line tracking", () => {
  it("never parses the first segment of a direction", () => {
    const s = ftpSession({ warm: false });
    s.client("PORT 10,0,1,2,4,1\r\n");
    s.server("227 Entering Passive Mode (10,0,2,2,4,2).\r\n");
    expect(s.h.created()).toHaveLength(0);
    // The next ones start a line and are parsed.
    s.client("PORT 10,0,1,2,4,3\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1027]);
  });

  it("does not parse a segment that follows one not ending in \\n", () => {
    const s = ftpSession();
    s.client("NOOP"); // no line end: the next segment is mid-line
    s.client("PORT 10,0,1,2,4,1\r\n");
    expect(s.h.created()).toHaveLength(0);
    s.client("PORT 10,0,1,2,4,2\r\n"); // the previous one ended a line
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026]);
  });

  it("misses a command split across segments (Linux drops the first part)", () => {
    const s = ftpSession();
    const [first, second] = s.client("PORT 10,0,1,2,4,1\r\n", { segments: [8] });
    expect(first).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    // The rest does not start a line, so it is not parsed.
    expect(second!.verdict).toBe("accept");
    expect(s.h.created()).toHaveLength(0);
  });

  it("parses the retransmission of a dropped partial segment again", () => {
    const s = ftpSession();
    const seq = s.c.nextSeq("client");
    expect(s.client("PORT 10,0,1,")[0]!.verdict).toBe("drop");
    // The client retransmits from the same sequence number with the whole line.
    const [r] = s.h.run(s.c.raw("client", { flags: "PA", seq, payload: "PORT 10,0,1,2,4,1\r\n" }));
    expect(r!.verdict).toBe("accept");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1025]);
  });

  it("replaces the expectation when a parsed segment is retransmitted", () => {
    const s = ftpSession();
    const seq = s.c.nextSeq("client");
    s.client("PORT 10,0,1,2,4,1\r\n");
    s.h.run(s.c.raw("client", { flags: "PA", seq, payload: "PORT 10,0,1,2,4,1\r\n" }));
    expect(s.h.created()).toHaveLength(2);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["replaced"]);
    expect(s.h.expectations()).toHaveLength(1);
  });

  it("ignores packets without payload and data of other directions' keywords", () => {
    const s = ftpSession();
    s.h.run(s.c.ackFrom("client"));
    s.client("EPSV\r\n");
    expect(s.h.created()).toHaveLength(0);
  });
});

describe("partial matches", () => {
  it.each(["PO", "PORT", "EPRT", "PORT\r\n", "PORT 10,0,1,2", "EPRT |1|10.0.1.2|6275", "PORT 1,2,3,4,5,6,7\r\n"])(
    "drops %j by default and accepts it in lenient mode",
    (text) => {
      const strict = ftpSession();
      expect(strict.client(text)[0]).toMatchObject({ verdict: "drop", reason: "helper-partial" });
      const lenient = ftpSession({ ftp: { onPartialMatch: "accept" } });
      expect(lenient.client(text)[0]).toMatchObject({ verdict: "accept", reason: null });
      expect(strict.h.created().length + lenient.h.created().length).toBe(0);
    },
  );

  it("lenient mode keeps tracking lines after a partial segment", () => {
    const s = ftpSession({ ftp: { onPartialMatch: "accept" } });
    s.client("PORT 10,0,1,2,4,1\n"); // partial (no \r), accepted, ends a line
    s.client("PORT 10,0,1,2,4,2\r\n");
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([1026]);
  });
});

describe("limits", () => {
  it("keeps one pending expectation per control connection: a new one evicts the old", () => {
    const s = ftpSession();
    s.client("PORT 10,0,1,2,4,1\r\n");
    s.client("PORT 10,0,1,2,4,2\r\n");
    expect(s.h.expectations().map((e) => e.tuple.dstPort)).toEqual([1026]);
    expect(s.h.destroyed().map((d) => [d.reason, d.expectation.tuple.dstPort])).toEqual([["evicted", 1025]]);
  });

  it("expires an expectation 300 s after it was created", () => {
    const s = ftpSession();
    s.client("PORT 10,0,1,2,4,1\r\n");
    const t = s.h.created()[0]!.created;
    s.h.expire(t + 299.9);
    expect(s.h.expectations()).toHaveLength(1);
    s.h.expire(t + 300.1);
    expect(s.h.expectations()).toHaveLength(0);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["timeout"]);
    // Too late: the data connection is NEW, not RELATED.
    const [r] = s.h.run(dataSyn(V4.server, 20, V4.client, 1025, t + 301));
    expect(r!.state).toBe("NEW");
  });

  it("drops the packet when the expectation clashes with another control connection's", () => {
    const a = ftpSession();
    a.client("PORT 10,0,1,2,4,1\r\n");
    // A second control connection from the same client announces the same data port.
    const b = sessionOn(a.h, { clientPort: 40001 });
    const [r] = b.client("PORT 10,0,1,2,4,1\r\n");
    expect(r).toMatchObject({ verdict: "drop", reason: "helper-drop" });
    expect(a.h.expectations()).toHaveLength(1);
  });
});

describe("attachment", () => {
  it("attaches to extra ports given in the options", () => {
    expect(ftpHelper({ ports: [2121, 21, 2121] }).attach).toEqual([
      { protocol: "tcp", port: 21 },
      { protocol: "tcp", port: 2121 },
    ]);
    const s = ftpSession({ ftp: { ports: [2121] }, serverPort: 2121 });
    expect(s.h.last!.helper).toBe("ftp");
    s.client("PORT 10,0,1,2,4,1\r\n");
    expect(s.h.created()).toHaveLength(1);
    const other = ftpSession({ ftp: { ports: [2121] }, serverPort: 2122 });
    expect(other.h.last!.helper).toBeNull();
  });

  it("refuses a bad port", () => {
    expect(() => ftpHelper({ ports: [0] })).toThrow(RangeError);
    expect(() => ftpHelper({ ports: [65536] })).toThrow(RangeError);
    expect(() => ftpHelper({ ports: [21.5] })).toThrow(RangeError);
  });
});
