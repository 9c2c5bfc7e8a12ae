// Test helpers: packets (from the test kit) and hand-built frames, chunking, collecting.
import { ipv4 as ipv4Datagram, ipv6 as ipv6Datagram } from "@alg-sdk/testing";
import { CaptureParser, type CaptureRecord } from "../src/index.js";

/** Concatenates byte arrays. */
export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrs = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrs) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** A small IPv4 datagram (10.0.0.1 -> 10.0.0.2, protocol 17, DF) carrying `payload` as is, from the test kit. */
export function ipv4(payload: Uint8Array | number[] = [1, 2, 3, 4], id = 1): Uint8Array {
  return ipv4Datagram({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, id, df: true, payload });
}

/** A small IPv6 datagram (::1 -> ::2, next header 17) carrying `payload` as is, from the test kit. */
export function ipv6(payload: Uint8Array | number[] = [9, 8, 7]): Uint8Array {
  return ipv6Datagram({ src: "::1", dst: "::2", nextHeader: 17, payload });
}

/** 32-bit little-endian bytes. */
export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
/** 32-bit big-endian bytes. */
export function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
/** 16-bit little-endian bytes. */
export function le16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}
/** 16-bit big-endian bytes. */
export function be16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}

/** Splits `bytes` into chunks of the given sizes (cycled), as independent copies. */
export function chunkBy(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  let i = 0;
  while (o < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]!);
    out.push(bytes.slice(o, o + n));
    o += n;
  }
  return out;
}

/** Plain comparable view of a record. */
export function plain(r: CaptureRecord): Record<string, unknown> {
  return { ...r, data: Array.from(r.data) };
}

/** Outcome of parsing: records and the error (if any). */
export interface Outcome {
  records: CaptureRecord[];
  error: unknown;
}

/** Parses chunks with the push API, collecting records and the final error. */
export function pushAll(chunks: Uint8Array[], options?: ConstructorParameters<typeof CaptureParser>[0]): Outcome {
  const p = new CaptureParser(options);
  const records: CaptureRecord[] = [];
  try {
    for (const c of chunks) records.push(...p.push(c));
    records.push(...p.end());
  } catch (e) {
    return { records, error: e };
  }
  return { records, error: undefined };
}

/** Parses one buffer with the pull API. */
export function pullAll(bytes: Uint8Array, options?: ConstructorParameters<typeof CaptureParser>[0]): Outcome {
  const p = new CaptureParser(options);
  const records: CaptureRecord[] = [];
  p.feed(bytes);
  p.close();
  try {
    for (let r = p.next(); r !== undefined; r = p.next()) records.push(r);
  } catch (e) {
    return { records, error: e };
  }
  return { records, error: undefined };
}

/** Deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
