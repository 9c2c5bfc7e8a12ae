/**
 * Classic pcap (libpcap) format: magic detection, file header and record
 * header decoding. The streaming state machine lives in `parser.ts`.
 *
 * @packageDocumentation
 */

import { be32, hexBytes, u16, u32 } from "./bytes.js";
import { CaptureFormatError } from "./errors.js";
import type { CaptureFormat, PcapHeader } from "./types.js";

/** pcap magic, microsecond timestamps (as read big-endian from the first 4 bytes). */
export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
/** pcap magic, nanosecond timestamps. */
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
/** pcap magic of the Kuznetzov "modified" format (24-byte record headers). */
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;
/** pcapng Section Header Block type, also the file magic. */
export const PCAPNG_MAGIC = 0x0a0d0d0a;

/** Size of the classic pcap file header. */
export const PCAP_HEADER_LENGTH = 24;

/** Result of {@link detectFormat}: format plus, for pcap, byte order and variant. */
export interface DetectedMagic {
  format: CaptureFormat;
  littleEndian: boolean;
  nanosecond: boolean;
  modified: boolean;
}

/**
 * Identifies a capture from its first four bytes (`b[o..o+4)`), or throws a
 * `bad-magic` {@link CaptureFormatError} naming the bytes seen.
 */
export function detectFormat(b: Uint8Array, o: number, fileOffset = 0): DetectedMagic {
  const m = be32(b, o);
  const le = u32(b, o, true);
  if (m === PCAPNG_MAGIC) return { format: "pcapng", littleEndian: true, nanosecond: false, modified: false };
  if (m === PCAP_MAGIC_MICRO || le === PCAP_MAGIC_MICRO)
    return { format: "pcap", littleEndian: le === PCAP_MAGIC_MICRO, nanosecond: false, modified: false };
  if (m === PCAP_MAGIC_NANO || le === PCAP_MAGIC_NANO)
    return { format: "pcap", littleEndian: le === PCAP_MAGIC_NANO, nanosecond: true, modified: false };
  if (m === PCAP_MAGIC_MODIFIED || le === PCAP_MAGIC_MODIFIED)
    return { format: "pcap", littleEndian: le === PCAP_MAGIC_MODIFIED, nanosecond: false, modified: true };
  throw new CaptureFormatError(
    "bad-magic",
    fileOffset,
    `not a capture file: magic ${hexBytes(b, o, 4)} at offset ${fileOffset} ` +
      `(expected pcap a1b2c3d4/a1b23c4d in either byte order, or pcapng 0a0d0d0a)`,
  );
}

/**
 * Decodes the 20 bytes that follow the magic in a classic pcap file header.
 * @internal
 */
export function parsePcapHeaderRest(magic: DetectedMagic, b: Uint8Array, o: number, fileOffset: number): PcapHeader {
  const le = magic.littleEndian;
  const versionMajor = u16(b, o, le);
  const versionMinor = u16(b, o + 2, le);
  if (versionMajor !== 2) {
    throw new CaptureFormatError(
      "bad-header",
      fileOffset,
      `pcap: unsupported file version ${versionMajor}.${versionMinor} in the header at offset ${fileOffset} (expected 2.x)`,
    );
  }
  const thiszone = u32(b, o + 4, le) | 0;
  const snaplen = u32(b, o + 12, le);
  const linkTypeField = u32(b, o + 16, le);
  const fcsLength = linkTypeField & 0x10000000 ? ((linkTypeField >>> 29) & 7) * 2 : 0;
  return {
    format: "pcap",
    littleEndian: le,
    nanosecond: magic.nanosecond,
    modified: magic.modified,
    versionMajor,
    versionMinor,
    thiszone,
    snaplen,
    linkType: linkTypeField & 0xffff,
    fcsLength,
    linkTypeField,
  };
}

/**
 * Decodes a complete 24-byte classic pcap file header (magic included).
 * Throws {@link CaptureFormatError} on a bad magic, a pcapng magic, a short
 * buffer or an unsupported version.
 */
export function parsePcapHeader(b: Uint8Array, o = 0): PcapHeader {
  if (b.length - o < PCAP_HEADER_LENGTH) {
    throw new CaptureFormatError(
      b.length - o <= 0 ? "empty" : "truncated",
      0,
      `pcap: file header needs ${PCAP_HEADER_LENGTH} bytes, got ${Math.max(0, b.length - o)}`,
    );
  }
  const magic = detectFormat(b, o);
  if (magic.format !== "pcap") throw new CaptureFormatError("bad-magic", 0, "pcap: this is a pcapng file");
  return parsePcapHeaderRest(magic, b, o + 4, 0);
}
