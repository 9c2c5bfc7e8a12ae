// Engine throughput and memory per connection.
//
//   npm run build && node bench/engine.mjs [--flows 10000,100000,1000000] [--packets 5000000]
//
// For each flow count: open every flow with a real handshake (SYN, SYN-ACK,
// ACK), then time ESTABLISHED packets of known flows (the hot path), and
// report packets per second and the table's bytes per connection. Two visit
// orders: "seq" walks the flows in table order (traffic with locality, the
// table streams through the cache) and "shuffled" visits them at random
// (every packet misses the cache: the worst case).
import { performance, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createEngine } from "../core/dist/index.js";
import { tcp } from "../testing/dist/index.js";

// When each garbage collection started: those inside the timed loop are its
// GCs (0 means the hot path allocated nothing worth collecting). Entries
// arrive late on a busy machine, so they are placed by time, not by arrival.
const gcStarts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
}).observe({ entryTypes: ["gc"] });
// Setup garbage (the test kit's packets) is collected before the clock starts,
// so a young generation it left nearly full is not collected while timed.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc");

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flowCounts = arg("flows", "10000,100000,1000000").split(",").map(Number);
const timedPackets = Number(arg("packets", "5000000"));

/** `count` packets from `buf` (n of 40 bytes, in turn), 1 µs apart from `t`; returns how many were ESTABLISHED. */
function drive(engine, buf, n, count, t) {
  let established = 0;
  for (let k = 0, o = 0; k < count; k++) {
    engine.time[0] = t + k * 1e-6;
    const r = engine.processRange(buf, o * 40, 40);
    established += r.state === 1 ? 1 : 0;
    o = o + 1 === n ? 0 : o + 1;
  }
  return established;
}

async function run(flows, shuffled) {
  const engine = createEngine({ maxConnections: flows, initialCapacity: flows });
  // 256 client ports per address: 10.0.0.0, 10.0.0.1, ... talking to 192.168.0.1:443.
  const client = (i) => `10.${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}`;
  const server = "192.168.0.1";
  const sportOf = (i) => 1024 + (i & 0xff) * 200 + 1;
  const t0 = 1_700_000_000;
  // Setup (not timed): a real handshake per flow, packets from the test kit.
  for (let i = 0; i < flows; i++) {
    const sport = sportOf(i);
    engine.process(tcp({ src: client(i), dst: server, sport, dport: 443, seq: 1000, flags: "S" }), t0);
    engine.process(tcp({ src: server, dst: client(i), sport: 443, dport: sport, seq: 5000, ack: 1001, flags: "SA" }), t0);
    engine.process(tcp({ src: client(i), dst: server, sport, dport: 443, seq: 1001, ack: 5001, flags: "A" }), t0);
  }
  if (engine.connectionCount !== flows) throw new Error(`expected ${flows} connections, have ${engine.connectionCount}`);
  // The timed packets: one ACK per flow, visited in a shuffled order so the
  // table is probed the way mixed traffic probes it.
  const n = Math.min(flows, 1_000_000);
  const buf = new Uint8Array(n * 40);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; shuffled && i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const ack = tcp({ src: client(i), dst: server, sport: sportOf(i), dport: 443, seq: 1001, ack: 5001, flags: "A" });
    if (ack.length !== 40) throw new Error(`expected 40-byte packets, got ${ack.length}`);
    buf.set(ack, k * 40);
  }
  // Warm-up through the same loop as the measurement, so that V8 has
  // optimised it (and the engine) before the clock starts.
  drive(engine, buf, n, 300_000, t0 + 1);
  collectGarbage();
  await new Promise((r) => setTimeout(r, 50)); // let pending GC entries of the setup arrive
  const timedFrom = performance.now();
  // Time goes in by a plain store (engine.time[0]) rather than as a float
  // argument, which V8 may box at the call: nothing is allocated per packet.
  const start = process.hrtime.bigint();
  const established = drive(engine, buf, n, timedPackets, t0 + 2);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const timedTo = performance.now();
  await new Promise((r) => setTimeout(r, 50));
  const gcDuring = gcStarts.filter((t) => t >= timedFrom && t <= timedTo).length;
  if (established !== timedPackets) throw new Error(`only ${established} of ${timedPackets} packets were ESTABLISHED`);
  const mem = engine.memory();
  return { flows, gcDuring, order: shuffled ? "shuffled" : "seq", pps: timedPackets / seconds, bytesPerConnection: mem.bytesPerConnection, tableMiB: mem.tableBytes / 2 ** 20 };
}

console.log(`node ${process.version}, ${timedPackets.toLocaleString("en")} timed packets per row`);
console.log("flows       order         packets/s   bytes/conn  table MiB  GCs while timed");
for (const flows of flowCounts) {
  for (const shuffled of [false, true]) {
    const r = await run(flows, shuffled);
    console.log(
      `${String(r.flows).padEnd(11)} ${r.order.padEnd(9)} ${Math.round(r.pps).toLocaleString("en").padStart(13)}   ${r.bytesPerConnection.toFixed(1).padStart(9)}  ${r.tableMiB.toFixed(1).padStart(9)}  ${String(r.gcDuring).padStart(15)}`,
    );
  }
}
