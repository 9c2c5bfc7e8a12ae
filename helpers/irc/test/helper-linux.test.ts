import { describe, expect, it } from "vitest";
import { ircHelper } from "@alg-sdk/helper-irc";
import { helperHarness, tcpConversation } from "@alg-sdk/testing";
import { ircSession } from "./support/session.js";
import { latin1 } from "./support/text.js";

const ME = "167772418"; // 10.0.1.2, the client
const dcc = (port: number, type = "SEND", addr = ME) => `PRIVMSG bob :\x01DCC ${type} file.bin ${addr} ${port} 64\x01\r\n`;

describe("ircHelper: shape", () => {
  it("is named irc, with one class of 8 DCC expectations for 300 s, on tcp/6667 over IPv4", () => {
    const h = ircHelper();
    expect(h.name).toBe("irc");
    expect(h.policies).toEqual([{ name: "dcc", maxExpected: 8, timeout: 300 }]);
    expect(h.attach).toEqual([{ protocol: "tcp", port: 6667, family: 4 }]);
    expect(h.createState).toBeUndefined();
  });

  it("adds extra ports and, with ipv6, the same rules for family 6", () => {
    expect(ircHelper({ ports: [7000, 6667, 6697] }).attach).toEqual([
      { protocol: "tcp", port: 6667, family: 4 },
      { protocol: "tcp", port: 7000, family: 4 },
      { protocol: "tcp", port: 6697, family: 4 },
    ]);
    expect(ircHelper({ ipv6: true }).attach).toEqual([
      { protocol: "tcp", port: 6667, family: 4 },
      { protocol: "tcp", port: 6667, family: 6 },
    ]);
  });

  it.each([0, 65536, 1.5, Number.NaN])("refuses the port %s", (port) => {
    expect(() => ircHelper({ ports: [port] })).toThrow(RangeError);
  });
});

