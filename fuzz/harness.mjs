// The fuzz harness: mutated packets from the conformance traces through an
// engine per target, with the invariants checked after every packet. Used
// by the short run in the test suite (test/fuzz.test.ts) and the long one
// (fuzz/run.mjs), whose figures docs/security.md quotes.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createEngine } from "@alg-sdk/core";
import { loadCorpus } from "./corpus.mjs";
import { mutate, rng } from "./mutate.mjs";
import { endpointProblem, icmpProblem, resultProblem } from "./invariants.mjs";
import { LIMITS } from "./targets.mjs";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

/** Heap and external bytes in use after full collections. */
export function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

let corpus = null;
/** The seed corpus (loaded once). */
export function seeds() {
  return (corpus ??= loadCorpus());
}

/**
 * Time gaps between two replays of a trace: mostly short, so connections
 * and expectations pile up to the limits; sometimes past every timeout
 * that matters, so they expire (by the sweep and by `engine.expire`).
 */
const SHORT_GAPS = [0.001, 0.01, 0.1, 1];
const LONG_GAPS = [31, 61, 121, 301, 3601];
/** Fraction of a replay's packets that are mutated. */
const MUTATION_RATES = [0, 0.05, 0.3, 1];
/** A TCP SYN without ACK (IPv4 or IPv6 without extension headers). */
function isSyn(b) {
  const v = b[0] >> 4;
  const l4 = v === 4 ? (b[0] & 0x0f) << 2 : 40;
  const proto = v === 4 ? b[9] : b[6];
  return proto === 6 && b.length > l4 + 13 && (b[l4 + 13] & 0x12) === 0x02;
}

/** Fraction of a replay's packets that are lost. */
const LOSS_RATES = [0, 0.02, 0.02, 0.3];
/** Problems kept per kind, as examples. */
const EXAMPLES = 3;

/**
 * Runs `packets` packets through a fresh engine for `target`.
 *
 * @param {import("./targets.mjs").Target} target
 * @param {{ packets: number, seed: number, checkEvery?: number }} o
 */
