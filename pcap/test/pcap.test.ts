import { describe, expect, it } from "vitest";
import {
  CaptureFormatError,
  CaptureParser,
  LinkType,
  PcapWriter,
  parsePcapHeader,
  readCapture,
  recordTimestampNanos,
} from "../src/index.js";
import { be16, be32, concat, ipv4, le16, le32, pullAll } from "./helpers.js";

/** Hand-written classic pcap file, independent of the writer. */
function handPcap(opts: {
  bigEndian: boolean;
  magic?: number;
  snaplen?: number;
  linkTypeField?: number;
  records: { sec: number; frac: number; data: Uint8Array; orig?: number; extra?: number[] }[];
}): Uint8Array {
  const w32 = opts.bigEndian ? be32 : le32;
  const w16 = opts.bigEndian ? be16 : le16;
  const parts: (number[] | Uint8Array)[] = [
    w32(opts.magic ?? 0xa1b2c3d4),
    w16(2),
    w16(4),
    w32(0),
    w32(0),
    w32(opts.snaplen ?? 65535),
    w32(opts.linkTypeField ?? 101),
  ];
  for (const r of opts.records) {
    parts.push(w32(r.sec), w32(r.frac), w32(r.data.length), w32(r.orig ?? r.data.length), r.extra ?? [], r.data);
  }
  return concat(...parts);
}

describe("classic pcap reader", () => {
  const pkts = [ipv4([1]), ipv4([2, 2]), ipv4(new Uint8Array(1000).fill(7))];

  it("reads a hand-written big-endian microsecond file", () => {
    const file = handPcap({
      bigEndian: true,
      records: pkts.map((d, i) => ({ sec: 1700000000 + i, frac: 999999 - i, data: d })),
    });
    const recs = [...readCapture(file)];
    expect(recs).toHaveLength(3);
    recs.forEach((r, i) => {
      expect(r.index).toBe(i);
      expect(r.linkType).toBe(101);
      expect(r.tsSec).toBe(1700000000 + i);
      expect(r.tsNanos).toBe((999999 - i) * 1000);
      expect(r.tsSeconds).toBeCloseTo(1700000000 + i + (999999 - i) / 1e6, 6);
      expect(Array.from(r.data)).toEqual(Array.from(pkts[i]!));
      expect(r.capturedLength).toBe(pkts[i]!.length);
      expect(r.originalLength).toBe(pkts[i]!.length);
      expect(r.interfaceId).toBe(0);
      expect(r.sectionIndex).toBe(0);
    });
    expect(recs[0]!.fileOffset).toBe(24);
    expect(recs[1]!.fileOffset).toBe(24 + 16 + pkts[0]!.length);
  });

  it("reads a hand-written big-endian nanosecond file exactly", () => {
    const file = handPcap({
      bigEndian: true,
      magic: 0xa1b23c4d,
      records: [{ sec: 4294967295, frac: 999999999, data: pkts[0]! }],
    });
    const [r] = [...readCapture(file)];
    expect(r!.tsSec).toBe(4294967295);
    expect(r!.tsNanos).toBe(999999999);
    expect(recordTimestampNanos(r!)).toBe(4294967295999999999n);
  });

  it("reads a hand-written little-endian nanosecond file", () => {
    const file = handPcap({ bigEndian: false, magic: 0xa1b23c4d, records: [{ sec: 5, frac: 123456789, data: pkts[1]! }] });
    const p = new CaptureParser();
    p.feed(file);
    const r = p.next()!;
    expect(p.pcapHeader).toMatchObject({ littleEndian: true, nanosecond: true, linkType: 101, snaplen: 65535 });
    expect(r.tsNanos).toBe(123456789);
  });

  it("normalises a microsecond field >= 1e6 into the seconds", () => {
    const file = handPcap({ bigEndian: false, records: [{ sec: 10, frac: 2500000, data: pkts[0]! }] });
    const [r] = [...readCapture(file)];
    expect(r!.tsSec).toBe(12);
    expect(r!.tsNanos).toBe(500000000);
  });

  it("reads the modified (a1b2cd34) variant with 24-byte record headers", () => {
    const file = handPcap({
      bigEndian: false,
      magic: 0xa1b2cd34,
      records: [
        { sec: 1, frac: 2, data: pkts[0]!, extra: [1, 0, 0, 0, 8, 0, 0, 0] },
        { sec: 3, frac: 4, data: pkts[1]!, extra: [1, 0, 0, 0, 8, 0, 0, 0] },
      ],
    });
    const recs = [...readCapture(file)];
    expect(recs.map((r) => r.data.length)).toEqual([pkts[0]!.length, pkts[1]!.length]);
    expect(recs[1]!.tsSec).toBe(3);
  });

  it("takes the lower 16 bits of the link-type field and reports the FCS length", () => {
    // F bit set, FCS length 2 words (4 bytes), link type Ethernet.
    const field = (2 << 29) | 0x10000000 | 1;
    const file = handPcap({ bigEndian: false, linkTypeField: field >>> 0, records: [{ sec: 0, frac: 0, data: pkts[0]! }] });
    const h = parsePcapHeader(file);
    expect(h.linkType).toBe(1);
    expect(h.fcsLength).toBe(4);
    expect(h.linkTypeField).toBe(field >>> 0);
    expect([...readCapture(file)][0]!.linkType).toBe(1);
  });

  it("reads a header-only file as zero records", () => {
    const file = handPcap({ bigEndian: false, records: [] });
    expect([...readCapture(file)]).toEqual([]);
  });
});

