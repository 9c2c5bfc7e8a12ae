import { describe, expect, it } from "vitest";
import {
  CaptureFormatError,
  CaptureParser,
  LinkType,
  PcapWriter,
  PcapngWriter,
  readCapture,
  readCaptureStream,
  type CaptureRecord,
} from "../src/index.js";
import { chunkBy, concat, ipv4, plain, pullAll, pushAll, rng } from "./helpers.js";

function samplePcapng(): Uint8Array {
  const w = new PcapngWriter({ os: "test" });
  const a = w.addInterface({ linkType: LinkType.RAW, tsResolution: { base: 10, exponent: 9 }, name: "eth0" });
  const b = w.addInterface({ linkType: LinkType.ETHERNET });
  for (let i = 0; i < 40; i++) w.writePacket(i % 2 ? a : b, ipv4(new Uint8Array(i * 13)), 1000 + i, i * 1001);
  w.writeBlock(0x0bad, new Uint8Array(70));
  w.startSection({ bigEndian: true });
  const c = w.addInterface({ linkType: LinkType.RAW, tsResolution: { base: 2, exponent: 24 } });
  for (let i = 0; i < 20; i++) w.writePacket(c, ipv4(new Uint8Array(i * 50)), 2000 + i, i * 7);
  w.writeSimplePacket(ipv4([1]));
  return w.toBytes();
}

function samplePcap(): Uint8Array {
  const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
  for (let i = 0; i < 60; i++) w.writePacket(ipv4(new Uint8Array(i * 17)), 500 + i, i);
  return w.toBytes();
}

async function* asyncChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}

