// @ts-check
// Embedding the engine in your own program: read a capture, track every
// packet with the FTP helper, and decide as a minimal stateful firewall
// would (the ruleset of examples/firewall.rules, written in code).
//
//   npm run build && node examples/embed-engine.mjs [capture.pcap]
//
// The capture is streamed (never loaded whole) with @alg-sdk/pcap; the
// engine only sees IP datagrams, so each frame's link layer is stripped
// first.
import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { createEngine, PacketState } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { createLinkLayerInfo, decodeLinkLayer, readCaptureStream } from "@alg-sdk/pcap";

const path = process.argv[2] ?? fileURLToPath(new URL("./captures/ftp-active-passive.pcap", import.meta.url));

// The FTP helper attaches itself to tcp/21 (its default rule) and creates
// an expectation for each PORT/EPRT/PASV/EPSV, so the data connection it
// announces is RELATED.
const engine = createEngine({ helpers: [ftpHelper()] });

/** Only port 21 is open for new connections; the rest must be ESTABLISHED or RELATED. */
function firewall(state, protocol, dport) {
  if (state === PacketState.ESTABLISHED || state === PacketState.RELATED) return "accept";
  if (state === PacketState.NEW && protocol === 6 && dport === 21) return "accept";
  return "drop";
}

const ll = createLinkLayerInfo();
const passed = { accept: 0, drop: 0 };
for await (const rec of readCaptureStream(createReadStream(path))) {
  decodeLinkLayer(rec.linkType, rec.data, ll);
  if (ll.family === 0) continue; // ARP and other non-IP frames
  // The result object is reused by the engine: read what you need now.
  const r = engine.processRange(rec.data, ll.offset, ll.length, rec.tsSeconds);
  const ip = ll.offset;
  const protocol = ll.family === 4 ? rec.data[ip + 9] : -1;
  const l4 = ip + ((rec.data[ip] ?? 0) & 0x0f) * 4;
  const dport = ((rec.data[l4 + 2] ?? 0) << 8) | (rec.data[l4 + 3] ?? 0);
  const verdict = firewall(r.state, protocol, dport);
  passed[verdict]++;
  if (r.state === PacketState.NEW || r.state === PacketState.RELATED) {
    console.log(
      `packet ${String(rec.index).padStart(3)}: ${r.stateName.padEnd(8)} ${r.directionName} ` +
        `${r.expected ? "(expected by a helper) " : ""}-> ${verdict}`,
    );
  }
}
console.log(`firewall passed ${passed.accept}, dropped ${passed.drop}`);
console.log(
  `expectations: ${engine.stats.expectationsCreated} created, ${engine.stats.expectationsMatched} matched; ` +
    `connections in the table: ${engine.connectionCount}`,
);
