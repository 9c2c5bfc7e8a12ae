// NAT cost, measured as ratios in one run.
//
//   npm run build && node bench/nat.mjs [--flows 10000] [--packets 5000000] [--ports 200000] [--rounds 3]
//
// 1. ESTABLISHED packets of known flows, both directions, through an engine
//    that source-translates every flow (10.x.y.z -> 198.51.100.1) and through
//    one without NAT, on the same traffic. Each packet is copied from a
//    pristine buffer into a work buffer before it is processed in both runs
//    (NAT rewrites the datagram in place), so both pay the same copy.
//    Reported: packets/s, the ratio NAT / plain, and GCs while timed (0 means
//    a translated packet of unchanged length allocates nothing).
//    Both engines run in one process, in alternating batches, so both see
//    the same load on a shared machine (separate processes, minutes apart,
//    gave ratios from 0.55 to 0.95 for one build). Each loads its own copy
//    of core's build (copied under .cache/), so V8 optimises each copy for
//    its own traffic, as it would in a process that runs only one of them.
// 2. FTP PORT commands through nf_nat_ftp: each PORT on an SNATed control
//    connection is rewritten (10,0,1,2 -> 198,51,100,1: 4 bytes longer, so
//    every later segment's sequence number is shifted), its expectation
//    registered, and the server's ACK shifted back. Against the same
//    commands without NAT (parsed, expected, nothing rewritten).
//    Reported: PORT commands per second, with their ACKs.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createEngine, natTarget } from "../core/dist/index.js";
import { ftpHelper } from "../helpers/ftp/dist/index.js";
import { tcp } from "../testing/dist/index.js";

// Start times of collections, so that only those starting while timed are counted.
const gcStarts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
}).observe({ entryTypes: ["gc"] });
const gcsBetween = (from, to) => gcStarts.filter((t) => t >= from && t <= to).length;

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flows = Number(arg("flows", "10000"));
const timedPackets = Number(arg("packets", "5000000"));
const portCommands = Number(arg("ports", "200000"));

