// Engine throughput and memory per connection.
//
//   npm run build && node bench/engine.mjs [--flows 10000,100000,1000000] [--packets 5000000]
//   npm run build && node bench/engine.mjs --against <git revision> [--flows ...] [--rounds 20]
//
// For each flow count: open every flow with a real handshake (SYN, SYN-ACK,
// ACK), then time ESTABLISHED packets of known flows (the hot path), and
// report packets per second and the table's bytes per connection. Two visit
// orders: "seq" walks the flows in table order (traffic with locality, the
// table streams through the cache) and "shuffled" visits them at random
// (every packet misses the cache: the worst case).
//
// With --against, the same rows compare this build with core as it was at a
// git revision (built once under .cache/bench-engine/): both engines run in
// one process on the same packets, in alternating batches (ABBA), so both
// see the same load on a shared machine. Reported per row: each one's
// packets/s, the median of the per-round ratios current / baseline, and the
// current engine's GCs while timed.
import { performance, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as current from "../core/dist/index.js";
import { baselineCore } from "./support/baseline-core.mjs";
import { T0, ackPackets, driver, openFlows } from "./support/established-flows.mjs";

// When each garbage collection started: those inside the timed loop are its
// GCs (0 means the hot path allocated nothing worth collecting). Entries
// arrive late on a busy machine, so they are placed by time, not by arrival.
const gcStarts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
}).observe({ entryTypes: ["gc"] });
const gcsBetween = (from, to) => gcStarts.filter((t) => t >= from && t <= to).length;
// Setup garbage (the test kit's packets) is collected before the clock starts,
// so a young generation it left nearly full is not collected while timed.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc");
const settle = async () => {
  collectGarbage();
  await new Promise((r) => setTimeout(r, 50)); // let pending GC entries arrive
};

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flowCounts = arg("flows", "10000,100000,1000000").split(",").map(Number);
const timedPackets = Number(arg("packets", "5000000"));
const against = arg("against", undefined);
const rounds = Number(arg("rounds", "20"));
const WARM_UP = 300_000;

/**
 * An engine of `flows` open connections (from `core`), and its driver over
 * `buf`, warmed up through the same loop as the measurement so that V8 has
 * optimised it (and the engine) before the clock starts.
 */
function warmedEngine(core, driverOf, flows, buf, n) {
  const engine = core.createEngine({ maxConnections: flows, initialCapacity: flows });
  openFlows(engine, flows);
  const drive = driverOf(engine, buf, n);
  drive(WARM_UP, T0 + 1);
  return { engine, drive };
}

/** `count` packets through `drive` from time `t`, timed; all must be ESTABLISHED. */
function timed(drive, count, t) {
  const from = performance.now();
  const start = process.hrtime.bigint();
  const established = drive(count, t);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const to = performance.now();
  if (established !== count) throw new Error(`only ${established} of ${count} packets were ESTABLISHED`);
  return { seconds, from, to };
}

/** One row: an engine of `flows` connections, timed on ESTABLISHED packets. */
async function measure(flows, shuffled) {
  const { buf, n } = ackPackets(flows, shuffled);
  const { engine, drive } = warmedEngine(current, driver, flows, buf, n);
  await settle();
  const t = timed(drive, timedPackets, T0 + 2);
  await settle();
  const mem = engine.memory();
  return { pps: timedPackets / t.seconds, gcs: gcsBetween(t.from, t.to), bytesPerConnection: mem.bytesPerConnection, tableMiB: mem.tableBytes / 2 ** 20 };
}

/** One row, both engines: alternating batches on the same packets; the median per-round ratio. */
async function compare(baseline, flows, shuffled) {
  const { buf, n } = ackPackets(flows, shuffled);
  // A copy of the driver module per engine: each call site sees one engine class.
  const sides = [];
  for (const [name, core] of [["current", current], ["baseline", baseline]]) {
    const { driver: driverOf } = await import(`./support/established-flows.mjs?${name}`);
    const { drive } = warmedEngine(core, driverOf, flows, buf, n);
    sides.push({ drive, seconds: 0, packets: 0, t: T0 + 2 });
  }
  await settle();
  const batch = Math.max(1, Math.floor(timedPackets / rounds));
  const run = (side) => {
    const t = timed(side.drive, batch, side.t);
    side.t += batch * 1e-6;
    side.seconds += t.seconds;
    side.packets += batch;
    return t;
  };
  const ratios = [];
  const windows = [];
  for (let r = 0; r < rounds; r++) {
    // ABBA: neither engine always runs first.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const times = [];
    for (const i of order) {
      const t = run(sides[i]);
      times[i] = t.seconds;
      if (i === 0) windows.push(t);
    }
    ratios.push(times[1] / times[0]);
  }
  await settle();
  ratios.sort((a, b) => a - b);
  const [cur, base] = sides;
  return {
    current: cur.packets / cur.seconds,
    baseline: base.packets / base.seconds,
    ratio: ratios[Math.floor(ratios.length / 2)],
    gcs: windows.reduce((sum, w) => sum + gcsBetween(w.from, w.to), 0),
  };
}

const orders = [false, true];
const mpps = (x) => `${(x / 1e6).toFixed(2)} M`;
if (against === undefined) {
  console.log(`node ${process.version}, ${timedPackets.toLocaleString("en")} timed packets per row`);
  console.log("flows       order         packets/s   bytes/conn  table MiB  GCs while timed");
  for (const flows of flowCounts) {
    for (const shuffled of orders) {
      const r = await measure(flows, shuffled);
      console.log(
        `${String(flows).padEnd(11)} ${(shuffled ? "shuffled" : "seq").padEnd(9)} ${Math.round(r.pps).toLocaleString("en").padStart(13)}   ${r.bytesPerConnection.toFixed(1).padStart(9)}  ${r.tableMiB.toFixed(1).padStart(9)}  ${String(r.gcs).padStart(15)}`,
      );
    }
  }
} else {
  const { commit, url } = baselineCore(against);
  const baseline = await import(url);
  console.log(`node ${process.version}; this build against core at ${against} (${commit.slice(0, 12)}); ${rounds} rounds, ${timedPackets.toLocaleString("en")} packets per engine per row`);
  console.log("flows       order      current/s   baseline/s   current/baseline (median of rounds)  GCs while timed (current)");
  for (const flows of flowCounts) {
    for (const shuffled of orders) {
      const r = await compare(baseline, flows, shuffled);
      console.log(
        `${String(flows).padEnd(11)} ${(shuffled ? "shuffled" : "seq").padEnd(9)} ${mpps(r.current).padStart(10)}   ${mpps(r.baseline).padStart(10)}   ${r.ratio.toFixed(3).padStart(34)}  ${String(r.gcs).padStart(24)}`,
      );
    }
  }
}
