// A line-driven FTP client for the end-to-end test: it reads one command a
// line on stdin (login, pasv, port, retr NAME, quit) and prints one JSON
// answer a line, so a test can act between steps (look at the router's
// expectations, kill the daemon). Every wait is bounded.
import { createConnection, createServer } from "node:net";
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";

const [host, stepMs = "3000"] = process.argv.slice(2);
const STEP = Number(stepMs);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

let control = null;
let buffered = "";
const waiters = [];
// Replies that came before anyone waited for them (226 after the data).
const early = [];
let dataSource = null; // () => Promise<socket>

function onData(chunk) {
  buffered += chunk.toString("latin1");
  let nl;
  while ((nl = buffered.indexOf("\r\n")) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 2);
    // Multi-line replies: only the last line ("NNN text") settles a waiter.
    if (!/^\d{3} /.test(line)) continue;
    const w = waiters.shift();
    if (w) w(line);
    else early.push(line);
  }
}

function reply() {
  if (early.length > 0) return Promise.resolve(early.shift());
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout waiting for a reply")), STEP);
    waiters.push((line) => {
      clearTimeout(t);
      resolve(line);
    });
  });
}

async function send(cmd) {
  const r = reply();
  control.write(cmd + "\r\n");
  return r;
}

function connectControl() {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port: 21 });
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error("timeout connecting"));
    }, STEP);
    s.on("data", onData);
    s.on("error", (e) => reject(e));
    control = s;
    const greeting = reply();
    greeting.catch(() => {});
    greeting.then(
      (line) => {
        clearTimeout(t);
        resolve(line);
      },
      reject,
    );
  });
}

function readAll(sock) {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    let bytes = 0;
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error("timeout reading data"));
    }, STEP * 3);
    sock.on("data", (c) => {
      hash.update(c);
      bytes += c.length;
    });
    sock.on("end", () => {
      clearTimeout(t);
      resolve({ bytes, sha256: hash.digest("hex") });
    });
    sock.on("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

const commands = {
  async login() {
    const hello = await connectControl();
    await send("USER anonymous");
    const pass = await send("PASS x");
    await send("TYPE I");
    return { hello, pass };
  },
  async pasv() {
    const line = await send("PASV");
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(line);
    if (!m) throw new Error(`no address in ${line}`);
    const port = Number(m[5]) * 256 + Number(m[6]);
    const addr = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
    dataSource = () =>
      new Promise((resolve, reject) => {
        const s = createConnection({ host: addr, port });
        const t = setTimeout(() => {
          s.destroy();
          reject(new Error("timeout connecting to the data port"));
        }, STEP);
        s.on("connect", () => {
          clearTimeout(t);
          resolve(s);
        });
        s.on("error", (e) => {
          clearTimeout(t);
          reject(e);
        });
      });
    return { line, port };
  },
  async port() {
    const server = createServer();
    await new Promise((r) => server.listen(0, r));
    const port = server.address().port;
    const local = control.localAddress.split(".").join(",");
    const line = await send(`PORT ${local},${port >> 8},${port & 255}`);
    dataSource = () =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          server.close();
          reject(new Error("timeout waiting for the server's data connection"));
        }, STEP);
        server.once("connection", (s) => {
          clearTimeout(t);
          server.close();
          resolve(s);
        });
      });
    return { line, port };
  },
  async retr(name) {
    const start = send(`RETR ${name}`);
    // Its answer is awaited after the data; a timeout meanwhile must not end the process.
    start.catch(() => {});
    const sock = await dataSource();
    const data = await readAll(sock);
    const first = await start;
    const done = first.startsWith("150") ? await reply() : first;
    return { ...data, first, done };
  },
  async quit() {
    await send("QUIT").catch(() => {});
    control?.destroy();
    return {};
  },
};

// A late failure of an abandoned step is already reported by the step's own bound.
process.on("unhandledRejection", () => {});

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, ...args] = line.trim().split(/\s+/);
  const started = process.hrtime.bigint();
  try {
    const result = await commands[cmd](...args);
    out({ cmd, ok: true, ms: Number(process.hrtime.bigint() - started) / 1e6, ...result });
  } catch (e) {
    out({ cmd, ok: false, ms: Number(process.hrtime.bigint() - started) / 1e6, error: String(e.message ?? e) });
  }
}
control?.destroy();
