/**
 * pcapng format: block types, option walking and the decoding of Section
 * Header and Interface Description Blocks. The streaming state machine lives
 * in `parser.ts`.
 *
 * @packageDocumentation
 */

import { u16, u32, utf8Decode, pad4, hexBytes } from "./bytes.js";
import { CaptureFormatError } from "./errors.js";
import {
  MAX_BINARY_EXPONENT,
  MAX_DECIMAL_EXPONENT,
  MICROSECONDS,
  resolveResolution,
  type ResolvedResolution,
  type TimestampResolution,
} from "./timestamp.js";
import type { PcapngInterface } from "./types.js";

/** pcapng block type numbers. */
export const BlockType = {
  /** Section Header Block (also the file magic). */
  SHB: 0x0a0d0d0a,
  /** Interface Description Block. */
  IDB: 0x00000001,
  /** Obsolete Packet Block. */
  OPB: 0x00000002,
  /** Simple Packet Block. */
  SPB: 0x00000003,
  /** Name Resolution Block (skipped). */
  NRB: 0x00000004,
  /** Interface Statistics Block (skipped). */
  ISB: 0x00000005,
  /** Enhanced Packet Block. */
  EPB: 0x00000006,
  /** Decryption Secrets Block (skipped). */
  DSB: 0x0000000a,
} as const;

/** Byte-order magic of a Section Header Block. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes used by this package. @internal */
export const Opt = {
  END: 0,
  COMMENT: 1,
  SHB_HARDWARE: 2,
  SHB_OS: 3,
  SHB_USERAPPL: 4,
  IF_NAME: 2,
  IF_DESCRIPTION: 3,
  IF_TSRESOL: 9,
  IF_FCSLEN: 13,
  IF_TSOFFSET: 14,
} as const;

/** Short name of a block type for messages. @internal */
export function blockName(type: number): string {
  switch (type) {
    case BlockType.SHB:
      return "section header block";
    case BlockType.IDB:
      return "interface description block";
    case BlockType.OPB:
      return "obsolete packet block";
    case BlockType.SPB:
      return "simple packet block";
    case BlockType.EPB:
      return "enhanced packet block";
    default:
      return `block type 0x${type.toString(16).padStart(8, "0")}`;
  }
}

/**
 * Walks the options in `b[start, end)`, calling `visit(code, valueOffset,
 * valueLength)` for each until `opt_endofopt` or the end. Throws a
 * `bad-option` {@link CaptureFormatError} when an option runs past `end`.
 * `fileBase` is the file offset of `b[0]`.
 * @internal
 */
export function walkOptions(
  b: Uint8Array,
  start: number,
  end: number,
  le: boolean,
  fileBase: number,
  what: string,
  visit: (code: number, valueOffset: number, valueLength: number) => void,
): void {
  let p = start;
  while (end - p >= 4) {
    const code = u16(b, p, le);
    const len = u16(b, p + 2, le);
    if (code === Opt.END) return;
    if (p + 4 + len > end) {
      throw new CaptureFormatError(
        "bad-option",
        fileBase + p,
        `pcapng: option ${code} of the ${what} at offset ${fileBase + p} claims ${len} bytes, ` +
          `more than the ${end - p - 4} left in its block`,
      );
    }
    visit(code, p + 4, len);
    p += 4 + pad4(len);
  }
}

/** Section Header Block fields after the byte-order magic. @internal */
export interface ShbFields {
  versionMajor: number;
  versionMinor: number;
  hardware?: string;
  os?: string;
  userApplication?: string;
}

/**
 * Decodes the body of an SHB. `b[o..end)` starts at the version fields (right
 * after the byte-order magic) and ends before the trailing block length.
 * @internal
 */
export function parseShbBody(b: Uint8Array, o: number, end: number, le: boolean, fileBase: number, blockOffset: number): ShbFields {
  const versionMajor = u16(b, o, le);
  const versionMinor = u16(b, o + 2, le);
  if (versionMajor !== 1) {
    throw new CaptureFormatError(
      "bad-header",
      blockOffset,
      `pcapng: section header block at offset ${blockOffset} has unsupported version ${versionMajor}.${versionMinor} (expected 1.x)`,
    );
  }
  const out: ShbFields = { versionMajor, versionMinor };
  walkOptions(b, o + 12, end, le, fileBase, "section header block", (code, vo, vl) => {
    if (code === Opt.SHB_HARDWARE) out.hardware = cString(b, vo, vl);
    else if (code === Opt.SHB_OS) out.os = cString(b, vo, vl);
    else if (code === Opt.SHB_USERAPPL) out.userApplication = cString(b, vo, vl);
  });
  return out;
}

/** A parsed IDB plus its precomputed timestamp converter. @internal */
export interface ParsedInterface {
  info: PcapngInterface;
  resolution: ResolvedResolution;
}

/**
 * Decodes the body of an IDB: `b[o..end)` starts at the link type and ends
 * before the trailing block length.
 * @internal
 */
export function parseIdbBody(
  b: Uint8Array,
  o: number,
  end: number,
  le: boolean,
  fileBase: number,
  id: number,
): ParsedInterface {
  const linkType = u16(b, o, le);
  const snaplen = u32(b, o + 4, le);
  let tsResolution: TimestampResolution = MICROSECONDS;
  let tsOffset = 0;
  let name: string | undefined;
  let description: string | undefined;
  let fcsLength: number | undefined;
  walkOptions(b, o + 8, end, le, fileBase, "interface description block", (code, vo, vl) => {
    switch (code) {
      case Opt.IF_NAME:
        name = cString(b, vo, vl);
        break;
      case Opt.IF_DESCRIPTION:
        description = cString(b, vo, vl);
        break;
      case Opt.IF_TSRESOL: {
        if (vl < 1) throw badOption(fileBase + vo - 4, "if_tsresol is empty");
        const v = b[vo]!;
        const base = v & 0x80 ? 2 : 10;
        const exponent = v & 0x7f;
        if (exponent > (base === 10 ? MAX_DECIMAL_EXPONENT : MAX_BINARY_EXPONENT)) {
          throw badOption(fileBase + vo - 4, `if_tsresol ${hexBytes(b, vo, 1)} (${base}^-${exponent} s) is finer than supported`);
        }
        tsResolution = { base, exponent };
        break;
      }
      case Opt.IF_TSOFFSET: {
        if (vl < 8) throw badOption(fileBase + vo - 4, `if_tsoffset has ${vl} bytes, expected 8`);
        // signed 64-bit seconds
        const a = u32(b, vo, le);
        const c = u32(b, vo + 4, le);
        const hi = le ? c | 0 : a | 0;
        const lo = le ? a : c;
        tsOffset = hi * 4294967296 + lo;
        break;
      }
      case Opt.IF_FCSLEN:
        if (vl >= 1) fcsLength = b[vo]!;
        break;
    }
  });
  const info: PcapngInterface = {
    id,
    linkType,
    snaplen,
    tsResolution,
    tsOffset,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(fcsLength !== undefined ? { fcsLength } : {}),
  };
  return { info, resolution: resolveResolution(tsResolution) };
}

function badOption(offset: number, msg: string): CaptureFormatError {
  return new CaptureFormatError("bad-option", offset, `pcapng: option at offset ${offset}: ${msg}`);
}

/** UTF-8 string option value, stopping at the first NUL. */
function cString(b: Uint8Array, o: number, n: number): string {
  let end = o;
  const max = o + n;
  while (end < max && b[end] !== 0) end++;
  return utf8Decode(b, o, end);
}
