import { describe, expect, it } from "vitest";
import { CaptureParser, LinkType, PcapWriter, PcapngWriter, NANOSECONDS } from "../src/index.js";
import { ipv4 } from "./helpers.js";

// Budgets are generous (CI machines vary); the point is "no per-packet
// allocation storm": 1M small packets take well under a second here.
describe("writer throughput", () => {
  const pkt = ipv4(new Uint8Array(40));
  const N = 1_000_000;

  it("PcapWriter writes 1M small packets in a couple of seconds", () => {
    const t0 = performance.now();
    const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
    let bytes = 0;
    for (let i = 0; i < N; i++) {
      w.writePacket(pkt, 1_795_581_240 + (i >>> 10), i & 0x3fffffff);
      if ((i & 0xffff) === 0) for (const c of w.flush()) bytes += c.length;
    }
    for (const c of w.flush()) bytes += c.length;
    const ms = performance.now() - t0;
    expect(bytes).toBe(24 + N * (16 + pkt.length));
    expect(ms).toBeLessThan(4000);
  });

  it("PcapngWriter writes 1M small packets in a couple of seconds, and they read back", () => {
    const t0 = performance.now();
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW, tsResolution: NANOSECONDS });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < N; i++) {
      w.writePacket(0, pkt, 1_795_581_240 + (i >>> 10), i & 0x3fffffff);
      if ((i & 0xffff) === 0) chunks.push(...w.flush());
    }
    chunks.push(...w.flush());
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(4000);
    const t1 = performance.now();
    const p = new CaptureParser();
    let n = 0;
    let last = 0;
    for (const c of chunks) {
      for (const r of p.push(c)) {
        n++;
        last = r.tsNanos;
      }
    }
    p.end();
    expect(n).toBe(N);
    expect(last).toBe((N - 1) & 0x3fffffff);
    expect(performance.now() - t1).toBeLessThan(6000);
  });
});
