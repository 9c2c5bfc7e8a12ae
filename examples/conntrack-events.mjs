// @ts-check
// Writing the engine's events the way `conntrack -E` (and `conntrack -E
// expect`) prints them, while a capture is replayed.
//
//   npm run build && node examples/conntrack-events.mjs [capture.pcap]
//
// Subscribing costs a snapshot per connection change: fine for a live
// stream or a small capture. (The alg-sdk CLI listens only while
// expectations are pending when it replays big captures.)
import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { createEngine, formatConnection, formatExpectation } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { createLinkLayerInfo, decodeLinkLayer, readCaptureStream } from "@alg-sdk/pcap";

const path = process.argv[2] ?? fileURLToPath(new URL("./captures/ftp-active-passive.pcap", import.meta.url));
const engine = createEngine({ helpers: [ftpHelper(), icmpHelper()] });

/** `06:33:33.931746`: the packet's time of day, UTC. */
const clock = (/** @type {number} */ ts) => new Date(ts * 1000).toISOString().slice(11, 23) + String(Math.round(ts * 1e6) % 1000).padStart(3, "0");

engine.on((e) => {
  switch (e.type) {
    case "conn-new":
      return console.log(`${clock(e.ts)}    [NEW] ${formatConnection(e.connection)}`);
    case "conn-update":
      return console.log(`${clock(e.ts)} [UPDATE] ${formatConnection(e.connection)}`);
    case "conn-destroy":
      return console.log(`${clock(e.ts)} [DESTROY] ${formatConnection(e.connection)}`);
    case "expect-new":
      return console.log(`${clock(e.ts)}    [NEW] ${formatExpectation(e.expectation)}`);
    case "expect-destroy":
      return console.log(`${clock(e.ts)} [DESTROY] ${formatExpectation(e.expectation)} (${e.reason})`);
    case "helper-error":
      return console.log(`${clock(e.ts)}  [ERROR] helper ${e.helper}: ${String(e.error)}`);
  }
});

const ll = createLinkLayerInfo();
let last = 0;
for await (const rec of readCaptureStream(createReadStream(path))) {
  decodeLinkLayer(rec.linkType, rec.data, ll);
  if (ll.family === 0) continue;
  engine.processRange(rec.data, ll.offset, ll.length, rec.tsSeconds);
  last = rec.tsSeconds;
}
// Let time run on: what expires in the next five minutes is destroyed too.
engine.expire(last + 300);
