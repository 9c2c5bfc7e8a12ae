/**
 * The incremental capture parser: a push parser over chunks of any size that
 * reads classic pcap and pcapng (format detected from the magic) and holds at
 * most one partial record in memory.
 *
 * @packageDocumentation
 */

import { hexBytes, u16, u32 } from "./bytes.js";
import { CaptureFormatError } from "./errors.js";
import { detectFormat, parsePcapHeaderRest, type DetectedMagic } from "./pcap.js";
import { BlockType, BYTE_ORDER_MAGIC, blockName, parseIdbBody, parseShbBody, type ParsedInterface } from "./pcapng.js";
import { unitsToTimestamp, type TimestampOut } from "./timestamp.js";
import type { CaptureFormat, CaptureParserOptions, CaptureRecord, PcapHeader, PcapngInterface, PcapngSection } from "./types.js";

/** Default per-record size floor (bytes). */
export const DEFAULT_MAX_RECORD_LENGTH = 262144;
/** A snaplen above this does not raise the per-record limit any further. */
export const SNAPLEN_CAP = 16 * 1024 * 1024;
/** Room allowed in a pcapng block beyond its packet bytes (fixed fields + options). */
export const BLOCK_SLACK = 65536;

// Parser states.
const S_MAGIC = 0;
const S_PCAP_HDR = 1;
const S_PCAP_REC_HDR = 2;
const S_PCAP_REC_BODY = 3;
const S_NG_FIRST_LEN = 4;
const S_NG_HDR = 5;
const S_NG_SHB_BOM = 6;
const S_NG_BODY = 7;
const S_NG_SKIP = 8;
const S_NG_TRAILER = 9;
const S_DONE = 10;

const EMPTY = new Uint8Array(0);

interface MutableSection {
  format: "pcapng";
  index: number;
  fileOffset: number;
  littleEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  hardware?: string;
  os?: string;
  userApplication?: string;
  interfaces: PcapngInterface[];
}

/**
 * Incremental reader for pcap and pcapng captures.
 *
 * Feed it chunks of any size (boundaries may fall anywhere, even inside a
 * header) and take records out as they complete. Memory stays bounded by the
 * largest record: complete records are views into the pushed chunk when they
 * fit in it, and a record spanning chunks is assembled into a buffer of exactly
 * its size (after its claimed size has been checked against the limit).
 *
 * Two ways to drive it:
 *
 * - `push(chunk)` returns the records completed by that chunk; `end()` signals
 *   the end of input. When damage is found after some records of a chunk, those
 *   records are returned first and the {@link CaptureFormatError} is thrown by
 *   the next `push()`/`end()` call.
 * - `feed(chunk)` then `next()` until it returns `undefined` (pull style, no
 *   array per chunk); `close()` and then `next()` until `undefined` to finish.
 *   `next()` throws the error once every record before the damage has been
 *   returned.
 *
 * ```ts
 * const parser = new CaptureParser();
 * for await (const chunk of stream) for (const rec of parser.push(chunk)) handle(rec);
 * parser.end(); // throws CaptureFormatError("truncated") if the file is cut short
 * ```
 */
export class CaptureParser {
  private readonly floor: number;
  private readonly copy: boolean;
  private readonly allowTruncated: boolean;

  // input
  private queue: (Uint8Array | undefined)[] = [];
  private qHead = 0;
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  private offset = 0;
  private ended = false;

  // assembly of a record that spans chunks
  private readonly small = new Uint8Array(64);
  private stage: Uint8Array = EMPTY;
  private stageLen = 0;
  private stageFresh = false;

  // output of ensure()
  private tb: Uint8Array = EMPTY;
  private to = 0;
  private tbFile = 0;
  private tbOwned = false;

  private state = S_MAGIC;
  private error: CaptureFormatError | undefined;
  private recStart = 0;
  private recNeed = 4;
  private count = 0;
  private readonly ts: TimestampOut = { sec: 0, nanos: 0 };

  // pcap
  private magic: DetectedMagic | undefined;
  private header: PcapHeader | undefined;
  private le = true;
  private recHdrLen = 16;
  private limit = 0;
  private caplen = 0;
  private origlen = 0;
  private tsSec = 0;
  private tsFrac = 0;

