import { describe, expect, it } from "vitest";
import { ircSession } from "./support/session.js";

/** IPv6 DCC offers (option `ipv6`): the Linux framing, with the address as IPv6 text. */
const offer = (addr: string, port: number | string = 5000, type = "SEND") =>
  `PRIVMSG bob :\x01DCC ${type} file.bin ${addr} ${port} 64\x01\r\n`;

describe("ircHelper({ ipv6: true }) on IPv6 connections", () => {
  it("expects the connection offered to the client's own IPv6 address", () => {
    const s = ircSession({ ipv6: true, family: 6 });
    s.client(offer("fd00:1::2"));
    const [e] = s.h.created();
    expect(e).toMatchObject({
      tuple: { family: 6, protocol: 6, src: "::", srcPort: 0, dst: "fd00:1::2", dstPort: 5000 },
      mask: { src: "::", srcPort: 0, dstPort: 65535 },
      helper: "irc",
      timeout: 300,
    });
    expect(s.dial(5000)[0]).toMatchObject({ state: "RELATED", expected: true });
  });

  it.each(["fd00:1:0:0:0:0:0:2", "FD00:0001::0002", "fd00:1::0.0.0.2"])("accepts the client's address written as %s", (addr) => {
    const s = ircSession({ ipv6: true, family: 6 });
    s.client(offer(addr, 5001));
    expect(s.h.expectations().map((e) => `${e.tuple.dst}:${e.tuple.dstPort}`)).toEqual(["fd00:1::2:5001"]);
  });

  it.each([
    ["another host (forged)", offer("fd00:1::3")],
    ["the server's address (forged)", offer("fd00:2::2")],
    ["a decimal IPv4 address", offer("167772418")],
    ["a bracketed address", offer("[fd00:1::2]")],
    ["a zone identifier", offer("fd00:1::2%eth0")],
    ["a malformed address", offer("fd00:1::2::")],
    ["port 0", offer("fd00:1::2", 0)],
    ["a port above 65535 (no wrapping here)", offer("fd00:1::2", 70536)],
    ["no port", offer("fd00:1::2", "x")],
    ["the DCC type in lower case", offer("fd00:1::2", 5000, "send")],
    ["no line end", `PRIVMSG bob :\x01DCC SEND f fd00:1::2 5000 1\x01`],
    ["PRIVMSG not at the start", `PING x\r\n${offer("fd00:1::2")}`],
  ])("creates nothing for %s", (_, text) => {
    const s = ircSession({ ipv6: true, family: 6 });
    s.client(text);
    expect(s.h.created()).toEqual([]);
  });

  it("still ignores the server's offers", () => {
    const s = ircSession({ ipv6: true, family: 6 });
    s.server(offer("fd00:2::2"));
    expect(s.h.created()).toEqual([]);
  });

  it("leaves IPv4 connections to Linux's decimal rule", () => {
    const s = ircSession({ ipv6: true });
    s.client(offer("167772418", 5002));
    s.client(offer("::ffff:10.0.1.2", 5003));
    expect(s.h.expectations().map((e) => `${e.tuple.dst}:${e.tuple.dstPort}`)).toEqual(["10.0.1.2:5002"]);
  });
});
