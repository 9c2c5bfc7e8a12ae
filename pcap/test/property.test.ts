import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CaptureError,
  CaptureFormatError,
  LinkLayerError,
  LinkType,
  PcapWriter,
  PcapngWriter,
  UnsupportedLinkTypeError,
  decodeLinkLayer,
  isSupportedLinkType,
  readCapture,
  type CaptureRecord,
} from "../src/index.js";
import { chunkBy, ipv4, plain, pullAll, pushAll } from "./helpers.js";

/** Runs the whole pipeline (parse + link decode) and returns records and error; rethrows anything untyped. */
function parseAll(bytes: Uint8Array, chunks?: number[]): { records: CaptureRecord[]; error: unknown } {
  const out = chunks ? pushAll(chunkBy(bytes, chunks)) : pullAll(bytes);
  if (out.error !== undefined && !(out.error instanceof CaptureFormatError)) throw out.error;
  for (const r of out.records) {
    if (!isSupportedLinkType(r.linkType)) continue;
    try {
      decodeLinkLayer(r.linkType, r.data);
    } catch (e) {
      if (!(e instanceof LinkLayerError)) throw e;
    }
  }
  return out;
}

const packetArb = fc.record({
  data: fc.uint8Array({ minLength: 0, maxLength: 120 }),
  sec: fc.integer({ min: 0, max: 0xffffffff }),
  nanos: fc.integer({ min: 0, max: 999_999_999 }),
});

const pcapArb = fc
  .record({
    nanosecond: fc.boolean(),
    bigEndian: fc.boolean(),
    linkType: fc.constantFrom(0, 1, 101, 108, 113, 228, 229, 239, 276, 147),
    packets: fc.array(packetArb, { maxLength: 12 }),
  })
  .map(({ packets, ...o }) => {
    const w = new PcapWriter(o);
    for (const p of packets) w.writePacket(p.data, p.sec, p.nanos);
    return w.toBytes();
  });

const resolutionArb = fc.oneof(
  fc.record({ base: fc.constant(10 as const), exponent: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ base: fc.constant(2 as const), exponent: fc.integer({ min: 0, max: 32 }) }),
);

const pcapngArb = fc
  .record({
    sections: fc.array(
      fc.record({
        bigEndian: fc.boolean(),
        interfaces: fc.array(
          fc.record({ linkType: fc.constantFrom(1, 101, 239, 113, 0), tsResolution: resolutionArb, snaplen: fc.constantFrom(0, 65535, 262144) }),
          { minLength: 1, maxLength: 3 },
        ),
        packets: fc.array(fc.record({ iface: fc.nat(), p: packetArb, unknown: fc.boolean() }), { maxLength: 8 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ sections }) => {
    const w = new PcapngWriter(sections[0]!);
    sections.forEach((s, i) => {
      if (i > 0) w.startSection(s);
      for (const f of s.interfaces) w.addInterface(f);
      for (const { iface, p, unknown } of s.packets) {
        if (unknown) w.writeBlock(0x0bad, p.data);
        else w.writePacket(iface % s.interfaces.length, p.data, p.sec, p.nanos);
      }
    });
    return w.toBytes();
  });

const fileArb = fc.oneof(pcapArb, pcapngArb);

/** A valid file with a few bytes overwritten, or cut, or with bytes inserted. */
const mutatedArb = fc
  .tuple(
    fileArb,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    fc.option(fc.nat()),
  )
  .map(([bytes, edits, cut]) => {
    const b = bytes.slice();
    for (const [pos, v] of edits) b[pos % b.length] = v;
    return cut === null ? b : b.subarray(0, cut % (b.length + 1));
  });

const chunkSizesArb = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 });

describe("property: damaged input only ever raises typed errors", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        parseAll(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("random bytes behind a valid magic", () => {
    const magics = [
      [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0],
      [0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4],
      [0x0a, 0x0d, 0x0d, 0x0a],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 }), (m, rest) => {
        const bytes = new Uint8Array(m.length + rest.length);
        bytes.set(m);
        bytes.set(rest, m.length);
        parseAll(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("mutated valid files, whole and chunked", () => {
    fc.assert(
      fc.property(mutatedArb, chunkSizesArb, (bytes, sizes) => {
        const whole = parseAll(bytes);
        const chunked = parseAll(bytes, sizes);
        expect(chunked.records.map(plain)).toEqual(whole.records.map(plain));
        expect((chunked.error as CaptureFormatError | undefined)?.offset).toBe((whole.error as CaptureFormatError | undefined)?.offset);
        expect((chunked.error as CaptureFormatError | undefined)?.code).toBe((whole.error as CaptureFormatError | undefined)?.code);
      }),
      { numRuns: 600 },
    );
  });

  it("link-layer decoding of random frames", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.uint8Array({ maxLength: 200 }), (lt, frame) => {
        try {
          const ll = decodeLinkLayer(lt, frame);
          expect(ll.offset).toBeGreaterThanOrEqual(0);
          expect(ll.length).toBeGreaterThanOrEqual(0);
          expect(ll.offset + ll.length).toBeLessThanOrEqual(frame.length);
        } catch (e) {
          if (!(e instanceof CaptureError)) throw e;
          if (e instanceof UnsupportedLinkTypeError) expect(isSupportedLinkType(lt)).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("property: streaming equals whole-buffer parsing", () => {
  it("valid files in random chunkings", () => {
    fc.assert(
      fc.property(fileArb, chunkSizesArb, (bytes, sizes) => {
        const whole = pullAll(bytes);
        expect(whole.error).toBeUndefined();
        const chunked = pushAll(chunkBy(bytes, sizes));
        expect(chunked.error).toBeUndefined();
        expect(chunked.records.map(plain)).toEqual(whole.records.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it("pcap round trip keeps data and timestamps", () => {
    fc.assert(
      fc.property(fc.array(packetArb, { maxLength: 10 }), fc.boolean(), fc.boolean(), (packets, nanosecond, bigEndian) => {
        const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond, bigEndian });
        for (const p of packets) w.writePacket(p.data, p.sec, p.nanos);
        const recs = [...readCapture(w.toBytes())];
        expect(recs.length).toBe(packets.length);
        recs.forEach((r, i) => {
          const p = packets[i]!;
          expect(Array.from(r.data)).toEqual(Array.from(p.data));
          expect(r.tsSec).toBe(p.sec);
          expect(r.tsNanos).toBe(nanosecond ? p.nanos : Math.floor(p.nanos / 1000) * 1000);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("pcapng timestamps convert exactly (checked against bigint arithmetic)", () => {
    fc.assert(
      fc.property(resolutionArb, fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 999_999_999 }), (res, sec, nanos) => {
        const w = new PcapngWriter();
        w.addInterface({ linkType: LinkType.RAW, tsResolution: res });
        w.writePacket(0, ipv4(), sec, nanos);
        const bytes = w.toBytes();
        const [r] = [...readCapture(bytes)];
        const R = BigInt(res.base) ** BigInt(res.exponent);
        const units = BigInt(sec) * R + (BigInt(nanos) * R) / 1_000_000_000n;
        // the EPB's raw timestamp as written
        const dv = new DataView(bytes.buffer, bytes.byteOffset);
        const epb = r!.fileOffset;
        const raw = (BigInt(dv.getUint32(epb + 12, true)) << 32n) | BigInt(dv.getUint32(epb + 16, true));
        expect(raw).toBe(units);
        expect(BigInt(r!.tsSec)).toBe(units / R);
        expect(BigInt(r!.tsNanos)).toBe(((units % R) * 1_000_000_000n) / R);
      }),
      { numRuns: 2000 },
    );
  });
});
