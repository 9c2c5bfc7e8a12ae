import { ToyType, toyMessage } from "@alg-sdk/example-tracker-toy";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ipv4, tcpConversation, udp } from "@alg-sdk/testing";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../src/config/validate.js";
import { CthMsg } from "../src/cthelper/constants.js";
import { decodeHelper } from "../src/cthelper/messages.js";
import { decodeExpectation, EXPECT_NEW_TYPE } from "../src/ctnetlink/expect.js";
import { NfnlSubsys, NfVerdict, nfnlType } from "../src/netlink/constants.js";
import { Attrs } from "../src/netlink/reader.js";
import { NfqCfgAttr, NfqCfgFlag } from "../src/nfqueue/constants.js";
import { decodeVerdict } from "../src/nfqueue/verdict.js";
import { Daemon } from "../src/runtime/daemon.js";
import { createLogger } from "../src/runtime/log.js";
import { FakeKernel, packetMessage } from "./fake-kernel.js";

const VERDICT = nfnlType(NfnlSubsys.QUEUE, 1);
const CONFIG = nfnlType(NfnlSubsys.QUEUE, 2);
const CTHELPER_GET = nfnlType(NfnlSubsys.CTHELPER, CthMsg.GET);
const CTHELPER_NEW = nfnlType(NfnlSubsys.CTHELPER, CthMsg.NEW);
const CTHELPER_DEL = nfnlType(NfnlSubsys.CTHELPER, CthMsg.DEL);
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A kernel like this project's machines: no nfnetlink_cthelper, no conntrack on queued packets. */
function standinKernel(): FakeKernel {
  const k = new FakeKernel();
  k.answer = (m) => {
    if (m.type === CTHELPER_GET) return 22;
    if (m.type === CONFIG && (Attrs.ofMessage(m).be32(NfqCfgAttr.FLAGS) ?? 0) & NfqCfgFlag.CONNTRACK) return 95;
    return 0;
  };
  return k;
}

async function start(k: FakeKernel, settings: Record<string, unknown> = {}) {
  const logs: string[] = [];
  const events: string[] = [];
  const d = new Daemon(createLogger("debug", (l) => logs.push(l)), (l) => events.push(l), () => k.open());
  await d.start(validateConfig({ helpers: [{ name: "ftp" }], verdicts: "single", ...settings }));
  // Socket 0 talks ctnetlink; socket 1 is queue 0.
  const queue = k.socket(1);
  let id = 100;
  const conv = tcpConversation({ client: "10.201.1.2", server: "10.201.2.2", clientPort: 40000, serverPort: 21 });
  const feed = (bytes: Uint8Array) => {
    queue.deliver(packetMessage(0, ++id, bytes));
    return id;
  };
  const verdicts = () => k.ofType(VERDICT).map((s) => decodeVerdict(s.message)!);
  return { d, logs, events, queue, conv, feed, verdicts };
}

/** Handshake, greeting and a first command: the FTP helper then reads the next client line. */
function openControl(t: Awaited<ReturnType<typeof start>>): void {
  for (const p of [...t.conv.handshake(), ...t.conv.server("220 hi\r\n", { ack: true }), ...t.conv.client("USER ftp\r\n", { ack: true })]) t.feed(p.bytes);
}

