import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PcapWriter, readCapture } from "@alg-sdk/pcap";
import { ipv4 } from "@alg-sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// These tests run the BUILT executable as a user does (`npm test` builds
// first): output, exit codes and the one-line errors.
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bin = here("../dist/bin.js");
// In CI (`npm test` builds first) a missing build fails these tests instead of skipping them.
const built = existsSync(bin) && existsSync(here("../dist/read-worker.js"));
if (!built) console.warn(`cli/test/bin.test.ts: skipped, ${bin} is missing (run npm run build first)`);

const capture = here("../../examples/captures/ftp-active-passive.pcap");
const rules = here("../../examples/firewall.rules");
const fixture = (scenario: string, file: string) => here(`../../test/fixtures/conformance/${scenario}/${file}`);
const repo = here("../../");
// The example third-party helper, built as a workspace by `npm run build`.
const tftpBuilt = existsSync(here("../../helpers/tftp/dist/index.js"));
// The example third-party tracker (examples/tracker-toy), also a workspace.
const toyBuilt = existsSync(here("../../examples/tracker-toy/dist/index.js"));

const ipv4Datagram = (src: string, dst: string, protocol: number, payload: number[]) => ipv4({ src, dst, protocol, payload });
/** A raw-IP capture of `datagrams`, one a second. */
function pcapOf(datagrams: readonly Uint8Array[]): Buffer {
  const w = new PcapWriter({ linkType: 101 });
  return Buffer.concat([w.header(), ...datagrams.map((d, i) => w.record(d, 1 + i))].map((b) => Buffer.from(b)));
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: Buffer, cwd?: string): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { input, cwd, encoding: "utf8", maxBuffer: 1 << 26, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exactly one line on stderr, starting with "alg-sdk: error:", no stack trace. */
function expectOneErrorLine(r: Result, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^alg-sdk: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "alg-sdk-cli-test-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Byte offset of record `n` in a classic little-endian pcap file. */
function recordOffset(bytes: Buffer, n: number): number {
  let o = 24;
  for (let i = 0; i < n; i++) o += 16 + bytes.readUInt32LE(o + 8);
  return o;
}

describe.skipIf(!built && !process.env.CI)("alg-sdk replay (built bin)", () => {
  it("human: the packets, the tables, the totals and the firewall on the bundled capture", () => {
    const r = cli(["replay", "--rules", rules, capture]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^alg-sdk replay .*ftp-active-passive\.pcap\n/);
    expect(r.stdout).toMatch(/^\s+24\s+0\.005416\s+tcp\s+10\.0\.2\.2:20\s+10\.0\.1\.2:47225\s+RELATED\s+original\s+-\s+accept \(line 12\)\s+matches expectation 1 \(ftp\)$/m);
    expect(r.stdout).toContain("Expectations (conntrack -L expect):");
    expect(r.stdout).toContain("firewall passed 123, dropped 0");
    expect(r.stdout).toContain("4 connections announced by a helper (ftp: 4) started as RELATED and passed by line 12,");
  });

  it("jsonl: one object per line, the same with and without the reader thread", () => {
    const r = cli(["replay", "--format", "jsonl", "--worker", capture]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const objects = lines.map((l) => JSON.parse(l) as { type: string });
    expect(objects.filter((o) => o.type === "packet")).toHaveLength(123);
    expect(objects.filter((o) => o.type === "expect-new")).toHaveLength(4);
    expect(objects.at(-1)!.type).toBe("summary");
    expect(cli(["replay", "--format", "jsonl", "--no-worker", capture]).stdout).toBe(r.stdout);
  });

  it("json: one document", () => {
    const r = cli(["replay", "--format", "json", capture]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ capture: { records: 123 }, packets: { byState: { RELATED: 4 } } });
  });

  it("prints no progress bar into redirected output, unless forced", () => {
    expect(cli(["replay", "--no-packets", capture]).stderr).toBe("");
    const forced = cli(["replay", "--no-packets", "--progress", capture]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).not.toContain("packets/s");
  });

  it("--version and --help", () => {
    expect(cli(["--version"]).stdout).toMatch(/^alg-sdk \d+\.\d+\.\d+\n$/);
    const help = cli(["--help"]);
    expect(help.code).toBe(0);
    for (const word of ["replay", "verify", "watch", "--helper", "--no-tcp-loose", "--rules", "--format", "--write", "--emit-bytes", "--helper-module", "--helper-options", "dnat to"]) {
      expect(help.stdout).toContain(word);
    }
    const bare = cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("alg-sdk replay <capture>");
  });
});

describe.skipIf(!built && !process.env.CI)("the packets as they leave (built bin): --write and --emit-bytes", () => {
  // Without the ftp helper, the firewall drops the data connections: those packets do not leave.
  const args = ["replay", "--helper", "icmp", "--rules", rules, capture];
  const input = [...readCapture(readFileSync(capture))];

  it("--write: every packet that leaves, as raw IP with its capture time; dropped ones omitted", () => {
    const out = join(dir, "leaving.pcap");
    const jsonl = cli([...args, "--format", "jsonl", "--write", out]);
    expect(jsonl.stderr).toBe("");
    expect(jsonl.code).toBe(0);
    const packets = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; index: number; verdict: string });
    const leaving = packets.filter((p) => p.type === "packet" && p.verdict === "accept").map((p) => p.index);
    expect(leaving.length).toBeGreaterThan(80);
    expect(leaving.length).toBeLessThan(123);
    const written = [...readCapture(readFileSync(out))];
    expect(written.map((r) => r.linkType)).toEqual(leaving.map(() => 101));
    // No NAT in these rules: each packet leaves as it came, at its own time.
    expect(written.map((r) => Buffer.from(r.data).toString("hex"))).toEqual(leaving.map((i) => Buffer.from(input[i]!.data).toString("hex")));
    expect(written.map((r) => [r.tsSec, r.tsNanos])).toEqual(leaving.map((i) => [input[i]!.tsSec, input[i]!.tsNanos]));
  });

  it("--write with the human report writes the same file; an unwritable path is one error line", () => {
    const a = join(dir, "a.pcap");
    const b = join(dir, "b.pcap");
    expect(cli([...args, "--format", "jsonl", "--write", a]).code).toBe(0);
    expect(cli([...args, "--no-worker", "--write", b]).code).toBe(0);
    expect(readFileSync(b)).toEqual(readFileSync(a));
    expectOneErrorLine(cli([...args, "--write", join(dir, "no-such-dir", "x.pcap")]), 2, /--write .*x\.pcap: no such directory$/);
  });

  it("--emit-bytes: every packet line carries the datagram as it leaves in hex, null when dropped", () => {
    const r = cli([...args, "--format", "jsonl", "--emit-bytes"]);
    expect(r.code).toBe(0);
    const packets = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; index: number; verdict: string; out?: string | null })
      .filter((p) => p.type === "packet");
    expect(packets).toHaveLength(123);
    for (const p of packets) {
      expect(Object.keys(p).at(-1), `packet ${p.index}`).toBe("out");
      expect(p.out, `packet ${p.index}`).toBe(p.verdict === "drop" ? null : Buffer.from(input[p.index]!.data).toString("hex"));
    }
    expect(packets.filter((p) => p.out === null).length).toBeGreaterThan(0);
  });

  it("--emit-bytes belongs to the jsonl format", () => {
    expectOneErrorLine(cli([...args, "--emit-bytes"]), 2, /--emit-bytes adds the datagram to the packet lines of --format jsonl/);
  });
});

