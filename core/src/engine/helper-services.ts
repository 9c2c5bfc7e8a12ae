import { ReasonCode, StatusBit, StatusMask } from "../constants.js";
import type { Nat } from "../nat/nat.js";
import type { PayloadRewriter } from "../nat/rewrite.js";
import type { PacketResult } from "./result.js";
import { setSeqAdjustment } from "../table/seqadj.js";
import { Expectation } from "../expect/expectation.js";
import type { ExpectationEnd, ExpectationRegistry } from "../expect/registry.js";
import { InsertResult } from "../expect/registry.js";
import { checkQuery, checkRequest } from "../expect/request.js";
import { SourceQuota } from "../expect/source-quota.js";
import type { ContextHost } from "../helper/contexts.js";
import { ExpectationRef, type ExpectationControl } from "../helper/expectation-ref.js";
import type { HelperSet } from "../helper/helper-set.js";
import type { HelperHost } from "../helper/host.js";
import type {
  ConnectionQuery,
  ExpectAllOutcome,
  ExpectationFilter,
  ExpectationHandle,
  ExpectationQuery,
  ExpectationRequest,
  ExpectOutcome,
  ExpectRefusal,
  QuoteLookup,
} from "../helper/types.js";
import { decodeQuoted } from "../packet/decode-quoted.js";
import { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerRegistry } from "../proto/registry.js";
import type { ConnTable } from "../table/conn-table.js";
import type { Conntrack } from "./conntrack.js";
import { EventBit, type EventHub } from "./event-hub.js";
import type { ExpectationInfo } from "./info.js";
import type { Snapshots } from "./snapshots.js";
import type { EngineStats } from "./stats.js";

/** What the services work with. */
export interface ServiceParts {
  readonly table: ConnTable;
  readonly trackers: TrackerRegistry;
  readonly expectations: () => ExpectationRegistry;
  readonly helperSet: HelperSet;
  readonly helpers: () => HelperHost;
  /** NAT and its payload rewriter, when the engine translates. */
  readonly nat: Nat | null;
  readonly rewriter: PayloadRewriter | null;
  /** The packet being processed and the engine's result for it (rewrites change both). */
  readonly packet: ParsedPacket;
  readonly result: PacketResult;
  readonly events: EventHub;
  readonly snapshots: Snapshots;
  readonly stats: EngineStats;
  readonly time: Float64Array;
  /** What the engine's trackers offer helpers, by token key. */
  readonly services: ReadonlyMap<symbol, unknown>;
  /** Connection tracking, to destroy a connection a hook names (created after the services). */
  readonly conntrack: () => Conntrack;
  /** `maxExpectationsPerSource` (0: no per-source limit). */
  readonly perSource: number;
}

/** A checked request made into an expectation, with how to register it. */
interface Built {
  readonly expectation: Expectation;
  readonly searchPort: boolean;
  readonly skipMaster: boolean;
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
  private readonly keys = new Uint16Array(2);
  /** The per-source fairness limit, when configured. */
  private readonly quota: SourceQuota | null;

  constructor(private readonly p: ServiceParts) {
    this.quota = p.perSource > 0 ? new SourceQuota(p.perSource) : null;
  }

  get time(): Float64Array {
    return this.p.time;
  }

  get logging(): boolean {
    return (this.p.events.wanted & EventBit["helper-log"]) !== 0;
  }

  // --- expectations ------------------------------------------------------

  expect(slot: number, helper: number, dir: number, request: ExpectationRequest): ExpectOutcome {
    const made = this.build(slot, helper, dir, request);
    if (typeof made === "string") return this.refuse(helper, slot, made);
    const e = made.expectation;
    const policy = this.p.helperSet.list[helper]!.policies[e.cls]!;
    const res = this.insert(e, policy.maxExpected, made.searchPort, made.skipMaster);
    if (res < 0) return this.refuse(helper, slot, REFUSALS[res]!);
    return { ok: true, expectation: new ExpectationRef(e, this), replaced: res === InsertResult.REPLACED };
  }

  /**
   * Registers `e`; with `searchPort` on a translated master, another port
   * when its own is taken (`nf_nat_exp_find_port`: the same port, then up to
   * 128 random ones between it and 65535).
   */
  private insert(e: Expectation, maxExpected: number, searchPort: boolean, skipMaster: boolean): InsertResult {
    const registry = this.p.expectations();
    const nat = this.p.nat;
    if (!searchPort || nat === null || e.natPort < 0) return registry.insert(e, maxExpected, skipMaster);
    const min = e.dport;
    const range = 65535 - min;
    let left = Math.min(range, 128);
    for (;;) {
      const res = registry.insert(e, maxExpected, skipMaster);
      if (res !== InsertResult.BUSY || --left < 0) return res;
      e.dport = nat.randomBetween(min, min + range - 1);
      e.key = registry.keyOf(e.family, e.proto, e.zone, e.dst, e.dport);
    }
  }