describe("ircHelper in an engine: what Linux expects", () => {
  it("expects the DCC connection a client offers, which then is RELATED", () => {
    const s = ircSession();
    const [rec] = s.client(dcc(5000));
    expect(rec).toMatchObject({ state: "ESTABLISHED", direction: "original", verdict: "accept", helper: "irc" });
    const [e] = s.h.created();
    expect(e).toMatchObject({
      tuple: { family: 4, protocol: 6, src: "0.0.0.0", srcPort: 0, dst: "10.0.1.2", dstPort: 5000 },
      mask: { src: "0.0.0.0", srcPort: 0, dst: "255.255.255.255", dstPort: 65535 },
      helper: "irc",
      class: 0,
      className: "dcc",
      timeout: 300,
      master: { original: { src: "10.0.1.2", dst: "10.0.2.2", srcPort: 43220, dstPort: 6667 } },
    });
    const [syn, synAck, ack] = s.dial(5000);
    expect(syn).toMatchObject({ state: "RELATED", direction: "original", expected: true, helper: null });
    expect(synAck).toMatchObject({ state: "ESTABLISHED", direction: "reply", expected: true });
    expect(ack).toMatchObject({ state: "ESTABLISHED", direction: "original", expected: true });
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["matched"]);
  });

  it.each(["SEND", "CHAT", "MOVE", "TSEND", "SCHAT"])("expects a DCC %s", (type) => {
    const s = ircSession();
    s.client(dcc(5100, type));
    expect(s.h.expectations().map((e) => e.tuple.dstPort)).toEqual([5100]);
  });

  it("creates nothing for a forged offer (another host's address); the peer's connection is NEW", () => {
    const s = ircSession();
    s.client(dcc(5001, "SEND", "167838210")); // 10.1.2.2
    s.client(dcc(5002, "SEND", "167772674")); // 10.0.2.2, the server itself
    expect(s.h.created()).toEqual([]);
    expect(s.dial(5001)[0]).toMatchObject({ state: "NEW", expected: false });
  });

  it("ignores a DCC offer from the server to the client (reply direction)", () => {
    const s = ircSession();
    s.server(`:bob!~bob@10.0.2.2 PRIVMSG alice :\x01DCC SEND back.bin 167772674 5004 32\x01\r\n`);
    s.server(`PRIVMSG alice :\x01DCC SEND back.bin 167772674 5004 32\x01\r\n`);
    expect(s.h.created()).toEqual([]);
    expect(s.dial(5004, "10.0.1.2", "10.0.2.2")[0]).toMatchObject({ state: "NEW" });
  });

  it.each([
    ["PRIVMSG not at the start", `NICK alice\r\n${dcc(5000)}`],
    ["PRIVMSG inside another line", `NOTICE bob :hi PRIVMSG bob :\x01DCC SEND f ${ME} 5000\x01\r\n`],
    ["the DCC type in lower case", dcc(5000, "send")],
    ["no line end", `PRIVMSG bob :\x01DCC SEND f ${ME} 5000 64\x01`],
    ["port 0", dcc(0)],
    ["an address that is not a number", dcc(5000, "SEND", "10.0.1.2")],
    ["an address out of range", dcc(5000, "SEND", "99999999999")],
    ["text before \\1DCC", `PRIVMSG bob :look \x01DCC SEND f ${ME} 5000\x01\r\n`],
  ])("creates nothing for %s", (_, text) => {
    const s = ircSession();
    expect(s.client(text)[0]).toMatchObject({ state: "ESTABLISHED", verdict: "accept" });
    expect(s.h.created()).toEqual([]);
  });

  it("matches PRIVMSG in any case", () => {
    const s = ircSession();
    s.client(`privmsg bob :\x01DCC CHAT chat ${ME} 5003\x01\r\n`);
    expect(s.h.expectations().map((e) => e.tuple.dstPort)).toEqual([5003]);
  });

  it("creates one expectation per packet: the first acceptable offer", () => {
    const s = ircSession();
    s.client(dcc(5000, "SEND", "1") + dcc(5001) + dcc(5002));
    expect(s.h.created().map((e) => e.tuple.dstPort)).toEqual([5001]);
  });

  it("ignores an offer before the server answered (NEW), and sees it once ESTABLISHED", () => {
    const h = helperHarness({ helpers: [ircHelper()] });
    const c = tcpConversation({ clientPort: 43230, serverPort: 6667 });
    // No handshake: a mid-stream packet opens the connection (loose pickup), so it is NEW.
    const [first] = h.run(c.client(latin1(dcc(5000))));
    expect(first).toMatchObject({ state: "NEW", direction: "original", helper: "irc" });
    expect(h.created()).toEqual([]);
    h.run(c.server(latin1(":irc 001 alice :hi\r\n")));
    const [again] = h.run(c.client(latin1(dcc(5000))));
    expect(again).toMatchObject({ state: "ESTABLISHED" });
    expect(h.created()).toHaveLength(1);
  });

  it("replaces the same offer sent again rather than adding one", () => {
    const s = ircSession();
    s.client(dcc(5000));
    s.client(dcc(5000));
    expect(s.h.expectations()).toHaveLength(1);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["replaced"]);
  });

  it("keeps at most 8 per connection, evicting the oldest", () => {
    const s = ircSession();
    for (let port = 5000; port < 5010; port++) s.client(dcc(port));
    expect(s.h.expectations().map((e) => e.tuple.dstPort).sort()).toEqual([5002, 5003, 5004, 5005, 5006, 5007, 5008, 5009]);
    expect(s.h.destroyed().map((d) => [d.reason, d.expectation.tuple.dstPort])).toEqual([
      ["evicted", 5000],
      ["evicted", 5001],
    ]);
    expect(s.dial(5000)[0]).toMatchObject({ state: "NEW" });
    expect(s.dial(5009)[0]).toMatchObject({ state: "RELATED" });
  });

  it("counts the limit per IRC connection", () => {
    const a = ircSession({ clientPort: 43220 });
    const b = ircSession({ harness: a.h, clientPort: 43221 });
    for (let port = 5000; port < 5008; port++) a.client(dcc(port));
    for (let port = 6000; port < 6008; port++) b.client(dcc(port));
    expect(a.h.expectations()).toHaveLength(16);
    expect(a.h.destroyed()).toEqual([]);
  });

  it("lets an expectation expire 300 s after the offer, whatever the IRC traffic", () => {
    const s = ircSession({ start: 10 });
    s.client(dcc(5000));
    const t0 = s.h.created()[0]!.created;
    s.irc.wait(150);
    s.client("PING :keepalive\r\n");
    s.h.expire(t0 + 299.5);
    expect(s.h.expectations()).toHaveLength(1);
    s.h.expire(t0 + 300.5);
    expect(s.h.expectations()).toHaveLength(0);
    expect(s.h.destroyed().map((d) => d.reason)).toEqual(["timeout"]);
    s.irc.now = t0 + 301;
    expect(s.dial(5000)[0]).toMatchObject({ state: "NEW" });
  });

  it("drops the packet when the engine refuses the expectation (another connection expects the same)", () => {
    const a = ircSession({ clientPort: 43220 });
    const b = ircSession({ harness: a.h, clientPort: 43221 });
    a.client(dcc(5000));
    const [rec] = b.client(dcc(5000));
    expect(rec).toMatchObject({ verdict: "drop", reason: "helper-drop" });
    expect(a.h.expectations()).toHaveLength(1);
  });

  it("ignores IPv6 connections unless ipv6 is on", () => {
    const s = ircSession({ family: 6, attach: [{ protocol: "tcp", port: 6667, helper: "irc" }] });
    s.client(`PRIVMSG bob :\x01DCC SEND f fd00:1::2 5000 1\x01\r\n`);
    expect(s.h.created()).toEqual([]);
  });

  it("attaches to extra ports", () => {
    const s = ircSession({ ports: [7000], serverPort: 7000 });
    s.client(dcc(5000));
    expect(s.h.expectations()).toHaveLength(1);
  });
});
