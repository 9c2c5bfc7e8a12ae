import type { Direction, PacketState } from "../constants.js";
import type { ConnectionEnd, ExpectationInfo } from "../engine/info.js";
import type { ServiceToken } from "../service.js";
import type { Tuple } from "../tuple.js";

/**
 * The typed helper plugin interface, version 2. A helper is a plain object
 * (no classes or decorators): a name, its expectation policy per class,
 * where it attaches, optional per-connection state, and hooks. See
 * docs/writing-a-helper.md.
 */

/** The helper interface version this core implements; a helper states it as `apiVersion`. */
export const HELPER_API_VERSION = 2;

/** Limits of one expectation class (Linux `struct nf_conntrack_expect_policy`). */
export interface ExpectPolicy {
  /** Class name, shown in events (e.g. "ftp", "dcc", "audio"). */
  readonly name?: string;
  /**
   * Expectations of this class one master connection may have pending. A new
   * one over the limit evicts the master's oldest of the class. 0: no limit.
   */
  readonly maxExpected: number;
  /** Seconds an expectation lives (unless its request says otherwise), counted from its creation. */
  readonly timeout: number;
}

/**
 * Where a helper is attached: new connections whose original direction
 * matches (nftables `ct helper set` rules). A helper may attach to several
 * protocols (SIP over UDP and TCP), each attachment with its own options.
 */
export interface AttachRule<O = unknown> {
  /** Transport protocol name ("tcp", "udp", …, as its tracker is named) or number. */
  readonly protocol: string | number;
  /** Destination port or inclusive range `[low, high]` of the original direction. Omitted: any. */
  readonly port?: number | readonly [number, number];
  /** Only this address family. */
  readonly family?: 4 | 6;
  /** Only this zone. */
  readonly zone?: number;
  /** Options the helper's hooks see as `ctx.options` on connections this rule attached. */
  readonly options?: O;
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
  /** Not consumed when a connection matches it: it stays until it times out or is removed. */
  PERMANENT: 1,
  /** Registered but not matched until activated ({@link ExpectationHandle.activate}). */
  INACTIVE: 2,
} as const;

/** An address as four 32-bit words in network order (IPv4: `[addr, 0, 0, 0]`) or as text. */
export type AddressInput = string | ArrayLike<number>;

/** What a helper asks for with {@link PacketContext.expect}. */
export interface ExpectationRequest {
  /** Expectation class, an index into the helper's `policies`. Default 0. */
  readonly class?: number;
  /** Transport protocol (name or number) of the expected connection. Default: the master's. */
  readonly protocol?: string | number;
  /** Source address; `null` or omitted: any source. */
  readonly src?: AddressInput | null;
  /** Source port; `null` or omitted: any port. */
  readonly srcPort?: number | null;
  /** Destination address, exact. */
  readonly dst: AddressInput;
  /** Destination port (the key for protocols without ports), exact. */
  readonly dstPort: number;
  /** {@link ExpectFlag} bits. */
  readonly flags?: number;
  /** Name of a registered helper to attach to the expected connection. */
  readonly helper?: string;
  /** Seconds this expectation lives, instead of its class's policy timeout. */
  readonly timeout?: number;
  /**
   * NAT: when the port is taken, try others (Linux's `nf_nat_exp_find_port`:
   * the same port first, then up to 128 random ones above it). The handle's
   * `tuple.dstPort` says which port was registered: write that one into the
   * payload. Only used on translated connections.
   */
  readonly searchPort?: boolean;
  /**
   * An identical expectation (same tuple and mask) of another master is not
   * a clash: the request is refused with "already" instead of "busy"
   * (Linux's `NF_CT_EXP_F_SKIP_MASTER`, which SIP uses so two calls of one
   * phone may announce the same media).
   */
  readonly skipMaster?: boolean;
}

/**
 * A connection's original tuple for {@link PacketContext.findExpectation};
 * the family and zone are the asking connection's.
 */
export interface ExpectationQuery {
  /** Transport protocol (name or number). Default: the asking connection's. */
  readonly protocol?: string | number;
  /** Source address; `null` or omitted: the zero address. */
  readonly src?: AddressInput | null;
  /** Source port; omitted: 0. */
  readonly srcPort?: number;
  readonly dst: AddressInput;
  readonly dstPort: number;
}