  translated(slot: number): boolean {
    return this.p.table.inUse(slot) && (this.p.table.status(slot) & StatusMask.NAT) !== 0;
  }

  rewrite(slot: number, helper: number, dir: number, offset: number, length: number, text: string | Uint8Array): boolean {
    const rewriter = this.p.rewriter;
    const t = this.p.table;
    if (rewriter === null || !t.inUse(slot)) return false;
    const replacement = typeof text === "string" ? latin1Bytes(text) : text instanceof Uint8Array ? text : null;
    if (replacement === null) return false;
    const p = this.p.packet;
    const events = this.p.events;
    const wanted = (events.wanted & EventBit["payload-rewrite"]) !== 0;
    const before = wanted && offset >= 0 && length >= 0 && offset + length <= p.payloadLength ? latin1Text(p.bytes, p.payloadOffset + offset, length) : "";
    const delta = rewriter.rewrite(p, offset, length, replacement);
    if (delta === null) return false;
    // A length change moves every later sequence number of this direction (nf_ct_seqadj_set).
    if (delta !== 0 && this.p.trackers.get(p.protocol).adjustSequence !== undefined) {
      setSeqAdjustment(t, slot, dir, p.seq, delta);
      t.addStatus(slot, StatusBit.SEQ_ADJUST);
    }
    const r = this.p.result;
    r.rewrites++;
    r.translated = true;
    if (wanted) {
      events.emit(EventBit["payload-rewrite"], {
        type: "payload-rewrite",
        ts: this.p.time[0]!,
        connectionId: t.id(slot),
        helper: this.p.helperSet.names[helper] ?? `#${helper}`,
        direction: dir === 1 ? 1 : 0,
        seq: p.seq,
        offset,
        before,
        after: latin1Text(replacement, 0, replacement.length),
      });
    }
    return true;
  }

