#!/usr/bin/env node
// Per-packet JavaScript cost of the daemon's packet path, without a kernel:
// decoding a queued-packet message, running it through the engine, encoding
// its verdict. Not a test; prints microseconds per operation.
//
//   npm run build && node bench/daemon-codecs.mjs
import { createEngine } from "../core/dist/index.js";
import { MessageBuilder, decodeQueuedPacket, encodeVerdict, splitMessages, NfqAttr } from "../daemon/dist/index.js";

const N = Number(process.argv[2] ?? 1_000_000);
// A 92-byte UDP datagram, queued as nfnetlink_queue lays it out (header, mark, payload).
const ip = new Uint8Array(92);
ip.set([0x45, 0, 0, 92, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 201, 1, 2, 10, 201, 2, 2, 0x9c, 0x40, 0x13, 0x89, 0, 72, 0, 0]);
const message = new MessageBuilder(0x0300, 0, 0, 2, 0).bytes(NfqAttr.PACKET_HDR, Uint8Array.of(0, 0, 0, 1, 8, 0, 2)).be32(NfqAttr.MARK, 3).bytes(NfqAttr.PAYLOAD, ip).finish();
const engine = createEngine({});
let t = 1;

const cases = [
  ["split + decode a packet message", () => decodeQueuedPacket(splitMessages(message).messages[0])],
  ["engine.process (known UDP flow)", () => engine.process(ip, (t += 1e-6))],
  ["encode a verdict", () => encodeVerdict(0, 1, 1, 1)],
];
console.log(`daemon packet path, ${N.toLocaleString("en-US")} operations each; node ${process.version}`);
for (const [name, fn] of cases) {
  for (let i = 0; i < 100_000; i++) fn();
  const start = performance.now();
  for (let i = 0; i < N; i++) fn();
  console.log(`  ${name.padEnd(36)} ${((performance.now() - start) * 1000 / N).toFixed(3)} us`);
}
