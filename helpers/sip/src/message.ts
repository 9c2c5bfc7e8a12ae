import { HelperVerdict, type PacketContext } from "@alg-sdk/core";
import { Match } from "./header-match.js";
import { UriTarget } from "./header-params.js";
import type { ResolvedSipOptions } from "./options.js";
import type { SipState } from "./state.js";

const EMPTY = new Uint8Array(0);

export type SipContext = PacketContext<SipState, undefined>;

/**
 * The SIP message being processed: the packet's context, where the message
 * lies in the packet (`start` to `end`: a whole UDP payload, or one message
 * of a TCP segment) and the helper's settings. One instance per helper,
 * refilled for every message; the scratch objects in it are reused too, so
 * parsing allocates nothing.
 */
export class SipMessage {
  /** The packet's context while a packet is processed (the engine reuses it: released after each packet). */
  ctx!: SipContext;
  bytes: Uint8Array = EMPTY;
  start = 0;
  end = 0;
  family = 4;
  readonly match = new Match();
  readonly uri = new UriTarget();
  /** SDP session and media addresses. */
  readonly sessionAddress = new Uint32Array(4);
  readonly mediaAddress = new Uint32Array(4);

  constructor(
    readonly options: ResolvedSipOptions,
    readonly helperName: string,
  ) {}

  /** Starts on the packet `ctx` describes. */
  bind(ctx: SipContext): this {
    this.ctx = ctx;
    this.bytes = ctx.bytes;
    this.family = ctx.family;
    return this;
  }

  /** Points the message at `bytes[start, end)` of the packet (the datagram, or one message of a segment). */
  span(start: number, end: number): this {
    this.start = start;
    this.end = end;
    return this;
  }

  /** Forgets the packet: hooks must not keep the engine's context or bytes. */
  release(): void {
    this.ctx = undefined as unknown as SipContext;
    this.bytes = EMPTY;
  }

  get state(): SipState {
    return this.ctx.data;
  }

  /** Drops the packet for `why`, as Linux's `nf_ct_helper_log` + NF_DROP (the reason goes to `helper-log` events). */
  drop(why: string): HelperVerdict {
    const log = this.ctx.log;
    if (log.enabled) log.info(`dropping packet: ${why}`, { why });
    return HelperVerdict.DROP;
  }
}