export function runTarget(target, o) {
  const traces = seeds();
  const r = rng(o.seed);
  const start = memory();
  const engine = createEngine({ ...LIMITS, hashSeed: o.seed, ...target.options() });
  const tableBytesAtMax = engine.memory().bytesPerConnection * LIMITS.maxConnections;
  // What the configured limits allow the engine to hold, plus a fixed allowance for code, caches and the harness's own records.
  const bound =
    tableBytesAtMax +
    2 * LIMITS.fragments.maxBytes +
    LIMITS.maxExpectations * 4096 +
    LIMITS.maxConnections * (target.stateBytes + 2048) +
    48 * 1024 * 1024;
  const f = {
    target: target.name,
    packets: 0,
    exceptions: 0,
    violations: { result: 0, bounds: 0, memory: 0, endpoint: 0, icmp: 0 },
    examples: [],
    states: [0, 0, 0, 0, 0],
    expectations: 0,
    related: 0,
    /** Most connections and pending expectations seen at once (how close the run came to the limits). */
    maxConnections: 0,
    maxExpectations: 0,
    start,
    end: start,
    peak: 0,
    bound,
    seconds: 0,
  };
  const problem = (kind, text) => {
    f.violations[kind]++;
    if (f.examples.filter((x) => x.kind === kind).length < EXAMPLES) f.examples.push({ kind, text });
  };
  const masters = new Map();
  const created = [];
  engine.on(
    (e) => {
      if (e.type === "conn-new") masters.set(e.connection.id, e.connection);
      else if (e.type === "conn-destroy") masters.delete(e.connection.id);
      else if (e.type === "expect-new") created.push(e.expectation);
    },
    { types: ["conn-new", "conn-destroy", "expect-new"] },
  );
  const checkMemory = () => {
    const m = memory();
    const used = m.heap + m.external - (start.heap + start.external);
    if (used > f.peak) f.peak = used;
    if (used > bound) problem("memory", `${(used / 2 ** 20).toFixed(1)} MiB held, bound ${(bound / 2 ** 20).toFixed(1)} MiB`);
    return m;
  };
  const checkEvery = o.checkEvery ?? Infinity;
  let nextCheck = checkEvery;
  let base = 1000;
  let last = 0;
  const t0 = process.hrtime.bigint();

  const send = (bytes, t, zone) => {
    f.packets++;
    engine.time[0] = t;
    let res;
    try {
      res = engine.process(bytes, undefined, zone);
    } catch (error) {
      f.exceptions++;
      if (f.examples.filter((x) => x.kind === "exception").length < EXAMPLES) f.examples.push({ kind: "exception", text: String(error?.stack ?? error) });
      return;
    }
    f.states[res.state] = (f.states[res.state] ?? 0) + 1;
    const bad = resultProblem(res);
    if (bad !== null) problem("result", bad);
    const conns = engine.connectionCount;
    const pending = engine.expectationCount;
    if (conns > f.maxConnections) f.maxConnections = conns;
    if (pending > f.maxExpectations) f.maxExpectations = pending;
    if (conns > LIMITS.maxConnections) problem("bounds", `${conns} connections`);
    if (pending > LIMITS.maxExpectations) problem("bounds", `${pending} expectations`);
    if (bytes[0] >> 4 === 4 && (bytes[6] & 0x3f) !== 0) {
      const m = engine.memory();
      if (m.fragmentBytes > LIMITS.fragments.maxBytes || m.fragmentDatagrams > LIMITS.fragments.maxDatagrams) problem("bounds", `fragments ${m.fragmentBytes} bytes, ${m.fragmentDatagrams} datagrams`);
    }
    if (res.state === 2) {
      f.related++;
      const icmp = icmpProblem(engine, res, bytes);
      if (icmp !== null) problem("icmp", icmp);
    }
    if (created.length > 0) {
      f.expectations += created.length;
      if (!target.loose) {
        for (const e of created) {
          const master = e.master === null ? undefined : masters.get(e.master.id);
          // A master never confirmed (its packet dropped) took its expectations with it.
          if (master === undefined) continue;
          const p = endpointProblem(e, master);
          if (p !== null) problem("endpoint", p);
        }
      }
      created.length = 0;
    }
  };

  while (f.packets < o.packets) {
    const trace = r.pick(traces);
    const rate = r.pick(MUTATION_RATES);
    // Some replays lose many packets: data connections that never come leave their expectations pending.
    const loss = r.pick(LOSS_RATES);
    // And some lose every SYN after the first packet: the announced connections never open.
    const synLoss = r.chance(0.3);
    // A replay in one of many zones opens new connections (each zone is a table of its own), so the limits are reached.
    const zone = r.int(1024);
    for (let i = 0; i < trace.packets.length && f.packets < o.packets; i++) {
      const p = trace.packets[i];
      if (r.chance(loss)) continue; // lost
      if (synLoss && i > 0 && isSyn(p.bytes)) continue;
      let list = r.chance(rate) ? mutate(r, p.bytes, r.pick(r.pick(traces).packets).bytes) : [p.bytes];
      if (r.chance(0.02)) list = [...list, ...list]; // duplicated
      last = Math.max(last, base + p.t);
      for (const b of list) if (f.packets < o.packets) send(b, last, zone);
    }
    base = last + (r.chance(0.01) ? r.pick(LONG_GAPS) : r.pick(SHORT_GAPS));
    if (r.chance(0.05)) engine.expire(base);
    if (f.packets >= nextCheck) {
      checkMemory();
      nextCheck += checkEvery;
    }
  }
  f.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  f.end = checkMemory();
  f.connections = engine.connectionCount;
  f.pendingExpectations = engine.expectationCount;
  f.helperErrors = engine.stats.helperErrors;
  return f;
}

/** Total violations of a run's figures. */
export function violations(f) {
  return Object.values(f.violations).reduce((a, b) => a + b, 0);
}
