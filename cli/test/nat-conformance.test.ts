import { udp } from "@alg-sdk/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { checksumProblems, fromHex, withoutRouting } from "./support/datagrams.js";
import { runInProcess } from "./support/run-in-process.js";
import { loadTrace, natLabels, traceFile as fixture, type NatLabel } from "../../test/support/linux-trace.js";

// The NAT traces of the Linux router (test/fixtures/conformance/README.md, "NAT traces"), replayed as a
// user would: `alg-sdk replay trace-raw.pcap --rules nat.rules --format jsonl --emit-bytes`.

interface PacketLine {
  readonly type: string;
  readonly index: number;
  readonly state: string;
  readonly dir: string | null;
  readonly expected: boolean;
  readonly verdict: string;
  readonly out: string | null;
}

/** Linux's state, direction and EXPECTED status, and ours, in the same words. */
const linux = (l: NatLabel) => `${l.label}/${l.ct_dir}/${l.ct_expected}`;
const ours = (p: PacketLine) => `${p.state}/${p.dir}/${p.state === "INVALID" || p.state === "UNTRACKED" ? null : p.expected}`;

/** A connection Linux did not translate: its reply tuple is the original one turned around. */
function untranslated(t: NonNullable<NatLabel["ct_tuples"]>): boolean {
  const { original: o, reply: r } = t;
  if (o.type !== undefined) return r.src === o.dst && r.dst === o.src && r.id === o.id;
  return r.src === o.dst && r.dst === o.src && r.sport === o.dport && r.dport === o.sport;
}

const SCENARIOS = ["nat-ftp-active-snat-ipv4", "nat-ftp-passive-dnat-ipv4", "nat-irc-dcc-snat-ipv4", "nat-icmp-snat-ipv4"];

for (const scenario of SCENARIOS) {
  describe(`${scenario}: alg-sdk replay --rules nat.rules --format jsonl --emit-bytes`, () => {
    const trace = loadTrace(scenario);
    const labels = natLabels(trace);
    const input = trace.packets.map((p) => p.bytes);
    let packets: PacketLine[] = [];

    beforeAll(async () => {
      const r = await runInProcess(["replay", fixture(scenario, "trace-raw.pcap"), "--rules", fixture(scenario, "nat.rules"), "--format", "jsonl", "--emit-bytes"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      packets = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as PacketLine)
        .filter((o) => o.type === "packet");
    });

    it("replays every packet, and every packet leaves (the router's rules drop nothing)", () => {
      expect(packets.map((p) => p.index)).toEqual(labels.map((l) => l.index));
      expect(packets.filter((p) => p.verdict !== "accept" || p.out === null)).toEqual([]);
      for (const p of packets) expect(checksumProblems(fromHex(p.out!)), `packet ${p.index}`).toEqual([]);
    });

    // What holds whether or not the engine translates: NAT plays no part in these verdicts. A
    // connection's first packet is judged before any translation; a connection Linux left alone is
    // tracked as without NAT; the router's own ICMP errors (hook output) quote a packet as it
    // arrived, found by the original tuple, translated or not.
    const independent = labels.filter(
      (l) => l.label === "NEW" || l.hook === "output" || l.ct_tuples === null || untranslated(l.ct_tuples),
    );
    it(`agrees with Linux where NAT plays no part (${independent.length} packets)`, () => {
      expect(independent.length).toBeGreaterThan(0);
      const differing = independent.filter((l) => linux(l) !== ours(packets[l.index]!));
      expect(differing.map((l) => `${l.index}: linux ${linux(l)}, ours ${ours(packets[l.index]!)}`)).toEqual([]);
    });

    // The router's own errors leave as they were made: NAT must not touch them.
    const unchanged = labels.filter((l) => l.egress_hex !== null && withoutRouting(fromHex(l.egress_hex)) === withoutRouting(input[l.index]!));
    if (unchanged.length > 0) it(`sends out unchanged (TTL aside) the ${unchanged.length} packets Linux sent out unchanged`, () => {
      for (const l of unchanged) expect(withoutRouting(fromHex(packets[l.index]!.out!)), `packet ${l.index}`).toBe(withoutRouting(fromHex(l.egress_hex!)));
    });

    it("gives every packet the state, direction and EXPECTED status Linux gave it", () => {
      expect(labels.filter((l) => linux(l) !== ours(packets[l.index]!)).map((l) => `${l.index}: linux ${linux(l)}, ours ${ours(packets[l.index]!)}`)).toEqual([]);
    });

    it("sends every packet out byte for byte as Linux did (TTL aside), every checksum valid", () => {
      const compared = labels.filter((l) => l.egress_hex !== null);
      expect(compared.length).toBeGreaterThan(0);
      const differing = compared.filter((l) => withoutRouting(fromHex(packets[l.index]!.out!)) !== withoutRouting(fromHex(l.egress_hex!)));
      expect(differing.map((l) => `${l.index}: linux ${l.egress_hex}, ours ${packets[l.index]!.out}`)).toEqual([]);
    });
  });
}

describe("the NAT traces themselves (what the comparisons above rely on)", () => {
  it("every datagram Linux sent out has valid checksums, and some differ from what came in beyond the TTL", () => {
    let translated = 0;
    for (const scenario of SCENARIOS) {
      const trace = loadTrace(scenario);
      const labels = natLabels(trace);
      const input = trace.packets.map((p) => p.bytes);
      for (const l of labels) {
        if (l.egress_hex === null) continue;
        expect(checksumProblems(fromHex(l.egress_hex)), `${scenario} ${l.index}`).toEqual([]);
        if (withoutRouting(fromHex(l.egress_hex)) !== withoutRouting(input[l.index]!)) translated++;
      }
    }
    expect(translated).toBeGreaterThan(200);
  });

  it("the checksum check catches a wrong checksum, and the comparison ignores only TTL and header checksum", () => {
    const datagram = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 53, payload: new Uint8Array([1, 2, 3]) });
    expect(checksumProblems(datagram)).toEqual([]);
    const forwarded = Uint8Array.from(datagram);
    forwarded[8] = forwarded[8]! - 1;
    expect(checksumProblems(forwarded)).toEqual(["ip"]);
    expect(withoutRouting(forwarded)).toBe(withoutRouting(datagram));
    const rewritten = Uint8Array.from(datagram);
    rewritten[15] = 9;
    expect(withoutRouting(rewritten)).not.toBe(withoutRouting(datagram));
    expect(checksumProblems(rewritten)).toEqual(["ip", "udp"]);
  });
});

