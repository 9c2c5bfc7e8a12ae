/**
 * pcapng writer: Section Header Blocks, Interface Description Blocks (with
 * `if_tsresol` / `if_tsoffset`) and Enhanced Packet Blocks.
 *
 * @packageDocumentation
 */

import { pad4, put16, put32, utf8Encode } from "./bytes.js";
import { BlockType, BYTE_ORDER_MAGIC, Opt } from "./pcapng.js";
import { ByteSink } from "./sink.js";
import {
  MAX_BINARY_EXPONENT,
  MAX_DECIMAL_EXPONENT,
  resolveResolution,
  timestampToUnits,
  type ResolvedResolution,
  type TimestampResolution,
  type UnitsOut,
} from "./timestamp.js";
import { splitTimestamp, tsScratch, type WritableRecord } from "./writer.js";

/** Options of a pcapng section (Section Header Block). */
export interface PcapngSectionOptions {
  /** Write this section big-endian. Default false (little-endian). */
  bigEndian?: boolean;
  /** `shb_hardware` option. */
  hardware?: string;
  /** `shb_os` option. */
  os?: string;
  /** `shb_userappl` option. */
  userApplication?: string;
}

/** Options of {@link PcapngWriter}: the first section's, plus the output chunk size. */
export interface PcapngWriterOptions extends PcapngSectionOptions {
  /** Size of the output chunks handed out by `flush()`. Default 1 MiB. */
  chunkSize?: number;
}

/** Options of {@link PcapngWriter.addInterface}. */
export interface PcapngInterfaceOptions {
  /** Link type of the interface's packets. */
  linkType: number;
  /** Snapshot length; 0 means unlimited. Default 262144. Longer packets are cut. */
  snaplen?: number;
  /**
   * Timestamp resolution, written as `if_tsresol` when given. Default: the
   * pcapng default of microseconds, with no option written.
   */
  tsResolution?: TimestampResolution;
  /** `if_tsoffset` in whole seconds, subtracted from timestamps on writing. Default 0 (not written). */
  tsOffset?: number;
  /** `if_name` option. */
  name?: string;
  /** `if_description` option. */
  description?: string;
}

interface WriterInterface {
  linkType: number;
  snaplen: number;
  resolution: ResolvedResolution;
  tsOffset: number;
}

type OptionList = [code: number, value: Uint8Array][];

/**
 * Writes a pcapng file into `Uint8Array` chunks. The first Section Header
 * Block is written at construction; add interfaces, then packets.
 *
 * ```ts
 * const w = new PcapngWriter();
 * const eth = w.addInterface({ linkType: LinkType.ETHERNET, tsResolution: NANOSECONDS });
 * w.writePacket(eth, frame, 1795581240, 720058123);
 * const file = w.toBytes();
 * ```
 *
 * Invalid arguments (unknown interface, timestamp out of range) throw a
 * `RangeError`: they are programming errors, not damaged input.
 */
export class PcapngWriter {
  private readonly sink: ByteSink;
  private le = true;
  private ifaces: WriterInterface[] = [];
  private readonly units: UnitsOut = { hi: 0, lo: 0 };
  private count = 0;

  constructor(options: PcapngWriterOptions = {}) {
    this.sink = new ByteSink(options.chunkSize);
    this.startSection(options);
  }

  /** Number of packets written. */
  get packetCount(): number {
    return this.count;
  }

  /** Bytes produced so far. */
  get bytesWritten(): number {
    return this.sink.length;
  }

  /** Number of interfaces in the current section. */
  get interfaceCount(): number {
    return this.ifaces.length;
  }

