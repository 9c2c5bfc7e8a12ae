/**
 * Numeric vocabulary shared by every layer: small integers, never strings.
 *
 * Each table is public as a plain `const` object (what users read and
 * iterate) and has an internal `enum` twin that core's own code uses: the
 * bundler writes an enum member as its number, while V8's optimised code
 * loads an object's field (with a map check) at every use, which the
 * per-packet path cannot afford (docs/architecture.md). `satisfies
 * MirrorOf<...>` makes the compiler prove each object equal to its twin.
 */

/** @internal The type of a `const` object with exactly the members (names and values) of enum `E`. */
export type MirrorOf<E> = { readonly [K in keyof E]: E[K] };

/** @internal {@link PacketState} for core's own code. */
export enum PacketStateCode {
  NEW = 0,
  ESTABLISHED = 1,
  RELATED = 2,
  INVALID = 3,
  UNTRACKED = 4,
}

/** The state a stateful rule sees for a packet (iptables `-m conntrack --ctstate`). */
export const PacketState = {
  NEW: 0,
  ESTABLISHED: 1,
  RELATED: 2,
  INVALID: 3,
  UNTRACKED: 4,
} as const satisfies MirrorOf<typeof PacketStateCode>;
export type PacketState = (typeof PacketState)[keyof typeof PacketState];

/** Printable names of {@link PacketState}, indexed by value. */
export const PACKET_STATE_NAMES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"] as const;
export type PacketStateName = (typeof PACKET_STATE_NAMES)[number];

/** @internal {@link Direction} for core's own code. */
export enum DirectionCode {
  ORIGINAL = 0,
  REPLY = 1,
  NONE = -1,
}

/** Direction of a packet relative to the connection's first packet. */
export const Direction = {
  ORIGINAL: 0,
  REPLY: 1,
  /** No connection: the packet is INVALID or UNTRACKED. */
  NONE: -1,
} as const satisfies MirrorOf<typeof DirectionCode>;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** @internal {@link Verdict} for core's own code. */
export enum VerdictCode {
  ACCEPT = 0,
  DROP = 1,
  HOLD = 2,
}

/** What the engine asks the caller to do with the packet. */
export const Verdict = {
  ACCEPT: 0,
  DROP: 1,
  /** A fragment kept for reassembly; the datagram's verdict comes with its last fragment. */
  HOLD: 2,
} as const satisfies MirrorOf<typeof VerdictCode>;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];
export const VERDICT_NAMES = ["accept", "drop", "hold"] as const;

/** @internal {@link Status} for core's own code. */
export enum StatusBit {
  EXPECTED = 1 << 0,
  SEEN_REPLY = 1 << 1,
  ASSURED = 1 << 2,
  CONFIRMED = 1 << 3,
  SRC_NAT = 1 << 4,
  DST_NAT = 1 << 5,
  SEQ_ADJUST = 1 << 6,
  SRC_NAT_DONE = 1 << 7,
  DST_NAT_DONE = 1 << 8,
  DYING = 1 << 9,
  HELPER = 1 << 13,
}

/** Connection status bits, with the values Linux uses for `IPS_*`. */
export const Status = {
  EXPECTED: 1,
  SEEN_REPLY: 2,
  ASSURED: 4,
  CONFIRMED: 8,
  /** The source is translated (SNAT): the reply tuple's destination differs from the original source. */
  SRC_NAT: 16,
  /** The destination is translated (DNAT). */
  DST_NAT: 32,
  /** A helper changed a payload's length: TCP sequence numbers are adjusted. */
  SEQ_ADJUST: 64,
  SRC_NAT_DONE: 128,
  DST_NAT_DONE: 256,
  DYING: 512,
  HELPER: 8192,
} as const satisfies MirrorOf<typeof StatusBit>;

/** Either NAT bit: the reply tuple is not the inverted original. */
export const NAT_MASK = Status.SRC_NAT | Status.DST_NAT;

/** @internal Masks of {@link StatusBit}s for core's own code. */
export enum StatusMask {
  /** Either NAT bit: the reply tuple is not the inverted original. */
  NAT = StatusBit.SRC_NAT | StatusBit.DST_NAT,
}

/** IANA protocol numbers the engine knows by name. */
export const IpProto = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  UDPLITE: 136,
  HOPOPTS: 0,
  ROUTING: 43,
  FRAGMENT: 44,
  DSTOPTS: 60,
  NONE: 59,
  AH: 51,
  ESP: 50,
  GRE: 47,
  SCTP: 132,
} as const;

