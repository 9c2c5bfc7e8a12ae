import { Direction, PacketState, Verdict, directionName, packetStateName, reasonName, VERDICT_NAMES, DirectionCode, PacketStateCode, ReasonCode, VerdictCode } from "../constants.js";
import { ParsedPacket } from "../packet/parsed-packet.js";

/** Where the datagram that leaves is: nowhere (dropped or held), the decoded datagram, or the input as it came. */
enum HandOut {
  NONE = 0,
  DECODED = 1,
  INPUT = 2,
}
const NO_BYTES = new Uint8Array(0);

/**
 * The engine's answer for one packet. The engine reuses a single instance
 * (so the hot path allocates nothing): copy the fields you need before the
 * next call.
 */
export class PacketResult {
  /** {@link PacketState}. */
  state: PacketState = PacketStateCode.INVALID;
  /** {@link Direction}: ORIGINAL, REPLY, or NONE for INVALID/UNTRACKED. */
  direction: Direction = DirectionCode.NONE;
  /** {@link Verdict}. */
  verdict: Verdict = VerdictCode.ACCEPT;
  /** {@link Reason} the packet is INVALID for, else why it was dropped; Reason.NONE otherwise. */
  reason: number = ReasonCode.NONE;
  /**
   * {@link Reason} the packet was dropped for (an INVALID packet the
   * filter dropped keeps its INVALID reason in `reason`); Reason.NONE when
   * it was not dropped.
   */
  dropReason: number = ReasonCode.NONE;
  /** Connection slot, -1 when none. */
  slot = -1;
  /** Connection id, 0 when none. */
  connectionId = 0;
  /** The connection came from an expectation (Linux's EXPECTED status). */
  expected = false;
  /** Id of the expectation this packet's new connection consumed, or 0. */
  expectationId = 0;
  /** NAT changed this packet's addresses, ports or ICMP identifier. */
  translated = false;
  /** Payload rewrites a helper made in this packet (NAT). */
  rewrites = 0;

  /** @internal Helper index + 1 of the connection (0: none), named by {@link helper}. */
  helperIndex = 0;
  /** @internal Where the datagram that leaves is (a HandOut); read through {@link outBytes}. */
  out = HandOut.NONE;
  /** @internal The input, when it leaves as it came. */
  input: Uint8Array = NO_BYTES;
  /** @internal */
  inputOffset = 0;
  /** @internal */
  inputLength = 0;
  // The engine's decoded packet and helper names. Reading them only when
  // asked keeps the hot path to small-integer stores.
  private packet: ParsedPacket = new ParsedPacket();
  private helperNames: readonly string[] = [];

  /** Name of the helper attached to the connection, or null. */
  get helper(): string | null {
    return this.helperIndex === 0 ? null : (this.helperNames[this.helperIndex - 1] ?? null);
  }

  /**
   * The datagram to send on, as it leaves the engine: `outBytes[outOffset ..
   * outOffset + outLength)`. It is the input buffer (rewritten in place when
   * NAT changed it without changing its length) or an engine-owned buffer
   * that the next call reuses. `null` when the packet is dropped or held.
   */
  get outBytes(): Uint8Array | null {
    return this.out === HandOut.DECODED ? this.packet.bytes : this.out === HandOut.INPUT ? this.input : null;
  }
  /** Offset of the outgoing datagram in {@link outBytes} (0 when none). */
  get outOffset(): number {
    return this.out === HandOut.DECODED ? this.packet.l3Offset : this.out === HandOut.INPUT ? this.inputOffset : 0;
  }
  /** Length of the outgoing datagram (0 when none). */
  get outLength(): number {
    return this.out === HandOut.DECODED ? this.packet.l3End - this.packet.l3Offset : this.out === HandOut.INPUT ? this.inputLength : 0;
  }

  /** @internal The engine's decoded packet (the datagram that leaves) and its helpers' names. */
  bind(packet: ParsedPacket, helperNames: readonly string[]): void {
    this.packet = packet;
    this.helperNames = helperNames;
  }

  /** @internal The datagram leaves as decoded (a reassembled one whole, NAT's rewrites included). */
  handOutDecoded(): void {
    this.out = HandOut.DECODED;
  }

  /** @internal The datagram leaves as it came (it did not decode). */
  handOutInput(bytes: Uint8Array, offset: number, length: number): void {
    this.out = HandOut.INPUT;
    this.input = bytes;
    this.inputOffset = offset;
    this.inputLength = length;
  }

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
    this.state = PacketStateCode.INVALID;
    this.direction = DirectionCode.NONE;
    this.verdict = VerdictCode.ACCEPT;
    this.reason = ReasonCode.NONE;
    this.dropReason = ReasonCode.NONE;
    this.slot = -1;
    this.connectionId = 0;
    this.expected = false;
    this.helperIndex = 0;
    this.expectationId = 0;
    this.out = HandOut.NONE;
    this.translated = false;
    this.rewrites = 0;
  }
}
