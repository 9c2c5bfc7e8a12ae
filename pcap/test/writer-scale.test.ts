import { describe, expect, it } from "vitest";
import { CaptureParser, LinkType, PcapWriter, PcapngWriter, NANOSECONDS } from "../src/index.js";
import { ipv4 } from "./helpers.js";

// Correctness at scale: many records through the chunked writers and back.
// Speed is measured by bench/pcap-writer.mjs, never asserted here.
describe("writers at scale", () => {
  const pkt = ipv4(new Uint8Array(40));
  const N = 200_000;

  it("PcapWriter's flushed chunks add up to exactly the file", () => {
    const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
    let bytes = 0;
    for (let i = 0; i < N; i++) {
      w.writePacket(pkt, 1_795_581_240 + (i >>> 10), i & 0x3fffffff);
      if ((i & 0xffff) === 0) for (const c of w.flush()) bytes += c.length;
    }
    for (const c of w.flush()) bytes += c.length;
    expect(bytes).toBe(24 + N * (16 + pkt.length));
  });

  it("PcapngWriter's records read back in order with their timestamps", () => {
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW, tsResolution: NANOSECONDS });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < N; i++) {
      w.writePacket(0, pkt, 1_795_581_240 + (i >>> 10), i & 0x3fffffff);
      if ((i & 0xffff) === 0) chunks.push(...w.flush());
    }
    chunks.push(...w.flush());
    const p = new CaptureParser();
    let n = 0;
    let ordered = true;
    let last = -1;
    for (const c of chunks) {
      for (const r of p.push(c)) {
        if (r.tsNanos !== (n & 0x3fffffff) || r.tsNanos <= last) ordered = false;
        last = r.tsNanos;
        n++;
      }
    }
    p.end();
    expect(n).toBe(N);
    expect(ordered).toBe(true);
  });
});