/** Why the engine refused an expectation. */
export type ExpectRefusal =
  /** The request is not an object, or a field has the wrong type. */
  | "bad-request"
  /** The address is of the other family than the master connection. */
  | "bad-family"
  /** `class` names no policy of the helper. */
  | "unknown-class"
  /** A port outside 0..65535, or not an integer. */
  | "bad-port"
  /** `protocol` names no tracker, or is not 0..255. */
  | "bad-protocol"
  /** `helper` names no registered helper. */
  | "unknown-helper"
  /** An address that does not parse. */
  | "bad-address"
  /** `timeout` is not a positive number of seconds. */
  | "bad-timeout"
  /** An expectation of another master overlaps it (Linux's -EBUSY). */
  | "busy"
  /** The same expectation exists for this master with another class (Linux's -EALREADY). */
  | "already"
  /** The engine's expectation limit is reached (`nf_ct_expect_max`). */
  | "limit"
  /** The master connection is gone (a hook kept its context too long). */
  | "no-connection";

/** A registered expectation, as its creator holds it. */
export interface ExpectationHandle {
  /** Id (as in events). */
  readonly id: number;
  readonly class: number;
  /** Id of the master connection that registered it. */
  readonly masterId: number;
  /** The expected connection's original tuple; wildcard parts are 0 / "0.0.0.0" / "::". */
  readonly tuple: Tuple;
  /** Source address and port must match (false: any source / any port). */
  readonly exactSource: boolean;
  readonly exactSourcePort: boolean;
  /** Current {@link ExpectFlag} bits. */
  readonly flags: number;
  /** True while pending (not matched, expired or removed). */
  readonly live: boolean;
  /** Seconds left at the engine's current time. */
  readonly timeLeft: number;
  /** Removes it (`nf_ct_unexpect_related`); false if it was no longer pending. */
  remove(): boolean;
  /** Clears INACTIVE so connections can match it; false if it was no longer pending. */
  activate(): boolean;
  /** Restarts its timer with `seconds` from now; false if it was no longer pending or `seconds` is not positive. */
  refresh(seconds: number): boolean;
}

/** Outcome of {@link PacketContext.expect}. */
export type ExpectOutcome =
  | { readonly ok: true; readonly expectation: ExpectationHandle; readonly replaced: boolean }
  | { readonly ok: false; readonly reason: ExpectRefusal };

/** Outcome of {@link PacketContext.expectAll}: every expectation, or none. */
export type ExpectAllOutcome =
  | { readonly ok: true; readonly expectations: readonly ExpectationHandle[] }
  | { readonly ok: false; readonly reason: ExpectRefusal; readonly index: number };

/** Which of a master's expectations {@link PacketContext.removeExpectations} and friends act on. */
export interface ExpectationFilter {
  /** Only this class, or these classes. */
  readonly class?: number | readonly number[];
}

/**
 * A read-only view of a connection. Hook contexts hand out views that the
 * engine reuses: read them during the call, never keep them.
 */
export interface ConnectionView {
  /** Id (stable for the connection's lifetime; slots are reused, ids are not). */
  readonly id: number;
  readonly zone: number;
  readonly mark: number;
  /** `Status` bits. */
  readonly status: number;
  readonly expected: boolean;
  readonly seenReply: boolean;
  readonly assured: boolean;
  /** Tracker state name ("ESTABLISHED" for TCP), or "". */
  readonly protocolState: string;
  /** Name of the attached helper, or null. */
  readonly helper: string | null;
  /** Seconds since its first packet. */
  readonly age: number;
  /** The original tuple (as its first packet came) and the reply tuple (what replies look like, after NAT). */
  readonly original: Tuple;
  readonly reply: Tuple;
  /** The tuple of direction `dir`. */
  tuple(dir: Direction): Tuple;
  /** The master of an expected connection, while it exists. */
  readonly master: ConnectionView | null;
}

/** A channel to the engine's events: each call becomes a `helper-log` event. */
export interface HelperLogger {
  /** True when someone listens to `helper-log` events: skip building messages otherwise. */
  readonly enabled: boolean;
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
}

/** What every hook context has. */
export interface HookContext {
  /** The engine's time, in seconds. */
  readonly now: number;
  readonly log: HelperLogger;
  /**
   * The service a registered protocol tracker offers under `token` (the GRE
   * tracker's keymaps: `ctx.service(GRE_KEYMAPS)`), or undefined when no
   * tracker of this engine offers it. The object is the engine's: keep it
   * in your per-connection state if you use it per packet.
   */
  service<T>(token: ServiceToken<T>): T | undefined;
}

/**
 * A connection named by one of its tuples (a {@link Tuple} is one), for
 * {@link PacketContext.killConnection}. The family and zone are those of
 * the hook's connection.
 */
export interface ConnectionQuery {
  /** Transport protocol (name or number). */
  readonly protocol: string | number;
  readonly src: AddressInput;
  readonly dst: AddressInput;
  /** The tuple's keys (ports, or the protocol's keys: GRE call ids). */
  readonly srcPort: number;
  readonly dstPort: number;
}