/** @internal {@link Reason} for core's own code. */
export enum ReasonCode {
  NONE = 0,
  TRUNCATED = 1,
  BAD_VERSION = 2,
  BAD_IP_HEADER_LENGTH = 3,
  BAD_TOTAL_LENGTH = 4,
  BAD_IP_OPTIONS = 5,
  BAD_EXTENSION_HEADER = 6,
  BAD_L4_HEADER = 7,
  BAD_TCP_FLAGS = 8,
  BAD_FRAGMENT = 9,
  FRAGMENT_OVERLAP = 10,
  FRAGMENT_LIMIT = 11,
  BAD_CHECKSUM = 12,
  TCP_INVALID_NEW = 20,
  TCP_INVALID_STATE = 21,
  TCP_SEQ_OVER_WINDOW = 22,
  TCP_SEQ_UNDER_WINDOW = 23,
  TCP_ACK_OVER_WINDOW = 24,
  TCP_ACK_UNDER_WINDOW = 25,
  TCP_BAD_RST = 26,
  TCP_BAD_SYN = 27,
  TCP_LOOSE_OFF = 28,
  ICMP_UNKNOWN_TYPE = 30,
  ICMP_REPLY_WITHOUT_REQUEST = 31,
  ICMP_ERROR_UNRELATED = 32,
  ICMP_ERROR_TOO_SHORT = 33,
  ICMP_ERROR_NESTED = 34,
  ICMP_ERROR_SPOOFED = 35,
  TABLE_FULL = 40,
  HELPER_DROP = 41,
  HELPER_PARTIAL = 42,
  HELPER_ERROR = 43,
  FILTERED = 44,
  NAT_FAILED = 45,
  SCTP_BAD_CHUNKS = 50,
  SCTP_INVALID_NEW = 51,
  SCTP_VTAG_MISMATCH = 52,
  SCTP_INVALID_STATE = 53,
  GRE_NOT_PPP = 54,
  ICMPV6_BAD_REDIRECT = 55,
  ICMP_WRONG_FAMILY = 56,
  TRACKER_INVALID = 57,
}

/** Why a packet is INVALID (or dropped). 0 means "no reason": the packet is fine. */
export const Reason = {
  NONE: 0,
  // Packet layer.
  TRUNCATED: 1,
  BAD_VERSION: 2,
  BAD_IP_HEADER_LENGTH: 3,
  BAD_TOTAL_LENGTH: 4,
  BAD_IP_OPTIONS: 5,
  BAD_EXTENSION_HEADER: 6,
  BAD_L4_HEADER: 7,
  BAD_TCP_FLAGS: 8,
  BAD_FRAGMENT: 9,
  FRAGMENT_OVERLAP: 10,
  FRAGMENT_LIMIT: 11,
  BAD_CHECKSUM: 12,
  // Trackers.
  TCP_INVALID_NEW: 20,
  TCP_INVALID_STATE: 21,
  TCP_SEQ_OVER_WINDOW: 22,
  TCP_SEQ_UNDER_WINDOW: 23,
  TCP_ACK_OVER_WINDOW: 24,
  TCP_ACK_UNDER_WINDOW: 25,
  TCP_BAD_RST: 26,
  TCP_BAD_SYN: 27,
  TCP_LOOSE_OFF: 28,
  ICMP_UNKNOWN_TYPE: 30,
  ICMP_REPLY_WITHOUT_REQUEST: 31,
  ICMP_ERROR_UNRELATED: 32,
  ICMP_ERROR_TOO_SHORT: 33,
  ICMP_ERROR_NESTED: 34,
  ICMP_ERROR_SPOOFED: 35,
  // Engine.
  TABLE_FULL: 40,
  HELPER_DROP: 41,
  HELPER_PARTIAL: 42,
  HELPER_ERROR: 43,
  /** The policy's filter dropped the packet. */
  FILTERED: 44,
  /** NAT found no unique tuple for a new connection, or could not rewrite the packet. */
  NAT_FAILED: 45,
  // More trackers.
  /** SCTP: no chunk, a zero-length chunk, or a chunk that must come first or alone does not (`do_basic_checks`). */
  SCTP_BAD_CHUNKS: 50,
  /** SCTP: the packet cannot start an association (an out-of-the-blue ABORT, SHUTDOWN COMPLETE or COOKIE ACK, or an unknown first chunk: `sctp_new`). */
  SCTP_INVALID_NEW: 51,
  /** SCTP: the verification tag is not the one this direction must carry (RFC 9260 8.5). */
  SCTP_VTAG_MISMATCH: 52,
  /** SCTP: a chunk the association's state does not allow (the state table's invalid entry). */
  SCTP_INVALID_STATE: 53,
  /** GRE version 1 (PPTP) carrying something other than PPP (`gre_pkt_to_tuple`). */
  GRE_NOT_PPP: 54,
  /** ICMPv6 redirect that is short, not from a link-local address with hop limit 255, or without options. */
  ICMPV6_BAD_REDIRECT: 55,
  /** ICMP inside IPv6, or ICMPv6 inside IPv4. */
  ICMP_WRONG_FAMILY: 56,
  /** A third-party tracker refused the packet (its own rules). */
  TRACKER_INVALID: 57,
} as const satisfies MirrorOf<typeof ReasonCode>;
export type Reason = (typeof Reason)[keyof typeof Reason];

const REASON_NAMES_BY_VALUE: string[] = [];
for (const [name, value] of Object.entries(Reason)) {
  REASON_NAMES_BY_VALUE[value] = name.toLowerCase().replace(/_/g, "-");
}

/** A printable, stable name for a {@link Reason} code (`"tcp-seq-over-window"`), or `null` for NONE. */
export function reasonName(reason: number): string | null {
  if (reason === Reason.NONE) return null;
  return REASON_NAMES_BY_VALUE[reason] ?? `reason-${reason}`;
}

export function packetStateName(state: number): PacketStateName {
  return PACKET_STATE_NAMES[state] ?? "INVALID";
}

export function directionName(dir: number): "original" | "reply" | null {
  return dir === 0 ? "original" : dir === 1 ? "reply" : null;
}
