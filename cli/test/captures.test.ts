import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LinkType, PcapngWriter, PcapWriter, readCapture } from "@alg-sdk/pcap";
import { fragments, udp } from "@alg-sdk/testing";
import { afterAll, describe, expect, it } from "vitest";
import { runInProcess } from "./support/run-in-process.js";

// Captures the bundled one does not exercise: pcapng with several link
// types and a frame that carries no IP, and IP fragments.
const capture = fileURLToPath(new URL("../../examples/captures/ftp-active-passive.pcap", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "alg-sdk-cli-captures-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ETHERNET_IPV4 = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
const ARP_FRAME = new Uint8Array([255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 0, 1, 0x08, 0x06, ...new Array<number>(28).fill(0)]);

describe("pcapng with Ethernet and raw interfaces", () => {
  const path = join(dir, "mixed.pcapng");
  const w = new PcapngWriter({ userApplication: "alg-sdk cli test" });
  const raw = w.addInterface({ linkType: LinkType.RAW });
  const eth = w.addInterface({ linkType: LinkType.ETHERNET, name: "eth0" });
  let n = 0;
  for (const rec of readCapture(readFileSync(capture))) {
    // Every other packet goes through the Ethernet interface, with a link header in front.
    if (n++ % 2 === 0) w.writePacket(raw, rec.data, rec.tsSec, rec.tsNanos);
    else w.writePacket(eth, new Uint8Array([...ETHERNET_IPV4, ...rec.data]), rec.tsSec, rec.tsNanos);
    if (n === 5) w.writePacket(eth, ARP_FRAME, rec.tsSec, rec.tsNanos);
  }
  writeFileSync(path, w.toBytes());

  it("replays like the pcap, and reports the ARP frame as skipped", async () => {
    const r = await runInProcess(["replay", "--format", "jsonl", path]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const objects = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.filter((o) => o.type === "packet")).toHaveLength(123);
    expect(objects.filter((o) => o.type === "skipped")).toEqual([
      { type: "skipped", index: 5, ts: expect.any(Number), reason: "not-ip", detail: "ethertype 0x0806" },
    ]);
    const summary = objects.at(-1) as { capture: { records: number; linkTypes: string[] }; packets: { notIp: number; byState: Record<string, number> } };
    expect(summary.capture.records).toBe(124);
    expect(summary.capture.linkTypes.sort()).toEqual(["ETHERNET", "RAW"]);
    expect(summary.packets.notIp).toBe(1);
    expect(summary.packets.byState).toMatchObject({ NEW: 2, ESTABLISHED: 117, RELATED: 4 });

    const human = await runInProcess(["replay", "--no-tables", path]);
    expect(human.stdout).toMatch(/^\s+5\s+\d+\.\d{6}\s+not an IP packet \(ethertype 0x0806\), skipped$/m);
    expect(human.stdout).toContain("1 frame without IP skipped");
  });

  it("verifies against the labels: the ARP frame shifts no index", async () => {
    // Labels for the 123 IP packets, renumbered to their record index in this file.
    const jsonl = await runInProcess(["replay", "--format", "jsonl", path]);
    const labels = jsonl.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; index: number; state: string; dir: string | null; expected: boolean })
      .filter((o) => o.type === "packet")
      .map((o) => JSON.stringify({ index: o.index, label: o.state, ct_dir: o.dir, ct_expected: o.state === "INVALID" ? null : o.expected }));
    const file = join(dir, "mixed.labels.jsonl");
    writeFileSync(file, `${labels.join("\n")}\n`);
    const r = await runInProcess(["verify", path, file]);
    // The ARP frame has no label: it is the one disagreement, reported as skipped.
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\s+5\s+\(no label\)\s+SKIPPED\s+ethertype 0x0806$/m);
    expect(r.stdout).toContain("1 of 124 packets disagree");
  });
});

/** An IPv4 UDP datagram from 10.0.1.2:5000 to 10.0.2.2:53, cut into two fragments. */
function twoFragments(): Uint8Array[] {
  const datagram = udp({ src: "10.0.1.2", dst: "10.0.2.2", id: 0x1234, sport: 5000, dport: 53, payload: "a".repeat(16) });
  return fragments(datagram, { sizes: [16] });
}

describe("IP fragments", () => {
  const path = join(dir, "fragments.pcap");
  const w = new PcapWriter({ linkType: LinkType.RAW });
  const [first, second] = twoFragments();
  w.writePacket(first!, 1795581213, 0);
  w.writePacket(second!, 1795581213, 1000);
  writeFileSync(path, w.toBytes());

  it("a held fragment is reported as held; the datagram's state comes with the last one", async () => {
    const r = await runInProcess(["replay", "--format", "jsonl", path]);
    expect(r.code).toBe(0);
    const [held, packet] = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(held).toEqual({ type: "held", index: 0, ts: 1795581213, conn: null });
    expect(packet).toMatchObject({ type: "packet", index: 1, state: "NEW", dir: "original", verdict: "accept" });
  });

  it("the human line of the completing fragment shows the datagram's ports", async () => {
    const r = await runInProcess(["replay", "--no-tables", path]);
    expect(r.stdout).toMatch(/^\s+0\s+0\.000000\s+udp\s+10\.0\.1\.2\s+10\.0\.2\.2\s+\(held\)\s+-\s+-\s+fragment held for reassembly$/m);
    expect(r.stdout).toMatch(/^\s+1\s+0\.000001\s+udp\s+10\.0\.1\.2:5000\s+10\.0\.2\.2:53\s+NEW\s+original\s+-$/m);
    expect(r.stdout).toContain("1 fragment held for reassembly");
  });
});
