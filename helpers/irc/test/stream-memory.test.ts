import { LineReassembler, LineStream, type LineHandler } from "@alg-sdk/core/payload";
import { describe, expect, it } from "vitest";
import { synFloodMemory } from "../../../test/support/syn-flood.js";
import { ircHelper } from "../src/index.js";

describe("IRC stream mode under a SYN flood", () => {
  it("holds less than twice the memory of the same flood without the helper (no buffers before data)", () => {
    const table = 6_000;
    const without = synFloodMemory([], { syns: 30_000, table, dport: 6667 });
    const withStream = synFloodMemory([ircHelper({ stream: true })], { syns: 30_000, table, dport: 6667 });
    // Each connection's stream state is one small object; its buffers wait for data (a 4 KiB buffer at each SYN was 17x).
    expect(withStream / without).toBeLessThan(2);
  });

  it("a SYN and whole lines in order allocate no buffer; a split line allocates only the line buffer", () => {
    const r = new LineReassembler();
    const st = new LineStream();
    const lines: string[] = [];
    const handler: LineHandler = {
      line(buf, start, end) {
        lines.push(String.fromCharCode(...buf.subarray(start, end)));
        return 0;
      },
    };
    const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    r.segment(st, 0x02, 99, new Uint8Array(0), 0, 0, true, handler);
    expect([st.synced, st.next, st.line, st.ahead]).toEqual([true, 100, null, null]);
    const whole = text("NICK a\r\nUSER a\r\n");
    r.segment(st, 0x18, 100, whole, 0, whole.length, true, handler);
    expect([st.line, st.ahead]).toEqual([null, null]);
    const half = text("PRIVMSG b :hel");
    r.segment(st, 0x18, 100 + whole.length, half, 0, half.length, true, handler);
    expect(st.line).toBeInstanceOf(Uint8Array);
    expect(st.ahead).toBeNull();
    expect(lines).toEqual(["NICK a\r\n", "USER a\r\n"]);
  });

  it("keeps sequence numbers above 2^31 exact", () => {
    const r = new LineReassembler();
    const st = new LineStream();
    const handler: LineHandler = { line: () => 0 };
    r.segment(st, 0x02, 0xfffffff0, new Uint8Array(0), 0, 0, true, handler);
    expect(st.next).toBe(0xfffffff1);
    const data = new Uint8Array(32).fill(0x0a);
    r.segment(st, 0x18, 0xfffffff1, data, 0, data.length, true, handler);
    expect(st.next).toBe(0x11);
    st.next = 0x80000000;
    expect(st.next).toBe(0x80000000);
  });
});
