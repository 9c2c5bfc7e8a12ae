import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PcapWriter } from "@alg-sdk/pcap";
import { ipv4 } from "@alg-sdk/testing";
import { parseCommandLine } from "../src/args.js";
import { UsageError } from "../src/errors.js";
import { loadTrackers } from "../src/trackers/load.js";
import { setUp } from "../src/engine-setup.js";
import { runInProcess } from "./support/run-in-process.js";

// --tracker-module: a protocol tracker the CLI does not know, loaded from a
// module as --helper-module loads helpers (written here against the public
// tracker interface, as plain JavaScript).

const root = mkdtempSync(join(tmpdir(), "alg-sdk-tracker-module-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
function file(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

// A factory: protocol 253, keys from the first 4 bytes; a packet whose first byte is 0xff is INVALID.
file(
  "knock.mjs",
  `export default function knockTracker(o = {}) {
  return {
    name: "knock", protocols: [o.protocol ?? 253], hasPorts: false, minHeaderLength: 1,
    timeouts: { knockIdle: 42 },
    decode(p) { p.clearTransport(); if (p.l4Length < 4) return 1; const b = p.bytes, q = p.l4Offset; p.sport = (b[q] << 8) | b[q + 1]; p.dport = (b[q + 2] << 8) | b[q + 3]; return 0; },
    decodeQuoted(p, end) { return 0; },
    classify(p) { return p.bytes[p.l4Offset] === 0xff ? 57 : 0; },
    quotable() { return 0; },
    invert(p) { p.replySport = p.dport; p.replyDport = p.sport; return 0; },
    invertKeys(s, d, out) { out[0] = d; out[1] = s; return 0; },
    canCreate() { return 0; }, init() {},
    packet(t, s, dir, p, cfg) { t.setProtoState(s, dir + 1); t.setExpires(s, p.time[0] + cfg.timeouts.knockIdle); return 0; },
    canEarlyDrop() { return false; },
    stateName(s) { return ["NONE", "KNOCKED", "ANSWERED"][s] ?? ""; },
    keys(s, d) { return { srcPort: s, dstPort: d }; },
    checksumOk() { return true; },
  };
}
`,
);
file("broken-shape.mjs", 'export default { name: "bad", protocols: [253] };');

const knock = (src: string, dst: string, first = 0) => ipv4({ src, dst, protocol: 253, payload: [first, 1, 0, 2, 9, 9] });
const capture = (() => {
  const w = new PcapWriter({ linkType: 101 });
  const parts = [w.header(), w.record(knock("10.0.1.2", "10.0.2.2"), 1), w.record(ipv4({ src: "10.0.2.2", dst: "10.0.1.2", protocol: 253, payload: [0, 2, 0, 1] }), 2), w.record(knock("10.0.1.2", "10.0.2.2", 0xff), 3)];
  const bytes = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return file("knock.pcap", bytes as unknown as string);
})();

const optionsOf = (...argv: string[]) => {
  const cl = parseCommandLine(["replay", "x.pcap", ...argv]);
  if (cl.kind !== "run") throw new Error("not a run");
  return cl.options;
};

describe("--tracker-module on the command line", () => {
  it("reads each module with its own --tracker-options, in order", () => {
    expect(optionsOf("--tracker-module", "./a.js", "--tracker-options", '{"protocol":254}', "--tracker-module", "pkg#knock").trackerModules).toEqual([
      { module: "./a.js", exportName: null, options: { protocol: 254 } },
      { module: "pkg", exportName: "knock", options: undefined },
    ]);
    expect(() => optionsOf("--tracker-options", "{}")).toThrow(/--tracker-options must follow the --tracker-module/);
    expect(() => optionsOf("--tracker-module", "./a.js", "--tracker-options", "{")).toThrow(/--tracker-options is not JSON/);
  });

  it("with a tracker module, a --timeout name that is not built in is left for the engine to check", () => {
    expect(optionsOf("--tracker-module", "./a.js", "--timeout", "knock-idle=5").timeouts).toEqual({ knockIdle: 5 });
    expect(() => optionsOf("--timeout", "knock-idle=5")).toThrow(UsageError);
  });

  it("knows the pptp helper by name", () => {
    expect(optionsOf("--helper", "pptp:tcp/1723").helpers).toEqual([{ name: "pptp", attach: { protocol: "tcp", port: 1723 } }]);
  });
});

describe("loading tracker modules", () => {
  const spec = (module: string, options?: unknown) => ({ module: join(root, module), exportName: null, options });

  it("calls the factory with its options and describes what it loaded", async () => {
    const t = await loadTrackers([spec("knock.mjs", { protocol: 254 })]);
    expect((t.trackers[0] as { protocols: number[] }).protocols).toEqual([254]);
    expect(t.description).toEqual([`knock (protocol 254) from ${join(root, "knock.mjs")}`]);
  });

  it("a module that is not there is a usage error; a tracker of the wrong shape is refused by the engine as one", async () => {
    await expect(loadTrackers([spec("nope.mjs")])).rejects.toThrow(/--tracker-module .*nope\.mjs: no such file or directory/);
    await expect(setUp(optionsOf("--tracker-module", join(root, "broken-shape.mjs")))).rejects.toThrow(UsageError);
    await expect(setUp(optionsOf("--tracker-module", join(root, "knock.mjs"), "--timeout", "knock-slow=5"))).rejects.toThrow(/unknown timeout "knockSlow"/);
  });

  it("replays a capture with the tracker: its states, its timeout by name, its INVALID verdicts", async () => {
    const r = await runInProcess(["replay", "--format", "jsonl", "--tracker-module", join(root, "knock.mjs"), "--timeout", "knock-idle=77", "--no-helpers", capture]);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const packets = lines.filter((l) => l.type === "packet");
    expect(packets.map((p) => p.state)).toEqual(["NEW", "ESTABLISHED", "INVALID"]);
    expect(packets.map((p) => p.reason)).toEqual([null, null, "tracker-invalid"]);
    // The table at the end, as conntrack -L: the tracker's name, state and timeout (refreshed at 2 s, read at 3 s).
    const human = await runInProcess(["replay", "--tracker-module", join(root, "knock.mjs"), "--timeout", "knock-idle=77", "--no-helpers", capture]);
    expect(human.stdout).toMatch(/knock\s+253 76 ANSWERED src=10\.0\.1\.2 dst=10\.0\.2\.2 /);
  });

  it("without it the same capture is tracked generically", async () => {
    const r = await runInProcess(["replay", "--format", "jsonl", "--no-helpers", capture]);
    const packets = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === "packet");
    expect(packets.map((p) => p.state)).toEqual(["NEW", "ESTABLISHED", "ESTABLISHED"]);
  });
});
