// FTP control-line parsing speed of @alg-sdk/helper-ftp.
//
//   (cd helpers/ftp && npx tsup) && node bench/ftp-parse.mjs [--lines 5000000]
//
// Three measurements over the same mix of control lines (client commands and
// server replies, 4 in 18 of them announcing a data connection):
//   parser        parseFtpCommand() on each line, nothing else;
//   helper        the helper's onPacket() per line in its own segment, with
//                 Linux line tracking, as the engine would call it;
//   helper stream the same with stream: true (in-order reassembly).
// The helper runs against a stub context (no engine), so the figures are the
// helper's own cost per line. Reported: lines parsed per second.
import { FtpCommand, ftpHelper, parseFtpCommand } from "../helpers/ftp/dist/index.js";

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const total = Number(arg("lines", "5000000"));

const CLIENT = 0x0a000102; // 10.0.1.2
const SERVER = 0x0a000202; // 10.0.2.2
// [direction, line]: 0 client to server, 1 server to client.
const MIX = [
  [0, "USER anonymous\r\n"],
  [1, "331 Please specify the password.\r\n"],
  [0, "PASS guest@example.com\r\n"],
  [1, "230 Login successful.\r\n"],
  [0, "PORT 10,0,1,2,184,121\r\n"],
  [1, "200 PORT command successful. Consider using PASV.\r\n"],
  [0, "RETR small.txt\r\n"],
  [1, "150 Opening BINARY mode data connection for small.txt (1000 bytes).\r\n"],
  [0, "PASV\r\n"],
  [1, "227 Entering Passive Mode (10,0,2,2,117,136).\r\n"],
  [0, "EPSV\r\n"],
  [1, "229 Entering Extended Passive Mode (|||30088|)\r\n"],
  [0, "EPRT |1|10.0.1.2|6275|\r\n"],
  [1, "226 Transfer complete.\r\n"],
  [0, "TYPE I\r\n"],
  [1, "213 20261125043333\r\n"],
  [0, "NOOP\r\n"],
  [1, "200 NOOP ok.\r\n"],
];

// All lines in one buffer, as packets would sit in capture memory.
const text = MIX.map(([, l]) => l).join("");
const buf = Uint8Array.from(text, (c) => c.charCodeAt(0));
const dirs = new Uint8Array(MIX.length);
const starts = new Uint32Array(MIX.length);
const lens = new Uint32Array(MIX.length);
for (let i = 0, o = 0; i < MIX.length; i++) {
  dirs[i] = MIX[i][0];
  starts[i] = o;
  lens[i] = MIX[i][1].length;
  o += MIX[i][1].length;
}

function time(name, fn) {
  fn(Math.min(total, 200000)); // warm up
  const t0 = process.hrtime.bigint();
  const found = fn(total);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${name.padEnd(14)} ${(total / s / 1e6).toFixed(2).padStart(6)} million lines/s  (${total} lines in ${s.toFixed(2)} s, ${found} data-connection commands)`);
}

// 1. The grammar alone.
const cmd = new FtpCommand();
const client = Uint32Array.of(CLIENT, 0, 0, 0);
const server = Uint32Array.of(SERVER, 0, 0, 0);
time("parser", (n) => {
  let found = 0;
  for (let k = 0, i = 0; k < n; k++, i = i + 1 === MIX.length ? 0 : i + 1) {
    const s = starts[i];
    if (parseFtpCommand(buf, s, s + lens[i], dirs[i], 4, dirs[i] === 0 ? client : server, cmd) === 1) found++;
  }
  return found;
});

// 2 and 3. The helper per segment, through a reused stub context like the engine's.
function helperRun(options) {
  const helper = ftpHelper(options);
  let expectations = 0;
  const ctx = {
    bytes: buf,
    payloadOffset: 0,
    payloadLength: 0,
    direction: 0,
    state: 1, // ESTABLISHED
    family: 4,
    protocol: 6,
    src: client,
    dst: server,
    srcPort: 40000,
    dstPort: 21,
    tcpSeq: 0,
    tcpAck: 0,
    tcpFlags: 0x18,
    now: 0,
    connectionId: 1,
    data: helper.createState(),
    expect() {
      expectations++;
      return 0;
    },
  };
  const seq = [1000, 9000];
  // Let each direction's first segment (never parsed by Linux) go by.
  for (const d of [0, 1]) {
    ctx.direction = d;
    ctx.payloadOffset = starts[d];
    ctx.payloadLength = lens[d];
    ctx.tcpSeq = seq[d];
    helper.onPacket(ctx);
    seq[d] += lens[d];
  }
  return (n) => {
    expectations = 0;
    for (let k = 0, i = 0; k < n; k++, i = i + 1 === MIX.length ? 0 : i + 1) {
      const d = dirs[i];
      ctx.direction = d;
      ctx.src = d === 0 ? client : server;
      ctx.dst = d === 0 ? server : client;
      ctx.payloadOffset = starts[i];
      ctx.payloadLength = lens[i];
      ctx.tcpSeq = seq[d];
      helper.onPacket(ctx);
      seq[d] = (seq[d] + lens[i]) >>> 0;
    }
    return expectations;
  };
}
time("helper", helperRun({}));
time("helper stream", helperRun({ stream: true }));
