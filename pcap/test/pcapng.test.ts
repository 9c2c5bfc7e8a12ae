import { describe, expect, it } from "vitest";
import {
  BlockType,
  CaptureFormatError,
  CaptureParser,
  LinkType,
  NANOSECONDS,
  PcapngWriter,
  readCapture,
  recordTimestampNanos,
  type TimestampResolution,
} from "../src/index.js";
import { be16, be32, concat, ipv4, ipv6, le16, le32, pullAll } from "./helpers.js";

const pad = (n: number) => (4 - (n % 4)) % 4;

/** Hand-built pcapng block in the given byte order. */
function block(le: boolean, type: number, body: (number[] | Uint8Array)[]): Uint8Array {
  const w32 = le ? le32 : be32;
  const b = concat(...body);
  const total = 12 + b.length + pad(b.length);
  return concat(w32(type), w32(total), b, new Array(pad(b.length)).fill(0), w32(total));
}
function shb(le: boolean): Uint8Array {
  const w16 = le ? le16 : be16;
  const w32 = le ? le32 : be32;
  return block(le, BlockType.SHB, [w32(0x1a2b3c4d), w16(1), w16(0), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]);
}
function option(le: boolean, code: number, value: number[] | Uint8Array): number[] {
  const v = Array.from(value);
  return [...(le ? le16 : be16)(code), ...(le ? le16 : be16)(v.length), ...v, ...new Array(pad(v.length)).fill(0)];
}
function idb(le: boolean, linkType: number, snaplen: number, opts: number[][] = []): Uint8Array {
  const body: number[][] = [(le ? le16 : be16)(linkType), [0, 0], (le ? le32 : be32)(snaplen), ...opts];
  if (opts.length) body.push([0, 0, 0, 0]);
  return block(le, BlockType.IDB, body);
}
function epb(le: boolean, ifId: number, hi: number, lo: number, data: Uint8Array, orig = data.length): Uint8Array {
  const w32 = le ? le32 : be32;
  return block(le, BlockType.EPB, [w32(ifId), w32(hi), w32(lo), w32(data.length), w32(orig), data, new Array(pad(data.length)).fill(0)]);
}

