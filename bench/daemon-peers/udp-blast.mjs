// Sends UDP datagrams to HOST:PORT as fast as one Node thread can for SECONDS,
// then prints how many it sent. Bench peer (bench/daemon.mjs), client side.
import { createSocket } from "node:dgram";

const [host, port, seconds, size = "64"] = process.argv.slice(2);
const sock = createSocket("udp4");
const payload = Buffer.alloc(Number(size), 0x61);
const until = Date.now() + Number(seconds) * 1000;
let sent = 0;
let inFlight = 0;
sock.connect(Number(port), host, () => {
  const pump = () => {
    // Keep a bounded number of sends queued in libuv; refill when they complete.
    while (inFlight < 256 && Date.now() < until) {
      inFlight++;
      sock.send(payload, () => {
        inFlight--;
        sent++;
        if (inFlight === 0) {
          if (Date.now() < until) setImmediate(pump);
          else finish();
        }
      });
    }
  };
  pump();
});
function finish() {
  process.stdout.write(JSON.stringify({ sent }) + "\n");
  sock.close();
}