describe.skipIf((!built || !tftpBuilt) && !process.env.CI)("a helper package loaded as a third-party one (built bin): --helper-module with the TFTP helper", () => {
  const trace = [fixture("tftp-ipv4", "trace-raw.pcap"), fixture("tftp-ipv4", "labels.jsonl")];

  it("attached as the Linux router had it (replay.args: --helper tftp:udp/69), every packet agrees with Linux", () => {
    const r = cli(["verify", ...trace, "--helper-module", "helpers/tftp", "--helper", "tftp:udp/69"], undefined, repo);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("helpers  tftp (udp/69) from helpers/tftp");
    expect(r.stdout).toMatch(/^\s+RELATED\s+2\s+2$/m);
    expect(r.stdout).toContain("all 23 packets agree with the labels");
    expect(r.code).toBe(0);
  });

  it("by package name, with options for its factory, next to the default helpers; the transfers come out RELATED", () => {
    const r = cli(
      ["replay", trace[0]!, "--format", "jsonl", "--helper-module", "@alg-sdk/helper-tftp", "--helper-options", '{"ports":[6969]}'],
      undefined,
      repo,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const objects = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.filter((o) => o.type === "packet" && o.state === "RELATED")).toHaveLength(2);
    expect(objects.filter((o) => o.type === "expect-new").map((o) => o.helper)).toEqual(["tftp", "tftp"]);
    expect(objects.at(-1)).toMatchObject({ helpers: ["ftp (tcp/21)", "irc (tcp/6667 ipv4)", "icmp", "tftp (udp/69, udp/6969) from @alg-sdk/helper-tftp"] });
  });

  it("without it the same trace disagrees: the helper is what makes the transfers RELATED", () => {
    const r = cli(["verify", ...trace, "--helper", "ftp"], undefined, repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\s+RELATED\s+2\s+0$/m);
  });

  it("a module that is not there, or options for a module that takes none, is one error line", () => {
    expectOneErrorLine(cli(["replay", trace[0]!, "--helper-module", "./no-such-helper.js"], undefined, repo), 2, /--helper-module \.\/no-such-helper\.js: no such file or directory$/);
    expectOneErrorLine(cli(["replay", trace[0]!, "--helper-options", "{}"], undefined, repo), 2, /--helper-options must follow the --helper-module/);
  });
});