describe("classic pcap writer round trips", () => {
  const data = [ipv4([1, 2, 3]), ipv4(new Uint8Array(300)), ipv4([])];
  const stamps: [number, number][] = [
    [0, 0],
    [1795581240, 720058123],
    [4294967295, 999999999],
  ];

  for (const nanosecond of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`${nanosecond ? "nano" : "micro"} ${bigEndian ? "big" : "little"}-endian`, () => {
        const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond, bigEndian });
        data.forEach((d, i) => w.writePacket(d, stamps[i]![0], stamps[i]![1]));
        expect(w.packetCount).toBe(3);
        const file = w.toBytes();
        expect(file.length).toBe(w.bytesWritten);
        const p = new CaptureParser();
        p.feed(file);
        p.close();
        const recs = [p.next()!, p.next()!, p.next()!];
        expect(p.next()).toBeUndefined();
        expect(p.done).toBe(true);
        expect(p.pcapHeader).toMatchObject({ littleEndian: !bigEndian, nanosecond, linkType: 101, snaplen: 262144 });
        recs.forEach((r, i) => {
          expect(Array.from(r.data)).toEqual(Array.from(data[i]!));
          expect(r.tsSec).toBe(stamps[i]![0]);
          const ns = stamps[i]![1];
          expect(r.tsNanos).toBe(nanosecond ? ns : Math.floor(ns / 1000) * 1000);
        });
      });
    }
  }

  it("cuts packets to the snaplen and keeps the original length", () => {
    const w = new PcapWriter({ linkType: LinkType.ETHERNET, snaplen: 64 });
    w.writePacket(new Uint8Array(100).fill(3), 1, 0);
    w.writePacket(new Uint8Array(10).fill(4), 1, 0, 1500);
    const recs = [...readCapture(w.toBytes())];
    expect(recs[0]!.capturedLength).toBe(64);
    expect(recs[0]!.originalLength).toBe(100);
    expect(recs[1]!.capturedLength).toBe(10);
    expect(recs[1]!.originalLength).toBe(1500);
  });

  it("accepts fractional seconds and re-writes read records", () => {
    const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
    w.writePacket(ipv4(), 12.25);
    const [r] = [...readCapture(w.toBytes())];
    expect(r!.tsSec).toBe(12);
    expect(r!.tsNanos).toBe(250000000);
    const w2 = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
    w2.writeRecord(r!);
    expect([...readCapture(w2.toBytes())].map((x) => x.tsNanos)).toEqual([250000000]);
  });

  it("standalone header() and record() pieces assemble into a file", () => {
    const w = new PcapWriter({ linkType: 101 });
    const parts = [w.header(), w.record(ipv4([1]), 1.5), w.record(ipv4([2]), 2, 250_000_000, 99)];
    expect(parts[0]!.length).toBe(24);
    expect(parts[1]!.length).toBe(16 + 21);
    const recs = [...readCapture(concat(...parts))];
    expect(recs.map((r) => r.tsSeconds)).toEqual([1.5, 2.25]);
    expect(recs[1]!.originalLength).toBe(99);
    // the standalone pieces do not leak into the streaming output
    expect(w.toBytes()).toEqual(w.header());
    expect(w.packetCount).toBe(0);
  });

  it("rejects invalid writer arguments with RangeError", () => {
    const w = new PcapWriter({ linkType: 1 });
    expect(() => w.writePacket(ipv4(), -1)).toThrow(RangeError);
    expect(() => w.writePacket(ipv4(), 2 ** 33)).toThrow(RangeError);
    expect(() => w.writePacket(ipv4(), 1, 0.5)).toThrow(RangeError);
    expect(() => w.writePacket(ipv4(), NaN)).toThrow(RangeError);
    expect(() => new PcapWriter({ linkType: -1 })).toThrow(RangeError);
  });

  it("hands out chunks that stay valid across flushes", () => {
    const w = new PcapWriter({ linkType: LinkType.RAW, chunkSize: 256 });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      w.writePacket(ipv4([i, i, i]), i, 0);
      if (i % 7 === 0) chunks.push(...w.flush());
    }
    chunks.push(...w.flush());
    expect(w.flush()).toEqual([]);
    const file = concat(...chunks);
    expect(file.length).toBe(w.bytesWritten);
    const recs = [...readCapture(file)];
    expect(recs).toHaveLength(50);
    recs.forEach((r, i) => expect(r.data[20]).toBe(i));
  });
});

