// Memory under floods: what attacks that hold memory actually hold.
//
//   npm run build && node bench/memory-floods.mjs [--syns 1000000] [--table 100000]
//
// Each measurement runs in a fresh Node process (--expose-gc) and reports
// heap + external bytes held after full collections, against the same
// process before the engine was made.
//
// 1. Fragment floods against the default budget (fragments.maxBytes 4 MiB,
//    1024 datagrams): fragments of 8, 64 and 1480 bytes that never
//    complete, each held alone (16 bytes apart) or in runs (adjacent). The
//    ratio to the budget must stay below 2.
// 2. Incomplete datagrams: 1024 held, then engine.expire() 40 s later.
// 3. A SYN flood of --syns SYNs from random spoofed clients into a
//    --table-entry table: no helper; to tcp/6667 with the IRC helper (Linux
//    mode, stream mode); to tcp/21 with the FTP helper (Linux mode, stream
//    mode). IRC stream mode must hold less than 2x the no-helper flood.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};

async function child(kind, params) {
  const { createEngine } = await import("../core/dist/index.js");
  const { ircHelper } = await import("../helpers/irc/dist/index.js");
  const { ftpHelper } = await import("../helpers/ftp/dist/index.js");
  const held = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const ipv4 = (b, id, flags, proto, src, dst) => {
    b[0] = 0x45;
    b[2] = b.length >> 8;
    b[3] = b.length & 0xff;
    b[4] = id >> 8;
    b[5] = id & 0xff;
    b[6] = flags >> 8;
    b[7] = flags & 0xff;
    b[8] = 64;
    b[9] = proto;
    new DataView(b.buffer, b.byteOffset).setUint32(12, src);
    new DataView(b.buffer, b.byteOffset).setUint32(16, dst);
  };
  const before = held();
  let engine;
  let out = {};
  if (kind === "fragments") {
    const { size, adjacent } = params;
    engine = createEngine({ helpers: [], hashSeed: 1 });
    const b = new Uint8Array(20 + size);
    const step = adjacent ? size : size * 2;
    let sent = 0;
    // Every datagram grows in turn, so all 1,024 are held at once until the budget evicts the oldest.
    for (let off = 8; off + size < 65000 && sent < 3_000_000; off += step) {
      for (let id = 0; id < 1024; id++, sent++) {
        ipv4(b, id, 0x2000 | (off >> 3), 17, 0xc6336407, 0x0a000203);
        engine.process(b, 1);
      }
    }
    out = { sent, counted: engine.memory().fragmentBytes, datagrams: engine.memory().fragmentDatagrams };
  } else if (kind === "expiry") {
    engine = createEngine({ helpers: [], hashSeed: 1 });
    const b = new Uint8Array(20 + 64);
    for (let id = 0; id < 1024; id++) {
      ipv4(b, id, 0x2001, 17, 0xc6336407, 0x0a000203);
      engine.process(b, 100);
    }
    out.holding = held() - before;
    engine.expire(140);
    out.datagrams = engine.memory().fragmentDatagrams;
  } else if (kind === "syn") {
    const helpers = {
      none: [],
      irc: [ircHelper()],
      "irc-stream": [ircHelper({ stream: true })],
      ftp: [ftpHelper()],
      "ftp-stream": [ftpHelper({ stream: true })],
    }[params.helper];
    engine = createEngine({ helpers, maxConnections: params.table, hashSeed: 1 });
    const b = new Uint8Array(40);
    const v = new DataView(b.buffer);
    ipv4(b, 0, 0, 6, 0, 0xc0a80001);
    v.setUint16(22, params.port);
    b[32] = 0x50;
    b[33] = 0x02;
    v.setUint16(34, 65535);
    let x = 1;
    for (let i = 0; i < params.syns; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      v.setUint32(12, (0x0a000000 | (x >>> 8)) >>> 0);
      v.setUint16(20, 1024 + (x & 0xefff));
      v.setUint32(24, x);
      engine.time[0] = 1000 + i * 1e-5;
      engine.process(b);
    }
    out.connections = engine.connectionCount;
  }
  out.held = held() - before;
  out.alive = engine.connectionCount >= 0; // keeps the engine reachable until measured
  process.stdout.write(JSON.stringify(out));
}

function measure(kind, params) {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", kind, JSON.stringify(params)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

if (args[0] === "--child") {
  await child(args[1], JSON.parse(args[2]));
} else {
  const syns = Number(arg("syns", "1000000"));
  const table = Number(arg("table", "100000"));
  const budget = 4 * 1024 * 1024;
  const mib = (n) => (n / 2 ** 20).toFixed(1).padStart(7);
  console.log(`node ${process.version}`);
  console.log("\n1. fragment floods, default budget (4 MiB, 1024 datagrams)");
  console.log("fragment data   layout     fragments sent   counted MiB   held MiB   held / budget");
  for (const size of [8, 64, 1480]) {
    for (const adjacent of [false, true]) {
      const r = measure("fragments", { size, adjacent });
      console.log(`${String(size).padStart(6)} bytes    ${(adjacent ? "runs" : "alone").padEnd(8)} ${r.sent.toLocaleString("en").padStart(15)}   ${mib(r.counted)}      ${mib(r.held)}   ${(r.held / budget).toFixed(2).padStart(8)}x`);
    }
  }
  console.log("\n2. incomplete datagrams expire on the clock");
  const e = measure("expiry", {});
  console.log(`1,024 datagrams held: ${mib(e.holding)} MiB; after engine.expire() 40 s later: ${mib(e.held)} MiB, ${e.datagrams} datagrams`);
  console.log(`\n3. ${syns.toLocaleString("en")} SYNs from random clients, table of ${table.toLocaleString("en")}`);
  console.log("helper                  connections   held MiB   vs no helper");
  const base = measure("syn", { helper: "none", port: 6667, syns, table });
  const rows = [
    ["none", "none", 6667],
    ["tcp/6667 irc (Linux)", "irc", 6667],
    ["tcp/6667 irc stream", "irc-stream", 6667],
    ["tcp/21 ftp (Linux)", "ftp", 21],
    ["tcp/21 ftp stream", "ftp-stream", 21],
  ];
  for (const [name, helper, port] of rows) {
    const r = helper === "none" ? base : measure("syn", { helper, port, syns, table });
    console.log(`${name.padEnd(22)} ${r.connections.toLocaleString("en").padStart(12)}   ${mib(r.held)}     ${(r.held / base.held).toFixed(2).padStart(6)}x`);
  }
}
