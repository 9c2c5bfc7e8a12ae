import { inject, injectable, injectAll } from "tsyringe";
import type { EngineConfig } from "../config.js";
import type { ExpectationRegistry } from "../expect/registry.js";
import type { HelperSet } from "../helper/helper-set.js";
import type { Helper } from "../helper/types.js";
import type { Defragmenter } from "../packet/defrag.js";
import { ParsedPacket } from "../packet/parsed-packet.js";
import type { ProtocolTracker } from "../proto/tracker.js";
import type { ConnTable } from "../table/conn-table.js";
import type { ServiceToken } from "../service.js";
import { TOKENS } from "../tokens.js";
import { assembleEngine, type EngineSetup } from "./assemble.js";
import type { Collector } from "./collector.js";
import type { Conntrack } from "./conntrack.js";
import { EventHub, type SubscribeOptions } from "./event-hub.js";

export type { EngineSetup } from "./assemble.js";
import type { ConnectionInfo, EngineEventListener, ExpectationInfo } from "./info.js";
import { PacketPipeline } from "./pipeline.js";
import { PacketResult } from "./result.js";
import type { Snapshots } from "./snapshots.js";
import { EngineStats } from "./stats.js";

export { ProcessFlag } from "./pipeline.js";

/**
 * The connection-tracking engine: give it IP datagrams, it answers with the
 * state a stateful firewall would see (NEW, ESTABLISHED, RELATED, INVALID,
 * UNTRACKED), the direction and a verdict, reproducing Linux's
 * nf_conntrack.
 *
 * Create it with `createEngine(options)`. One engine is single-threaded and
 * deterministic: time only comes from the timestamps you pass (or the clock
 * you inject), and randomness only from its `hashSeed` (drawn at random
 * when not given, as Linux seeds its hash: give one to repeat a run).
 */
@injectable()
export class Engine {
  /** Counters. */
  readonly stats = new EngineStats();
  /** The answer for the last packet (reused: copy what you keep). */
  readonly result = new PacketResult();
  /**
   * The engine's time in seconds: the last packet's. Calls without a
   * timestamp (and without an injected clock) read it, so a caller can set
   * it by a plain store, `engine.time[0] = ts`, which never allocates.
   */
  readonly time = new Float64Array(1);
  /**
   * The interfaces of the datagram about to be processed, for policies that
   * match them (`PolicyPacket.inInterface` / `outInterface`, nft's `iif` /
   * `oif`): `[0]` the one it came in on, `[1]` the one it goes out by. The
   * values are small integers the embedder chooses (an interface's index);
   * 0 means unknown. Write them before `process`, by plain stores that
   * never allocate; they stay until written again, like {@link time}.
   *
   * The output interface is the routing decision for the destination after
   * destination NAT. Give the engine a `route` option to have it asked at
   * that point (it then writes `[1]` itself); without one, write the
   * interface you routed the datagram's destination to, knowing that a
   * destination NAT that moves the destination elsewhere is not reflected.
   *
   * @example
   * ```ts
   * import { createEngine } from "@alg-sdk/core";
   * const engine = createEngine();
   * const LAN = 1;
   * const WAN = 2;
   * declare const datagram: Uint8Array;
   * engine.interfaces[0] = LAN; // came in on lan
   * engine.interfaces[1] = WAN; // routed out by wan
   * engine.process(datagram, 12.5);
   * ```
   */
  readonly interfaces = new Uint32Array(2);

  private readonly table: ConnTable;
  private readonly helperSet: HelperSet;
  private readonly expectations: ExpectationRegistry;
  private readonly defrag: Defragmenter;
  private readonly conntrack: Conntrack;
  private readonly collector: Collector;
  private readonly events = new EventHub();
  private readonly snap: Snapshots;
  private readonly pipeline: PacketPipeline;
  /** Inside process, expire or flush: a call from a hook or a listener must not re-enter (see {@link process}). */
  private busy = false;
  private readonly config: EngineConfig;
  /** What trackers offer helpers, by token key. */
  private readonly serviceMap: Map<symbol, unknown>;

  constructor(
    @inject(TOKENS.Config) given: EngineConfig,
    @injectAll(TOKENS.Helper, { isOptional: true }) helpers: Helper[],
    @injectAll(TOKENS.Tracker, { isOptional: true }) trackers: ProtocolTracker[],
    @inject(TOKENS.Setup) setup: EngineSetup,
  ) {
    const shared = { result: this.result, stats: this.stats, time: this.time, interfaces: this.interfaces, events: this.events, packet: new ParsedPacket() };
    const parts = assembleEngine(given, helpers, trackers, setup, shared);
    this.config = parts.config;
    this.serviceMap = parts.services;
    this.helperSet = parts.helperSet;
    this.table = parts.table;
    this.snap = parts.snapshots;
    this.expectations = parts.expectations;
    this.defrag = parts.defrag;
    this.conntrack = parts.conntrack;
    this.collector = parts.collector;
    this.pipeline = new PacketPipeline(parts, shared);
  }

  // ------------------------------------------------------------------
  // Per packet
  // ------------------------------------------------------------------