/** What `createState` sees: the new connection and the options of the rule that attached the helper. */
export interface StateContext<O = unknown> extends HookContext {
  readonly connection: ConnectionView;
  readonly options: O | undefined;
}

/**
 * What a payload hook sees. The engine reuses one context object: read what
 * you need during the call, never keep a reference to it.
 */
export interface PacketContext<S = unknown, O = unknown> extends HookContext {
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
  /** The connection the packet belongs to. */
  readonly connection: ConnectionView;
  /** The helper's private state for this connection, made by `createState`. */
  readonly data: S;
  /** Options of the attach rule that attached the helper to this connection. */
  readonly options: O | undefined;
  /** Registers an expectation with this connection as master. */
  expect(request: ExpectationRequest): ExpectOutcome;
  /** Registers several expectations, all or none (RTP and RTCP together). */
  expectAll(requests: readonly ExpectationRequest[]): ExpectAllOutcome;
  /** This connection's pending expectations, newest first (the order of Linux's per-master list). */
  expectations(filter?: ExpectationFilter): ExpectationHandle[];
  /** Removes this connection's pending expectations, newest first (Linux's `flush_expectations`); returns how many. */
  removeExpectations(filter?: ExpectationFilter): number;
  /**
   * The newest pending expectation of any master, INACTIVE ones included,
   * that a connection with this original tuple (in this connection's family
   * and zone) would match, or null (Linux's `__nf_ct_expect_find`, which
   * SIP uses to leave media another call already expects alone). A
   * malformed query finds nothing. Compare `master.id` with
   * `connection.id` to tell this connection's own expectations.
   */
  findExpectation(query: ExpectationQuery): ExpectationInfo | null;
  /** Sets this connection's timeout to `seconds` from now (Linux's `nf_ct_refresh`, as SIP does). */
  setTimeout(seconds: number): void;
  /**
   * Destroys the connection whose tuple in either direction is `tuple`, in
   * this connection's zone (Linux's `nf_ct_kill` of what
   * `nf_conntrack_find_get` finds, as nf_conntrack_pptp ends a call's GRE
   * connection). Never this connection itself. Returns true when one was
   * destroyed (it leaves with reason "killed").
   */
  killConnection(tuple: ConnectionQuery): boolean;
  /**
   * NAT: the connection is translated, so the addresses and ports its
   * payload announces are the inside ones and must be rewritten (as
   * Linux's nf_nat_ftp and nf_nat_irc do). An expectation registered on a
   * translated connection is for where the other side sees the announcer
   * (its reply-side address), and the connection that matches it follows
   * the master's translation back to the announced address and port.
   */
  readonly translated: boolean;
  /**
   * NAT: replaces `length` bytes at `offset` of the payload (counted from
   * `payloadOffset`) with `text` (Latin-1 for a string), which may be of
   * another length; TCP sequence numbers of later packets are adjusted. The
   * context's `bytes`, `payloadOffset` and `payloadLength` then describe the
   * rewritten packet. Returns false (changing nothing) when the engine does
   * not translate, the protocol cannot be rewritten, the range lies outside
   * the payload or the datagram would exceed 65535 bytes.
   */
  rewrite(offset: number, length: number, text: string | Uint8Array): boolean;
}

/** The connection a helper was attached to is leaving the table. */
export interface DestroyContext<S = unknown> extends HookContext {
  readonly connection: ConnectionView;
  readonly data: S;
  readonly reason: ConnectionEnd;
  /** As {@link PacketContext.killConnection}: connections that must not outlive this one (nf_conntrack_pptp's GRE). */
  killConnection(tuple: ConnectionQuery): boolean;
}

/**
 * A new connection matched an expectation this helper created (Linux's
 * `expectfn`). Runs before the new connection's first packet reaches its
 * own helper.
 */
export interface MatchContext<S = unknown> extends HookContext {
  readonly expectation: ExpectationInfo;
  /** The new connection. */
  readonly connection: ConnectionView;
  /** The master, and this helper's state for it. */
  readonly master: ConnectionView | null;
  readonly data: S | undefined;
  /**
   * Attaches helper `name` to the new connection (its `createState` runs
   * then), replacing the one the expectation named. False when no helper
   * has that name.
   */
  attachHelper(name: string): boolean;
}

/** An expectation this helper created expired unused. */
export interface ExpiryContext<S = unknown> extends HookContext {
  readonly expectation: ExpectationInfo;
  readonly master: ConnectionView | null;
  readonly data: S | undefined;
}

