/**
 * Classic pcap writer.
 *
 * @packageDocumentation
 */

import { put16, put32 } from "./bytes.js";
import { PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO } from "./pcap.js";
import { ByteSink } from "./sink.js";

/** Options of {@link PcapWriter}. */
export interface PcapWriterOptions {
  /** Link type of every packet (a LINKTYPE_* value, see `LinkType`). */
  linkType: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. Default false. */
  nanosecond?: boolean;
  /** Snapshot length written in the header; longer packets are cut to it. Default 262144. */
  snaplen?: number;
  /** Write big-endian instead of little-endian. Default false. */
  bigEndian?: boolean;
  /** Size of the output chunks handed out by `flush()`. Default 1 MiB. */
  chunkSize?: number;
}

/** Minimal record shape accepted by the writers' `writeRecord`. */
export interface WritableRecord {
  data: Uint8Array;
  tsSec: number;
  tsNanos: number;
  originalLength?: number;
}

/** @internal Normalised timestamp of the last `splitTimestamp` call. */
export const tsScratch = { sec: 0, nanos: 0 };

/**
 * Validates and normalises a timestamp argument pair: `sec` may be fractional
 * when `nanos` is 0; nanoseconds >= 1e9 carry into the seconds.
 * @internal
 */
export function splitTimestamp(sec: number, nanos: number): void {
  if (!Number.isInteger(sec)) {
    if (!Number.isFinite(sec)) throw new RangeError(`timestamp seconds must be finite, got ${sec}`);
    const whole = Math.floor(sec);
    nanos += Math.round((sec - whole) * 1e9);
    sec = whole;
  }
  if (!Number.isInteger(nanos) || nanos < 0) throw new RangeError(`timestamp nanoseconds must be a non-negative integer, got ${nanos}`);
  if (nanos >= 1_000_000_000) {
    sec += Math.floor(nanos / 1_000_000_000);
    nanos %= 1_000_000_000;
  }
  tsScratch.sec = sec;
  tsScratch.nanos = nanos;
}

/**
 * Writes a classic pcap file as `Uint8Array` chunks, two ways:
 *
 * - Streaming (fast, for big captures): the file header is written at
 *   construction, `writePacket()` appends into preallocated chunks, and
 *   `flush()` (chunks, for streaming to a file) or `toBytes()` (one buffer)
 *   takes the bytes produced since the last call.
 * - Standalone: `header()` and `record()` return each piece as a fresh
 *   buffer, to assemble (or damage) a file by hand.
 *
 * ```ts
 * const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
 * w.writePacket(ipBytes, 1795581240, 720058000);
 * const file = w.toBytes();
 *
 * const parts = [w.header(), w.record(ipBytes, 1.5)]; // standalone pieces
 * ```
 *
 * Invalid arguments (timestamp out of range, non-integer nanoseconds) throw a
 * `RangeError`: they are programming errors, not damaged input.
 */
export class PcapWriter {
  /** Link type written in the header. */
  readonly linkType: number;
  /** True for nanosecond timestamps. */
  readonly nanosecond: boolean;
  /** Snapshot length written in the header. */
  readonly snaplen: number;
  /** True when writing big-endian. */
  readonly bigEndian: boolean;
  private readonly sink: ByteSink;
  private readonly le: boolean;
  private count = 0;

  constructor(options: PcapWriterOptions) {
    const lt = options.linkType;
    if (!Number.isInteger(lt) || lt < 0 || lt > 0xffffffff) throw new RangeError(`PcapWriter: bad link type ${lt}`);
    this.linkType = lt;
    this.nanosecond = options.nanosecond === true;
    this.snaplen = options.snaplen ?? 262144;
    if (!Number.isInteger(this.snaplen) || this.snaplen <= 0 || this.snaplen > 0xffffffff) {
      throw new RangeError(`PcapWriter: bad snaplen ${this.snaplen}`);
    }
    this.bigEndian = options.bigEndian === true;
    this.le = !this.bigEndian;
    this.sink = new ByteSink(options.chunkSize);
    const s = this.sink;
    s.reserve(24);
    this.encodeHeader(s.buf, s.pos);
    s.advance(24);
  }

