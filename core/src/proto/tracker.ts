import type { EngineConfig } from "../config.js";
import type { MirrorOf } from "../constants.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ServiceOffer } from "../service.js";
import type { TrackerTable } from "./tracker-table.js";

/**
 * @internal What `packet` returns, for core's own trackers and engine (an
 * enum the bundler writes as numbers; see `constants.ts`).
 */
export enum TrackResult {
  OK = 0,
  REOPEN = -1,
  KILL = -2,
}

/**
 * What a tracker's `packet` returns besides a {@link Reason} (> 0 = INVALID,
 * the connection untouched) or `TRACK_OK`.
 */
export const TRACK_OK: 0 = TrackResult.OK;
/** The packet starts a new connection over a dead one (a SYN in TIME_WAIT): destroy it and look again. */
export const TRACK_REOPEN: -1 = TrackResult.REOPEN;
/** Accept the packet with its state, then destroy the connection (a RST before any reply). */
export const TRACK_KILL: -2 = TrackResult.KILL;

/** @internal {@link PacketKind} for core's own code. */
export enum PacketKindCode {
  TRACK = 0,
  RELATE = -1,
  UNTRACKED = -2,
}

/** What `classify` says about a packet, besides an INVALID reason (> 0). */
export const PacketKind = {
  /** A packet of a connection of its own: look it up, or create one. */
  TRACK: 0,
  /** An error quoting another datagram (ICMP): the relation hooks place it. */
  RELATE: -1,
  /** Never tracked (ICMPv6 neighbour discovery and MLD). */
  UNTRACKED: -2,
} as const satisfies MirrorOf<typeof PacketKindCode>;

/** Printable form of a tuple's two 16-bit keys, as `conntrack -L` shows them. */
export interface TupleKeys {
  /** Ports, for protocols that have them; the raw keys otherwise (0 for protocols without keys). */
  readonly srcPort: number;
  readonly dstPort: number;
  /** ICMP-style keys: type, code and identifier. */
  readonly icmp?: { readonly type: number; readonly code: number; readonly id: number };
  /**
   * How `conntrack -L` prints keys that are not ports (GRE: `srckey=0x4001
   * dstkey=0x8001`); `""` when there are no keys to print.
   */
  readonly text?: string;
}

/**
 * How the relation hooks and NAT find and fix the parts of an error message
 * (see {@link ProtocolTracker.natError}).
 */
export interface NatErrorLayout {
  /** Offset of the quoted datagram in `p.bytes` (after the ICMP header; an ICMPv6 redirect's after its options' start). */
  quoteAt(p: ParsedPacket): number;
  /** A redirect: NAT translates it only for connections it left alone. */
  isRedirect(p: ParsedPacket): boolean;
  /** Recomputes the message's checksum over `p.bytes[p.l4Offset, p.l3End)` after the quote changed. */
  fixChecksum(p: ParsedPacket): void;
}

/** What a tracker with per-engine state is given when an engine creates its own copy (see {@link ProtocolTracker.instantiate}). */
export interface TrackerEnvironment {
  /** The engine's resolved configuration (its timeouts include every registered tracker's). */
  readonly config: EngineConfig;
}

/**
 * One transport protocol's part of connection tracking: a small table of
 * functions in the manner of Open vSwitch's `conntrack-*.c` and Linux's
 * `nf_conntrack_l4proto`. The engine never names a protocol; it asks the
 * tracker registered for the packet's protocol number. Register one with
 * `createEngine({ trackers: [myTracker()] })` (it takes its protocol
 * numbers over from a built-in one); write one with {@link defineTracker},
 * which fills in what a simple protocol does not need. See
 * docs/writing-a-tracker.md.
 *
 * A tuple has two 16-bit keys per direction (`sport`, `dport` of the parsed
 * packet): ports for TCP, UDP and SCTP, identifier and type for ICMP
 * queries, call ids for PPTP's GRE, 0 for protocols without keys. State
 * lives in the connection table ({@link TrackerTable}): the tracker state
 * byte, the expiry, the status bits, and the tracker-private areas (20
 * bytes per direction, 16 per connection).
 *
 * The functions run per packet: they must be total (never throw: a
 * malformed packet is an INVALID reason) and must not allocate.
 */
