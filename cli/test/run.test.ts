import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PassThrough, runInProcess } from "./support/run-in-process.js";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const capture = here("../../examples/captures/ftp-active-passive.pcap");
const rules = here("../../examples/firewall.rules");
const fixture = (scenario: string, file: string) => here(`../../test/fixtures/conformance/${scenario}/${file}`);

describe("replay (in process)", () => {
  it("human: one line per packet, the tables, the totals and the firewall's account", async () => {
    const r = await runInProcess(["replay", "--rules", rules, capture]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.filter((l) => /^\s+\d+\s+\d+\.\d{6}  tcp /.test(l))).toHaveLength(123);
    expect(lines.filter((l) => l.includes("+ expectation "))).toHaveLength(4);
    expect(lines.filter((l) => / RELATED .* matches expectation \d \(ftp\)$/.test(l))).toHaveLength(4);
    expect(r.stdout).toContain("Connections (conntrack -L) at the last packet");
    expect(r.stdout).toContain("(6 connections)");
    expect(r.stdout).toContain("states        NEW 2   ESTABLISHED 117   RELATED 4   INVALID 0   UNTRACKED 0");
    expect(r.stdout).toContain("expectations  4 created, 4 matched, 0 expired, 0 evicted, 0 pending");
    expect(r.stdout).toContain("firewall passed 123, dropped 0");
    expect(r.stdout).toContain(
      "  4 connections announced by a helper (ftp: 4) started as RELATED and passed by line 12,\n" +
        "  although new connections were let in only by line 15 (ct state new tcp dport 21 accept)\n",
    );
  });

  it("without the ftp helper the same ruleset drops the data connections, as the engine runs the filter", async () => {
    const r = await runInProcess(["replay", "--helper", "icmp", "--rules", rules, "--no-tables", capture]);
    expect(r.code).toBe(0);
    // The first packet of each data connection is NEW and only port 21 is open: the policy drops it, and
    // the connection is never created, so the rest of the (recorded) exchange is NEW or INVALID and dropped too.
    expect(r.stdout).toMatch(/^\s+24\s+\S+\s+tcp\s+10\.0\.2\.2:20\s+10\.0\.1\.2:47225\s+NEW\s+original\s+-\s+DROP \(policy\)$/m);
    expect(r.stdout).toMatch(/^\s+25\s+\S+\s+tcp\s+10\.0\.1\.2:47225\s+10\.0\.2\.2:20\s+INVALID\s+-\s+-\s+DROP \(line 18\)\s+tcp-invalid-new$/m);
    expect(r.stdout).toContain("states        NEW 22   ESTABLISHED 89   RELATED 0   INVALID 12");
    expect(r.stdout).toContain("connections   2 created");
    expect(r.stdout).toContain("invalid       tcp-invalid-new 12\n");
    expect(r.stdout).toContain("firewall passed 91, dropped 32");
    expect(r.stdout).toContain("no connection was opened through an expectation");
  });

  it("jsonl: the packet contract and the expectation events", async () => {
    const r = await runInProcess(["replay", "--format", "jsonl", capture]);
    expect(r.code).toBe(0);
    const objects = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const packets = objects.filter((o) => o.type === "packet");
    expect(packets).toHaveLength(123);
    expect(packets.map((p) => p.index)).toEqual([...Array(123).keys()]);
    for (const p of packets) {
      expect(Object.keys(p)).toEqual(["type", "index", "ts", "state", "dir", "expected", "helper", "verdict", "reason", "conn"]);
    }
    expect(packets[24]).toMatchObject({ state: "RELATED", dir: "original", expected: true, helper: null, verdict: "accept", reason: null });
    const created = objects.filter((o) => o.type === "expect-new");
    expect(created).toHaveLength(4);
    expect(created[0]).toMatchObject({
      type: "expect-new",
      tuple: { family: 4, proto: "tcp", src: "10.0.2.2", dst: "10.0.1.2", sport: 0, dport: 47225 },
      mask: { src: "255.255.255.255", sport: 0, dport: 65535 },
      master: { src: "10.0.1.2", dst: "10.0.2.2", sport: 59638, dport: 21 },
      helper: "ftp",
      class: 0,
      timeout: 300,
    });
    expect(objects.filter((o) => o.type === "expect-destroy").map((o) => o.reason)).toEqual(["matched", "matched", "matched", "matched"]);
    // The event follows the packet that caused it.
    const i = objects.indexOf(created[0]!);
    expect(objects[i - 1]).toMatchObject({ type: "packet", index: 21 });
    expect(objects.at(-1)).toMatchObject({ type: "summary", packets: { byState: { NEW: 2, ESTABLISHED: 117, RELATED: 4 } } });
  });

  it("json: one summary document", async () => {
    const r = await runInProcess(["replay", "--format", "json", "--tables", "--rules", rules, capture]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      command: "replay",
      capture: { records: 123, linkTypes: ["RAW"], stopped: null },
      expectations: { created: 4, matched: 4, expired: 0, evicted: 0 },
      firewall: { passed: 123, dropped: 0, relatedPassed: 4, relatedPassedByHelper: { ftp: 4 }, relatedPassedBy: [12] },
    });
    expect(doc.connections).toHaveLength(6);
    expect(doc.pendingExpectations).toEqual([]);
  });

  it("reads a capture from standard input with -", async () => {
    const r = await runInProcess(["replay", "--format", "json", "-"], { stdin: readFileSync(capture) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).capture).toMatchObject({ name: "standard input", records: 123 });
  });
});

describe("verify (in process)", () => {
  it("agrees with Linux on the ftp-active trace", async () => {
    const r = await runInProcess(["verify", fixture("ftp-active-ipv4", "trace-raw.pcap"), fixture("ftp-active-ipv4", "labels.jsonl")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("all 60 packets agree with the labels");
  });

  it("without helpers, disagrees and lists the packets", async () => {
    const r = await runInProcess([
      "verify",
      "--no-helpers",
      "--format",
      "json",
      fixture("ftp-active-ipv4", "trace-raw.pcap"),
      fixture("ftp-active-ipv4", "labels.jsonl"),
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.disagreeing).toBeGreaterThan(0);
    expect(report.disagreements[0]).toMatchObject({ index: 24, linux: { label: "RELATED" }, ours: { label: "NEW" } });
  });
});

describe("watch (in process)", () => {
  it("prints events from a stream and the totals at its end", async () => {
    const r = await runInProcess(["watch"], { stdin: readFileSync(capture) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[NEW\] tcp +6 +120 SYN_SENT src=10\.0\.1\.2/m);
    expect(r.stdout.match(/\[NEW\] expect 300 proto=6/g)).toHaveLength(4);
    expect(r.stdout).toContain("Totals");
    expect(r.stdout).not.toContain("Connections (conntrack -L)");
  });

  it("stops on an interrupt while the stream is still open, and prints the totals", async () => {
    const stdin = new PassThrough();
    let interrupt: (() => void) | undefined;
    const bytes = readFileSync(capture);
    stdin.write(bytes.subarray(0, 3000));
    const running = runInProcess(["watch", "--format", "json"], { stdin, onInterrupt: (h) => (interrupt = h) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    interrupt!();
    const r = await running;
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.capture.interrupted).toBe(true);
    expect(doc.capture.stopped).toBeNull();
    expect(doc.capture.records).toBeGreaterThan(10);
  });
});
