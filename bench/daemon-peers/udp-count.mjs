// Counts UDP datagrams on PORT; prints the count and the span between the
// first and last one when it gets SIGTERM. Bench peer, server side.
import { createSocket } from "node:dgram";

const [port] = process.argv.slice(2);
const sock = createSocket({ type: "udp4", recvBufferSize: 8 << 20 });
let count = 0;
let first = 0;
let last = 0;
sock.on("message", () => {
  const now = performance.now();
  if (count === 0) first = now;
  last = now;
  count++;
});
sock.bind(Number(port), () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => {
  process.stdout.write(JSON.stringify({ count, seconds: (last - first) / 1000 }) + "\n");
  process.exit(0);
});
