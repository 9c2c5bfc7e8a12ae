import type { Direction, PacketState } from "../constants.js";

/**
 * The typed helper plugin interface. A helper is a plain object (no classes
 * or decorators needed): a name, its expectation policy per class, optional
 * per-connection state, and hooks. See docs/writing-a-helper.md.
 */

/** Limits of one expectation class (Linux `struct nf_conntrack_expect_policy`). */
export interface ExpectPolicy {
  /** Class name, shown in events (e.g. "ftp", "dcc"). */
  readonly name?: string;
  /**
   * Expectations of this class one master connection may have pending. A new
   * one over the limit evicts the master's oldest of the class. 0: no limit.
   */
  readonly maxExpected: number;
  /** Seconds an expectation lives, set when it is created and never refreshed by traffic. */
  readonly timeout: number;
}

/** Where a helper is attached: new connections whose original direction matches. */
export interface AttachRule {
  /** Transport protocol name or number. */
  readonly protocol: "tcp" | "udp" | "udplite" | number;
  /** Destination port or inclusive range `[low, high]` of the original direction. Omitted: any. */
  readonly port?: number | readonly [number, number];
  /** Only this address family. */
  readonly family?: 4 | 6;
  /** Only this zone. */
  readonly zone?: number;
}

/** What a payload hook returns (or `undefined` for ACCEPT). */
export const HelperVerdict = {
  ACCEPT: 0,
  /** Drop this packet. */
  DROP: 1,
  /** The packet stops inside a command; the helper's `onPartialMatch` policy decides. */
  PARTIAL: 2,
} as const;
export type HelperVerdict = (typeof HelperVerdict)[keyof typeof HelperVerdict];

/** Flags of an expectation (Linux `NF_CT_EXPECT_*`). */
export const ExpectFlag = {
  /** Not consumed when a connection matches it: it stays until it times out. */
  PERMANENT: 1,
  /** Registered but not matched until activated. */
  INACTIVE: 2,
} as const;

/** An address as four 32-bit words in network order (IPv4: `[addr, 0, 0, 0]`) or as text. */
export type AddressInput = string | ArrayLike<number>;

/** What a helper asks for with {@link HelperContext.expect}. */
export interface ExpectationRequest {
  /** Expectation class, an index into the helper's `policies`. Default 0. */
  readonly class?: number;
  /** Transport protocol of the expected connection. Default: the master's. */
  readonly protocol?: number;
  /** Source address; `null` or omitted: any source. */
  readonly src?: AddressInput | null;
  /** Source port; `null` or omitted: any port. */
  readonly srcPort?: number | null;
  /** Destination address, exact. */
  readonly dst: AddressInput;
  /** Destination port, exact. */
  readonly dstPort: number;
  /** {@link ExpectFlag} bits. */
  readonly flags?: number;
  /** Name of a registered helper to attach to the expected connection. */
  readonly helper?: string;
}

/** Outcome of {@link HelperContext.expect}. */
export const ExpectResult = {
  /** Registered. */
  CREATED: 0,
  /** Replaced an identical expectation of the same master (its timer restarted). */
  REPLACED: 1,
  /** An identical expectation of the same master exists with another class. */
  ALREADY: -1,
  /** Overlaps an expectation of another master. */
  BUSY: -2,
  /** Over a limit that eviction could not satisfy (the global maximum). */
  LIMIT: -3,
  /** The request is malformed (bad address, class, port). */
  INVALID: -4,
} as const;
export type ExpectResult = (typeof ExpectResult)[keyof typeof ExpectResult];

/**
 * What a payload hook sees. The engine reuses one context object: read what
 * you need during the call, never keep a reference to it.
 */
export interface HelperContext<S> {
  /** The packet's bytes (the whole IP datagram lives in here). */
  readonly bytes: Uint8Array;
  /** Transport payload position in `bytes`. */
  readonly payloadOffset: number;
  readonly payloadLength: number;
  /** Direction of the packet within its connection. */
  readonly direction: Direction;
  /** State the engine gave this packet (NEW, ESTABLISHED or RELATED). */
  readonly state: PacketState;
  /** 4 or 6. */
  readonly family: number;
  /** Transport protocol number. */
  readonly protocol: number;
  /** Packet source and destination as address words (network order; IPv4 in word 0). */
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** TCP sequence number, acknowledgement and flags of the packet (0 for other protocols). */
  readonly tcpSeq: number;
  readonly tcpAck: number;
  readonly tcpFlags: number;
  /** The engine's time for this packet, in seconds. */
  readonly now: number;
  /** Id of the connection (stable for its lifetime). */
  readonly connectionId: number;
  /** The helper's private state for this connection, created by `createState`. */
  readonly data: S;
  /** Registers an expectation with this connection as master. */
  expect(request: ExpectationRequest): ExpectResult;
}

/**
 * What a relation hook sees: a packet the engine could not place by itself
 * (an ICMP or ICMPv6 error). Reused like {@link HelperContext}.
 */
export interface RelateContext {
  readonly bytes: Uint8Array;
  readonly family: number;
  readonly protocol: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  /** Transport header position and the bytes from it to the end of the datagram. */
  readonly l4Offset: number;
  readonly l4Length: number;
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly zone: number;
  readonly now: number;
  /**
   * Decodes the datagram quoted at `offset` (as an ICMP error quotes the
   * packet that caused it: an IP header and at least the start of its
   * transport header) and finds the connection it belongs to. Returns a
   * connection reference `slot << 1 | dir`, `dir` being the quoted packet's
   * direction, or a negative `-Reason`: the quote is malformed or too short
   * (`-Reason.ICMP_ERROR_TOO_SHORT`), quotes an ICMP error
   * (`-Reason.ICMP_ERROR_NESTED`) or no connection
   * (`-Reason.ICMP_ERROR_UNRELATED`).
   */
  findQuoted(offset: number, length: number): number;
  /** True when `words` equal the destination address of connection `ref`'s tuple in direction `dir`. */
  isDestination(ref: number, dir: Direction, words: Uint32Array): boolean;
}

/**
 * A connection-tracking helper.
 *
 * @typeParam S - the helper's private per-connection state.
 */
export interface Helper<S = unknown> {
  /** Unique name ("ftp", "irc"); attach rules and events refer to it. */
  readonly name: string;
  /** Expectation policy of each class (index = class, at most 4). */
  readonly policies: readonly ExpectPolicy[];
  /** Conventional attachment (e.g. tcp/21), used when the engine is given no rules for this helper. */
  readonly defaultRules?: readonly AttachRule[];
  /** What a PARTIAL verdict does: "drop" (Linux's behaviour, default) or "accept". */
  readonly onPartialMatch?: "drop" | "accept";
  /** Creates the private state of a connection the helper is attached to. */
  createState?(): S;
  /**
   * Payload hook: runs on every tracked (not INVALID) packet of a connection
   * this helper is attached to, after the tracker updated the connection.
   */
  onPacket?(ctx: HelperContext<S>): HelperVerdict | void;
  /**
   * Relation hook: runs for packets the core cannot place (ICMP/ICMPv6
   * errors). Return a connection reference `slot << 1 | dir` (as from
   * `ctx.findQuoted`, with `dir` the direction of THIS packet) to make the
   * packet RELATED, a negative `-Reason` to make it INVALID, or `undefined`
   * to leave it to other helpers.
   */
  relate?(ctx: RelateContext): number | undefined;
}

/** Identity function that gives a helper object its full type (`S` inferred from `createState`). */
export function defineHelper<S = undefined>(helper: Helper<S>): Helper<S> {
  return helper;
}
