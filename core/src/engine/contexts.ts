import type { Direction, PacketState } from "../constants.js";
import type { ExpectationRequest, ExpectResult, HelperContext, RelateContext } from "../helper/types.js";

/** What the contexts need from the engine (kept narrow so they stay simple). */
export interface ContextHost {
  expectFor(slot: number, helper: number, request: ExpectationRequest, now: number): ExpectResult;
  findQuoted(bytes: Uint8Array, offset: number, length: number, zone: number, now: number): number;
  isDestination(ref: number, dir: number, words: Uint32Array): boolean;
}

const EMPTY = new Uint8Array(0);
const NO_WORDS = new Uint32Array(4);

/** The one payload-hook context an engine owns, refilled before every call. */
export class PayloadContext implements HelperContext<unknown> {
  bytes: Uint8Array = EMPTY;
  payloadOffset = 0;
  payloadLength = 0;
  direction: Direction = 0;
  state: PacketState = 0;
  family = 0;
  protocol = 0;
  src: Uint32Array = NO_WORDS;
  dst: Uint32Array = NO_WORDS;
  srcPort = 0;
  dstPort = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpFlags = 0;
  now = 0;
  connectionId = 0;
  data: unknown = undefined;
  /** @internal slot and helper index of the current call. */
  slot = -1;
  helper = -1;

  constructor(private readonly host: ContextHost) {}

  expect(request: ExpectationRequest): ExpectResult {
    return this.host.expectFor(this.slot, this.helper, request, this.now);
  }
}

/** The one relation-hook context an engine owns. */
export class QuoteContext implements RelateContext {
  bytes: Uint8Array = EMPTY;
  family = 0;
  protocol = 0;
  icmpType = 0;
  icmpCode = 0;
  l4Offset = 0;
  l4Length = 0;
  src: Uint32Array = NO_WORDS;
  dst: Uint32Array = NO_WORDS;
  zone = 0;
  now = 0;

  constructor(private readonly host: ContextHost) {}

  findQuoted(offset: number, length: number): number {
    return this.host.findQuoted(this.bytes, offset, length, this.zone, this.now);
  }

  isDestination(ref: number, dir: Direction, words: Uint32Array): boolean {
    return this.host.isDestination(ref, dir, words);
  }
}
