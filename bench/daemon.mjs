#!/usr/bin/env node
// Bench of alg-sdk-daemon (not a test): packets per second through NFQUEUE
// with per-packet and with batch verdicts, against plain kernel forwarding in
// the same run, and the latency the daemon adds per control packet (p50,
// p99). Needs root; builds three network namespaces (daemon/test/e2e/
// topology.sh) and removes them at the end. Traffic never leaves them.
//
//   npm run build && node bench/daemon.mjs [--seconds 2] [--repeat 3] [--rtts 2000]
//
// The sender is pinned to CPU 0 (the router's softirq work for its packets
// runs there too) and the daemon to CPU 1, so the two do not take turns.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg("--seconds", 2);
/** Offered rates (datagrams a second); 0 = as fast as the sender can. */
const RATES = [20000, 40000, 60000, 80000, 100000, 150000, 0];
const RTTS = arg("--rtts", 2000);
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const TOPOLOGY = here("../daemon/test/e2e/topology.sh");
const BIN = here("../daemon/dist/bin.js");
const PEERS = here("./daemon-peers/");
const P = `algb${process.pid % 10000}`;
const [C, R, S] = [`${P}-c`, `${P}-r`, `${P}-s`];
const SERVER = "10.201.2.2";
const UDP_PORT = 5001;
const CTRL_PORT = 21;

if (process.getuid?.() !== 0) {
  console.error("bench/daemon.mjs needs root (network namespaces, NFQUEUE)");
  process.exit(2);
}

const inNs = (ns, cmd, args, input) => execFileSync("ip", ["netns", "exec", ns, cmd, ...args], { encoding: "utf8", input });
const spawnNs = (ns, cmd, args) => spawn("ip", ["netns", "exec", ns, cmd, ...args], { stdio: ["ignore", "pipe", "pipe"] });
const CPUS = Number(spawnSync("nproc").stdout.toString().trim());
const pin = (cpu) => (CPUS > 1 ? ["taskset", "-c", String(cpu % CPUS)] : []);
const firstLine = (child, re = /./) =>
  new Promise((resolve, reject) => {
    let text = "";
    const t = setTimeout(() => reject(new Error(`no output matching ${re}: ${text}`)), 15000);
    const on = (d) => {
      text += d;
      const line = text.split("\n").find((l) => re.test(l));
      if (line !== undefined) {
        clearTimeout(t);
        child.stdout.off("data", on);
        child.stderr.off("data", on);
        resolve(line);
      }
    };
    child.stdout.setEncoding("utf8").on("data", on);
    child.stderr.setEncoding("utf8").on("data", on);
  });
const exit = (child) => new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));

/** The router's rules: forward policy drop; optionally queue the bench traffic. */
function firewall(queue) {
  inNs(R, "nft", ["flush", "ruleset"]);
  inNs(
    R,
    "nft",
    ["-f", "-"],
    `table inet fw {
  ct helper standin { type "sane" protocol tcp; l3proto ip; }
  chain prerouting_helpers { type filter hook prerouting priority filter; policy accept;
    tcp dport ${CTRL_PORT} ct state new ct helper set "standin"
  }
  chain forward_filter { type filter hook forward priority filter; policy drop;
    ct state established,related accept
    tcp dport ${CTRL_PORT} accept
    udp dport ${UDP_PORT} counter name "bench_udp" accept
  }
  counter bench_udp { }
}`,
  );
  if (!queue) return;
  for (const m of [["-p", "udp", "--dport", String(UDP_PORT)], ["-p", "tcp", "--dport", String(CTRL_PORT)], ["-p", "tcp", "--sport", String(CTRL_PORT)]]) {
    inNs(R, "iptables-nft", ["-t", "mangle", "-A", "FORWARD", ...m, "-j", "NFQUEUE", "--queue-num", "0"]);
  }
}

async function startDaemon(verdicts) {
  const [cmd, ...pre] = [...pin(1), process.execPath];
  const d = spawnNs(R, cmd, [...pre, BIN, "--helper", "ftp", "--verdicts", verdicts, "--queue-maxlen", "8192"]);
  await firstLine(d, /serving queue|start failed/);
  return d;
}

async function stopDaemon(d) {
  let stats = "";
  d.stderr.on("data", (x) => (stats += x));
  d.kill("SIGTERM");
  await exit(d);
  const line = stats.split("\n").find((l) => l.includes(" stats {"));
  return line ? JSON.parse(line.slice(line.indexOf("{"))) : null;
}

/** Packets the router's filter let through to the server (after the queue, when there is one). */
function forwarded() {
  const m = /packets (\d+)/.exec(inNs(R, "nft", ["list", "counter", "inet", "fw", "bench_udp"]));
  return m ? Number(m[1]) : 0;
}

/**
 * Blasts UDP through the router for SECONDS and counts at the router what
 * came out of the forward filter: a counter costs the box next to nothing,
 * where a receiving process would compete with the sender for the 2 CPUs.
 * The server drops the datagrams in its input hook.
 */
/** Repetitions of each offered rate: the machine's vCPUs are shared, so single runs scatter. */
const REPEAT = arg("--repeat", 3);

async function throughputOnce(rate) {
  const before = forwarded();
  const tx = spawnSync("ip", ["netns", "exec", C, ...pin(0), process.execPath, PEERS + "udp-blast.mjs", SERVER, String(UDP_PORT), String(SECONDS), String(rate)], { encoding: "utf8" });
  const sent = JSON.parse(tx.stdout.trim()).sent;
  // What the queue still held when the sender stopped comes out now.
  await new Promise((r) => setTimeout(r, 500));
  const count = forwarded() - before;
  return { offered: Math.round(sent / SECONDS), pps: Math.round(count / SECONDS) };
}