describe("the human report of a NAT replay (needs core's NAT)", () => {
  const scenario = "nat-ftp-active-snat-ipv4";
  const trace = loadTrace(scenario);
  const labels = natLabels(trace);
  const input = trace.packets.map((p) => p.bytes);

  it("shows each connection's translation under its first packet, each payload rewrite, and counts them", async () => {
    const r = await runInProcess(["replay", fixture(scenario, "trace-raw.pcap"), "--rules", fixture(scenario, "nat.rules"), "--no-tables"]);
    expect(r.code).toBe(0);
    // The packet as it arrived, then its connection's reply tuple (conntrack -L's view of the SNAT).
    expect(r.stdout).toMatch(
      /^\s+0\s+0\.000000\s+tcp\s+10\.0\.1\.2:60694\s+10\.0\.2\.2:21\s+NEW\s+original\s+ftp\n\s+= snat: reply src=10\.0\.2\.2 dst=10\.0\.2\.100 sport=21 dport=60694\n/m,
    );
    const firstPackets = labels.filter((l) => l.label === "NEW" || l.label === "RELATED").length;
    expect(r.stdout.match(/^\s+= (dnat|snat|dnat \+ snat): reply /gm)).toHaveLength(firstPackets);
    // The three PORT commands.
    expect(r.stdout.match(/^\s+~ ftp rewrote /gm)).toHaveLength(3);
    const translated = labels.filter((l) => l.egress_hex !== null && withoutRouting(fromHex(l.egress_hex)) !== withoutRouting(input[l.index]!)).length;
    expect(r.stdout).toContain(`${translated} packets translated, 3 payload rewrites`);
    expect(r.stdout).toMatch(/^\s+8\s+ip saddr 10\.0\.1\.0\/24 ip daddr 10\.0\.2\.0\/24 snat to 10\.0\.2\.100\s+1$/m);
  });
});