async function collect(it: AsyncIterable<CaptureRecord>): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("chunked streaming", () => {
  for (const [name, make] of [
    ["pcap", samplePcap],
    ["pcapng", samplePcapng],
  ] as const) {
    it(`${name}: any chunking equals the whole-buffer read`, async () => {
      const bytes = make();
      const whole = [...readCapture(bytes)].map(plain);
      expect(whole.length).toBeGreaterThan(20);
      const next = rng(7);
      const chunkings: number[][] = [[1], [2], [3], [4], [5], [7], [8], [16], [bytes.length]];
      for (let t = 0; t < 40; t++) chunkings.push(Array.from({ length: 10 }, () => 1 + Math.floor(next() * 200)));
      for (const sizes of chunkings) {
        const chunks = chunkBy(bytes, sizes);
        const pushed = pushAll(chunks);
        expect(pushed.error).toBeUndefined();
        expect(pushed.records.map(plain)).toEqual(whole);
        const streamed = await collect(readCaptureStream(asyncChunks(chunks)));
        expect(streamed.map(plain)).toEqual(whole);
      }
    });
  }

  it("every header boundary: a chunk split at each byte offset", () => {
    const bytes = samplePcapng().subarray(0, 2000);
    const whole = pullAll(bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = pushAll([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(got.records.map(plain)).toEqual(whole.records.map(plain));
      expect((got.error as CaptureFormatError | undefined)?.offset).toBe((whole.error as CaptureFormatError | undefined)?.offset);
    }
  });

  it("accepts sync iterables and ReadableStreams", async () => {
    const bytes = samplePcap();
    const whole = [...readCapture(bytes)].map(plain);
    expect((await collect(readCaptureStream(chunkBy(bytes, [100])))).map(plain)).toEqual(whole);
    const chunks = chunkBy(bytes, [333]);
    let i = 0;
    const stream = {
      getReader() {
        return {
          read: async () => (i < chunks.length ? { done: false, value: chunks[i++] } : { done: true, value: undefined }),
          releaseLock() {},
        };
      },
    };
    expect((await collect(readCaptureStream(stream))).map(plain)).toEqual(whole);
  });

  it("a record spanning chunks gets its own buffer of exactly its size", () => {
    const bytes = samplePcap();
    const p = new CaptureParser();
    const recs = [...p.push(bytes.slice(0, 100)), ...p.push(bytes.slice(100)), ...p.end()];
    const second = recs[1]!; // starts at 24 + 16 + 20 = 60, spans offset 100
    expect(second.data.byteOffset).toBe(0);
    expect(second.data.buffer.byteLength).toBe(second.capturedLength);
  });

  it("copy: true gives every record its own buffer", () => {
    const bytes = samplePcap();
    const recs = [...readCapture(bytes, { copy: true })];
    for (const r of recs) expect(r.data.buffer).not.toBe(bytes.buffer);
    const views = [...readCapture(bytes)];
    expect(views[3]!.data.buffer).toBe(bytes.buffer);
  });

  it("push(): records before damage come first, the error on the next call", () => {
    const bytes = samplePcap();
    const damaged = bytes.slice();
    // corrupt the captured length of the 4th record
    let off = 24;
    for (let i = 0; i < 3; i++) off += 16 + 20 + i * 17;
    damaged.set([0xff, 0xff, 0xff, 0x7f], off + 8);
    const p = new CaptureParser();
    const got = p.push(damaged);
    expect(got).toHaveLength(3);
    let err: unknown;
    try {
      p.end();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CaptureFormatError);
    expect((err as CaptureFormatError).offset).toBe(off);
    // the async reader yields the same three, then rejects
    const seen: number[] = [];
    const run = async () => {
      for await (const r of readCaptureStream(chunkBy(damaged, [50]))) seen.push(r.index);
    };
    return expect(run())
      .rejects.toBeInstanceOf(CaptureFormatError)
      .then(() => expect(seen).toEqual([0, 1, 2]));
  });

  it("truncated streams end with the error after every complete record", async () => {
    const bytes = samplePcapng();
    const whole = [...readCapture(bytes)];
    const cut = whole[30]!.fileOffset + 9;
    const seen: CaptureRecord[] = [];
    let err: unknown;
    try {
      for await (const r of readCaptureStream(asyncChunks(chunkBy(bytes.subarray(0, cut), [61])))) seen.push(r);
    } catch (e) {
      err = e;
    }
    expect(seen.map(plain)).toEqual(whole.slice(0, 30).map(plain));
    expect((err as CaptureFormatError).code).toBe("truncated");
    expect((err as CaptureFormatError).offset).toBe(whole[30]!.fileOffset);
  });

  it("breaking out of the async loop returns the source", async () => {
    let returned = false;
    const bytes = samplePcap();
    const source = {
      async *[Symbol.asyncIterator]() {
        try {
          for (const c of chunkBy(bytes, [64])) yield c;
        } finally {
          returned = true;
        }
      },
    };
    for await (const r of readCaptureStream(source)) if (r.index === 2) break;
    expect(returned).toBe(true);
  });

  it("rejects non-Uint8Array chunks and use after end with clear errors", () => {
    const p = new CaptureParser();
    expect(() => p.push("abc" as unknown as Uint8Array)).toThrow(TypeError);
    p.push(samplePcap());
    p.end();
    expect(() => p.push(new Uint8Array(1))).toThrow(/after end/);
  });

  it("pushes of empty chunks are harmless", () => {
    const bytes = samplePcap();
    const p = new CaptureParser();
    const recs: CaptureRecord[] = [];
    for (const c of chunkBy(bytes, [5])) {
      recs.push(...p.push(new Uint8Array(0)), ...p.push(c));
    }
    recs.push(...p.end());
    expect(recs.map(plain)).toEqual([...readCapture(bytes)].map(plain));
  });

  it("feed() several chunks before pulling", () => {
    const bytes = samplePcapng();
    const p = new CaptureParser();
    for (const c of chunkBy(bytes, [9, 100, 3])) p.feed(c);
    p.close();
    const recs: CaptureRecord[] = [];
    for (let r = p.next(); r; r = p.next()) recs.push(r);
    expect(recs.map(plain)).toEqual([...readCapture(bytes)].map(plain));
    expect(p.done).toBe(true);
    expect(p.recordCount).toBe(recs.length);
  });

  it("memory: a 20 MB capture streamed in 64 KiB chunks never stages more than one record", () => {
    const w = new PcapWriter({ linkType: LinkType.RAW });
    const pkt = ipv4(new Uint8Array(1400));
    for (let i = 0; i < 14000; i++) w.writePacket(pkt, i, 0);
    const chunks = w.flush();
    const bytes = concat(...chunks);
    const p = new CaptureParser();
    let n = 0;
    let maxOwned = 0;
    const pushed = new Set<ArrayBufferLike>();
    for (const c of chunkBy(bytes, [65536])) {
      pushed.add(c.buffer);
      for (const r of p.push(c)) {
        n++;
        if (!pushed.has(r.data.buffer)) maxOwned = Math.max(maxOwned, r.data.buffer.byteLength);
      }
    }
    p.end();
    expect(n).toBe(14000);
    expect(maxOwned).toBeGreaterThan(0); // some records did span chunks
    expect(maxOwned).toBeLessThanOrEqual(pkt.length);
  });
});