describe.skipIf((!built || !toyBuilt) && !process.env.CI)("a third-party protocol tracker (built bin): --tracker-module with examples/tracker-toy", () => {
  // A toy session: OPEN, ACCEPT, DATA, then DATA from a session never opened.
  const toy = (src: string, dst: string, from: number, to: number, type: number) =>
    ipv4Datagram(src, dst, 253, [from >> 8, from & 255, to >> 8, to & 255, type, 0, 0, 0]);
  const file = () => {
    const path = join(dir, "toy.pcap");
    writeFileSync(
      path,
      pcapOf([
        toy("10.0.1.2", "10.0.2.2", 7, 9, 1),
        toy("10.0.2.2", "10.0.1.2", 9, 7, 2),
        toy("10.0.1.2", "10.0.2.2", 7, 9, 3),
        toy("10.0.1.2", "10.0.2.2", 5, 6, 3),
      ]),
    );
    return path;
  };

  it("tracks the toy protocol with the module's states, INVALID verdicts and timeouts by name", () => {
    const r = cli(["replay", file(), "--tracker-module", "examples/tracker-toy", "--timeout", "toy-open=99", "--format", "jsonl"], undefined, repo);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const packets = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => o.type === "packet");
    expect(packets.map((p) => `${p.state}${p.reason ? `:${p.reason}` : ""}`)).toEqual(["NEW", "ESTABLISHED", "ESTABLISHED", "INVALID:tracker-invalid"]);
    const human = cli(["replay", file(), "--tracker-module", "examples/tracker-toy", "--timeout", "toy-open=99"], undefined, repo);
    // Refreshed by the DATA at 3 s, listed at the last packet (4 s): 99 - 1.
    expect(human.stdout).toMatch(/toy\s+253 98 OPEN src=10\.0\.1\.2 dst=10\.0\.2\.2 from=7 to=9 /);
  });

  it("an unknown timeout name, with or without the module, is one error line", () => {
    expectOneErrorLine(cli(["replay", file(), "--tracker-module", "examples/tracker-toy", "--timeout", "toy-shut=3"], undefined, repo), 2, /unknown timeout "toyShut"/);
    expectOneErrorLine(cli(["replay", file(), "--timeout", "toy-open=3"], undefined, repo), 2, /unknown timeout "toy-open"/);
  });
});

