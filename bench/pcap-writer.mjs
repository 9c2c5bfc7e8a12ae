// pcap / pcapng writer and reader throughput.
//
//   npm run build && node bench/pcap-writer.mjs [--packets 1000000]
import { CaptureParser, LinkType, NANOSECONDS, PcapngWriter, PcapWriter } from "../pcap/dist/index.js";

const i = process.argv.indexOf("--packets");
const N = i >= 0 ? Number(process.argv[i + 1]) : 1_000_000;
const pkt = new Uint8Array(60);
pkt[0] = 0x45;
pkt[3] = 60;

function time(label, f) {
  const t0 = performance.now();
  const out = f();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(28)} ${Math.round(N / s).toLocaleString("en").padStart(12)} packets/s`);
  return out;
}

time("PcapWriter.writePacket", () => {
  const w = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true });
  for (let k = 0; k < N; k++) {
    w.writePacket(pkt, 1_700_000_000 + (k >>> 10), k & 0x3fffffff);
    if ((k & 0xffff) === 0) w.flush();
  }
  w.flush();
});
const chunks = time("PcapngWriter.writePacket", () => {
  const w = new PcapngWriter();
  w.addInterface({ linkType: LinkType.RAW, tsResolution: NANOSECONDS });
  const out = [];
  for (let k = 0; k < N; k++) {
    w.writePacket(0, pkt, 1_700_000_000 + (k >>> 10), k & 0x3fffffff);
    if ((k & 0xffff) === 0) out.push(...w.flush());
  }
  out.push(...w.flush());
  return out;
});
time("CaptureParser.push (pcapng)", () => {
  const p = new CaptureParser();
  let n = 0;
  for (const c of chunks) n += p.push(c).length;
  p.end();
  if (n !== N) throw new Error(`read ${n} of ${N}`);
});
