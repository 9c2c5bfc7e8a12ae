/**
 * Typed errors of `@alg-sdk/pcap`.
 *
 * Readers never throw a bare `TypeError`/`RangeError` on damaged input: every
 * problem with the bytes of a capture is a {@link CaptureFormatError} carrying
 * the byte offset where the damage starts, and every problem with a frame
 * handed to the link-layer decoder is a {@link LinkLayerError} or an
 * {@link UnsupportedLinkTypeError}. All three extend {@link CaptureError}.
 *
 * @packageDocumentation
 */

/** Base class of every error thrown on purpose by this package. */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * What is wrong with a capture file:
 *
 * - `empty`: the input had no bytes at all.
 * - `bad-magic`: the first four bytes are neither pcap nor pcapng.
 * - `bad-header`: the pcap file header or a pcapng Section Header Block is
 *   malformed (bad byte-order magic, unsupported version, ...).
 * - `truncated`: the input ends in the middle of a header, record or block.
 * - `record-too-large`: a record or block claims more bytes than the limit
 *   (see {@link CaptureParserOptions.maxRecordLength}).
 * - `bad-block`: a pcapng block is malformed (length not a multiple of 4,
 *   trailing length mismatch, packet larger than its block, unknown interface).
 * - `bad-option`: a pcapng option runs past its block or has an unusable value.
 */
export type CaptureErrorCode =
  | "empty"
  | "bad-magic"
  | "bad-header"
  | "truncated"
  | "record-too-large"
  | "bad-block"
  | "bad-option";

/**
 * A capture file is damaged or not a capture at all.
 *
 * `offset` is the byte offset in the file (counted from the first byte ever
 * pushed into the parser) where the damage starts: the start of the record or
 * block whose header is wrong or which is cut short, or 0 for a bad magic.
 */
export class CaptureFormatError extends CaptureError {
  /** Byte offset in the file where the damage starts. */
  readonly offset: number;
  /** Machine-readable kind of damage. */
  readonly code: CaptureErrorCode;

  constructor(code: CaptureErrorCode, offset: number, message: string) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}

/**
 * A frame cannot be decoded by its (supported) link type: too short for the
 * link-layer header, or a malformed NFLOG TLV. `offset` is the offset inside
 * the frame where decoding failed.
 */
export class LinkLayerError extends CaptureError {
  /** Link type the frame was decoded with. */
  readonly linkType: number;
  /** Offset inside the frame where decoding failed. */
  readonly offset: number;

  constructor(linkType: number, offset: number, message: string) {
    super(message);
    this.linkType = linkType;
    this.offset = offset;
  }
}

/**
 * The link-layer decoder does not know this link type. Thrown before looking
 * at the frame, so a consumer can treat it as "this whole capture is
 * unsupported" (check {@link isSupportedLinkType} up front to avoid it).
 */
export class UnsupportedLinkTypeError extends CaptureError {
  /** The link type that is not supported. */
  readonly linkType: number;

  constructor(linkType: number, message?: string) {
    super(message ?? `unsupported link type ${linkType}: cannot find the IP packet in its frames`);
    this.linkType = linkType;
  }
}