describe("pcapng writer → reader round trips", () => {
  const resolutions: (TimestampResolution | undefined)[] = [
    undefined,
    { base: 10, exponent: 6 },
    { base: 10, exponent: 9 },
    { base: 10, exponent: 3 },
    { base: 10, exponent: 0 },
    { base: 2, exponent: 10 },
    { base: 2, exponent: 30 },
    { base: 2, exponent: 32 },
  ];

  it("several interfaces with several if_tsresol values, exact timestamps", () => {
    const w = new PcapngWriter({ hardware: "x86_64", os: "Linux", userApplication: "alg-sdk tests" });
    const ids = resolutions.map((r, i) =>
      w.addInterface({ linkType: LinkType.RAW, ...(r ? { tsResolution: r } : {}), name: `if${i}`, description: `résolution ${i}` }),
    );
    expect(ids).toEqual(resolutions.map((_, i) => i));
    const sec = 1795581240;
    const nanos = 720058123;
    ids.forEach((id) => w.writePacket(id, ipv4([id]), sec, nanos));
    const p = new CaptureParser();
    p.feed(w.toBytes());
    p.close();
    const recs = [];
    for (let r = p.next(); r; r = p.next()) recs.push(r);
    expect(recs).toHaveLength(resolutions.length);
    const s = p.section!;
    expect(s).toMatchObject({ hardware: "x86_64", os: "Linux", userApplication: "alg-sdk tests", littleEndian: true, versionMajor: 1 });
    expect(s.interfaces.map((i) => i.name)).toEqual(resolutions.map((_, i) => `if${i}`));
    expect(s.interfaces[1]!.description).toBe("résolution 1");
    expect(s.interfaces[0]!.tsResolution).toEqual({ base: 10, exponent: 6 });
    recs.forEach((r, i) => {
      const res = resolutions[i] ?? { base: 10, exponent: 6 };
      expect(r.interfaceId).toBe(i);
      expect(r.tsSec).toBe(sec);
      // the writer floors to the resolution; the reader converts back (floored to ns)
      const perSec = BigInt(res.base) ** BigInt(res.exponent);
      const units = (BigInt(nanos) * perSec) / 1_000_000_000n;
      expect(BigInt(r.tsNanos)).toBe((units * 1_000_000_000n) / perSec);
      expect(r.data[20]).toBe(i);
    });
    // nanosecond interface: nothing lost
    expect(recordTimestampNanos(recs[2]!)).toBe(1795581240720058123n);
    expect(recs[2]!.tsSeconds).toBeCloseTo(1795581240.720058123, 6);
  });

  it("several sections in both byte orders; interface ids restart per section", () => {
    const w = new PcapngWriter();
    const a = w.addInterface({ linkType: LinkType.RAW, tsResolution: NANOSECONDS });
    w.writePacket(a, ipv4([1]), 10, 1);
    w.startSection({ bigEndian: true, os: "big" });
    const b0 = w.addInterface({ linkType: LinkType.IPV6, tsResolution: { base: 10, exponent: 9 } });
    const b1 = w.addInterface({ linkType: LinkType.ETHERNET });
    w.writePacket(b1, new Uint8Array(60), 20, 2000);
    w.writePacket(b0, ipv6(), 21, 3);
    w.startSection({});
    const c = w.addInterface({ linkType: LinkType.NFLOG, tsResolution: { base: 2, exponent: 20 } });
    w.writePacket(c, new Uint8Array([2, 0, 0, 1]), 30, 0);
    const recs = [...readCapture(w.toBytes())];
    expect(recs.map((r) => [r.sectionIndex, r.interfaceId, r.linkType, r.tsSec, r.tsNanos])).toEqual([
      [0, 0, 101, 10, 1],
      [1, 1, 1, 20, 2000],
      [1, 0, 229, 21, 3],
      [2, 0, 239, 30, 0],
    ]);
    expect(recs.map((r) => r.index)).toEqual([0, 1, 2, 3]);
  });

  it("if_tsoffset is applied (written as an offset, read back as absolute time)", () => {
    const w = new PcapngWriter({ bigEndian: true });
    const id = w.addInterface({ linkType: LinkType.RAW, tsOffset: 1_700_000_000, tsResolution: NANOSECONDS });
    w.writePacket(id, ipv4(), 1_700_000_005, 42);
    const p = new CaptureParser();
    const [r] = p.push(w.toBytes());
    expect(p.section!.interfaces[0]!.tsOffset).toBe(1_700_000_000);
    expect(r!.tsSec).toBe(1_700_000_005);
    expect(r!.tsNanos).toBe(42);
  });

  it("negative if_tsoffset read from a hand-built little-endian IDB", () => {
    const file = concat(
      shb(true),
      idb(true, 101, 0, [option(true, 14, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), option(true, 9, [9])]),
      epb(true, 0, 0, 3_000_000_000, ipv4()),
    );
    const [r] = [...readCapture(file)];
    expect(r!.tsSec).toBe(2);
    expect(r!.tsNanos).toBe(0);
  });

  it("simple packet blocks use interface 0 and have no timestamp (tsSeconds NaN, tsSec/tsNanos 0)", () => {
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW, snaplen: 30 });
    w.writeSimplePacket(ipv4([1, 2, 3]));
    w.writeSimplePacket(ipv4(new Uint8Array(100)));
    const recs = [...readCapture(w.toBytes())];
    expect(recs).toHaveLength(2);
    expect(recs[0]!.tsSeconds).toBeNaN();
    expect(recs[0]!.tsSec).toBe(0);
    expect(recs[0]!.tsNanos).toBe(0);
    expect(recs[0]!.capturedLength).toBe(23);
    expect(recs[1]!.capturedLength).toBe(30);
    expect(recs[1]!.originalLength).toBe(120);
    expect(recordTimestampNanos(recs[0]!)).toBe(0n);
  });

  it("obsolete packet blocks (type 2) are read like EPBs", () => {
    const d = ipv4([5, 5]);
    const opb = block(false, BlockType.OPB, [be16(1), be16(7), be32(0), be32(1_500_000), be32(d.length), be32(d.length), d, new Array(pad(d.length)).fill(0)]);
    const file = concat(shb(false), idb(false, 101, 65535), idb(false, 1, 65535), opb);
    const [r] = [...readCapture(file)];
    expect(r!.interfaceId).toBe(1);
    expect(r!.linkType).toBe(1);
    expect(r!.tsSec).toBe(1);
    expect(r!.tsNanos).toBe(500_000_000);
    expect(Array.from(r!.data)).toEqual(Array.from(d));
  });

  it("unknown and ignored blocks are skipped by their length", () => {
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW });
    w.writeBlock(0x0bad, new Uint8Array(37).fill(0xee)); // custom block
    w.writePacket(0, ipv4([1]), 1, 0);
    w.writeBlock(BlockType.NRB, new Uint8Array(8));
    w.writeBlock(BlockType.ISB, new Uint8Array(20));
    w.writeBlock(0x12345678, new Uint8Array(0));
    w.writePacket(0, ipv4([2]), 2, 0);
    const recs = [...readCapture(w.toBytes())];
    expect(recs.map((r) => r.data[20])).toEqual([1, 2]);
  });

  it("a huge unknown block is skipped without buffering it", () => {
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW });
    w.writeBlock(0x0bad, new Uint8Array(3_000_000));
    w.writePacket(0, ipv4([9]), 1, 0);
    const recs = [...readCapture(w.toBytes())];
    expect(recs).toHaveLength(1);
  });
});

