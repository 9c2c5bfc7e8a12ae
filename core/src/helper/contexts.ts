import type { Direction, PacketState } from "../constants.js";
import type { ConnectionEnd, ExpectationInfo } from "../engine/info.js";
import type { ConnView } from "./connection-view.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ServiceToken } from "../service.js";
import type {
  ConnectionQuery,
  ConnectionView,
  DestroyContext,
  ExpectAllOutcome,
  ExpectationFilter,
  ExpectationHandle,
  ExpectationQuery,
  ExpectationRequest,
  ExpectOutcome,
  ExpiryContext,
  HelperLogger,
  MatchContext,
  PacketContext,
  QuoteLookup,
  RelateContext,
  StateContext,
} from "./types.js";

/** What the contexts ask the engine to do; kept narrow so the contexts stay simple. */
export interface ContextHost {
  expect(slot: number, helper: number, dir: number, request: ExpectationRequest): ExpectOutcome;
  expectAll(slot: number, helper: number, dir: number, requests: readonly ExpectationRequest[]): ExpectAllOutcome;
  translated(slot: number): boolean;
  rewrite(slot: number, helper: number, dir: number, offset: number, length: number, text: string | Uint8Array): boolean;
  expectationsOf(slot: number, filter: ExpectationFilter | undefined): ExpectationHandle[];
  removeExpectationsOf(slot: number, filter: ExpectationFilter | undefined): number;
  findExpectation(slot: number, query: ExpectationQuery): ExpectationInfo | null;
  setTimeout(slot: number, seconds: number): void;
  findQuoted(bytes: Uint8Array, offset: number, length: number, zone: number): QuoteLookup;
  attachHelper(slot: number, name: string): boolean;
  /** The service a tracker offers under `key`, or undefined. */
  service(key: symbol): unknown;
  /** Destroys the connection with tuple `query` in slot `slot`'s family and zone, never `slot` itself. */
  killConnection(slot: number, query: ConnectionQuery): boolean;
  log(helper: number, connectionId: number, level: "debug" | "info" | "warn", message: string, detail: unknown): void;
  readonly logging: boolean;
}

/** The logger every context of one helper call shares. */
export class HookLogger implements HelperLogger {
  helper = -1;
  connectionId = 0;

  constructor(private readonly host: ContextHost) {}

  get enabled(): boolean {
    return this.host.logging;
  }
  debug(message: string, detail?: unknown): void {
    this.host.log(this.helper, this.connectionId, "debug", String(message), detail);
  }
  info(message: string, detail?: unknown): void {
    this.host.log(this.helper, this.connectionId, "info", String(message), detail);
  }
  warn(message: string, detail?: unknown): void {
    this.host.log(this.helper, this.connectionId, "warn", String(message), detail);
  }
}

const EMPTY = new Uint8Array(0);
const NO_WORDS = new Uint32Array(4);

/** The one payload-hook context an engine owns, refilled before every call. */
export class PacketCtx implements PacketContext<unknown, unknown> {
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
  data: unknown = undefined;
  options: unknown = undefined;
  slot = -1;
  helper = -1;
  /** The engine's packet the fields above were copied from (re-read after a rewrite). */
  packet: ParsedPacket | null = null;

  constructor(
    private readonly host: ContextHost,
    readonly connection: ConnView,
    readonly log: HookLogger,
  ) {}

