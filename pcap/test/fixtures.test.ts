// Real captures from the tcp-states conformance run, copied into test/fixtures
// (the tests never read ../shared). trace.pcap is NFLOG (239) with the
// kernel's verdict in the prefix; trace-raw.pcap is the same packets as raw IP.
import { readFileSync, createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CaptureParser,
  decodeLinkLayer,
  networkLayerBytes,
  parseNflogPrefix,
  readCapture,
  readCaptureStream,
  type CaptureRecord,
} from "../src/index.js";
import { chunkBy, plain, rng } from "./helpers.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const nflogBytes = new Uint8Array(readFileSync(fixture("trace.pcap")));
const rawBytes = new Uint8Array(readFileSync(fixture("trace-raw.pcap")));

describe("real captures (tcp-states conformance trace)", () => {
  const nflog = [...readCapture(nflogBytes)];
  const raw = [...readCapture(rawBytes)];

  it("both read fully: 35 packets each", () => {
    expect(nflog).toHaveLength(35);
    expect(raw).toHaveLength(35);
    expect(nflog.every((r) => r.linkType === 239)).toBe(true);
    expect(raw.every((r) => r.linkType === 101)).toBe(true);
    const p = new CaptureParser();
    p.push(rawBytes);
    p.end();
    expect(p.pcapHeader).toMatchObject({ littleEndian: true, nanosecond: false, snaplen: 262144, linkType: 101 });
    expect(p.bytesConsumed).toBe(rawBytes.length);
  });

  it("same IP payloads in the same order", () => {
    for (let i = 0; i < 35; i++) {
      const a = decodeLinkLayer(nflog[i]!.linkType, nflog[i]!.data);
      const b = decodeLinkLayer(raw[i]!.linkType, raw[i]!.data);
      expect(a.family).toBe(4);
      expect(b.family).toBe(4);
      expect(a.truncated || b.truncated).toBe(false);
      expect(Array.from(networkLayerBytes(nflog[i]!.data, a))).toEqual(Array.from(networkLayerBytes(raw[i]!.data, b)));
    }
  });

  it("timestamps are increasing and match the capture (first raw packet 1795581240.720058)", () => {
    expect(raw[0]!.tsSec).toBe(1795581240);
    expect(raw[0]!.tsNanos).toBe(720058000);
    expect(nflog[0]!.tsNanos).toBe(720228000);
    for (const list of [raw, nflog]) for (let i = 1; i < list.length; i++) expect(list[i]!.tsSeconds).toBeGreaterThanOrEqual(list[i - 1]!.tsSeconds);
  });

  it("NFLOG prefixes carry the kernel verdict", () => {
    const prefixes = nflog.map((r) => decodeLinkLayer(239, r.data).nflog!.prefix!);
    expect(prefixes[0]!.startsWith("ct=new dir=original")).toBe(true);
    expect(prefixes[0]).toBe("ct=new dir=original exp=0 helper=none mhelper=- hook=pre");
    expect(prefixes[1]).toBe("ct=established dir=reply exp=0 helper=none mhelper=- hook=pre");
    for (const p of prefixes) {
      const f = parseNflogPrefix(p);
      expect(Object.keys(f)).toEqual(["ct", "dir", "exp", "helper", "mhelper", "hook"]);
    }
    const first = decodeLinkLayer(239, nflog[0]!.data).nflog!;
    expect(first).toMatchObject({ family: 2, version: 0, resourceId: 100, hwProtocol: 0x0800, littleEndian: true });
  });

  it("streaming in random chunkings gives the same records", () => {
    const next = rng(42);
    for (const bytes of [nflogBytes, rawBytes]) {
      const whole = [...readCapture(bytes)].map(plain);
      for (let t = 0; t < 50; t++) {
        const sizes = Array.from({ length: 16 }, () => 1 + Math.floor(next() * (t < 25 ? 7 : 300)));
        const p = new CaptureParser();
        const got: CaptureRecord[] = [];
        for (const c of chunkBy(bytes, sizes)) got.push(...p.push(c));
        got.push(...p.end());
        expect(got.map(plain)).toEqual(whole);
      }
    }
  });

  it("readCaptureStream over a Node file stream with tiny chunks", async () => {
    const got: CaptureRecord[] = [];
    for await (const r of readCaptureStream(createReadStream(fixture("trace.pcap"), { highWaterMark: 37 }))) got.push(r);
    expect(got.map(plain)).toEqual(nflog.map(plain));
    expect(got[0]!.data.constructor).toBe(Uint8Array);
  });
});
