/**
 * `@alg-sdk/pcap`: runtime-agnostic reader and writer for pcap and pcapng
 * captures over `Uint8Array` or a stream of chunks, plus link-layer decoding
 * down to the IP packet.
 *
 * @packageDocumentation
 */

export { CaptureError, CaptureFormatError, LinkLayerError, UnsupportedLinkTypeError } from "./errors.js";
export type { CaptureErrorCode } from "./errors.js";

export type {
  CaptureFormat,
  CaptureRecord,
  CaptureParserOptions,
  PcapHeader,
  PcapngInterface,
  PcapngSection,
} from "./types.js";

export { CaptureParser, DEFAULT_MAX_RECORD_LENGTH, SNAPLEN_CAP, BLOCK_SLACK } from "./parser.js";
export { readCapture, readCaptureStream } from "./read.js";
export type { ChunkSource, ReadableStreamLike } from "./read.js";

export {
  detectFormat,
  parsePcapHeader,
  PCAP_MAGIC_MICRO,
  PCAP_MAGIC_NANO,
  PCAP_MAGIC_MODIFIED,
  PCAPNG_MAGIC,
  PCAP_HEADER_LENGTH,
} from "./pcap.js";
export type { DetectedMagic } from "./pcap.js";
export { BlockType, BYTE_ORDER_MAGIC } from "./pcapng.js";

export { MICROSECONDS, NANOSECONDS, MAX_DECIMAL_EXPONENT, MAX_BINARY_EXPONENT, recordTimestampNanos } from "./timestamp.js";
export type { TimestampResolution } from "./timestamp.js";

export {
  LinkType,
  EtherType,
  decodeLinkLayer,
  createLinkLayerInfo,
  isSupportedLinkType,
  linkTypeName,
  networkLayerBytes,
} from "./linktype.js";
export type { LinkLayerInfo } from "./linktype.js";

export { NflogTlv, parseNflog, forEachNflogTlv, parseNflogPrefix, emptyNflogInfo } from "./nflog.js";
export type { NflogInfo, NflogOptions } from "./nflog.js";

export { PcapWriter } from "./writer.js";
export type { PcapWriterOptions, WritableRecord } from "./writer.js";
export { PcapngWriter } from "./pcapng-writer.js";
export type { PcapngWriterOptions, PcapngSectionOptions, PcapngInterfaceOptions } from "./pcapng-writer.js";