/** Where a quoted datagram was found, or why it names no connection. */
export type QuoteLookup =
  | {
      readonly found: true;
      readonly connection: ConnectionView;
      /** The direction the quoted packet travelled (an error about it travels the other way). */
      readonly direction: Direction;
      /**
       * Where an error about the quoted packet must be addressed (four address
       * words): the destination of the connection's tuple in the error's
       * direction, as Linux's `nf_conntrack_inet_error` checks; for a quote of
       * a packet as it arrived before NAT (the router's own errors, which
       * Linux relates by attaching the connection), the quoted packet's sender.
       */
      readonly errorDestination: Uint32Array;
    }
  | { readonly found: false; readonly reason: number };

/** What a relation hook answers: related to a connection in a direction, or INVALID for a reason. */
export type RelateAnswer =
  | { readonly related: ConnectionView; readonly direction: Direction }
  | { readonly invalid: number };

/**
 * What a relation hook sees: a packet the engine could not place by itself
 * (an ICMP or ICMPv6 error). Reused like {@link PacketContext}.
 */
export interface RelateContext extends HookContext {
  readonly bytes: Uint8Array;
  readonly family: number;
  readonly protocol: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  /** Transport header position and the bytes from it to the end of the datagram. */
  readonly l4Offset: number;
  readonly l4Length: number;
  /**
   * Where the quoted datagram starts in `bytes`, as the protocol's tracker
   * lays its errors out: after the 8-byte ICMP header, or for an ICMPv6
   * redirect after its addresses and the redirected-header option's own 8
   * bytes. Pass it to {@link findQuoted}.
   */
  readonly quoteOffset: number;
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly zone: number;
  /**
   * Decodes the datagram quoted at `offset` (as an ICMP error quotes the
   * packet that caused it: an IP header and at least the start of its
   * transport header) and finds the connection it belongs to: by the
   * quote's inverse, as Linux looks it up (which finds translated
   * connections from the outside), else by the quote itself (a packet the
   * router quoted as it arrived, before NAT). Not found: a `Reason` (the
   * quote is too short, quotes an ICMP error, or names no connection).
   */
  findQuoted(offset: number, length: number): QuoteLookup;
}

/**
 * A connection-tracking helper.
 *
 * @typeParam S - the helper's private per-connection state.
 * @typeParam O - the options an attach rule can carry.
 */
export interface Helper<S = unknown, O = unknown> {
  /** The interface version the helper was written for: 2. */
  readonly apiVersion: typeof HELPER_API_VERSION;
  /** Unique name ("ftp", "sip"); attach rules and events refer to it. */
  readonly name: string;
  /** Expectation policy of each class (index = class, at most 4). */
  readonly policies: readonly ExpectPolicy[];
  /** Conventional attachments (FTP: tcp/21), used when the engine is given no attach rules for this helper. */
  readonly attach?: readonly AttachRule<O>[];
  /** What a PARTIAL verdict does: "drop" (Linux's behaviour, default) or "accept". */
  readonly onPartialMatch?: "drop" | "accept";
  /** Creates the private state of a connection the helper is attached to. */
  createState?(ctx: StateContext<O>): S;
  /**
   * Payload hook: runs on every tracked packet of a connection this helper
   * is attached to, after the tracker and the filter accepted it.
   */
  onPacket?(ctx: PacketContext<S, O>): HelperVerdict | void;
  /** The connection is leaving the table (timeout, close, flush, …). */
  onConnectionDestroyed?(ctx: DestroyContext<S>): void;
  /** A connection matched one of this helper's expectations (Linux's `expectfn`). */
  onExpectationMatched?(ctx: MatchContext<S>): void;
  /** One of this helper's expectations timed out unused. */
  onExpectationExpired?(ctx: ExpiryContext<S>): void;
  /**
   * Relation hook: runs for packets the core cannot place (ICMP and ICMPv6
   * errors). Answer `{ related, direction }` (the direction of THIS packet)
   * to make the packet RELATED, `{ invalid: reason }` to make it INVALID, or
   * `undefined` to leave it to the next helper.
   */
  relate?(ctx: RelateContext): RelateAnswer | undefined;
}

/** A helper as written, before `defineHelper` stamps the interface version on it. */
export type HelperDefinition<S = unknown, O = unknown> = Omit<Helper<S, O>, "apiVersion"> & { readonly apiVersion?: typeof HELPER_API_VERSION };

/**
 * Gives a helper object its full type (`S` inferred from `createState`) and
 * the interface version.
 *
 * @example
 * ```ts
 * export const echoHelper = defineHelper({ name: "echo", policies: [], onPacket(ctx) {} });
 * ```
 */
export function defineHelper<S = undefined, O = unknown>(helper: HelperDefinition<S, O>): Helper<S, O> {
  return { ...helper, apiVersion: HELPER_API_VERSION } as Helper<S, O>;
}