  /**
   * Starts a new section (another Section Header Block). Interfaces do not
   * carry over: add them again; ids restart at 0.
   */
  startSection(options: PcapngSectionOptions = {}): void {
    this.le = options.bigEndian !== true;
    this.ifaces = [];
    const opts: OptionList = [];
    if (options.hardware !== undefined) opts.push([Opt.SHB_HARDWARE, utf8Encode(options.hardware)]);
    if (options.os !== undefined) opts.push([Opt.SHB_OS, utf8Encode(options.os)]);
    if (options.userApplication !== undefined) opts.push([Opt.SHB_USERAPPL, utf8Encode(options.userApplication)]);
    const fixed = new Uint8Array(16);
    put32(fixed, 0, BYTE_ORDER_MAGIC, this.le);
    put16(fixed, 4, 1, this.le);
    put16(fixed, 6, 0, this.le);
    // section length -1: unknown
    put32(fixed, 8, 0xffffffff, this.le);
    put32(fixed, 12, 0xffffffff, this.le);
    this.block(BlockType.SHB, fixed, opts);
  }

  /** Adds an interface (Interface Description Block) and returns its id. */
  addInterface(options: PcapngInterfaceOptions): number {
    const lt = options.linkType;
    if (!Number.isInteger(lt) || lt < 0 || lt > 0xffff) throw new RangeError(`PcapngWriter: bad link type ${lt}`);
    const snaplen = options.snaplen ?? 262144;
    if (!Number.isInteger(snaplen) || snaplen < 0 || snaplen > 0xffffffff) throw new RangeError(`PcapngWriter: bad snaplen ${snaplen}`);
    const tsOffset = options.tsOffset ?? 0;
    if (!Number.isSafeInteger(tsOffset)) throw new RangeError(`PcapngWriter: tsOffset must be an integer, got ${tsOffset}`);
    const res = options.tsResolution;
    if (res !== undefined) {
      const max = res.base === 10 ? MAX_DECIMAL_EXPONENT : res.base === 2 ? MAX_BINARY_EXPONENT : -1;
      if (!Number.isInteger(res.exponent) || res.exponent < 0 || res.exponent > max) {
        throw new RangeError(`PcapngWriter: unsupported timestamp resolution ${res.base}^-${res.exponent}`);
      }
    }
    const opts: OptionList = [];
    if (options.name !== undefined) opts.push([Opt.IF_NAME, utf8Encode(options.name)]);
    if (options.description !== undefined) opts.push([Opt.IF_DESCRIPTION, utf8Encode(options.description)]);
    if (res !== undefined) opts.push([Opt.IF_TSRESOL, Uint8Array.of(res.base === 2 ? 0x80 | res.exponent : res.exponent)]);
    if (tsOffset !== 0) {
      const v = new Uint8Array(8);
      const hi = Math.floor(tsOffset / 4294967296);
      const lo = tsOffset - hi * 4294967296;
      put32(v, this.le ? 0 : 4, lo, this.le);
      put32(v, this.le ? 4 : 0, hi, this.le);
      opts.push([Opt.IF_TSOFFSET, v]);
    }
    const fixed = new Uint8Array(8);
    put16(fixed, 0, lt, this.le);
    put32(fixed, 4, snaplen, this.le);
    this.block(BlockType.IDB, fixed, opts);
    this.ifaces.push({ linkType: lt, snaplen, resolution: resolveResolution(res ?? { base: 10, exponent: 6 }), tsOffset });
    return this.ifaces.length - 1;
  }

