import { Reason } from "../constants.js";
import { Expectation } from "../expect/expectation.js";
import type { ExpectationEnd, ExpectationRegistry } from "../expect/registry.js";
import { InsertResult } from "../expect/registry.js";
import { checkRequest } from "../expect/request.js";
import type { ContextHost } from "../helper/contexts.js";
import { ExpectationRef, type ExpectationControl } from "../helper/expectation-ref.js";
import type { HelperSet } from "../helper/helper-set.js";
import type { HelperHost } from "../helper/host.js";
import type {
  ExpectAllOutcome,
  ExpectationFilter,
  ExpectationHandle,
  ExpectationRequest,
  ExpectOutcome,
  ExpectRefusal,
  QuoteLookup,
} from "../helper/types.js";
import { decodeQuoted } from "../packet/decode-quoted.js";
import { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerRegistry } from "../proto/registry.js";
import type { ConnTable } from "../table/conn-table.js";
import { EventBit, type EventHub } from "./event-hub.js";
import type { Snapshots } from "./snapshots.js";
import type { EngineStats } from "./stats.js";

/** What the services work with. */
export interface ServiceParts {
  readonly table: ConnTable;
  readonly trackers: TrackerRegistry;
  readonly expectations: () => ExpectationRegistry;
  readonly helperSet: HelperSet;
  readonly helpers: () => HelperHost;
  readonly events: EventHub;
  readonly snapshots: Snapshots;
  readonly stats: EngineStats;
  readonly time: Float64Array;
}

const REFUSALS: Readonly<Record<number, ExpectRefusal>> = {
  [InsertResult.ALREADY]: "already",
  [InsertResult.BUSY]: "busy",
  [InsertResult.LIMIT]: "limit",
};

/**
 * What hooks ask of the engine, behind their contexts: expectations
 * (create, list, remove, activate, refresh), timeouts, quote lookups,
 * logging. It also observes the expectation registry to turn its changes
 * into statistics, events and the `onExpectationExpired` hook.
 */
export class HelperServices implements ContextHost, ExpectationControl {
  private readonly quoted = new ParsedPacket();

  constructor(private readonly p: ServiceParts) {}

  get time(): Float64Array {
    return this.p.time;
  }

  get logging(): boolean {
    return (this.p.events.wanted & EventBit["helper-log"]) !== 0;
  }

  // --- expectations ------------------------------------------------------

  expect(slot: number, helper: number, request: ExpectationRequest): ExpectOutcome {
    const made = this.build(slot, helper, request);
    if (typeof made === "string") return this.refuse(helper, slot, made);
    const policy = this.p.helperSet.list[helper]!.policies[made.cls]!;
    const res = this.p.expectations().insert(made, policy.maxExpected);
    if (res < 0) return this.refuse(helper, slot, REFUSALS[res]!);
    return { ok: true, expectation: new ExpectationRef(made, this), replaced: res === InsertResult.REPLACED };
  }

  expectAll(slot: number, helper: number, requests: readonly ExpectationRequest[]): ExpectAllOutcome {
    if (!Array.isArray(requests)) {
      const r = this.refuse(helper, slot, "bad-request");
      return { ok: false, reason: r.reason, index: 0 };
    }
    // Check every request before registering any, so a malformed one costs nothing.
    const made: Expectation[] = [];
    for (let i = 0; i < requests.length; i++) {
      const e = this.build(slot, helper, requests[i]!);
      if (typeof e === "string") return { ok: false, reason: this.refuse(helper, slot, e).reason, index: i };
      made.push(e);
    }
    const done: ExpectationHandle[] = [];
    for (let i = 0; i < made.length; i++) {
      const e = made[i]!;
      const policy = this.p.helperSet.list[helper]!.policies[e.cls]!;
      const res = this.p.expectations().insert(e, policy.maxExpected);
      if (res < 0) {
        // All or nothing: take back what this group registered (as Linux's SIP helper unexpects RTP when RTCP fails).
        for (const h of done) h.remove();
        return { ok: false, reason: this.refuse(helper, slot, REFUSALS[res]!).reason, index: i };
      }
      done.push(new ExpectationRef(e, this));
    }
    return { ok: true, expectations: done };
  }

  expectationsOf(slot: number, filter: ExpectationFilter | undefined): ExpectationHandle[] {
    const t = this.p.table;
    if (!t.inUse(slot)) return [];
    const cls = filter?.class;
    return this.p
      .expectations()
      .ofMaster(t.id(slot))
      .filter((e) => cls === undefined || e.cls === cls)
      .map((e) => new ExpectationRef(e, this));
  }