  expectAll(slot: number, helper: number, dir: number, requests: readonly ExpectationRequest[]): ExpectAllOutcome {
    // Read the list once (a copy), so a hostile array or proxy cannot throw or change under the checks.
    let list: readonly ExpectationRequest[] | null;
    try {
      list = Array.isArray(requests) ? Array.from(requests) : null;
    } catch {
      list = null;
    }
    if (list === null) {
      const r = this.refuse(helper, slot, "bad-request");
      return { ok: false, reason: r.reason, index: 0 };
    }
    // Check every request before registering any, so a malformed one costs nothing.
    const made: Built[] = [];
    for (let i = 0; i < list.length; i++) {
      const b = this.build(slot, helper, dir, list[i]!);
      if (typeof b === "string") return { ok: false, reason: this.refuse(helper, slot, b).reason, index: i };
      made.push(b);
    }
    const done: ExpectationHandle[] = [];
    for (let i = 0; i < made.length; i++) {
      const e = made[i]!.expectation;
      const policy = this.p.helperSet.list[helper]!.policies[e.cls]!;
      const res = this.insert(e, policy.maxExpected, made[i]!.searchPort, made[i]!.skipMaster);
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
    const wanted = classFilter(filter);
    return this.p
      .expectations()
      .ofMaster(t.id(slot))
      .filter((e) => wanted(e.cls))
      .map((e) => new ExpectationRef(e, this));
  }

  removeExpectationsOf(slot: number, filter: ExpectationFilter | undefined): number {
    const t = this.p.table;
    if (!t.inUse(slot)) return 0;
    const wanted = classFilter(filter);
    const registry = this.p.expectations();
    let n = 0;
    for (const e of registry.ofMaster(t.id(slot))) {
      if (wanted(e.cls) && registry.remove(e, "removed")) n++;
    }
    return n;
  }

  findExpectation(slot: number, query: ExpectationQuery): ExpectationInfo | null {
    const t = this.p.table;
    if (!t.inUse(slot)) return null;
    const family = t.family(slot);
    const q = checkQuery(query, family, t.protocol(slot), this.p.trackers);
    if (q === null) return null;
    const e = this.p.expectations().find(family, q.proto, t.zone(slot), q.src, q.dst, q.sport, q.dport);
    return e === undefined ? null : this.p.snapshots.expectation(e);
  }

  remove(e: Expectation): boolean {
    return this.p.expectations().remove(e, "removed");
  }

  refresh(e: Expectation, seconds: number): boolean {
    return this.p.expectations().refresh(e, this.p.time[0]!, seconds);
  }

  /** A checked request as an expectation of master `slot` (announced by a packet of direction `dir`), or why not. */
  private build(slot: number, helper: number, dir: number, request: ExpectationRequest): Built | ExpectRefusal {
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
    const e = new Expectation(
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
    // On a translated master the expected connection follows the master's translation back (nf_nat_follow_master).
    const nat = this.p.nat;
    if (nat !== null && (t.status(slot) & StatusMask.NAT) !== 0) {
      const followDir = nat.expectationDirection(slot, c.dst, dir);
      if (followDir >= 0) {
        e.natDir = followDir;
        e.natPort = c.dport;
      }
    }
    return { expectation: e, searchPort: c.searchPort, skipMaster: c.skipMaster };
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
    const t = this.p.table;
    if (this.quota !== null && e.live && t.holds(e.master, e.masterId)) {
      // The source is the master's original sender: the host that opened the control connection.
      const oldest = this.quota.add(e, e.family, e.zone, t.u32, t.srcAt(e.master, 0));
      if (oldest !== null) this.p.expectations().remove(oldest, "evicted");
    }
  }

  destroyed(e: Expectation, why: ExpectationEnd): void {
    this.quota?.remove(e);
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
    const tracker = trackers.get(q.protocol);
    if (reason === ReasonCode.NONE) reason = tracker.quotable(q);
    if (reason === ReasonCode.NONE) reason = tracker.invertKeys(q.sport, q.dport, this.keys);
    if (reason !== ReasonCode.NONE) return { found: false, reason };
    const now = this.p.time[0]!;
    // nf_conntrack_inet_error: the inverse of the quoted tuple names the connection in the error's direction.
    let ref = t.find(q.family, q.protocol, zone, q.dst, q.src, this.keys[0]!, this.keys[1]!);
    if (ref >= 0 && t.expires(ref >> 1) > now) {
      const s = ref >> 1;
      const errorDir = ref & 1;
      const at = t.dstAt(s, errorDir);
      return { found: true, connection: this.p.helpers().quoteView(s), direction: (errorDir ^ 1) as 0 | 1, errorDestination: t.u32.slice(at, at + 4) };
    }
    // The router's own errors quote a packet as it arrived, before source NAT: its tuple itself.
    ref = t.find(q.family, q.protocol, zone, q.src, q.dst, q.sport, q.dport);
    if (ref < 0 || t.expires(ref >> 1) <= now) return { found: false, reason: ReasonCode.ICMP_ERROR_UNRELATED };
    const s = ref >> 1;
    const at = t.srcAt(s, ref & 1);
    return { found: true, connection: this.p.helpers().quoteView(s), direction: (ref & 1) as 0 | 1, errorDestination: t.u32.slice(at, at + 4) };
  }

  service(key: symbol): unknown {
    return this.p.services.get(key);
  }

  killConnection(slot: number, query: ConnectionQuery): boolean {
    const t = this.p.table;
    if (!t.inUse(slot)) return false;
    const family = t.family(slot);
    // The same checks as an expectation lookup's; the protocol is required (-1: no default).
    const q = checkQuery(query, family, -1, this.p.trackers);
    if (q === null) return false;
    const ref = t.find(family, q.proto, t.zone(slot), q.src, q.dst, q.sport, q.dport);
    const s = ref >> 1;
    if (ref < 0 || s === slot) return false;
    // An entry whose time is up is not found (it is reaped instead), as nf_conntrack_find_get does.
    const expired = t.expires(s) <= this.p.time[0]!;
    this.p.conntrack().destroy(s, expired ? "timeout" : "killed");
    return !expired;
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

/** Latin-1 bytes of `text` (helpers' payloads are byte strings). */
function latin1Bytes(text: string): Uint8Array {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i) & 0xff;
  return b;
}

/** `b[at, at + n)` as Latin-1 text. */
function latin1Text(b: Uint8Array, at: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[at + i]!);
  return s;
}

/** The classes a filter selects: one, a list, or all. */
function classFilter(filter: ExpectationFilter | undefined): (cls: number) => boolean {
  const c = filter?.class;
  if (c === undefined) return () => true;
  if (typeof c === "number") return (cls) => cls === c;
  return Array.isArray(c) ? (cls) => c.includes(cls) : () => false;
}
