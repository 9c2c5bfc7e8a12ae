/**
 * @packageDocumentation
 * `@alg-sdk/testing`: what a helper author needs to test a helper in
 * isolation, on any JavaScript runtime (only `Uint8Array`, no Node APIs).
 *
 * - Packet builders ({@link ipv4}, {@link ipv6}, {@link tcp}, {@link udp},
 *   {@link udplite}, {@link icmp}, {@link icmpv6}, {@link sctp}, {@link gre})
 *   that return whole IP datagrams with correct lengths and checksums, with
 *   IPv4 options, IPv6 extension headers, and fields to override for
 *   malformed packets.
 * - {@link fragments} / {@link fragment}: split a datagram into IPv4 or IPv6
 *   fragments, or cut any one fragment out of it.
 * - {@link tcpConversation}: a stateful TCP connection builder that keeps
 *   sequence and acknowledgement numbers consistent.
 * - {@link helperHarness} / {@link runPackets}: run packets through a real
 *   engine and record what it says and emits.
 */

export { addressBytes, type AddressBytes } from "./address.js";
export { concatBytes, readU16, readU32, toBytes, type PayloadInput } from "./bytes.js";
export { checksumValid, internetChecksum, pseudoHeaderSum } from "./checksum.js";
export { checksumProblems } from "./verify.js";
export { egressOf, type Egress } from "./egress.js";
export { ipv4, ipv6, type IpLayerOptions, type Ipv4Options, type Ipv6Options } from "./ip.js";
export type { Ipv6ExtensionHeader } from "./ipv6-extensions.js";
export { fragment, fragments, type FragmentRange, type FragmentSplit } from "./fragment.js";
export { encodeTcpOptions, tcp, type TcpOptionFields, type TcpPacketOptions } from "./tcp.js";
export { tcpFlagBits, tcpFlagLetters, type TcpFlagsInput } from "./tcp-flags.js";
export { udp, udplite, type UdpLitePacketOptions, type UdpPacketOptions } from "./udp.js";
export { icmp, icmpv6, type IcmpPacketOptions } from "./icmp.js";
export { SctpChunkType, sctp, sctpInitBody, type SctpChunk, type SctpPacketOptions } from "./sctp.js";
export { gre, type GrePacketOptions } from "./gre.js";
export type { TestPacket } from "./packet.js";
export {
  TcpConversation,
  tcpConversation,
  type ConversationOptions,
  type ConversationPacket,
  type RawSegment,
  type SendOptions,
  type Side,
} from "./conversation.js";
export {
  HelperHarness,
  helperHarness,
  recordOf,
  runPackets,
  type DestroyedExpectation,
  type HarnessOptions,
  type PacketInput,
  type PacketRecord,
} from "./harness.js";