  removeExpectationsOf(slot: number, filter: ExpectationFilter | undefined): number {
    const t = this.p.table;
    if (!t.inUse(slot)) return 0;
    const cls = filter?.class;
    const registry = this.p.expectations();
    let n = 0;
    for (const e of [...registry.ofMaster(t.id(slot))]) {
      if (cls !== undefined && e.cls !== cls) continue;
      if (registry.remove(e, "removed")) n++;
    }
    return n;
  }

  remove(e: Expectation): boolean {
    return this.p.expectations().remove(e, "removed");
  }

  refresh(e: Expectation, seconds: number): boolean {
    return this.p.expectations().refresh(e, this.p.time[0]!, seconds);
  }

  /** A checked request as an expectation of master `slot`, or why not. */
  private build(slot: number, helper: number, request: ExpectationRequest): Expectation | ExpectRefusal {
    const { table: t, helperSet } = this.p;
    if (!t.inUse(slot)) return "no-connection";
    const family = t.family(slot);
    const c = checkRequest(request, {
      family,
      masterProto: t.protocol(slot),
      policies: helperSet.list[helper]!.policies,
      trackers: this.p.trackers,
      helperIndex: (name) => helperSet.indexOf(name),
    });
    if (typeof c === "string") return c;
    const zone = t.zone(slot);
    const registry = this.p.expectations();
    return new Expectation(
      family,
      c.proto,
      zone,
      c.src,
      c.srcMask,
      c.sport,
      c.sportMask,
      c.dst,
      c.dport,
      slot,
      t.id(slot),
      helper,
      c.cls,
      c.flags,
      c.assignHelper,
      this.p.time[0]!,
      c.timeout,
      registry.keyOf(family, c.proto, zone, c.dst, c.dport),
    );
  }

  private refuse(helper: number, slot: number, reason: ExpectRefusal): { readonly ok: false; readonly reason: ExpectRefusal } {
    this.p.stats.expectationsRefused++;
    const id = this.p.table.inUse(slot) ? this.p.table.id(slot) : 0;
    if (this.logging) this.log(helper, id, "debug", `expectation refused: ${reason}`, { reason });
    return { ok: false, reason };
  }

  // --- the registry's observer ---------------------------------------------

  created(e: Expectation): void {
    this.p.stats.expectationsCreated++;
    const events = this.p.events;
    if ((events.wanted & EventBit["expect-new"]) !== 0) {
      events.emit(EventBit["expect-new"], { type: "expect-new", ts: this.p.time[0]!, expectation: this.p.snapshots.expectation(e) });
    }
  }

  destroyed(e: Expectation, why: ExpectationEnd): void {
    if (why === "timeout") this.p.stats.expectationsExpired++;
    else if (why === "evicted") this.p.stats.expectationsEvicted++;
    const events = this.p.events;
    if ((events.wanted & EventBit["expect-destroy"]) !== 0) {
      events.emit(EventBit["expect-destroy"], {
        type: "expect-destroy",
        ts: this.p.time[0]!,
        expectation: this.p.snapshots.expectation(e),
        reason: why,
      });
    }
    if (why === "timeout") this.p.helpers().expired(e);
  }

  // --- the rest of what hooks ask for ---------------------------------------

  setTimeout(slot: number, seconds: number): void {
    if (!this.p.table.inUse(slot) || typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) return;
    this.p.table.setExpires(slot, this.p.time[0]! + seconds);
  }

  findQuoted(bytes: Uint8Array, offset: number, length: number, zone: number): QuoteLookup {
    const q = this.quoted;
    const { table: t, trackers } = this.p;
    let reason = decodeQuoted(bytes, offset, length, q, trackers);
    if (reason === Reason.NONE) reason = trackers.get(q.protocol).quotable(q);
    if (reason !== Reason.NONE) return { found: false, reason };
    const ref = t.find(q.family, q.protocol, zone, q.src, q.dst, q.sport, q.dport);
    if (ref < 0 || t.expires(ref >> 1) <= this.p.time[0]!) return { found: false, reason: Reason.ICMP_ERROR_UNRELATED };
    return { found: true, connection: this.p.helpers().quoteView(ref >> 1), direction: (ref & 1) as 0 | 1 };
  }

  attachHelper(slot: number, name: string): boolean {
    const i = typeof name === "string" ? this.p.helperSet.indexOf(name) : -1;
    if (i < 0 || !this.p.table.inUse(slot)) return false;
    this.p.helpers().attach(slot, i + 1, undefined);
    return true;
  }

  log(helper: number, connectionId: number, level: "debug" | "info" | "warn", message: string, detail: unknown): void {
    const events = this.p.events;
    if ((events.wanted & EventBit["helper-log"]) === 0) return;
    events.emit(EventBit["helper-log"], {
      type: "helper-log",
      ts: this.p.time[0]!,
      helper: this.p.helperSet.names[helper] ?? `#${helper}`,
      connectionId,
      level,
      message,
      detail,
    });
  }
}
