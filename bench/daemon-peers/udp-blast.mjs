// Sends 64-byte UDP datagrams to HOST:PORT for SECONDS, at RATE datagrams a
// second (0: as fast as one Node thread can), then prints how many it sent.
// Bench peer (bench/daemon.mjs), client side.
import { createSocket } from "node:dgram";

const [host, port, seconds, rate = "0"] = process.argv.slice(2);
const sock = createSocket("udp4");
const payload = Buffer.alloc(64, 0x61);
const start = performance.now();
const until = start + Number(seconds) * 1000;
const perMs = Number(rate) / 1000;
let sent = 0;
let inFlight = 0;
let finished = false;

function finish() {
  if (finished) return;
  finished = true;
  process.stdout.write(JSON.stringify({ sent, unconfirmed: inFlight }) + "\n");
  process.exit(0);
}

function pump() {
  const now = performance.now();
  if (now >= until) {
    if (inFlight === 0) finish();
    return;
  }
  // Paced: as many as the rate allows by now; unpaced: keep 256 sends queued in libuv.
  const due = perMs > 0 ? Math.floor((now - start) * perMs) - sent - inFlight : 256 - inFlight;
  for (let i = 0; i < Math.min(due, 512); i++) {
    inFlight++;
    sock.send(payload, () => {
      inFlight--;
      sent++;
    });
  }
  if (perMs > 0 && due <= 0) setTimeout(pump, 0);
  else setImmediate(pump);
}

sock.connect(Number(port), host, pump);
// Sends still waiting for socket space when time is up are not waited for.
setTimeout(finish, Number(seconds) * 1000 + 1000).unref();