describe("Daemon (against a stand-in kernel)", () => {
  it("probes, reports stand-in mode and binds its queue with copy mode and flags", async () => {
    const k = standinKernel();
    const t = await start(k, { failOpen: true });
    expect(t.d.mode).toBe("standin");
    expect(t.logs.join("\n")).toMatch(/nfnetlink_cthelper absent: GET answered EINVAL \(22\)/);
    expect(t.logs.join("\n")).toMatch(/F_CONNTRACK answered EOPNOTSUPP \(95\)/);
    const queueConfig = k.sent.filter((s) => s.socket === 1 && s.message.type === CONFIG).map((s) => Attrs.ofMessage(s.message));
    expect(queueConfig.map((a) => [a.has(NfqCfgAttr.CMD), a.has(NfqCfgAttr.PARAMS), a.be32(NfqCfgAttr.FLAGS)])).toEqual([
      [true, false, null],
      [false, true, null],
      [false, false, NfqCfgFlag.FAIL_OPEN],
    ]);
    await t.d.stop();
  });

  it("creates the expectation in the kernel first, and only then gives that packet and the ones after it their verdicts", async () => {
    const k = standinKernel();
    const t = await start(k, { events: true });
    openControl(t);
    await tick();
    const before = t.verdicts().length;
    const base = k.answer;
    k.answer = (m) => (m.type === EXPECT_NEW_TYPE ? "hold" : base(m));
    const portId = t.feed(t.conv.client("PORT 10,201,1,2,19,137\r\n")[0]!.bytes);
    const nextId = t.feed(t.conv.ackFrom("server").bytes);
    await tick();
    const exp = k.ofType(EXPECT_NEW_TYPE);
    expect(exp).toHaveLength(1);
    const e = decodeExpectation(exp[0]!.message)!;
    expect([e.tuple.dstPort, e.master?.srcPort, e.master?.dstPort]).toEqual([5001, 40000, 21]);
    // Neither the PORT packet nor the one after it has a verdict while the kernel has not answered.
    expect(t.verdicts().length).toBe(before);
    k.release(0);
    await tick();
    expect(t.verdicts().slice(before).map((v) => [v.id, v.verdict])).toEqual([
      [portId, NfVerdict.ACCEPT],
      [nextId, NfVerdict.ACCEPT],
    ]);
    expect(t.d.counters.expectationsCreated).toBe(1);
    expect(t.events[0]).toMatch(/^\[NEW\] 300 proto=6 src=10\.201\.2\.2 dst=10\.201\.1\.2 sport=0 dport=5001 .* helper=ftp kernel=ok$/);
    await t.d.stop();
  });

  it("for an expectation asked by its connection's first packet, gives the verdict first and creates the expectation right after", async () => {
    const k = standinKernel();
    const helper = fileURLToPath(new URL("./e2e/peers/tftp-like-helper.mjs", import.meta.url));
    const logs: string[] = [];
    const d = new Daemon(createLogger("debug", (l) => logs.push(l)), () => {}, () => k.open());
    await d.start(validateConfig({ helpers: [{ module: helper }], verdicts: "single" }));
    const request = udp({ src: "10.201.1.2", dst: "10.201.2.2", sport: 40000, dport: 69, payload: "\x00\x01data.bin\x00octet\x00" });
    k.socket(1).deliver(packetMessage(0, 7, request));
    await tick();
    const order = k.sent.map((s) => (s.message.type === VERDICT ? `verdict ${decodeVerdict(s.message)!.id}` : s.message.type === EXPECT_NEW_TYPE ? "EXP_NEW" : "")).filter(Boolean);
    // The kernel cannot find an unconfirmed master: the verdict goes first.
    expect(order).toEqual(["verdict 7", "EXP_NEW"]);
    expect(d.counters.expectationsCreated).toBe(1);
    // A retransmitted request belongs to a connection the kernel has confirmed: expectation first.
    k.socket(1).deliver(packetMessage(0, 8, request));
    await tick();
    const later = k.sent.map((s) => (s.message.type === VERDICT ? `verdict ${decodeVerdict(s.message)!.id}` : s.message.type === EXPECT_NEW_TYPE ? "EXP_NEW" : "")).filter(Boolean);
    expect(later.slice(2)).toEqual(["EXP_NEW", "verdict 8"]);
    await d.stop();
  });

  it("gives the verdict at the bound when the kernel does not answer, and counts both", async () => {
    const k = standinKernel();
    const t = await start(k, { verdictTimeoutMs: 30 });
    openControl(t);
    const base = k.answer;
    k.answer = (m) => (m.type === EXPECT_NEW_TYPE ? "silent" : base(m));
    const portId = t.feed(t.conv.client("PORT 10,201,1,2,19,137\r\n")[0]!.bytes);
    await new Promise((r) => setTimeout(r, 60));
    expect(t.verdicts().at(-1)).toMatchObject({ id: portId, verdict: NfVerdict.ACCEPT });
    expect(t.d.counters.verdictTimeouts).toBe(1);
    // The request itself times out later (its own bound) and counts as refused.
    await new Promise((r) => setTimeout(r, 1100));
    expect(t.d.counters.refusedBy["ETIMEDOUT (110)"]).toBe(1);
    await t.d.stop();
  });

  it("counts and logs a refusal, accepts the packet, and keeps going", async () => {
    const k = standinKernel();
    const t = await start(k, { events: true });
    openControl(t);
    const base = k.answer;
    k.answer = (m) => (m.type === EXPECT_NEW_TYPE ? 95 : base(m));
    const portId = t.feed(t.conv.client("PORT 10,201,1,2,19,137\r\n")[0]!.bytes);
    await tick();
    expect(t.verdicts().at(-1)).toMatchObject({ id: portId, verdict: NfVerdict.ACCEPT });
    expect(t.d.counters.refusedBy).toEqual({ "EOPNOTSUPP (95)": 1 });
    expect(t.logs.join("\n")).toMatch(/kernel refused an expectation of ftp: EOPNOTSUPP \(95\) \(the master connection has no kernel helper/);
    expect(t.events.at(-1)).toMatch(/kernel=EOPNOTSUPP \(95\)$/);
    await t.d.stop();
  });

  it("stop() drains: a packet still waiting for its expectation gets its verdict before the queue is unbound", async () => {
    const k = standinKernel();
    const t = await start(k);
    openControl(t);
    await tick();
    const base = k.answer;
    k.answer = (m) => (m.type === EXPECT_NEW_TYPE ? "hold" : base(m));
    const portId = t.feed(t.conv.client("PORT 10,201,1,2,19,137\r\n")[0]!.bytes);
    await tick();
    const stopping = t.d.stop();
    await tick();
    // Still serving: the verdict waits for the kernel, the queue is still bound.
    const unbinds = () => k.sent.filter((s) => s.socket === 1 && s.message.type === CONFIG && Attrs.ofMessage(s.message).raw(NfqCfgAttr.CMD)?.[0] === 2);
    expect(unbinds()).toHaveLength(0);
    k.release(0);
    await stopping;
    const order = k.sent.filter((s) => s.socket === 1).map((s) => (s.message.type === VERDICT ? `verdict ${decodeVerdict(s.message)!.id}` : s.message.type === CONFIG ? "config" : "other"));
    expect(order.lastIndexOf(`verdict ${portId}`)).toBeLessThan(order.lastIndexOf("config"));
    expect(unbinds()).toHaveLength(1);
    expect(t.logs.some((l) => / stats \{/.test(l))).toBe(true);
  });

  it("turns the helper's drop into NF_DROP", async () => {
    const k = standinKernel();
    const t = await start(k);
    openControl(t);
    const id = t.feed(t.conv.client("PORT 10,201,1,2,19")[0]!.bytes);
    await tick();
    expect(t.verdicts().at(-1)).toMatchObject({ id, verdict: NfVerdict.DROP });
    expect(t.d.counters.verdictsDrop).toBe(1);
    await t.d.stop();
  });

  it("survives garbage, socket errors and kernel complaints about verdicts, counting each", async () => {
    const k = standinKernel();
    const t = await start(k);
    t.queue.deliver(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21));
    t.queue.deliver(packetMessage(0, 1, new Uint8Array(0)).subarray(0, 28));
    t.queue.fail("ENOBUFS", 105);
    t.queue.fail("EIO", 5);
    const { errorMessage } = await import("./fake-kernel.js");
    t.queue.deliver(errorMessage(999_999, VERDICT, 2));
    expect(t.d.counters.malformed).toBeGreaterThanOrEqual(2);
    expect([t.d.counters.enobufs, t.d.counters.netlinkErrors, t.d.counters.verdictErrors]).toEqual([1, 1, 1]);
    // Still working.
    openControl(t);
    await tick();
    expect(t.verdicts().length).toBeGreaterThan(0);
    await t.d.stop();
  });

  it("in cthelper mode registers the helper's own policy per family, and deletes it at stop", async () => {
    const k = new FakeKernel();
    const t = await start(k);
    expect(t.d.mode).toBe("cthelper");
    const regs = k.ofType(CTHELPER_NEW).map((s) => decodeHelper(s.message)!);
    const policy = ftpHelper().policies[0]!;
    expect(regs.map((h) => [h.name, h.l3, h.l4, h.queue])).toEqual([
      ["alg-ftp", 2, 6, 0],
      ["alg-ftp", 10, 6, 0],
    ]);
    expect(regs[0]!.policies).toEqual([{ name: policy.name, maxExpected: policy.maxExpected, timeout: policy.timeout }]);
    // Queued packets carry their conntrack here: the queue asks for it.
    const flags = k.sent.filter((s) => s.socket === 1 && s.message.type === CONFIG).map((s) => Attrs.ofMessage(s.message).be32(NfqCfgAttr.FLAGS));
    expect(flags).toContain(NfqCfgFlag.CONNTRACK);
    await t.d.stop();
    expect(k.ofType(CTHELPER_DEL)).toHaveLength(2);
    expect(t.logs.join("\n")).toMatch(/mode cthelper: user-space helper\(s\) alg-ftp registered on queue 0/);
  });

  it("stops at once, saying why, when netfilter refuses the process (no CAP_NET_ADMIN)", async () => {
    const k = new FakeKernel();
    k.answer = () => 1;
    const d = new Daemon(createLogger("error", () => {}), () => {}, () => k.open());
    await expect(d.start(validateConfig({ helpers: [{ name: "ftp" }] }))).rejects.toThrow(/EPERM \(1\); it needs CAP_NET_ADMIN/);
    // Nothing but the probe was sent: no queue was touched.
    expect(k.sent).toHaveLength(1);
  });

  it("refuses to start in cthelper mode on a kernel without it", async () => {
    const k = standinKernel();
    const d = new Daemon(createLogger("error", () => {}), () => {}, () => k.open());
    await expect(d.start(validateConfig({ helpers: [{ name: "ftp" }], mode: "cthelper" }))).rejects.toThrow(/--mode cthelper: nfnetlink_cthelper absent/);
  });
});

describe("Daemon with a third-party protocol tracker (--tracker-module)", () => {
  const TOY = fileURLToPath(new URL("../../examples/tracker-toy/src/index.ts", import.meta.url));
  /** Three toy sessions opened between the same two hosts (sender ids 1, 2, 3), each packet queued. */
  const openThreeSessions = (t: Awaited<ReturnType<typeof start>>) => {
    for (const from of [1, 2, 3]) t.feed(ipv4({ src: "10.201.1.2", dst: "10.201.2.2", protocol: 253, payload: toyMessage(from, 0, ToyType.OPEN) }));
  };
  const connections = (logs: string[]) => JSON.parse(/ stats (\{.*\})$/.exec(logs.filter((l) => l.includes(" stats {")).at(-1)!)![1]!).connections as number;

  it("gives the engine the tracker: its sessions are connections of their own, where the generic tracker sees one", async () => {
    const k = standinKernel();
    const t = await start(k, { trackers: [{ module: TOY }] });
    expect(t.logs.join("\n")).toMatch(/serving queue\(s\) 0 with ftp; trackers toy \(protocol 253\) from .*tracker-toy\/src\/index\.ts; verdicts single/);
    openThreeSessions(t);
    await tick();
    expect(t.verdicts().map((v) => v.verdict)).toEqual([NfVerdict.ACCEPT, NfVerdict.ACCEPT, NfVerdict.ACCEPT]);
    t.d.reportStats();
    expect(connections(t.logs)).toBe(3);
    await t.d.stop();

    const without = await start(standinKernel());
    openThreeSessions(without);
    await tick();
    without.d.reportStats();
    expect(connections(without.logs)).toBe(1);
    await without.d.stop();
  });

  it("takes trackers added or removed by a reload (SIGHUP) into a new engine", async () => {
    const k = standinKernel();
    const t = await start(k);
    await t.d.reload(validateConfig({ helpers: [{ name: "ftp" }], verdicts: "single", trackers: [{ module: TOY, options: { protocol: 254 } }] }));
    expect(t.logs.at(-1)).toMatch(/reloaded: helpers ftp; trackers toy \(protocol 254\) from .* \(new engine\)$/);
    for (const from of [1, 2]) t.feed(ipv4({ src: "10.201.1.2", dst: "10.201.2.2", protocol: 254, payload: toyMessage(from, 0, ToyType.OPEN) }));
    await tick();
    t.d.reportStats();
    expect(connections(t.logs)).toBe(2);
    await t.d.stop();
  });

  it("keeps the running engine when the new configuration's tracker is refused", async () => {
    const k = standinKernel();
    const t = await start(k, { trackers: [{ module: TOY }] });
    const bad = validateConfig({ helpers: [{ name: "ftp" }], verdicts: "single", trackers: [{ module: TOY, export: "ToyState" }] });
    await expect(t.d.reload(bad)).rejects.toThrow(/--tracker-module .*#ToyState is neither a tracker object nor a factory function/);
    openThreeSessions(t);
    await tick();
    t.d.reportStats();
    expect(connections(t.logs)).toBe(3);
    await t.d.stop();
  });
});