/** The median of REPEAT runs at one offered rate. */
async function throughputAt(rate) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await throughputOnce(rate));
  runs.sort((a, b) => a.pps - b.pps);
  return runs[runs.length >> 1];
}

/** Forwarded rate at each offered rate of RATES. */
async function throughput() {
  const steps = [];
  for (const rate of RATES) steps.push(await throughputAt(rate));
  return { steps, best: Math.max(...steps.map((s) => s.pps)) };
}

/** The socket path alone: bench/daemon-peers/minimal-verdicts.mjs (same socket package and codecs, no engine). */
async function startMinimal(verdicts) {
  const [cmd, ...pre] = [...pin(1), process.execPath];
  const m = spawnNs(R, cmd, [...pre, PEERS + "minimal-verdicts.mjs", verdicts]);
  await firstLine(m, /ready/);
  return m;
}

/** Round trips of control lines through the router; returns RTTs in microseconds. */
async function rtts(line) {
  const echo = spawnNs(S, process.execPath, [PEERS + "tcp-echo.mjs", String(CTRL_PORT)]);
  await firstLine(echo, /ready/);
  const r = spawnSync("ip", ["netns", "exec", C, process.execPath, PEERS + "tcp-rtt.mjs", SERVER, String(CTRL_PORT), String(RTTS), line], { encoding: "utf8", maxBuffer: 64 << 20 });
  echo.kill();
  await exit(echo);
  const o = JSON.parse(r.stdout.trim());
  if (o.error) throw new Error(`rtt run failed: ${o.error}`);
  return o.rtts.slice(Math.min(100, o.rtts.length >> 4)); // leave out the warm-up
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function main() {
  execFileSync("bash", [TOPOLOGY, "up", P]);
  inNs(S, "nft", ["-f", "-"], `table inet sink {\n chain input {\n type filter hook input priority filter; policy accept;\n udp dport ${UDP_PORT} drop\n }\n}\n`);
  const results = {};
  try {
    firewall(false);
    results.kernel = await throughput();
    const rttKernel = await rtts("NOOP");

    firewall(true);
    let d = await startDaemon("single");
    results.single = await throughput();
    results.single.daemon = await stopDaemon(d);

    let m = await startMinimal("single");
    results.minimalSingle = await throughput();
    m.kill("SIGTERM");
    await exit(m);
    m = await startMinimal("batch");
    results.minimalBatch = await throughput();
    m.kill("SIGTERM");
    await exit(m);

    d = await startDaemon("batch");
    results.batch = await throughput();
    const rttQueued = await rtts("NOOP");
    const rttExpect = await rtts("PORT 10,201,1,2,{n}");
    results.batch.daemon = await stopDaemon(d);

    const fmt = (n) => n.toLocaleString("en-US");
    console.log(`alg-sdk-daemon bench: ${SECONDS} s per offered rate, median of ${REPEAT}, ${RTTS} control round trips; node ${process.version}, ${spawnSync("nproc").stdout.toString().trim()} CPUs`);
    console.log("");
    console.log("throughput: 64-byte UDP through the router, counted after its forward filter (pkt/s forwarded at each offered rate)");
    console.log(`  ${"offered".padEnd(40)} ${results.kernel.steps.map((s) => fmt(s.offered).padStart(9)).join("")}`);
    for (const [name, label] of [
      ["kernel", "kernel forwarding, no queue"],
      ["single", "NFQUEUE + daemon, per-packet verdicts"],
      ["batch", "NFQUEUE + daemon, batch verdicts"],
      ["minimalSingle", "NFQUEUE + socket only, per-packet"],
      ["minimalBatch", "NFQUEUE + socket only, batch"],
    ]) {
      const r = results[name];
      console.log(`  ${label.padEnd(40)} ${r.steps.map((s) => fmt(s.pps).padStart(9)).join("")}   best ${fmt(r.best)}`);
    }
    for (const name of ["single", "batch"]) {
      const d = results[name].daemon;
      if (d) console.log(`  daemon (${name}): ${fmt(d.packets)} packets, ${fmt(d.verdicts.messages)} verdict messages, ${d.errors.enobufs} ENOBUFS, ${d.verdicts.timeouts} verdict timeouts`);
    }
    console.log("");
    console.log("control-packet latency (one TCP round trip = 2 packets; echo server on tcp/21)");
    const row = (label, xs) => console.log(`  ${label.padEnd(40)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} us   p99 ${pct(xs, 99).toFixed(0).padStart(5)} us`);
    row("kernel forwarding, no queue", rttKernel);
    row("queued, daemon (NOOP lines)", rttQueued);
    row("queued, daemon, EXP_NEW per PORT line", rttExpect);
    const per = (xs, p) => ((pct(xs, p) - pct(rttKernel, p)) / 2).toFixed(0);
    console.log(`  added per queued control packet:        p50 ${per(rttQueued, 50)} us   p99 ${per(rttQueued, 99)} us`);
    console.log(`  added per packet that creates an expectation (EXP_NEW before the verdict): p50 ${((pct(rttExpect, 50) - pct(rttQueued, 50))).toFixed(0)} us more than a plain queued round trip`);
  } finally {
    execFileSync("bash", [TOPOLOGY, "down", P]);
  }
}

main().catch((e) => {
  console.error(e);
  spawnSync("bash", [TOPOLOGY, "down", P]);
  process.exit(1);
});
