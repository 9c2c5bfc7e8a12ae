// The seed corpus: every conformance trace the repository holds
// (test/fixtures/conformance/*/trace-raw.pcap), as IP datagrams with their
// times relative to the trace's first packet.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createLinkLayerInfo, decodeLinkLayer, readCapture } from "@alg-sdk/pcap";

const conformance = fileURLToPath(new URL("../test/fixtures/conformance/", import.meta.url));

/**
 * @returns {{ name: string, packets: { bytes: Uint8Array, t: number }[], duration: number }[]}
 */
export function loadCorpus() {
  const traces = [];
  for (const name of readdirSync(conformance).sort()) {
    const file = `${conformance}${name}/trace-raw.pcap`;
    if (!existsSync(file)) continue;
    const link = createLinkLayerInfo();
    const packets = [];
    let first = -1;
    for (const rec of readCapture(readFileSync(file))) {
      decodeLinkLayer(rec.linkType, rec.data, link);
      if (first < 0) first = rec.tsSeconds;
      packets.push({ bytes: rec.data.slice(link.offset, link.offset + link.length), t: Math.max(0, rec.tsSeconds - first) });
    }
    if (packets.length > 0) traces.push({ name, packets, duration: packets[packets.length - 1].t });
  }
  return traces;
}

/** The NAT rules of the NAT traces (the conformance router's), in the rules-file syntax. */
export function natRules() {
  return readFileSync(`${conformance}nat-ftp-active-snat-ipv4/nat.rules`, "utf8");
}
