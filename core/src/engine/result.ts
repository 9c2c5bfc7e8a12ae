import { Direction, PacketState, Reason, Verdict, directionName, packetStateName, reasonName, VERDICT_NAMES } from "../constants.js";

/**
 * The engine's answer for one packet. The engine reuses a single instance
 * (so the hot path allocates nothing): copy the fields you need before the
 * next call.
 */
export class PacketResult {
  /** {@link PacketState}. */
  state: PacketState = PacketState.INVALID;
  /** {@link Direction}: ORIGINAL, REPLY, or NONE for INVALID/UNTRACKED. */
  direction: Direction = Direction.NONE;
  /** {@link Verdict}. */
  verdict: Verdict = Verdict.ACCEPT;
  /** {@link Reason} the packet is INVALID for, else why it was dropped; Reason.NONE otherwise. */
  reason: number = Reason.NONE;
  /**
   * {@link Reason} the packet was dropped for (an INVALID packet the
   * filter dropped keeps its INVALID reason in `reason`); Reason.NONE when
   * it was not dropped.
   */
  dropReason: number = Reason.NONE;
  /** Connection slot, -1 when none. */
  slot = -1;
  /** Connection id, 0 when none. */
  connectionId = 0;
  /** The connection came from an expectation (Linux's EXPECTED status). */
  expected = false;
  /** Name of the helper attached to the connection, or null. */
  helper: string | null = null;
  /** Id of the expectation this packet's new connection consumed, or 0. */
  expectationId = 0;
  /**
   * The datagram to send on, as it leaves the engine: `outBytes[outOffset ..
   * outOffset + outLength)`. It is the input buffer (rewritten in place when
   * NAT changed it without changing its length) or an engine-owned buffer
   * that the next call reuses. `null` when the packet is dropped or held.
   */
  outBytes: Uint8Array | null = null;
  outOffset = 0;
  outLength = 0;
  /** NAT changed this packet's addresses, ports or ICMP identifier. */
  translated = false;
  /** Payload rewrites a helper made in this packet (NAT). */
  rewrites = 0;

  get stateName(): string {
    return packetStateName(this.state);
  }
  get directionName(): "original" | "reply" | null {
    return directionName(this.direction);
  }
  get verdictName(): string {
    return VERDICT_NAMES[this.verdict];
  }
  get reasonName(): string | null {
    return reasonName(this.reason);
  }

  /** @internal */
  reset(): void {
    this.state = PacketState.INVALID;
    this.direction = Direction.NONE;
    this.verdict = Verdict.ACCEPT;
    this.reason = Reason.NONE;
    this.dropReason = Reason.NONE;
    this.slot = -1;
    this.connectionId = 0;
    this.expected = false;
    this.helper = null;
    this.expectationId = 0;
    this.outBytes = null;
    this.outOffset = 0;
    this.outLength = 0;
    this.translated = false;
    this.rewrites = 0;
  }
}
