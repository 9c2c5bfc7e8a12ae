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
import { PerformanceObserver } from "node:perf_hooks";
import { createEngine } from "../core/dist/index.js";

// Garbage collections seen during the timed loop: 0 means the hot path allocated nothing worth collecting.
let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ["gc"] });

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flowCounts = arg("flows", "10000,100000,1000000").split(",").map(Number);
const timedPackets = Number(arg("packets", "5000000"));

function checksum(b, off, len) {
  let s = 0;
  for (let i = 0; i < len; i += 2) s += (b[off + i] << 8) | b[off + i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** Writes a 40-byte IPv4+TCP packet at `o`. */
function writePacket(b, o, src, dst, sport, dport, seq, ack, flags) {
  b[o] = 0x45;
  b[o + 2] = 0;
  b[o + 3] = 40;
  b[o + 8] = 64;
  b[o + 9] = 6;
  const dv = new DataView(b.buffer, b.byteOffset);
  dv.setUint32(o + 12, src);
  dv.setUint32(o + 16, dst);
  dv.setUint16(o + 10, 0);
  dv.setUint16(o + 10, checksum(b, o, 20));
  dv.setUint16(o + 20, sport);
  dv.setUint16(o + 22, dport);
  dv.setUint32(o + 24, seq >>> 0);
  dv.setUint32(o + 28, ack >>> 0);
  b[o + 32] = 0x50;
  b[o + 33] = flags;
  dv.setUint16(o + 34, 65535);
}

async function run(flows, shuffled) {
  const engine = createEngine({ maxConnections: flows, initialCapacity: flows });
  const client = (i) => (0x0a000000 | (i >>> 8)) >>> 0; // 10.x.y.z
  const server = 0xc0a80001; // 192.168.0.1
  const one = new Uint8Array(40);
  const t0 = 1_700_000_000;
  for (let i = 0; i < flows; i++) {
    const sport = 1024 + (i & 0xff) * 200 + 1;
    writePacket(one, 0, client(i), server, sport, 443, 1000, 0, 0x02);
    engine.process(one, t0);
    writePacket(one, 0, server, client(i), 443, sport, 5000, 1001, 0x12);
    engine.process(one, t0);
    writePacket(one, 0, client(i), server, sport, 443, 1001, 5001, 0x10);
    engine.process(one, t0);
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
    const sport = 1024 + (i & 0xff) * 200 + 1;
    writePacket(buf, k * 40, client(i), server, sport, 443, 1001, 5001, 0x10);
  }
  // Warm-up, then the measurement.
  let established = 0;
  for (let k = 0; k < Math.min(n, 200_000); k++) engine.processRange(buf, (k % n) * 40, 40, t0 + 1);
  await new Promise((r) => setTimeout(r, 50)); // let pending GC entries of the setup arrive
  const gcBefore = gcs;
  // Time goes in by a plain store (engine.time[0]) rather than as a float
  // argument, which V8 may box at the call: nothing is allocated per packet.
  const start = process.hrtime.bigint();
  for (let k = 0, o = 0; k < timedPackets; k++) {
    engine.time[0] = t0 + 2 + k * 1e-6;
    const r = engine.processRange(buf, o * 40, 40);
    established += r.state === 1 ? 1 : 0;
    o = o + 1 === n ? 0 : o + 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await new Promise((r) => setTimeout(r, 50));
  const gcDuring = gcs - gcBefore;
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