describe.skipIf(!built && !process.env.CI)("alg-sdk verify (built bin) agrees with every conformance trace", () => {
  const traces: [string, string[]][] = [
    ["ftp-active-ipv4", []],
    ["ftp-passive-ipv4", []],
    ["irc-dcc", []],
    ["icmp-errors", []],
    ["tcp-states", []],
    ["tcp-loose-off", ["--no-tcp-loose"]],
    ["ftp-active-ipv4", ["--checksums"]],
    ["icmp-errors", ["--checksums"]],
    // Attached as the Linux router had them (the traces' replay.args).
    ["tftp-ipv4", ["--helper", "tftp:udp/69"]],
    ["sip-udp-ipv4", ["--helper", "sip:udp/5060"]],
    ["gre-pptp-ipv4", ["--helper", "pptp:tcp/1723"]],
    ["gre-pptp-ipv4", ["--helper", "pptp:tcp/1723", "--checksums"]],
    // SCTP needs no helper: the built-in tracker.
    ["sctp-ipv4", []],
    ["sctp-ipv4", ["--checksums"]],
  ];
  const at = (scenario: string, file: string) => (existsSync(fixture(scenario, file)) ? fixture(scenario, file) : fixture(scenario, file));
  for (const [scenario, extra] of traces) {
    it(`${scenario}${extra.length > 0 ? ` (${extra.join(" ")})` : ""}`, () => {
      const r = cli(["verify", ...extra, at(scenario, "trace-raw.pcap"), at(scenario, "labels.jsonl")]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^all \d+ packets agree with the labels/m);
      expect(r.code).toBe(0);
    });
  }

  it("fails (exit 1) on a label file altered to disagree, naming the packet", () => {
    const labels = readFileSync(fixture("ftp-passive-ipv4", "labels.jsonl"), "utf8").split("\n");
    const i = labels.findIndex((l) => l.includes('"label":"RELATED"'));
    labels[i] = labels[i]!.replace('"label":"RELATED"', '"label":"NEW"');
    const altered = join(dir, "altered.jsonl");
    writeFileSync(altered, labels.join("\n"));
    const r = cli(["verify", fixture("ftp-passive-ipv4", "trace-raw.pcap"), altered]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^\\s+${i}\\s+NEW original expected\\s+RELATED original expected\\s+tcp `, "m"));
    expect(r.stdout).toContain("1 of 63 packets disagree with the labels");
  });

  it("fails (exit 1) when the tcp-loose-off trace is replayed with loose pickup on", () => {
    const r = cli(["verify", fixture("tcp-loose-off", "trace-raw.pcap"), fixture("tcp-loose-off", "labels.jsonl")]);
    expect(r.code).toBe(1);
  });

  it("reports a broken labels file with its line (exit 3)", () => {
    const bad = join(dir, "bad-labels.jsonl");
    writeFileSync(bad, '{"index":0,"label":"NEW","ct_dir":"original","ct_expected":false}\n{"index":1,"label":"NEWISH"}\n');
    expectOneErrorLine(cli(["verify", capture, bad]), 3, /bad-labels\.jsonl:2: "label" must be one of NEW, /);
  });
});

describe.skipIf(!built && !process.env.CI)("alg-sdk watch (built bin)", () => {
  it("reads a capture piped on standard input and prints events, then the totals", () => {
    const r = cli(["watch"], readFileSync(capture));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/\[NEW\] expect /g)).toHaveLength(4);
    expect(r.stdout.match(/\[NEW\] tcp /g)).toHaveLength(6);
    expect(r.stdout).toContain("states        NEW 2   ESTABLISHED 117   RELATED 4");
  });

  it("jsonl on standard input keeps the packet contract", () => {
    const r = cli(["watch", "--format", "jsonl"], readFileSync(capture));
    expect(r.code).toBe(0);
    const types = r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.filter((t) => t === "packet")).toHaveLength(123);
    expect(types).toContain("conn-new");
    expect(types.at(-1)).toBe("summary");
  });
});

describe.skipIf(!built && !process.env.CI)("bad input: one error line, a non-zero exit, never a stack trace", () => {
  it("a missing file", () => {
    expectOneErrorLine(cli(["replay", join(dir, "nope.pcap")]), 3, /nope\.pcap: no such file$/);
  });

  it("a damaged capture (not a capture at all)", () => {
    const f = join(dir, "garbage.pcap");
    writeFileSync(f, "this is not a capture file\n".repeat(10));
    const r = cli(["replay", f]);
    expectOneErrorLine(r, 3, /garbage\.pcap: not a capture file: magic 0x74686973 at offset 0/);
    expect(r.stdout).toBe("");
  });

  it("a capture damaged in the middle: what precedes is replayed", () => {
    const bytes = Buffer.from(readFileSync(capture));
    const at = recordOffset(bytes, 10);
    bytes.writeUInt32LE(0x7fffffff, at + 8);
    const f = join(dir, "damaged.pcap");
    writeFileSync(f, bytes);
    for (const thread of ["--worker", "--no-worker"]) {
      const r = cli(["replay", "--format", "jsonl", thread, f]);
      expectOneErrorLine(r, 3, new RegExp(`replayed the 10 packets before byte ${at}, then stopped: .*claims 2147483647 bytes`));
      expect(r.stdout.split("\n").filter((l) => l.includes('"type":"packet"'))).toHaveLength(10);
    }
  });

  it("an unknown link type", () => {
    const bytes = Buffer.from(readFileSync(capture));
    bytes.writeUInt32LE(147, 20);
    const f = join(dir, "linktype.pcap");
    writeFileSync(f, bytes);
    for (const thread of ["--worker", "--no-worker"]) {
      const r = cli(["replay", thread, f]);
      expectOneErrorLine(r, 3, /linktype\.pcap: packet 0 has link type 147 \(LINKTYPE 147\), which alg-sdk cannot decode to IP/);
      expect(r.stdout).toBe("");
    }
  });

  it("an unknown helper name", () => {
    expectOneErrorLine(cli(["replay", "--helper", "ftpp", capture]), 2, /unknown helper "ftpp" \(known helpers: ftp, irc, tftp, sip, pptp, icmp\)$/);
  });

  it("a malformed option", () => {
    expectOneErrorLine(cli(["replay", "--max-connections", "lots", capture]), 2, /--max-connections expects an integer/);
    expectOneErrorLine(cli(["replay", "--frobnicate", capture]), 2, /unknown option --frobnicate/);
    expectOneErrorLine(cli(["replay", "--helper", "ftp:tcp/99999", capture]), 2, /port 99999 is not between 1 and 65535/);
    expectOneErrorLine(cli(["replay", "--timeout", "tcp-established=soon", capture]), 2, /--timeout tcp-established: "soon"/);
  });

  it("a rules file with a syntax error names its line and column", () => {
    const f = join(dir, "bad.rules");
    writeFileSync(f, "policy drop\nct state established,related accept\nct state new tcp dprot 21 accept\n");
    expectOneErrorLine(cli(["replay", "--rules", f, capture]), 2, /bad\.rules:3:18: expected .*found "dprot"/);
  });

  it("a capture truncated in the middle of a packet: everything before is replayed, and where it stopped is said", () => {
    const bytes = readFileSync(capture);
    const at = recordOffset(bytes, 50);
    const f = join(dir, "truncated.pcap");
    writeFileSync(f, bytes.subarray(0, at + 30));
    for (const extra of [["--worker"], ["--no-worker"]]) {
      const r = cli(["replay", ...extra, f]);
      expectOneErrorLine(r, 3, new RegExp(`truncated\\.pcap: replayed the 50 packets before byte ${at}, then stopped: pcap: record at offset ${at} is truncated`));
      expect(r.stdout.split("\n").filter((l) => /^\s+\d+\s+\d+\.\d{6}\s+tcp /.test(l))).toHaveLength(50);
      expect(r.stdout).toContain(`STOPPED at byte ${at.toLocaleString("en")}`);
      expect(r.stdout).toContain("Totals");
    }
  });

  it("watch with a terminal or nothing on standard input", () => {
    expectOneErrorLine(cli(["watch"], Buffer.alloc(0)), 3, /standard input: capture is empty/);
  });
});
