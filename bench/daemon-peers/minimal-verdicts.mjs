// The smallest NFQUEUE consumer on the same socket package and codecs as the
// daemon: bind queue 0, accept every packet at once, no engine. It shows what
// the socket path alone costs, for comparison with the daemon
// (bench/daemon.mjs runs it as "socket only"). Stops on SIGTERM and prints its count.
import { encodeQueueConfig, encodeVerdict, encodeBatchVerdict, splitMessages, decodeQueuedPacket, openNetfilterSocket, NfqCfgCmd, NfqCopyMode } from "../../daemon/dist/index.js";

const batch = process.argv[2] === "batch";
const sock = openNetfilterSocket();
let seq = 1;
let count = 0;
let last = -1;
let scheduled = false;
sock.onDatagram((d) => {
  for (const m of splitMessages(d).messages) {
    const p = decodeQueuedPacket(m);
    if (!p) continue;
    count++;
    if (!batch) sock.send(encodeVerdict(0, p.id, 1, seq++));
    else {
      last = p.id;
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          sock.send(encodeBatchVerdict(0, last, 1, seq++));
        });
      }
    }
  }
});
sock.send(encodeQueueConfig({ queue: 0, command: NfqCfgCmd.BIND }, seq++));
sock.send(encodeQueueConfig({ queue: 0, copyMode: NfqCopyMode.PACKET, copyRange: 0xffff, maxLen: 8192 }, seq++));
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  process.stdout.write(JSON.stringify({ count }) + "\n");
  process.exit(0);
});
