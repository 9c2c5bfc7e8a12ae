import { describe, expect, it } from "vitest";
import { synFloodMemory } from "../../../test/support/syn-flood.js";
import { FtpState } from "../src/state.js";
import { ftpHelper } from "../src/index.js";

describe("the FTP helper under a SYN flood to tcp/21", () => {
  it("holds less than 1.5 times the memory of the same flood without the helper, in both modes", () => {
    const flood = { syns: 30_000, table: 6_000, dport: 21 };
    const without = synFloodMemory([], flood);
    // Each connection's state is one small object until data comes (two typed arrays at the SYN were 4x).
    expect(synFloodMemory([ftpHelper()], flood) / without).toBeLessThan(1.5);
    expect(synFloodMemory([ftpHelper({ stream: true })], flood) / without).toBeLessThan(1.5);
  });

  it("a connection's parts are made on first use and kept", () => {
    const s = new FtpState();
    const lines = s.lines;
    expect(s.lines).toBe(lines);
    expect(s.stream(0)).toBe(s.stream(0));
    expect(s.stream(1)).not.toBe(s.stream(0));
  });
});