  /**
   * Tracks one IP datagram (IPv4 or IPv6, starting at the IP header).
   *
   * @param bytes - the datagram; read during the call (and rewritten in place by NAT).
   * @param ts - the packet's time in seconds; default: the injected clock,
   *   or without one {@link time}`[0]`. (For allocation-free replay write the
   *   time into `engine.time[0]` and omit `ts`: V8 may box a float argument.)
   * @param zone - conntrack zone (separate tables in one engine). Default 0.
   * @param flags - {@link ProcessFlag} bits.
   * (The interfaces the datagram came in on and goes out by are not
   * arguments: write them into {@link interfaces} first.)
   * @returns the engine's reused {@link PacketResult}.
   * @throws Error when called re-entrantly: from a helper hook or an event
   *   listener while the engine is inside `process`, `processRange`,
   *   `expire` or `flush`. The engine is single-threaded and its pipeline
   *   works on one packet at a time (one reused result, one parsed packet),
   *   so a nested call would overwrite the outer packet's result and could
   *   confirm a tuple twice. Nothing is changed by the refused call; the
   *   outer call finishes normally (a hook's throw is contained and counted
   *   as a helper error, a listener's is ignored). Queue the packet and
   *   process it after the outer call returns.
   */
  process(bytes: Uint8Array, ts?: number, zone = 0, flags = 0): PacketResult {
    return this.processRange(bytes, 0, bytes.length, ts, zone, flags);
  }

  /** Like {@link process}, for a datagram at `offset` in a larger buffer (a capture record). */
  processRange(bytes: Uint8Array, offset: number, length: number, ts?: number, zone = 0, flags = 0): PacketResult {
    if (this.busy) this.reentered("process");
    this.busy = true;
    try {
      if (ts !== undefined) this.time[0] = ts;
      else if (this.config.clock !== undefined) this.time[0] = this.config.clock();
      this.pipeline.run(bytes, offset, length, zone, flags);
      return this.result;
    } finally {
      this.busy = false;
    }
  }

  // ------------------------------------------------------------------
  // Public API
  // ------------------------------------------------------------------

  /**
   * Subscribes to events (all, or `options.types`); returns the function that
   * unsubscribes. Snapshots are built only for the types someone listens to.
   */
  on(listener: EngineEventListener, options?: SubscribeOptions): () => void {
    return this.events.subscribe(listener, options);
  }

  /**
   * The service a registered tracker offers under `token` (GRE's keymaps:
   * `engine.service(GRE_KEYMAPS)`), or undefined when no tracker offers it.
   */
  service<T>(token: ServiceToken<T>): T | undefined {
    return this.serviceMap.get(token.key) as T | undefined;
  }

  /** Connections tracked now (including unexpired ones that will time out). */
  get connectionCount(): number {
    return this.table.count;
  }

  /** Expectations pending now. */
  get expectationCount(): number {
    return this.expectations.size;
  }

  /** Names of the registered helpers, in registration order. */
  get helperList(): readonly string[] {
    return this.helperSet.names;
  }

  /** Snapshots of every confirmed connection, by slot order. */
  *connections(): IterableIterator<ConnectionInfo> {
    for (let s = 0; s < this.table.capacity; s++) {
      if (this.table.family(s) !== 0 && this.table.confirmed(s)) yield this.snap.connection(s);
    }
  }

  /** Snapshot of the connection in `slot`, or null. */
  connection(slot: number): ConnectionInfo | null {
    return this.table.inUse(slot) ? this.snap.connection(slot) : null;
  }

  /** Snapshots of every pending expectation. */
  *pendingExpectations(): IterableIterator<ExpectationInfo> {
    for (const e of this.expectations.all()) yield this.snap.expectation(e);
  }

  /** Sets the mark of a connection (inherited by connections it expects). */
  setMark(slot: number, mark: number): void {
    if (this.table.inUse(slot)) this.table.setMark(slot, mark >>> 0);
  }

  /**
   * Removes connections, expectations and incomplete fragmented datagrams
   * that expired at `now` (a full sweep). Not re-entrant (see {@link process}).
   */
  expire(now: number): void {
    if (this.busy) this.reentered("expire");
    this.busy = true;
    try {
      this.time[0] = now;
      this.expectations.expire(now);
      this.defrag.expire(now);
      this.collector.reap(this.table.capacity);
    } finally {
      this.busy = false;
    }
  }

  /** Removes every connection and expectation. Not re-entrant (see {@link process}). */
  flush(): void {
    if (this.busy) this.reentered("flush");
    this.busy = true;
    try {
      this.expectations.flush();
      for (let s = 0; s < this.table.capacity; s++) if (this.table.family(s) !== 0) this.conntrack.destroy(s, "flushed");
    } finally {
      this.busy = false;
    }
  }

  /** Refuses a nested call (out of line: the per-packet check stays one branch). */
  private reentered(call: string): never {
    throw new Error(
      `engine.${call}() was called from inside a helper hook or an event listener while the engine was busy: ` +
        "the engine is not re-entrant; queue the work and do it after the current call returns",
    );
  }

  /**
   * Typed-array bytes per connection slot, and in all (for capacity
   * planning); bytes and datagrams the defragmenter holds (counted as
   * against `fragments.maxBytes`: data, headers and per-fragment overheads).
   */
  memory(): { bytesPerConnection: number; tableBytes: number; capacity: number; fragmentBytes: number; fragmentDatagrams: number } {
    return {
      bytesPerConnection: this.table.bytesPerSlot(),
      tableBytes: this.table.byteLength(),
      capacity: this.table.capacity,
      fragmentBytes: this.defrag.heldBytes,
      fragmentDatagrams: this.defrag.pending,
    };
  }
}
