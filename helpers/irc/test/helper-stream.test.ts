import { describe, expect, it } from "vitest";
import { ircSession } from "./support/session.js";

const ME = "167772418";
const dcc = (port: number, type = "SEND") => `PRIVMSG bob :\x01DCC ${type} file.bin ${ME} ${port} 64\x01\r\n`;
const ports = (s: ReturnType<typeof ircSession>) => s.h.created().map((e) => e.tuple.dstPort);

describe("ircHelper({ stream: true })", () => {
  it("sees an offer split across two segments, which Linux misses", () => {
    const linux = ircSession();
    linux.client(dcc(5000), { segments: [20] });
    expect(ports(linux)).toEqual([]);

    const s = ircSession({ stream: true });
    s.client(dcc(5000), { segments: [20] });
    expect(ports(s)).toEqual([5000]);
    expect(s.dial(5000)[0]).toMatchObject({ state: "RELATED" });
  });

  it("sees an offer split across many segments", () => {
    const s = ircSession({ stream: true });
    s.client(dcc(5001, "CHAT"), { segments: 7 });
    expect(ports(s)).toEqual([5001]);
  });

  it("sees a split offer that starts a line after another one", () => {
    const text = `NICK alice\r\n${dcc(5002)}`;
    const linux = ircSession();
    linux.client(text, { segments: [30] });
    expect(ports(linux)).toEqual([]);
    const s = ircSession({ stream: true });
    s.client(text, { segments: [30] });
    expect(ports(s)).toEqual([5002]);
  });

  it("still sees everything Linux sees, once", () => {
    const s = ircSession({ stream: true });
    s.client("PING :x");
    s.client(`\r\n${dcc(5003)}`);
    s.client(dcc(5004));
    expect(ports(s)).toEqual([5003, 5004]);
    expect(s.h.destroyed()).toEqual([]);
  });

  it("expects an offer completed by a segment and another whole in the next one", () => {
    const s = ircSession({ stream: true });
    s.client(dcc(5005) + dcc(5006), { segments: [30, dcc(5005).length - 30] });
    expect(ports(s)).toEqual([5005, 5006]);
  });

  it("does not create the same offer twice when a segment is retransmitted", () => {
    const s = ircSession({ stream: true });
    s.client(dcc(5007), { segments: [25], retransmit: [1, 0, 1] });
    expect(ports(s)).toEqual([5007]);
    expect(s.h.destroyed()).toEqual([]);
  });

  it("puts reordered segments back in order (core's shared reassembler)", () => {
    const s = ircSession({ stream: true });
    s.client(dcc(5008), { segments: [25], order: [1, 0] });
    expect(ports(s)).toEqual([5008]);
    s.client(dcc(5009));
    expect(ports(s)).toEqual([5008, 5009]);
  });

  it("with linesOnly, an offer at a segment start in the middle of a line is not taken", () => {
    // The segment boundary falls right before a forged PRIVMSG inside a line.
    const forged = `PRIVMSG bob :\x01DCC SEND f ${ME} 5020 1\x01\r\n`;
    const text = `PRIVMSG bob :look ${forged}`;
    const linux = ircSession({ stream: true });
    linux.client(text, { segments: [text.length - forged.length] });
    expect(ports(linux)).toEqual([5020]);
    const strict = ircSession({ stream: { linesOnly: true } });
    strict.client(text, { segments: [text.length - forged.length] });
    expect(ports(strict)).toEqual([]);
    strict.client(forged);
    expect(ports(strict)).toEqual([5020]);
  });

  it("keeps Linux's refusals", () => {
    const s = ircSession({ stream: true });
    s.client(`PRIVMSG bob :\x01DCC SEND f 167838210 5010 1\x01\r\n`, { segments: 3 });
    s.client(`PRIVMSG bob :\x01DCC send f ${ME} 5011 1\x01\r\n`, { segments: 3 });
    s.server(`PRIVMSG alice :\x01DCC SEND f 167772674 5012 1\x01\r\n`, { segments: 3 });
    expect(ports(s)).toEqual([]);
  });

  it("works with ipv6", () => {
    const s = ircSession({ stream: true, ipv6: true, family: 6 });
    s.client(`PRIVMSG bob :\x01DCC SEND file fd00:1::2 5013 1\x01\r\n`, { segments: [28] });
    expect(s.h.created().map((e) => `${e.tuple.dst}:${e.tuple.dstPort}`)).toEqual(["fd00:1::2:5013"]);
  });
});
