import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LinkType, PcapWriter } from "@alg-sdk/pcap";
import { udp } from "@alg-sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./support/run-in-process.js";

// Two clients behind SNAT use the same source port: the second is moved to
// a port NAT draws at random (Linux's get_random_u16), from the engine's
// seed. Random by default, as Linux; --hash-seed makes a replay repeatable.
let dir = "";
let capture = "";
let rules = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "alg-sdk-seed-test-"));
  const w = new PcapWriter({ linkType: LinkType.RAW });
  w.writePacket(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 53, payload: "a" }), 1, 0);
  w.writePacket(udp({ src: "10.0.1.3", dst: "10.0.2.2", sport: 40000, dport: 53, payload: "b" }), 1, 1000);
  capture = join(dir, "clash.pcap");
  writeFileSync(capture, w.toBytes());
  rules = join(dir, "snat.rules");
  writeFileSync(rules, "ip saddr 10.0.1.0/24 snat to 10.0.2.100\n");
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The source port the second client's packet left with. */
async function movedPort(...extra: string[]): Promise<number> {
  const r = await runInProcess(["replay", "--format", "jsonl", "--emit-bytes", "--rules", rules, ...extra, capture]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const second = r.stdout.split("\n").map((l) => (l === "" ? null : (JSON.parse(l) as { type: string; index?: number; out?: string }))).find((o) => o?.type === "packet" && o.index === 1)!;
  const out = Buffer.from(second.out!, "hex");
  return out.readUInt16BE(20);
}

describe("--hash-seed", () => {
  it("makes NAT's random choices repeatable", async () => {
    const a = await movedPort("--hash-seed", "12345");
    expect(a).not.toBe(40000);
    expect(await movedPort("--hash-seed", "12345")).toBe(a);
  });

  it("without it, each run draws its own seed (as Linux seeds its hash)", async () => {
    const ports = new Set<number>();
    for (let i = 0; i < 6; i++) ports.add(await movedPort());
    expect(ports.size).toBeGreaterThan(1);
  });
});