export interface ProtocolTracker {
  /** Short lower-case name ("tcp"): rules and `conntrack -L` style output use it. */
  readonly name: string;
  /** IANA protocol numbers it handles. */
  readonly protocols: readonly number[];
  /** The keys are ports (NOTRACK port matches, NAT port mapping, expectations from "any port"). */
  readonly hasPorts: boolean;
  /**
   * Default timeouts, in seconds, under names of the tracker's choosing
   * (mirroring its sysctls: `{ toyReplied: 180 }`). The engine adds them to
   * `config.timeouts`, where `EngineOptions.timeouts` can override them by
   * name; read them there in `packet` (`cfg.timeouts.toyReplied`). A name
   * may belong to one tracker only, and not to a built-in timeout.
   */
  readonly timeouts?: Readonly<Record<string, number>>;
  /** Services this tracker offers to helpers (see {@link offerService}); a helper asks with `ctx.service(token)`. */
  readonly services?: readonly ServiceOffer[];
  /**
   * For a tracker with per-engine state (GRE's keymaps): returns the copy an
   * engine uses, made once when the engine is created. Without it the
   * object is shared by every engine and must keep no state of its own.
   */
  instantiate?(env: TrackerEnvironment): ProtocolTracker;
  /**
   * Bytes of transport header the first fragment of an IPv6 datagram must
   * carry, or the datagram is refused (RFC 8200 4.5; Linux's
   * `ipv6frag_thdr_truncated`).
   */
  readonly minHeaderLength: number;
  /**
   * Reads the transport header of a whole datagram (from `p.l4Offset`, for
   * `p.l4Length` bytes) into `p`: the keys, `hasPorts`, the payload bounds
   * and the protocol's own fields. Returns a `Reason` (NONE when well formed).
   */
  decode(p: ParsedPacket): number;
  /**
   * Reads only the keys of a datagram quoted in an ICMP error, whose
   * transport header starts at `p.l4Offset` and may be cut at `end`.
   * Returns a `Reason` (`ICMP_ERROR_TOO_SHORT` when the keys are cut off).
   */
  decodeQuoted(p: ParsedPacket, end: number): number;
  /** {@link PacketKind} for a decoded packet, or an INVALID reason. */
  classify(p: ParsedPacket): number;
  /**
   * For a quoted datagram: `Reason.NONE` if an error may relate to it, else
   * why not (an error quoting an error is `ICMP_ERROR_NESTED`).
   */
  quotable(p: ParsedPacket): number;
  /**
   * The reply tuple's keys of a new connection, written to
   * `p.replySport` / `p.replyDport`; returns a `Reason` when the tuple has
   * no inverse (Linux's `nf_ct_invert_tuple` failing).
   */
  invert(p: ParsedPacket): number;
  /**
   * The keys of the inverse of a tuple with keys `sport`, `dport` (Linux's
   * `invert_tuple`), written to `out[0]`, `out[1]`; returns a `Reason` when
   * there is none. NAT uses it on stored tuples.
   */
  invertKeys(sport: number, dport: number, out: Uint16Array): number;
  /**
   * NAT (optional; without it only addresses are translated, as Linux does
   * for protocols it does not know). Rewrites the transport header at
   * `b[l4]` for a manipulation of its source (`side` 0) or destination
   * (`side` 1) to the keys `sport` / `dport` of the target tuple (a ported
   * protocol writes the key of that side, ICMP writes the identifier, which
   * is `sport`), and updates the transport checksum for them and for the
   * address of that side changing from the bytes at `b[oldAddrAt]` to
   * `newAddr` (`words` 1 or 4: the pseudo-header), as Linux's `manip_pkt` of
   * the protocol does. `end` bounds the bytes present: a datagram quoted in an
   * ICMP error may stop after 8 bytes of transport header, and then the
   * checksum is left alone. Returns false when the header is too short to
   * rewrite (the packet is dropped).
   */
  natRewrite?(b: Uint8Array, l4: number, end: number, side: 0 | 1, sport: number, dport: number, oldAddrAt: number, newAddr: ArrayLike<number>, words: number): boolean;
  /**
   * NAT payload rewriting (optional; without it helpers cannot rewrite this
   * protocol's payload). A helper replaced payload bytes: the datagram at
   * `b[l3]` now ends at `end`, its IP lengths are fixed; fix the transport
   * header (a length field) and its checksum, as Linux's
   * `nf_nat_mangle_tcp_packet` / `nf_nat_mangle_udp_packet` do.
   */
  natPayloadChanged?(b: Uint8Array, l3: number, l4: number, end: number): void;
  /**
   * NAT sequence adjustment (optional; TCP): shift this packet's sequence
   * numbers by the offsets earlier rewrites left on connection `s`
   * (`nf_ct_seq_adjust`). Returns 1 when the packet changed, 0 when not, -1
   * when it must be dropped. A protocol with this hook gets a correction
   * point recorded when a rewrite changes a payload's length.
   */
  adjustSequence?(t: TrackerTable, s: number, dir: number, p: ParsedPacket): number;
  /**
   * NAT of the errors this protocol relates (optional; ICMP): where the
   * quoted datagram starts, whether the error is a redirect (translated
   * only for connections NAT left alone), and the checksum recomputed after
   * the quote changed (`nf_nat_icmp_reply_translation`).
   */
  readonly natError?: NatErrorLayout;
  /** May this packet create a connection? `Reason.NONE` or why it is INVALID. Runs before a slot is taken. */
  canCreate(p: ParsedPacket, cfg: EngineConfig): number;
  /** Sets up the protocol state of freshly allocated slot `s` for its first packet (its time is `p.time[0]`). */
  init(t: TrackerTable, s: number, p: ParsedPacket, cfg: EngineConfig): void;
  /**
   * A packet of connection `s` in direction `dir` (including the first one,
   * right after `init`). Updates the protocol state and the expiry and
   * returns `TRACK_OK`, `TRACK_REOPEN`, `TRACK_KILL` or an INVALID reason.
   */
  packet(t: TrackerTable, s: number, dir: number, p: ParsedPacket, cfg: EngineConfig): number;
  /** May a full table evict this connection although it is ASSURED (Linux's `can_early_drop`)? */
  canEarlyDrop(t: TrackerTable, s: number): boolean;
  /** Printable name of tracker state `state`, or "" if the protocol has none. */
  stateName(state: number): string;
  /** Printable keys of a tuple. */
  keys(sport: number, dport: number): TupleKeys;
  /** Verifies the transport checksum of a whole datagram (nf_conntrack_checksum=1). */
  checksumOk(p: ParsedPacket): boolean;
}