  // pcapng
  private sec: MutableSection | undefined;
  private sectionCount = 0;
  private ifaces: ParsedInterface[] = [];
  private blockType = 0;
  private blockLen = 0;
  private lenLE = 0;
  private lenBE = 0;
  private skipLeft = 0;
  private blockLimit = 0;

  /** Set when `allowTruncated` is on and the input ended inside a record. */
  truncation: CaptureFormatError | undefined;

  constructor(options: CaptureParserOptions = {}) {
    const floor = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
    this.floor = Number.isFinite(floor) && floor > 0 ? Math.floor(floor) : DEFAULT_MAX_RECORD_LENGTH;
    this.copy = options.copy === true;
    this.allowTruncated = options.allowTruncated === true;
    this.blockLimit = this.floor + BLOCK_SLACK;
  }

  /** Detected format, once the first four bytes have been seen. */
  get format(): CaptureFormat | undefined {
    return this.magic?.format;
  }

  /** The classic pcap file header, once read (pcap files only). */
  get pcapHeader(): PcapHeader | undefined {
    return this.header;
  }

  /** The current pcapng section, once its header has been read (pcapng only). */
  get section(): PcapngSection | undefined {
    return this.sec;
  }

  /** Bytes consumed so far: the file offset of the next unparsed byte. */
  get bytesConsumed(): number {
    return this.offset;
  }

  /** Number of records returned so far. */
  get recordCount(): number {
    return this.count;
  }

  /** True once the input has ended (`end()`/`close()`) and every record has been taken, or after an error. */
  get done(): boolean {
    return this.state === S_DONE;
  }

