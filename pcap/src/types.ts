/**
 * Public data types produced by the capture readers.
 *
 * @packageDocumentation
 */

import type { TimestampResolution } from "./timestamp.js";

/** Container format of a capture, detected from its first four bytes. */
export type CaptureFormat = "pcap" | "pcapng";

/**
 * One captured packet.
 *
 * Timestamps come three ways: `tsSeconds` (float seconds since the epoch,
 * convenient, about microsecond precision for present-day dates), and the exact
 * pair `tsSec` (whole seconds) + `tsNanos` (0..999 999 999). The pair is exact
 * for microsecond and nanosecond files and for every pcapng resolution up to
 * 10^-9 / 2^-32; finer resolutions are floored to the nanosecond. Records of a
 * pcapng Simple Packet Block have no timestamp: `tsSeconds` is `NaN` and
 * `tsSec`/`tsNanos` are 0.
 */
export interface CaptureRecord {
  /** 0-based position of the packet in the file (over all sections). */
  index: number;
  /** Byte offset of the record header / block in the file. */
  fileOffset: number;
  /** pcapng: 0-based section number; pcap: always 0. */
  sectionIndex: number;
  /** pcapng: interface id within its section; pcap: always 0. */
  interfaceId: number;
  /** Link type (LINKTYPE_* value, lower 16 bits only) of the frame in `data`. */
  linkType: number;
  /** Timestamp as float seconds since the epoch (`NaN` when absent). */
  tsSeconds: number;
  /** Exact timestamp: whole seconds since the epoch. */
  tsSec: number;
  /** Exact timestamp: nanoseconds within `tsSec`, 0..999 999 999. */
  tsNanos: number;
  /** Number of bytes captured (`data.length`). */
  capturedLength: number;
  /** Length of the packet on the wire (may exceed `capturedLength`). */
  originalLength: number;
  /**
   * The captured frame. A view into the pushed chunk (zero copy) or into a
   * buffer owned by the record; see {@link CaptureParserOptions.copy}.
   */
  data: Uint8Array;
}

/** Header of a classic pcap file. */
export interface PcapHeader {
  readonly format: "pcap";
  /** True when the file's integers are little-endian (magic d4c3b2a1 on disk). */
  readonly littleEndian: boolean;
  /** True for the nanosecond variant (magic a1b23c4d). */
  readonly nanosecond: boolean;
  /** True for the Kuznetzov "modified" variant (magic a1b2cd34, 24-byte record headers). */
  readonly modified: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** GMT offset field (always 0 in practice; not applied to timestamps). */
  readonly thiszone: number;
  readonly snaplen: number;
  /** Link type: the lower 16 bits of the header's link-type field. */
  readonly linkType: number;
  /** FCS length in bytes announced by the link-type field's F bit, else 0. */
  readonly fcsLength: number;
  /** The link-type field as stored, including the FCS bits. */
  readonly linkTypeField: number;
}

/** A pcapng interface (Interface Description Block). */
export interface PcapngInterface {
  /** Interface id within its section (0-based, in IDB order). */
  readonly id: number;
  readonly linkType: number;
  /** Snapshot length; 0 means unlimited. */
  readonly snaplen: number;
  /** `if_tsresol`, or the default 10^-6. */
  readonly tsResolution: TimestampResolution;
  /** `if_tsoffset` in seconds, added to every timestamp; 0 when absent. */
  readonly tsOffset: number;
  /** `if_name`, when present. */
  readonly name?: string;
  /** `if_description`, when present. */
  readonly description?: string;
  /** `if_fcslen` in bytes, when present. */
  readonly fcsLength?: number;
}

/** A pcapng section (Section Header Block and its interfaces). */
export interface PcapngSection {
  readonly format: "pcapng";
  /** 0-based section number in the file. */
  readonly index: number;
  /** Byte offset of the Section Header Block. */
  readonly fileOffset: number;
  readonly littleEndian: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** `shb_hardware`, when present. */
  readonly hardware?: string;
  /** `shb_os`, when present. */
  readonly os?: string;
  /** `shb_userappl`, when present. */
  readonly userApplication?: string;
  /** Interfaces described so far in this section (grows as IDBs are read). */
  readonly interfaces: readonly PcapngInterface[];
}

/** Options of {@link CaptureParser} and the `readCapture*` functions. */
export interface CaptureParserOptions {
  /**
   * Per-record size floor, in bytes (default 262 144). A record may be as large
   * as `max(maxRecordLength, min(snaplen, 16 MiB))`; anything larger is a
   * `record-too-large` {@link CaptureFormatError} instead of an allocation.
   * pcapng blocks get 64 KiB on top of that for their fixed fields and options.
   */
  maxRecordLength?: number;
  /**
   * Copy each record's `data` into its own buffer (default false). Without it,
   * `data` may be a view into the chunk you pushed: do not reuse or mutate a
   * chunk after pushing it, and know that keeping a record alive keeps its
   * whole chunk alive.
   */
  copy?: boolean;
  /**
   * When the input ends in the middle of a record, finish quietly instead of
   * throwing the `truncated` error; the parser's `truncation` then holds it.
   * Default false.
   */
  allowTruncated?: boolean;
}