describe("pcapng damage", () => {
  const good = (() => {
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW });
    for (let i = 0; i < 4; i++) w.writePacket(0, ipv4([i]), i, 0);
    return w.toBytes();
  })();
  const shbLen = 28;
  const idbLen = 20;
  const epbLen = 32 + 24;
  const first = shbLen + idbLen;

  it("bad byte-order magic", () => {
    const bad = good.slice();
    bad[8] = 0;
    const { error } = pullAll(bad);
    expect((error as CaptureFormatError).code).toBe("bad-header");
    expect((error as CaptureFormatError).offset).toBe(0);
    expect((error as CaptureFormatError).message).toContain("byte-order magic 0x003c2b1a");
  });

  it("unsupported major version", () => {
    const bad = good.slice();
    bad[12] = 2;
    expect((pullAll(bad).error as CaptureFormatError).code).toBe("bad-header");
  });

  it("truncated in the middle of an EPB: earlier packets delivered, offset of the block", () => {
    const { records, error } = pullAll(good.subarray(0, first + 2 * epbLen + 10));
    expect(records).toHaveLength(2);
    expect((error as CaptureFormatError).code).toBe("truncated");
    expect((error as CaptureFormatError).offset).toBe(first + 2 * epbLen);
    expect((error as CaptureFormatError).message).toContain("enhanced packet block");
  });

  it("truncated in a skipped block", () => {
    const w = new PcapngWriter();
    w.addInterface({ linkType: LinkType.RAW });
    w.writePacket(0, ipv4(), 1, 0);
    w.writeBlock(0x0bad, new Uint8Array(100));
    const file = w.toBytes();
    const { records, error } = pullAll(file.subarray(0, file.length - 50));
    expect(records).toHaveLength(1);
    expect((error as CaptureFormatError).offset).toBe(first + epbLen);
  });

  it("absurd block length is an error, not an allocation", () => {
    const bad = good.slice();
    bad.set(le32(0x7ffffff0), first + epbLen + 4);
    const { records, error } = pullAll(bad);
    expect(records).toHaveLength(1);
    const e = error as CaptureFormatError;
    expect(e.code).toBe("record-too-large");
    expect(e.offset).toBe(first + epbLen);
    expect(e.message).toMatch(/enhanced packet block at offset 104 claims 2147483632 bytes, more than the limit/);
  });

  it("block length not a multiple of 4 / below minimum", () => {
    const bad = good.slice();
    bad.set(le32(57), first + 4);
    expect((pullAll(bad).error as CaptureFormatError).message).toContain("not a multiple of 4");
    bad.set(le32(8), first + 4);
    expect((pullAll(bad).error as CaptureFormatError).code).toBe("bad-block");
  });

  it("trailing length mismatch", () => {
    const bad = good.slice();
    bad.set(le32(60), first + epbLen - 4);
    const { records, error } = pullAll(bad);
    expect(records).toHaveLength(0);
    expect((error as CaptureFormatError).message).toContain("trailing length says 60");
  });

  it("captured length larger than the block", () => {
    const bad = good.slice();
    bad.set(le32(200), first + 20);
    expect((pullAll(bad).error as CaptureFormatError).message).toContain("claims 200 captured bytes");
  });

  it("packet referring to a missing interface", () => {
    const bad = good.slice();
    bad.set(le32(3), first + 8);
    const e = pullAll(bad).error as CaptureFormatError;
    expect(e.code).toBe("bad-block");
    expect(e.message).toContain("refers to interface 3");
  });

  it("option running past its block", () => {
    const file = concat(shb(true), block(true, BlockType.IDB, [le16(101), [0, 0], le32(0), le16(2), le16(200), [1, 2, 3, 4]]));
    const e = pullAll(file).error as CaptureFormatError;
    expect(e.code).toBe("bad-option");
    expect(e.offset).toBe(28 + 16);
  });

  it("unsupported if_tsresol", () => {
    const file = concat(shb(true), idb(true, 101, 0, [option(true, 9, [0x7f])]));
    expect((pullAll(file).error as CaptureFormatError).code).toBe("bad-option");
  });

  it("reads hand-built big-endian blocks with very fine resolutions (bigint path)", () => {
    // 2^-40 s units, 1.5 s → 1.5 * 2^40
    const units = 1.5 * 2 ** 40;
    const file = concat(shb(false), idb(false, 101, 0, [option(false, 9, [0x80 | 40])]), epb(false, 0, Math.floor(units / 2 ** 32), units % 2 ** 32, ipv4()));
    const [r] = [...readCapture(file)];
    expect(r!.tsSec).toBe(1);
    expect(r!.tsNanos).toBe(500_000_000);
    // 10^-12 (picoseconds): 2^64 ps is only ~213 days, so a small time
    const ps = 12_345_678_123_456_789_012n;
    const file2 = concat(shb(true), idb(true, 101, 0, [option(true, 9, [12])]), epb(true, 0, Number(ps >> 32n), Number(ps & 0xffffffffn), ipv4()));
    const [r2] = [...readCapture(file2)];
    expect(r2!.tsSec).toBe(12_345_678);
    expect(r2!.tsNanos).toBe(123456789);
  });
});
