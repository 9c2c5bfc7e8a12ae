// SCTP and GRE (PPTP) tracker throughput, and garbage collections while timed.
//
//   npm run build && node bench/trackers.mjs [--flows 10000] [--packets 3000000]
//
// Opens `flows` SCTP associations (INIT, INIT ACK, COOKIE ECHO, COOKIE ACK)
// and `flows` PPTP calls' GRE connections (keymaps registered through the
// GRE tracker's service, as the PPTP helper registers them), then times
// DATA chunks and GRE version 1 packets of known connections: the trackers'
// hot path, which must allocate nothing.
import { PerformanceObserver } from "node:perf_hooks";
import { GRE_KEYMAPS, Tuple, crc32c, createEngine, greTracker } from "../core/dist/index.js";

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ["gc"] });

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flows = Number(arg("flows", "10000"));
const timedPackets = Number(arg("packets", "3000000"));
const client = (i) => (0x0a000000 | (i >>> 8)) >>> 0;
const server = 0xc0a80001;

function ipv4(b, o, src, dst, proto, length) {
  const v = new DataView(b.buffer, b.byteOffset);
  b[o] = 0x45;
  v.setUint16(o + 2, length);
  b[o + 8] = 64;
  b[o + 9] = proto;
  v.setUint32(o + 12, src);
  v.setUint32(o + 16, dst);
  return v;
}

/** An SCTP packet with one chunk at `o` (52 bytes: IP, common header, a 20-byte chunk). */
function sctp(b, o, src, dst, sport, dport, vtag, type, initTag) {
  const v = ipv4(b, o, src, dst, 132, 52);
  v.setUint16(o + 20, sport);
  v.setUint16(o + 22, dport);
  v.setUint32(o + 24, vtag);
  b[o + 32] = type;
  v.setUint16(o + 34, 20);
  v.setUint32(o + 36, initTag);
  const sum = crc32c(b, o + 20, o + 52, o + 28);
  v.setUint32(o + 28, sum, true);
}

/** A GRE version 1 packet at `o` (36 bytes: IP, 8-byte header, 8 bytes of PPP). */
function gre(b, o, src, dst, callId) {
  const v = ipv4(b, o, src, dst, 47, 36);
  v.setUint16(o + 20, 0x2001);
  v.setUint16(o + 22, 0x880b);
  v.setUint16(o + 24, 8);
  v.setUint16(o + 26, callId);
}

async function timed(engine, buf, size, n, t0) {
  for (let k = 0; k < Math.min(n, 200_000); k++) engine.processRange(buf, (k % n) * size, size, t0 + 1);
  await new Promise((r) => setTimeout(r, 50));
  const before = gcs;
  let established = 0;
  const start = process.hrtime.bigint();
  for (let k = 0, o = 0; k < timedPackets; k++) {
    engine.time[0] = t0 + 2 + k * 1e-6;
    established += engine.processRange(buf, o * size, size).state === 1 ? 1 : 0;
    o = o + 1 === n ? 0 : o + 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await new Promise((r) => setTimeout(r, 50));
  if (established !== timedPackets) throw new Error(`only ${established} of ${timedPackets} packets were ESTABLISHED`);
  return { pps: timedPackets / seconds, gcs: gcs - before };
}

async function sctpRun() {
  const engine = createEngine({ maxConnections: flows, initialCapacity: flows });
  const t0 = 1_700_000_000;
  const one = new Uint8Array(52);
  const port = (i) => 1024 + (i & 0xff) * 200 + 1;
  for (let i = 0; i < flows; i++) {
    const c = client(i);
    sctp(one, 0, c, server, port(i), 5000, 0, 1, 0x1000 + i);
    engine.process(one, t0);
    sctp(one, 0, server, c, 5000, port(i), 0x1000 + i, 2, 0x9000 + i);
    engine.process(one, t0);
    sctp(one, 0, c, server, port(i), 5000, 0x9000 + i, 10, 0);
    engine.process(one, t0);
    sctp(one, 0, server, c, 5000, port(i), 0x1000 + i, 11, 0);
    engine.process(one, t0);
  }
  const buf = new Uint8Array(flows * 52);
  // DATA chunks (type 0) with the right tag.
  for (let i = 0; i < flows; i++) sctp(buf, i * 52, client(i), server, port(i), 5000, 0x9000 + i, 0, 1);
  return timed(engine, buf, 52, flows, t0);
}

async function greRun() {
  // Two keymaps per call: room for all of them.
  const engine = createEngine({ maxConnections: flows, initialCapacity: flows, trackers: [greTracker({ maxKeymaps: 2 * flows })] });
  const keymaps = engine.service(GRE_KEYMAPS);
  const t0 = 1_700_000_000;
  const words = (a) => new Uint32Array([a, 0, 0, 0]);
  for (let i = 0; i < flows; i++) {
    const pns = 0x4000 + (i & 0x3fff);
    const pac = 0x8000 + (i & 0x3fff);
    const added = [keymaps.add({ id: i + 1 }, 0, new Tuple(4, 47, words(client(i)), words(server), pns, pac)), keymaps.add({ id: i + 1 }, 1, new Tuple(4, 47, words(server), words(client(i)), pac, pns))];
    if (added.some((r) => r !== "added")) throw new Error(`keymap refused: ${added}`);
  }
  const one = new Uint8Array(36);
  for (let i = 0; i < flows; i++) {
    gre(one, 0, client(i), server, 0x8000 + (i & 0x3fff));
    engine.process(one, t0);
    gre(one, 0, server, client(i), 0x4000 + (i & 0x3fff));
    engine.process(one, t0);
  }
  if (engine.connectionCount !== flows) throw new Error(`expected ${flows} GRE connections, have ${engine.connectionCount}`);
  const buf = new Uint8Array(flows * 36);
  for (let i = 0; i < flows; i++) gre(buf, i * 36, client(i), server, 0x8000 + (i & 0x3fff));
  return timed(engine, buf, 36, flows, t0);
}

console.log(`node ${process.version}, ${flows.toLocaleString("en")} flows, ${timedPackets.toLocaleString("en")} timed packets per row`);
console.log("tracker          packets/s  GCs while timed");
for (const [name, run] of [["sctp (DATA)", sctpRun], ["gre v1 (keymap)", greRun]]) {
  const r = await run();
  console.log(`${name.padEnd(15)} ${Math.round(r.pps).toLocaleString("en").padStart(11)}  ${String(r.gcs).padStart(15)}`);
}