  /**
   * Appends an Enhanced Packet Block. `tsSec` is whole seconds since the epoch
   * (a fractional value is accepted when `tsNanos` is 0), `tsNanos` the
   * nanoseconds within it, floored to the interface's resolution.
   */
  writePacket(interfaceId: number, data: Uint8Array, tsSec = 0, tsNanos = 0, originalLength = data.length): void {
    const f = this.ifaces[interfaceId];
    if (f === undefined) throw new RangeError(`PcapngWriter: no interface ${interfaceId} in this section (${this.ifaces.length} added)`);
    let sec = tsSec;
    let nanos = tsNanos;
    if (!Number.isInteger(sec) || !Number.isInteger(nanos) || nanos < 0 || nanos >= 1_000_000_000) {
      splitTimestamp(sec, nanos);
      sec = tsScratch.sec;
      nanos = tsScratch.nanos;
    }
    sec -= f.tsOffset;
    if (sec < 0 || sec > 0xffffffff) {
      throw new RangeError(`PcapngWriter: timestamp ${sec + f.tsOffset} s (offset ${f.tsOffset}) is out of the supported range`);
    }
    timestampToUnits(sec, nanos, f.resolution, this.units);
    if (this.units.hi > 0xffffffff) throw new RangeError(`PcapngWriter: timestamp overflows 64 bits at this resolution`);
    const caplen = f.snaplen > 0 && data.length > f.snaplen ? f.snaplen : data.length;
    const total = 32 + pad4(caplen);
    const s = this.sink;
    s.reserve(total);
    const b = s.buf;
    const o = s.pos;
    const le = this.le;
    put32(b, o, BlockType.EPB, le);
    put32(b, o + 4, total, le);
    put32(b, o + 8, interfaceId, le);
    put32(b, o + 12, this.units.hi, le);
    put32(b, o + 16, this.units.lo, le);
    put32(b, o + 20, caplen, le);
    put32(b, o + 24, originalLength, le);
    b.set(caplen === data.length ? data : data.subarray(0, caplen), o + 28);
    b.fill(0, o + 28 + caplen, o + total - 4);
    put32(b, o + total - 4, total, le);
    s.advance(total);
    this.count++;
  }

  /** Appends a record (e.g. one read by `readCapture`) on `interfaceId` (default: the record's, else 0). */
  writeRecord(rec: WritableRecord & { interfaceId?: number }, interfaceId = rec.interfaceId ?? 0): void {
    this.writePacket(interfaceId, rec.data, rec.tsSec, rec.tsNanos, rec.originalLength ?? rec.data.length);
  }

  /** Appends a Simple Packet Block (interface 0, no timestamp). */
  writeSimplePacket(data: Uint8Array, originalLength = data.length): void {
    const f = this.ifaces[0];
    if (f === undefined) throw new RangeError("PcapngWriter: a simple packet block needs interface 0");
    const caplen = f.snaplen > 0 && data.length > f.snaplen ? f.snaplen : data.length;
    const body = new Uint8Array(4 + pad4(caplen));
    put32(body, 0, originalLength, this.le);
    body.set(data.subarray(0, caplen), 4);
    this.block(BlockType.SPB, body, []);
    this.count++;
  }

  /**
   * Appends an arbitrary block: `body` is everything between the block length
   * and the trailing block length, padded here to 4 bytes. Useful for custom
   * blocks and for testing readers.
   */
  writeBlock(type: number, body: Uint8Array): void {
    this.block(type >>> 0, body, []);
  }

  /** Bytes produced since the last flush, as chunks (views that are never overwritten). */
  flush(): Uint8Array[] {
    return this.sink.flush();
  }

  /** Bytes produced since the last flush, as one buffer (the whole file if never flushed). */
  toBytes(): Uint8Array {
    return this.sink.flushBytes();
  }

  private block(type: number, fixed: Uint8Array, opts: OptionList): void {
    let optLen = 0;
    for (const [code, v] of opts) {
      if (v.length > 0xffff) throw new RangeError(`PcapngWriter: option ${code} is ${v.length} bytes, more than 65535`);
      optLen += 4 + pad4(v.length);
    }
    if (optLen > 0) optLen += 4; // opt_endofopt
    const total = 8 + pad4(fixed.length) + optLen + 4;
    const s = this.sink;
    s.reserve(total);
    const b = s.buf;
    const o = s.pos;
    const le = this.le;
    b.fill(0, o, o + total);
    put32(b, o, type, le);
    put32(b, o + 4, total, le);
    b.set(fixed, o + 8);
    let p = o + 8 + pad4(fixed.length);
    for (const [code, v] of opts) {
      put16(b, p, code, le);
      put16(b, p + 2, v.length, le);
      b.set(v, p + 4);
      p += 4 + pad4(v.length);
    }
    put32(b, o + total - 4, total, le);
    s.advance(total);
  }
}
