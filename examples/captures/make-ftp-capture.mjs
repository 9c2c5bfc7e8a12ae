// Builds ftp-active-passive.pcap, the capture `npm start` replays: the
// records of two real captures taken on a Linux router (kernel 6.18,
// nf_conntrack with the FTP helper on tcp/21), one after the other:
//
//   ../shared/conformance/ftp-active-ipv4/trace-raw.pcap   (PORT + LIST, PORT + RETR)
//   ../shared/conformance/ftp-passive-ipv4/trace-raw.pcap  (PASV + LIST, PASV + RETR)
//
// Nothing is rewritten: each record is copied as read (timestamps, bytes),
// through the pcap reader and writer of @alg-sdk/pcap. Both inputs are
// classic pcap with link type 101 (raw IP); so is the output. The second
// capture was recorded two seconds after the first, so the records stay in
// time order.
//
//   npm run build && node examples/captures/make-ftp-capture.mjs [conformance-dir]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PcapWriter, readCapture } from "../../pcap/dist/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const conformance = process.argv[2] ?? join(here, "../../../shared/conformance");
const sources = ["ftp-active-ipv4", "ftp-passive-ipv4"].map((s) => join(conformance, s, "trace-raw.pcap"));

const writer = new PcapWriter({ linkType: 101 });
let previous = -Infinity;
for (const path of sources) {
  let n = 0;
  // The source captures are a few kilobytes: reading them whole is fine here.
  for (const rec of readCapture(readFileSync(path))) {
    if (rec.linkType !== 101) throw new Error(`${path}: record ${rec.index} has link type ${rec.linkType}, expected 101`);
    if (rec.tsSeconds < previous - 0.001) throw new Error(`${path}: record ${rec.index} goes back in time`);
    previous = rec.tsSeconds;
    writer.writeRecord(rec);
    n++;
  }
  console.log(`${path}: ${n} packets`);
}
const out = join(here, "ftp-active-passive.pcap");
writeFileSync(out, writer.toBytes());
console.log(`${out}: ${writer.packetCount} packets`);