describe("classic pcap damage", () => {
  const good = (() => {
    const w = new PcapWriter({ linkType: LinkType.RAW });
    for (let i = 0; i < 5; i++) w.writePacket(ipv4([i, i, i, i]), 100 + i, 0);
    return w.toBytes();
  })();
  const recLen = 16 + 24;

  it("bad magic: error at offset 0 naming the bytes seen", () => {
    const bad = concat([0xde, 0xad, 0xbe, 0xef], good.subarray(4));
    const { records, error } = pullAll(bad);
    expect(records).toEqual([]);
    expect(error).toBeInstanceOf(CaptureFormatError);
    const e = error as CaptureFormatError;
    expect(e.code).toBe("bad-magic");
    expect(e.offset).toBe(0);
    expect(e.message).toContain("0xdeadbeef");
  });

  it("empty input", () => {
    const { error } = pullAll(new Uint8Array(0));
    expect((error as CaptureFormatError).code).toBe("empty");
  });

  it("unsupported version", () => {
    const bad = good.slice();
    bad[4] = 9;
    const { error } = pullAll(bad);
    expect((error as CaptureFormatError).code).toBe("bad-header");
    expect((error as CaptureFormatError).message).toContain("version 9.4");
  });

  it("truncated inside the file header", () => {
    const { error } = pullAll(good.subarray(0, 10));
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).code).toBe("truncated");
    expect((error as CaptureFormatError).offset).toBe(0);
  });

  it("truncated mid-record: complete records first, then the error at the record offset", () => {
    for (const cut of [24 + 2 * recLen + 3, 24 + 2 * recLen + 16, 24 + 2 * recLen + 30]) {
      const { records, error } = pullAll(good.subarray(0, cut));
      expect(records).toHaveLength(2);
      expect(error).toBeInstanceOf(CaptureFormatError);
      const e = error as CaptureFormatError;
      expect(e.code).toBe("truncated");
      expect(e.offset).toBe(24 + 2 * recLen);
      expect(e.message).toContain(`offset ${24 + 2 * recLen}`);
    }
  });

  it("allowTruncated finishes quietly and records the truncation", () => {
    const p = new CaptureParser({ allowTruncated: true });
    const recs = p.push(good.subarray(0, 24 + recLen + 5));
    expect(p.end()).toEqual([]);
    expect(recs).toHaveLength(1);
    expect(p.truncation?.offset).toBe(24 + recLen);
    expect(p.done).toBe(true);
  });

  it("absurd record length: typed error, no giant allocation", () => {
    const bad = good.slice();
    const at = 24 + recLen; // second record
    bad.set(le32(9999999), at + 8);
    const { records, error } = pullAll(bad);
    expect(records).toHaveLength(1);
    const e = error as CaptureFormatError;
    expect(e).toBeInstanceOf(CaptureFormatError);
    expect(e.code).toBe("record-too-large");
    expect(e.offset).toBe(at);
    expect(e.message).toBe(
      `pcap: record at offset ${at} claims 9999999 bytes, more than the limit of 262144 (snaplen 262144): the file is damaged`,
    );
  });

  it("the record limit is max(maxRecordLength, snaplen)", () => {
    const w = new PcapWriter({ linkType: LinkType.RAW, snaplen: 65535 });
    w.writePacket(new Uint8Array(5000), 0, 0);
    const file = w.toBytes();
    expect(pullAll(file, { maxRecordLength: 1000 }).records).toHaveLength(1); // snaplen 65535 wins
    file.set(le32(100), 16); // header snaplen 100: the limit is now max(1000, 100)
    const cut = pullAll(file, { maxRecordLength: 1000 });
    expect(cut.records).toHaveLength(0);
    expect((cut.error as CaptureFormatError).code).toBe("record-too-large");
    // the default floor of 262144 tolerates records above a small snaplen
    expect(pullAll(file).records).toHaveLength(1);
    const big = new PcapWriter({ linkType: LinkType.RAW, snaplen: 400000 });
    big.writePacket(new Uint8Array(300000), 0, 0);
    expect(pullAll(big.toBytes()).records[0]!.capturedLength).toBe(300000);
  });

  it("keeps throwing the same error after damage", () => {
    const p = new CaptureParser();
    p.feed(concat([1, 2, 3, 4, 5]));
    expect(() => p.next()).toThrow(CaptureFormatError);
    expect(() => p.next()).toThrow(/magic 0x01020304/);
    expect(() => p.push(new Uint8Array(3))).toThrow(CaptureFormatError);
  });
});
