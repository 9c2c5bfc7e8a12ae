import { describe, expect, it } from "vitest";
import { STREAM_CARRY_LIMIT, StreamCarry } from "../src/stream.js";
import { latin1 } from "./support/text.js";

const decoder = new TextDecoder("latin1");

/** Feeds one segment; returns the joined window's text ("" when none) and the carried line after it. */
function feed(carry: StreamCarry, seq: number, text: string): { joined: string; carried: string } {
  const buf = latin1(text);
  const n = carry.join(seq, buf, 0, buf.length);
  const joined = decoder.decode(carry.window.subarray(0, n));
  carry.commit(buf);
  return { joined, carried: decoder.decode(carry.window.subarray(0, carry.carried)) };
}

describe("StreamCarry", () => {
  it("carries the unterminated last line and joins it to the next segment", () => {
    const c = new StreamCarry();
    expect(feed(c, 1000, "NICK a\r\nPRIVMSG bob :\x01DCC SE")).toEqual({ joined: "", carried: "PRIVMSG bob :\x01DCC SE" });
    expect(feed(c, 1028, "ND f 1 2\x01\r\nPING")).toEqual({
      joined: "PRIVMSG bob :\x01DCC SEND f 1 2\x01\r\nPING",
      carried: "PING",
    });
    expect(feed(c, 1043, " x\r\n")).toEqual({ joined: "PING x\r\n", carried: "" });
  });

  it("keeps growing a line that spans several segments", () => {
    const c = new StreamCarry();
    feed(c, 0, "PRIV");
    feed(c, 4, "MSG ");
    expect(feed(c, 8, "bob")).toEqual({ joined: "PRIVMSG bob", carried: "PRIVMSG bob" });
  });

  it("ignores bytes already seen and joins only the new part of an overlapping retransmission", () => {
    const c = new StreamCarry();
    feed(c, 100, "PRIVMSG bo");
    expect(feed(c, 100, "PRIVMSG bo")).toEqual({ joined: "", carried: "PRIVMSG bo" });
    expect(feed(c, 105, "SG bob :x\n")).toEqual({ joined: "PRIVMSG bob :x\n", carried: "" });
  });

  it("drops the carried line at a gap in the sequence", () => {
    const c = new StreamCarry();
    feed(c, 0, "PRIVMSG bob :\x01DCC");
    expect(feed(c, 50, " SEND f 1 2\r\n")).toEqual({ joined: "", carried: "" });
  });

  it("handles sequence numbers that wrap around 2^32", () => {
    const c = new StreamCarry();
    feed(c, 0xfffffffc, "PRIVMSG");
    expect(feed(c, 3, " bob\n").joined).toBe("PRIVMSG bob\n");
  });

  it(`drops a line longer than ${STREAM_CARRY_LIMIT} bytes`, () => {
    const c = new StreamCarry();
    feed(c, 0, "x".repeat(STREAM_CARRY_LIMIT - 10));
    const r = feed(c, STREAM_CARRY_LIMIT - 10, "y".repeat(20));
    expect(r.joined.length).toBe(STREAM_CARRY_LIMIT);
    expect(r.carried).toBe("");
    expect(feed(c, STREAM_CARRY_LIMIT + 10, "z\n")).toEqual({ joined: "", carried: "" });
  });
});
