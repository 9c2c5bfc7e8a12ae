/**
 * The packet policy an engine consults on the way through: destination NAT
 * (prerouting), the forward filter, source NAT (postrouting). The engine
 * calls these hooks; what decides is up to the embedder (the
 * `@alg-sdk/rules` package compiles an nft-style ruleset into one).
 */

/**
 * One translation, in nft's terms `snat to 10.0.2.100-10.0.2.110:1024-2047`.
 * Build it with {@link natTarget} (which validates); the engine keeps the
 * object and never copies it, so a policy should build its targets once.
 */
export interface NatTarget {
  readonly family: 4 | 6;
  /** Lowest and highest address of the range, four 32-bit words each (IPv4 in word 0). */
  readonly minAddress: Uint32Array;
  readonly maxAddress: Uint32Array;
  /**
   * Port (or ICMP identifier) range. Both 0: not specified, so the original
   * port is kept when the translated tuple is unique, else another is
   * searched in the protocol's default range, as Linux does.
   */
  readonly minPort: number;
  readonly maxPort: number;
}

/**
 * What a policy hook sees of a packet. The engine reuses one object and
 * refills it for every call: read it during the call, never keep it.
 */
export interface PolicyPacket {
  /** PacketState: 0 NEW, 1 ESTABLISHED, 2 RELATED, 3 INVALID, 4 UNTRACKED. */
  readonly state: number;
  /** 0 original, 1 reply, -1 none. */
  readonly direction: number;
  /** The connection came from an expectation. */
  readonly expected: boolean;
  /** Helper attached to the connection, or null. */
  readonly helper: string | null;
  readonly family: number;
  readonly protocol: number;
  readonly zone: number;
  readonly mark: number;
  /**
   * Addresses and ports. In the NAT hooks: the connection's original tuple
   * (the first packet as it arrived, nft's `ct original`). In the filter:
   * the packet after destination NAT.
   */
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly sport: number;
  readonly dport: number;
  /** False when the protocol has no ports (or they are unknown): port matches fail. */
  readonly portsKnown: boolean;
  /**
   * The interface the datagram came in on, as the caller wrote it into
   * `Engine.interfaces[0]` (a small integer the embedder chooses; 0 =
   * unknown). Seen by `destinationNat` and `filter`; `sourceNat` sees 0, as
   * Linux's postrouting hook has no input interface to match (nft refuses
   * `iif` there).
   */
  readonly inInterface: number;
  /**
   * The interface the datagram goes out by: what the engine's `route`
   * option answered for the destination after destination NAT, else what
   * the caller wrote into `Engine.interfaces[1]`; 0 = unknown. Seen by
   * `filter` and `sourceNat`; `destinationNat` sees 0, as Linux routes the
   * datagram only after prerouting (nft refuses `oif` there).
   */
  readonly outInterface: number;
}

/** What a filter hook answers. */
export const FilterVerdict = {
  ACCEPT: 0,
  DROP: 1,
} as const;
export type FilterVerdict = (typeof FilterVerdict)[keyof typeof FilterVerdict];

/**
 * What a NAT hook answers for a connection's first packet: a target to
 * translate to; null to leave that side as it is; or `"drop"` to drop the
 * packet, so the connection is never created (Linux's masquerade drops a
 * connection whose output interface has no address rather than let it leave
 * untranslated). A hook that throws counts as `"drop"`: a firewall that
 * cannot decide a translation must not leak the address it hides.
 */
export type NatDecision = NatTarget | "drop" | null;

/**
 * Hooks the engine calls for each packet, all optional.
 *
 * - `destinationNat`: once, on the first packet of a connection that did not
 *   come from an expectation (expected connections follow their master's
 *   translation). A target rewrites the destination.
 * - `filter`: every tracked, untracked or invalid packet, after destination
 *   NAT. A DROP on a connection's first packet discards the connection, as
 *   Linux never confirms it.
 * - `sourceNat`: once, on the first packet, after the filter accepted it.
 */
export interface PacketPolicy {
  destinationNat?(packet: PolicyPacket): NatDecision;
  filter?(packet: PolicyPacket): FilterVerdict;
  sourceNat?(packet: PolicyPacket): NatDecision;
}