  get translated(): boolean {
    return this.host.translated(this.slot);
  }
  expect(request: ExpectationRequest): ExpectOutcome {
    return this.host.expect(this.slot, this.helper, this.direction, request);
  }
  expectAll(requests: readonly ExpectationRequest[]): ExpectAllOutcome {
    return this.host.expectAll(this.slot, this.helper, this.direction, requests);
  }
  rewrite(offset: number, length: number, text: string | Uint8Array): boolean {
    if (!this.host.rewrite(this.slot, this.helper, this.direction, offset, length, text)) return false;
    const p = this.packet!;
    this.bytes = p.bytes;
    this.payloadOffset = p.payloadOffset;
    this.payloadLength = p.payloadLength;
    return true;
  }
  expectations(filter?: ExpectationFilter): ExpectationHandle[] {
    return this.host.expectationsOf(this.slot, filter);
  }
  removeExpectations(filter?: ExpectationFilter): number {
    return this.host.removeExpectationsOf(this.slot, filter);
  }
  findExpectation(query: ExpectationQuery): ExpectationInfo | null {
    return this.host.findExpectation(this.slot, query);
  }
  setTimeout(seconds: number): void {
    this.host.setTimeout(this.slot, seconds);
  }
  killConnection(tuple: ConnectionQuery): boolean {
    return this.host.killConnection(this.slot, tuple);
  }
  service<T>(token: ServiceToken<T>): T | undefined {
    return serviceOf(this.host, token);
  }
}

/** A service by its token, for every context (a malformed token finds nothing). */
function serviceOf<T>(host: ContextHost, token: ServiceToken<T>): T | undefined {
  const key = (token as { key?: unknown } | null)?.key;
  return typeof key === "symbol" ? (host.service(key) as T | undefined) : undefined;
}

/** Context of `createState`. */
export class StateCtx implements StateContext<unknown> {
  now = 0;
  options: unknown = undefined;
  constructor(
    private readonly host: ContextHost,
    readonly connection: ConnView,
    readonly log: HookLogger,
  ) {}
  service<T>(token: ServiceToken<T>): T | undefined {
    return serviceOf(this.host, token);
  }
}

/** Context of `onConnectionDestroyed`. */
export class DestroyCtx implements DestroyContext<unknown> {
  now = 0;
  data: unknown = undefined;
  reason: ConnectionEnd = "timeout";
  slot = -1;
  constructor(
    private readonly host: ContextHost,
    readonly connection: ConnView,
    readonly log: HookLogger,
  ) {}
  killConnection(tuple: ConnectionQuery): boolean {
    return this.host.killConnection(this.slot, tuple);
  }
  service<T>(token: ServiceToken<T>): T | undefined {
    return serviceOf(this.host, token);
  }
}

/** Context of `onExpectationMatched` (made per call: a slow path). */
export class MatchCtx implements MatchContext<unknown> {
  constructor(
    private readonly host: ContextHost,
    private readonly slot: number,
    readonly now: number,
    readonly log: HookLogger,
    readonly expectation: ExpectationInfo,
    readonly connection: ConnectionView,
    readonly master: ConnectionView | null,
    readonly data: unknown,
  ) {}
  attachHelper(name: string): boolean {
    return this.host.attachHelper(this.slot, name);
  }
  service<T>(token: ServiceToken<T>): T | undefined {
    return serviceOf(this.host, token);
  }
}

/** Context of `onExpectationExpired` (made per call). */
export class ExpiryCtx implements ExpiryContext<unknown> {
  constructor(
    private readonly host: ContextHost,
    readonly now: number,
    readonly log: HookLogger,
    readonly expectation: ExpectationInfo,
    readonly master: ConnectionView | null,
    readonly data: unknown,
  ) {}
  service<T>(token: ServiceToken<T>): T | undefined {
    return serviceOf(this.host, token);
  }
}

/** The one relation-hook context an engine owns. */
export class RelateCtx implements RelateContext {
  bytes: Uint8Array = EMPTY;
  family = 0;
  protocol = 0;
  icmpType = 0;
  icmpCode = 0;
  l4Offset = 0;
  l4Length = 0;
  quoteOffset = 0;
  src: Uint32Array = NO_WORDS;
  dst: Uint32Array = NO_WORDS;
  zone = 0;
  now = 0;

  constructor(
    private readonly host: ContextHost,
    readonly log: HookLogger,
  ) {}

  findQuoted(offset: number, length: number): QuoteLookup {
    return this.host.findQuoted(this.bytes, offset, length, this.zone);
  }
  service<T>(token: ServiceToken<T>): T | undefined {
    return serviceOf(this.host, token);
  }
}