const OUTSIDE = "198.51.100.1";
const SERVER = "192.168.0.1";
const clientOf = (i) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255 || 1}`;
const sportOf = (i) => 1024 + (i % 50000);
const snatEverything = { sourceNat: (p) => (p.src[0] >>> 24 === 10 ? natTarget({ address: OUTSIDE }) : null) };
// A full collection before each timed loop, so the garbage of the setup (packets
// built with the test kit, the other engine) is not collected while timed and
// a GC counted there means the loop itself allocated.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc");
const settle = async () => {
  collect();
  await pendingEntries();
};
// Lets the observer receive the entries of collections that already happened.
const pendingEntries = () => new Promise((r) => setTimeout(r, 50));

/** Opens every flow with a handshake; returns 80 bytes per flow: its client ACK and its server ACK, as they arrive. */
function openFlows(engine) {
  const packets = new Uint8Array(flows * 80);
  for (let i = 0; i < flows; i++) {
    const client = clientOf(i);
    const sport = sportOf(i);
    const r = engine.process(tcp({ src: client, dst: SERVER, sport, dport: 443, flags: "S", seq: 1000, window: 65535 }), 1);
    // The server answers whoever the SYN appeared to come from (the NAT address and port, or the client).
    const out = r.outBytes.subarray(r.outOffset, r.outOffset + r.outLength);
    const seenAs = `${out[12]}.${out[13]}.${out[14]}.${out[15]}`;
    const seenPort = (out[20] << 8) | out[21];
    engine.process(tcp({ src: SERVER, dst: seenAs, sport: 443, dport: seenPort, flags: "SA", seq: 5000, ack: 1001 }), 1);
    engine.process(tcp({ src: client, dst: SERVER, sport, dport: 443, flags: "A", seq: 1001, ack: 5001 }), 1);
    packets.set(tcp({ src: client, dst: SERVER, sport, dport: 443, flags: "A", seq: 1001, ack: 5001 }), i * 80);
    packets.set(tcp({ src: SERVER, dst: seenAs, sport: 443, dport: seenPort, flags: "A", seq: 5001, ack: 1001 }), i * 80 + 40);
  }
  if (engine.connectionCount !== flows) throw new Error(`expected ${flows} connections, have ${engine.connectionCount}`);
  return packets;
}

/** A copy of core's build under .cache/ (its own module instance, so its own optimised code). */
async function coreCopy(name) {
  const from = fileURLToPath(new URL("../core/dist/", import.meta.url));
  const to = fileURLToPath(new URL(`../.cache/bench-nat/${name}/`, import.meta.url));
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return import(pathToFileURL(to + "index.js").href);
}

/** An engine (from its own copy of core) with its flows open, and a loop over their packets. */
async function establishedRunner(withNat) {
  const core = await coreCopy(withNat ? "nat" : "plain");
  const policy = { sourceNat: (p) => (p.src[0] >>> 24 === 10 ? target : null) };
  const target = core.natTarget({ address: OUTSIDE });
  const engine = core.createEngine({ maxConnections: flows, initialCapacity: flows, hashSeed: 7, ...(withNat ? { policy } : {}) });
  const pristine = new Uint32Array(openFlows(engine).buffer);
  const work = new Uint8Array(40);
  const work32 = new Uint32Array(work.buffer);
  const perPacket = 10; // 40 bytes as 32-bit words
  const total = pristine.length / perPacket;
  let next = 0;
  // Each call goes on where the last one stopped, in packet order and in
  // time (kept in the engine's clock cell: a float in a captured variable
  // would be allocated at every write).
  engine.time[0] = 2;
  return (count) => {
    let ok = 0;
    let o = next;
    for (let k = 0; k < count; k++) {
      const base = o * perPacket;
      for (let w = 0; w < perPacket; w++) work32[w] = pristine[base + w];
      engine.time[0] += 1e-6;
      ok += engine.processRange(work, 0, 40).state === 1 ? 1 : 0;
      o = o + 1 === total ? 0 : o + 1;
    }
    next = o;
    if (ok !== count) throw new Error(`only ${ok} of ${count} packets were ESTABLISHED`);
  };
}

/** Both engines, alternating batches; packets/s and GCs while timed of each. */
async function established() {
  const runners = [await establishedRunner(false), await establishedRunner(true)];
  const batch = 250_000;
  const batches = Math.max(1, Math.round(timedPackets / batch));
  for (const run of runners) run(500_000); // warm-up through the loop that is timed
  await settle();
  const seconds = [0, 0];
  const gcs = [0, 0];
  const spans = [];
  for (let b = 0; b < batches; b++) {
    for (let k = 0; k < 2; k++) {
      // Alternate which goes first, so neither always follows the other.
      const which = (b & 1) === 0 ? k : 1 - k;
      const from = performance.now();
      const start = process.hrtime.bigint();
      runners[which](batch);
      seconds[which] += Number(process.hrtime.bigint() - start) / 1e9;
      spans.push([which, from, performance.now()]);
    }
  }
  await pendingEntries();
  for (const [which, from, to] of spans) gcs[which] += gcsBetween(from, to);
  const packets = batches * batch;
  return { plain: { pps: packets / seconds[0], gcs: gcs[0] }, nat: { pps: packets / seconds[1], gcs: gcs[1] } };
}

/** PORT commands on one FTP control connection (through SNAT or not), each followed by the server's ACK. */
async function ftpPorts(withNat) {
  const engine = createEngine({ helpers: [ftpHelper()], hashSeed: 7, ...(withNat ? { policy: snatEverything } : {}) });
  const client = "10.0.1.2";
  const seenAs = withNat ? OUTSIDE : client;
  const sport = 40000;
  const send = (bytes) => engine.process(bytes, 1);
  send(tcp({ src: client, dst: SERVER, sport, dport: 21, flags: "S", seq: 1000 }));
  send(tcp({ src: SERVER, dst: seenAs, sport: 21, dport: sport, flags: "SA", seq: 5000, ack: 1001 }));
  send(tcp({ src: client, dst: SERVER, sport, dport: 21, flags: "A", seq: 1001, ack: 5001 }));
  // The first line is never parsed (Linux reads lines after a newline it saw).
  const user = "USER x\r\n";
  send(tcp({ src: client, dst: SERVER, sport, dport: 21, flags: "PA", seq: 1001, ack: 5001, payload: user }));
  const command = "PORT 10,0,1,2,156,69\r\n";
  const grows = withNat ? "198,51,100,1".length - "10,0,1,2".length : 0;
  let seq = 1001 + user.length; // as the client numbers its bytes
  let shift = 0; // how far the server's numbering is ahead
  const ports = [];
  const acks = [];
  for (let k = 0; k < portCommands; k++) {
    ports.push(tcp({ src: client, dst: SERVER, sport, dport: 21, flags: "PA", seq: (seq + 0) >>> 0, ack: 5001, payload: command }));
    seq += command.length;
    shift += grows;
    acks.push(tcp({ src: SERVER, dst: seenAs, sport: 21, dport: sport, flags: "A", seq: 5001, ack: (seq + shift) >>> 0 }));
  }
  await settle();
  let rewrites = 0;
  let related = 0;
  const start = process.hrtime.bigint();
  for (let k = 0; k < portCommands; k++) {
    engine.time[0] = 2 + k * 1e-4;
    const r = engine.processRange(ports[k], 0, ports[k].length);
    rewrites += r.rewrites;
    related += r.state === 1 ? 1 : 0;
    engine.processRange(acks[k], 0, acks[k].length);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (related !== portCommands) throw new Error(`only ${related} of ${portCommands} PORT segments were ESTABLISHED`);
  if (withNat && rewrites !== portCommands) throw new Error(`${rewrites} rewrites for ${portCommands} PORT commands`);
  if (engine.expectationCount !== 1) throw new Error(`expected one pending expectation, have ${engine.expectationCount}`);
  return { rate: portCommands / seconds };
}

const child = arg("child", null);
if (child !== null) {
  // One measurement, printed as JSON for the parent.
  const withNat = arg("nat", "0") === "1";
  const result = await ftpPorts(withNat);
  console.log(JSON.stringify(result));
  process.exit(0);
}

const rounds = Number(arg("rounds", "3"));
const measure = (kind, withNat) =>
  JSON.parse(
    execFileSync(process.execPath, [new URL(import.meta.url).pathname, ...args, "--child", kind, "--nat", withNat ? "1" : "0"], { encoding: "utf8" }),
  );
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];

console.log(
  `node ${process.version}; ${flows.toLocaleString("en")} flows, ${timedPackets.toLocaleString("en")} timed packets per engine (alternating batches in one process), ${portCommands.toLocaleString("en")} PORT commands (median of ${rounds} child processes each)`,
);
const { plain, nat } = await established();
console.log("ESTABLISHED, both directions   packets/s   GCs while timed");
console.log(`  without NAT              ${Math.round(plain.pps).toLocaleString("en").padStart(12)}   ${plain.gcs}`);
console.log(`  through SNAT             ${Math.round(nat.pps).toLocaleString("en").padStart(12)}   ${nat.gcs}`);
console.log(`  NAT / plain              ${(nat.pps / plain.pps).toFixed(2).padStart(12)}`);

const ftpPlain = [];
const ftpNat = [];
for (let round = 0; round < rounds; round++) {
  ftpPlain.push(measure("ftp", false).rate);
  ftpNat.push(measure("ftp", true).rate);
}
console.log("FTP PORT commands (+ ACK)      per second");
console.log(`  parsed, no NAT           ${Math.round(median(ftpPlain)).toLocaleString("en").padStart(12)}`);
console.log(`  rewritten by nf_nat_ftp  ${Math.round(median(ftpNat)).toLocaleString("en").padStart(12)}`);
console.log(`  NAT / plain              ${(median(ftpNat) / median(ftpPlain)).toFixed(2).padStart(12)}`);