  /**
   * Appends a chunk without parsing. Empty chunks are ignored. The chunk is
   * not copied: do not modify it afterwards.
   */
  feed(chunk: Uint8Array): void {
    if (this.ended) throw new Error("CaptureParser: feed()/push() after end()/close()");
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`CaptureParser: chunks must be Uint8Array, got ${chunk === null ? "null" : typeof chunk}`);
    }
    if (chunk.length === 0) return;
    // Normalise subclasses (e.g. Node's Buffer) so records carry plain Uint8Arrays.
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pos === this.chunk.length && this.qHead === this.queue.length) {
      this.chunk = chunk;
      this.pos = 0;
    } else {
      this.queue.push(chunk);
    }
  }

  /**
   * Feeds a chunk and returns every record it completes. If the input is
   * damaged after some of them, they are returned and the error is thrown by
   * the next `push()` or `end()`; with none, it is thrown at once.
   */
  push(chunk: Uint8Array): CaptureRecord[] {
    if (this.error) throw this.error;
    this.feed(chunk);
    return this.drain(false);
  }

  /**
   * Signals the end of input and returns any records still pending (only
   * possible if `feed()` was used without draining). Throws the pending
   * {@link CaptureFormatError}, or a `truncated` one if the input stopped inside
   * a header or record (unless `allowTruncated`), or `empty` for no input.
   */
  end(): CaptureRecord[] {
    if (this.error) throw this.error;
    this.ended = true;
    return this.drain(true);
  }

  /**
   * Pull style: signals the end of input without parsing; keep calling
   * `next()` to take the remaining records (and the error, if any).
   */
  close(): void {
    this.ended = true;
  }

  /**
   * Returns the next complete record, or `undefined` when more input is needed
   * (or, after `end()`, when the input is exhausted). Throws
   * {@link CaptureFormatError} at the damage, and again on every later call.
   */
  next(): CaptureRecord | undefined {
    if (this.error) throw this.error;
    try {
      return this.step();
    } catch (e) {
      if (e instanceof CaptureFormatError) {
        this.error = e;
        this.state = S_DONE;
        this.release();
      }
      throw e;
    }
  }

  private drain(final: boolean): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    try {
      for (let r = this.next(); r !== undefined; r = this.next()) out.push(r);
    } catch (e) {
      if (final || out.length === 0 || !(e instanceof CaptureFormatError)) throw e;
    }
    return out;
  }

  private release(): void {
    this.chunk = EMPTY;
    this.pos = 0;
    this.queue = [];
    this.qHead = 0;
    this.stage = EMPTY;
    this.stageLen = 0;
    this.tb = EMPTY;
  }

  // ---------------------------------------------------------------- input

  private nextChunk(): boolean {
    if (this.qHead < this.queue.length) {
      this.chunk = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined;
      if (this.qHead === this.queue.length) {
        this.queue.length = 0;
        this.qHead = 0;
      }
      this.pos = 0;
      return true;
    }
    this.chunk = EMPTY;
    this.pos = 0;
    return false;
  }

  /**
   * Makes `n` contiguous bytes available at `tb[to..to+n)`, consuming them.
   * Returns false (keeping any partial bytes staged) when the input runs out.
   * `fresh` asks for a buffer the record may keep (no reuse of `small`).
   */
  private ensure(n: number, fresh: boolean): boolean {
    if (this.stageLen === 0) {
      while (this.pos === this.chunk.length && this.nextChunk());
      const avail = this.chunk.length - this.pos;
      if (avail >= n) {
        this.tb = this.chunk;
        this.to = this.pos;
        this.tbFile = this.offset;
        this.tbOwned = false;
        this.pos += n;
        this.offset += n;
        return true;
      }
      if (avail === 0) return false;
      this.stageFresh = fresh || n > this.small.length;
      this.stage = this.stageFresh ? new Uint8Array(n) : this.small;
    }
    for (;;) {
      const avail = this.chunk.length - this.pos;
      if (avail > 0) {
        const k = Math.min(avail, n - this.stageLen);
        this.stage.set(this.chunk.subarray(this.pos, this.pos + k), this.stageLen);
        this.pos += k;
        this.stageLen += k;
        this.offset += k;
        if (this.stageLen === n) {
          this.tb = this.stage;
          this.to = 0;
          this.tbFile = this.offset - n;
          this.tbOwned = this.stageFresh;
          this.stageLen = 0;
          this.stage = EMPTY;
          return true;
        }
      }
      if (!this.nextChunk()) return false;
    }
  }

  private skip(): boolean {
    while (this.skipLeft > 0) {
      const avail = this.chunk.length - this.pos;
      if (avail === 0) {
        if (!this.nextChunk()) return false;
        continue;
      }
      const k = Math.min(avail, this.skipLeft);
      this.pos += k;
      this.offset += k;
      this.skipLeft -= k;
    }
    return true;
  }

  /** Input ran out in the current state. */
  private eof(): undefined {
    if (!this.ended) return undefined;
    const atBoundary =
      (this.state === S_PCAP_REC_HDR || this.state === S_NG_HDR) && this.stageLen === 0 && this.offset === this.recStart;
    if (atBoundary) {
      this.finish();
      return undefined;
    }
    if (this.state === S_MAGIC && this.offset === 0 && this.stageLen === 0) {
      throw new CaptureFormatError("empty", 0, "capture is empty: no bytes at all");
    }
    const have = this.offset - this.recStart;
    const what = this.describeCurrent();
    const err = new CaptureFormatError(
      "truncated",
      this.recStart,
      `${what} at offset ${this.recStart} is truncated: it needs ${this.recNeed} bytes but the input ends after ${have}`,
    );
    if (this.allowTruncated) {
      this.truncation = err;
      this.finish();
      return undefined;
    }
    throw err;
  }

  private finish(): void {
    this.state = S_DONE;
    this.release();
  }

  private describeCurrent(): string {
    switch (this.state) {
      case S_MAGIC:
        return "capture: file magic";
      case S_PCAP_HDR:
        return "pcap: file header";
      case S_PCAP_REC_HDR:
      case S_PCAP_REC_BODY:
        return "pcap: record";
      case S_NG_FIRST_LEN:
      case S_NG_SHB_BOM:
        return "pcapng: section header block";
      case S_NG_HDR:
        return "pcapng: block";
      default:
        return `pcapng: ${blockName(this.blockType)}`;
    }
  }

  // ---------------------------------------------------------------- state machine

  private step(): CaptureRecord | undefined {
    for (;;) {
      switch (this.state) {
        case S_MAGIC: {
          if (!this.ensure(4, false)) return this.eof();
          const m = detectFormat(this.tb, this.to, 0);
          this.magic = m;
          if (m.format === "pcap") {
            this.state = S_PCAP_HDR;
            this.recNeed = 24;
          } else {
            this.blockType = BlockType.SHB;
            this.state = S_NG_FIRST_LEN;
            this.recNeed = 28;
          }
          continue;
        }

        case S_PCAP_HDR: {
          if (!this.ensure(20, false)) return this.eof();
          const h = parsePcapHeaderRest(this.magic!, this.tb, this.to, 0);
          this.header = h;
          this.le = h.littleEndian;
          this.recHdrLen = h.modified ? 24 : 16;
          this.limit = this.recordLimit(h.snaplen);
          this.beginRecord(S_PCAP_REC_HDR, this.recHdrLen);
          continue;
        }

        case S_PCAP_REC_HDR: {
          if (!this.ensure(this.recHdrLen, false)) return this.eof();
          const b = this.tb;
          const o = this.to;
          const le = this.le;
          this.tsSec = u32(b, o, le);
          this.tsFrac = u32(b, o + 4, le);
          this.caplen = u32(b, o + 8, le);
          this.origlen = u32(b, o + 12, le);
          if (this.caplen > this.limit) {
            throw new CaptureFormatError(
              "record-too-large",
              this.recStart,
              `pcap: record at offset ${this.recStart} claims ${this.caplen} bytes, more than the limit of ${this.limit} ` +
                `(snaplen ${this.header!.snaplen}): the file is damaged`,
            );
          }
          this.recNeed = this.recHdrLen + this.caplen;
          this.state = S_PCAP_REC_BODY;
          continue;
        }

        case S_PCAP_REC_BODY: {
          if (!this.ensure(this.caplen, true)) return this.eof();
          const h = this.header!;
          const unit = h.nanosecond ? 1_000_000_000 : 1_000_000;
          let sec = this.tsSec;
          let frac = this.tsFrac;
          if (frac >= unit) {
            sec += Math.floor(frac / unit);
            frac %= unit;
          }
          const nanos = h.nanosecond ? frac : frac * 1000;
          const rec = this.makeRecord(this.recStart, 0, 0, h.linkType, sec + nanos / 1e9, sec, nanos, this.caplen, this.origlen, this.to);
          this.beginRecord(S_PCAP_REC_HDR, this.recHdrLen);
          return rec;
        }

        case S_NG_FIRST_LEN: {
          if (!this.ensure(4, false)) return this.eof();
          this.lenLE = u32(this.tb, this.to, true);
          this.lenBE = u32(this.tb, this.to, false);
          this.state = S_NG_SHB_BOM;
          continue;
        }

        case S_NG_HDR: {
          if (!this.ensure(8, false)) return this.eof();
          const type = u32(this.tb, this.to, this.le);
          this.blockType = type;
          if (type === BlockType.SHB) {
            this.lenLE = u32(this.tb, this.to + 4, true);
            this.lenBE = u32(this.tb, this.to + 4, false);
            this.recNeed = 28;
            this.state = S_NG_SHB_BOM;
            continue;
          }
          const len = u32(this.tb, this.to + 4, this.le);
          this.checkBlockLength(type, len);
          this.blockLen = len;
          this.recNeed = len;
          if (type === BlockType.EPB || type === BlockType.IDB || type === BlockType.SPB || type === BlockType.OPB) {
            this.state = S_NG_BODY;
          } else {
            this.skipLeft = len - 12;
            this.state = S_NG_SKIP;
          }
          continue;
        }

        case S_NG_SHB_BOM: {
          if (!this.ensure(4, false)) return this.eof();
          let le: boolean;
          if (u32(this.tb, this.to, true) === BYTE_ORDER_MAGIC) le = true;
          else if (u32(this.tb, this.to, false) === BYTE_ORDER_MAGIC) le = false;
          else {
            throw new CaptureFormatError(
              "bad-header",
              this.recStart,
              `pcapng: section header block at offset ${this.recStart} has byte-order magic ${hexBytes(this.tb, this.to, 4)} ` +
                `(expected 1a2b3c4d in either byte order)`,
            );
          }
          this.le = le;
          // A new section: its interfaces start from scratch.
          this.ifaces = [];
          this.blockLimit = this.floor + BLOCK_SLACK;
          const len = le ? this.lenLE : this.lenBE;
          this.checkBlockLength(BlockType.SHB, len);
          this.blockLen = len;
          this.recNeed = len;
          this.state = S_NG_BODY;
          continue;
        }

        case S_NG_BODY: {
          const type = this.blockType;
          // SHB: 12 bytes (type, length, BOM) already consumed; others: 8.
          const rest = this.blockLen - (type === BlockType.SHB ? 12 : 8);
          if (!this.ensure(rest, type !== BlockType.SHB && type !== BlockType.IDB)) return this.eof();
          const b = this.tb;
          const o = this.to;
          const end = o + rest - 4;
          const trailer = u32(b, end, this.le);
          if (trailer !== this.blockLen) this.trailerMismatch(trailer);
          const rec = this.parseBlock(type, b, o, end);
          this.beginRecord(S_NG_HDR, 8);
          if (rec !== undefined) return rec;
          continue;
        }

        case S_NG_SKIP: {
          if (!this.skip()) return this.eof();
          this.state = S_NG_TRAILER;
          continue;
        }

        case S_NG_TRAILER: {
          if (!this.ensure(4, false)) return this.eof();
          const trailer = u32(this.tb, this.to, this.le);
          if (trailer !== this.blockLen) this.trailerMismatch(trailer);
          this.beginRecord(S_NG_HDR, 8);
          continue;
        }

        default:
          return undefined;
      }
    }
  }

  private beginRecord(state: number, need: number): void {
    this.state = state;
    this.recStart = this.offset;
    this.recNeed = need;
  }

  private recordLimit(snaplen: number): number {
    return Math.max(this.floor, Math.min(snaplen, SNAPLEN_CAP));
  }

  private checkBlockLength(type: number, len: number): void {
    const name = blockName(type);
    const min =
      type === BlockType.SHB ? 28 : type === BlockType.EPB || type === BlockType.OPB ? 32 : type === BlockType.IDB ? 20 : type === BlockType.SPB ? 16 : 12;
    if (len < min || len % 4 !== 0) {
      throw new CaptureFormatError(
        "bad-block",
        this.recStart,
        `pcapng: ${name} at offset ${this.recStart} has length ${len}, ` +
          (len % 4 !== 0 ? "not a multiple of 4" : `below the minimum of ${min}`),
      );
    }
    const buffered = type === BlockType.SHB || type === BlockType.IDB || type === BlockType.EPB || type === BlockType.SPB || type === BlockType.OPB;
    if (buffered && len > this.blockLimit) {
      throw new CaptureFormatError(
        "record-too-large",
        this.recStart,
        `pcapng: ${name} at offset ${this.recStart} claims ${len} bytes, more than the limit of ${this.blockLimit}: the file is damaged`,
      );
    }
  }

  private trailerMismatch(trailer: number): never {
    throw new CaptureFormatError(
      "bad-block",
      this.recStart,
      `pcapng: ${blockName(this.blockType)} at offset ${this.recStart} has length ${this.blockLen} ` +
        `but its trailing length says ${trailer}: the file is damaged`,
    );
  }

  private parseBlock(type: number, b: Uint8Array, o: number, end: number): CaptureRecord | undefined {
    const le = this.le;
    const fileBase = this.tbFile - o;
    switch (type) {
      case BlockType.SHB: {
        const f = parseShbBody(b, o, end, le, fileBase, this.recStart);
        const s: MutableSection = {
          format: "pcapng",
          index: this.sectionCount++,
          fileOffset: this.recStart,
          littleEndian: le,
          versionMajor: f.versionMajor,
          versionMinor: f.versionMinor,
          interfaces: [],
        };
        if (f.hardware !== undefined) s.hardware = f.hardware;
        if (f.os !== undefined) s.os = f.os;
        if (f.userApplication !== undefined) s.userApplication = f.userApplication;
        this.sec = s;
        return undefined;
      }
      case BlockType.IDB: {
        if (this.sec === undefined) return undefined; // unreachable: the first block is an SHB
        const p = parseIdbBody(b, o, end, le, fileBase, this.ifaces.length);
        this.ifaces.push(p);
        this.sec.interfaces.push(p.info);
        const lim = this.recordLimit(p.info.snaplen) + BLOCK_SLACK;
        if (lim > this.blockLimit) this.blockLimit = lim;
        return undefined;
      }
      case BlockType.EPB:
      case BlockType.OPB: {
        const ifId = type === BlockType.EPB ? u32(b, o, le) : u16(b, o, le);
        const iface = this.iface(ifId, type);
        const hi = u32(b, o + 4, le);
        const lo = u32(b, o + 8, le);
        const caplen = u32(b, o + 12, le);
        const origlen = u32(b, o + 16, le);
        const room = end - (o + 20);
        if (caplen > room) {
          throw new CaptureFormatError(
            "bad-block",
            this.recStart,
            `pcapng: ${blockName(type)} at offset ${this.recStart} claims ${caplen} captured bytes but its block has room for ${room}`,
          );
        }
        this.checkCaplen(caplen, iface, type);
        unitsToTimestamp(hi, lo, iface.resolution, this.ts);
        const sec = this.ts.sec + iface.info.tsOffset;
        const nanos = this.ts.nanos;
        return this.makeRecord(this.recStart, this.sec!.index, ifId, iface.info.linkType, sec + nanos / 1e9, sec, nanos, caplen, origlen, o + 20);
      }
      case BlockType.SPB: {
        const iface = this.iface(0, type);
        const origlen = u32(b, o, le);
        const room = end - (o + 4);
        let caplen = Math.min(origlen, room);
        if (iface.info.snaplen > 0 && caplen > iface.info.snaplen) caplen = iface.info.snaplen;
        this.checkCaplen(caplen, iface, type);
        return this.makeRecord(this.recStart, this.sec!.index, 0, iface.info.linkType, NaN, 0, 0, caplen, origlen, o + 4);
      }
      default:
        return undefined;
    }
  }

  private iface(id: number, type: number): ParsedInterface {
    const f = this.ifaces[id];
    if (f === undefined) {
      throw new CaptureFormatError(
        "bad-block",
        this.recStart,
        `pcapng: ${blockName(type)} at offset ${this.recStart} refers to interface ${id}, ` +
          `but its section describes ${this.ifaces.length} interface(s)`,
      );
    }
    return f;
  }

  private checkCaplen(caplen: number, iface: ParsedInterface, type: number): void {
    const lim = this.recordLimit(iface.info.snaplen);
    if (caplen > lim) {
      throw new CaptureFormatError(
        "record-too-large",
        this.recStart,
        `pcapng: ${blockName(type)} at offset ${this.recStart} claims ${caplen} bytes, more than the limit of ${lim} ` +
          `(snaplen ${iface.info.snaplen}): the file is damaged`,
      );
    }
  }

  private makeRecord(
    fileOffset: number,
    sectionIndex: number,
    interfaceId: number,
    linkType: number,
    tsSeconds: number,
    tsSec: number,
    tsNanos: number,
    capturedLength: number,
    originalLength: number,
    dataOffset: number,
  ): CaptureRecord {
    let data: Uint8Array;
    if (this.copy && !this.tbOwned) data = this.tb.slice(dataOffset, dataOffset + capturedLength);
    else if (this.tbOwned && dataOffset === 0 && capturedLength === this.tb.length) data = this.tb;
    else data = this.tb.subarray(dataOffset, dataOffset + capturedLength);
    return {
      index: this.count++,
      fileOffset,
      sectionIndex,
      interfaceId,
      linkType,
      tsSeconds,
      tsSec,
      tsNanos,
      capturedLength,
      originalLength,
      data,
    };
  }
}