  /** Number of packets written with `writePacket`/`writeRecord`. */
  get packetCount(): number {
    return this.count;
  }

  /** Bytes produced so far by the streaming API (header included). */
  get bytesWritten(): number {
    return this.sink.length;
  }

  /**
   * Standalone encoding: the 24-byte file header as a fresh buffer. Use it
   * with {@link PcapWriter.record} to assemble a file yourself; it does not
   * touch the streaming output of `writePacket`/`flush`.
   */
  header(): Uint8Array {
    const b = new Uint8Array(24);
    this.encodeHeader(b, 0);
    return b;
  }

  /**
   * Standalone encoding: one record (16-byte header + data) as a fresh
   * buffer, with the same arguments as {@link PcapWriter.writePacket}. Does not
   * touch the streaming output.
   */
  record(data: Uint8Array, tsSec = 0, tsNanos = 0, originalLength = data.length): Uint8Array {
    const caplen = data.length <= this.snaplen ? data.length : this.snaplen;
    const b = new Uint8Array(16 + caplen);
    this.encodeRecord(b, 0, data, caplen, tsSec, tsNanos, originalLength);
    return b;
  }

  /**
   * Streaming: appends one packet to the output taken by `flush()` /
   * `toBytes()`. `tsSec` is whole seconds since the epoch (a fractional value
   * is accepted when `tsNanos` is 0), `tsNanos` the nanoseconds within it
   * (floored to microseconds in a microsecond file). `originalLength` defaults
   * to `data.length`; data longer than the snaplen is cut to it.
   */
  writePacket(data: Uint8Array, tsSec = 0, tsNanos = 0, originalLength = data.length): void {
    const caplen = data.length <= this.snaplen ? data.length : this.snaplen;
    const s = this.sink;
    s.reserve(16 + caplen);
    this.encodeRecord(s.buf, s.pos, data, caplen, tsSec, tsNanos, originalLength);
    s.advance(16 + caplen);
    this.count++;
  }

  private encodeHeader(b: Uint8Array, o: number): void {
    const le = this.le;
    put32(b, o, this.nanosecond ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO, le);
    put16(b, o + 4, 2, le);
    put16(b, o + 6, 4, le);
    put32(b, o + 8, 0, le);
    put32(b, o + 12, 0, le);
    put32(b, o + 16, this.snaplen, le);
    put32(b, o + 20, this.linkType, le);
  }

  private encodeRecord(
    b: Uint8Array,
    o: number,
    data: Uint8Array,
    caplen: number,
    tsSec: number,
    tsNanos: number,
    originalLength: number,
  ): void {
    let sec = tsSec;
    let nanos = tsNanos;
    if (!Number.isInteger(sec) || !Number.isInteger(nanos) || nanos < 0 || nanos >= 1_000_000_000) {
      splitTimestamp(sec, nanos);
      sec = tsScratch.sec;
      nanos = tsScratch.nanos;
    }
    if (sec < 0 || sec > 0xffffffff) throw new RangeError(`PcapWriter: timestamp ${sec} s does not fit the 32-bit pcap field`);
    const le = this.le;
    put32(b, o, sec, le);
    put32(b, o + 4, this.nanosecond ? nanos : Math.floor(nanos / 1000), le);
    put32(b, o + 8, caplen, le);
    put32(b, o + 12, originalLength, le);
    b.set(caplen === data.length ? data : data.subarray(0, caplen), o + 16);
  }

  /** Appends a record (e.g. one read by `readCapture`). */
  writeRecord(rec: WritableRecord): void {
    this.writePacket(rec.data, rec.tsSec, rec.tsNanos, rec.originalLength ?? rec.data.length);
  }

  /** Bytes produced since the last flush, as chunks (views that are never overwritten). */
  flush(): Uint8Array[] {
    return this.sink.flush();
  }

  /** Bytes produced since the last flush, as one buffer (the whole file if never flushed). */
  toBytes(): Uint8Array {
    return this.sink.flushBytes();
  }
}
