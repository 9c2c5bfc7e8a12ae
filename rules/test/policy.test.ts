import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createEngine, FilterVerdict, formatAddress, parseAddress, PacketState, Reason, Verdict, type NatDecision, type PolicyPacket } from "@alg-sdk/core";
import { tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { compileRules, NO_RULE, NOT_DECIDED, type RulesPolicy } from "../src/index.js";

const NEW = 0;
const ESTABLISHED = 1;
const RELATED = 2;
const INVALID = 3;

type PacketFields = Partial<Omit<PolicyPacket, "src" | "dst">> & { src?: string; dst?: string };

/** A packet as a hook sees it (by default NEW tcp 10.0.1.2:40000 -> 10.0.2.2:21). */
function packet(over: PacketFields = {}): PolicyPacket {
  const { src = "10.0.1.2", dst = "10.0.2.2", ...rest } = over;
  const s = parseAddress(src)!;
  const d = parseAddress(dst)!;
  return {
    state: NEW,
    direction: 0,
    expected: false,
    helper: null,
    family: s.family,
    protocol: 6,
    zone: 0,
    mark: 0,
    sport: 40000,
    dport: 21,
    portsKnown: true,
    inInterface: 0,
    outInterface: 0,
    ...rest,
    src: s.words,
    dst: d.words,
  };
}

/** The filter's verdict and the deciding rule's line (or "policy"). */
function decide(policy: RulesPolicy, p: PolicyPacket): string {
  const v = policy.filter!(p);
  const i = policy.last.filter;
  return `${v === FilterVerdict.ACCEPT ? "accept" : "drop"}@${i === NO_RULE ? "policy" : policy.lineOf(i)}`;
}

/** `10.0.2.100-10.0.2.110:1024-2047` for a target, "-" for none. */
function targetText(t: NatDecision): string {
  if (t === null) return "-";
  if (t === "drop") return "drop";
  const lo = formatAddress(t.family, t.minAddress);
  const hi = formatAddress(t.family, t.maxAddress);
  const ports = t.minPort === 0 ? "" : t.minPort === t.maxPort ? `:${t.minPort}` : `:${t.minPort}-${t.maxPort}`;
  return `${lo === hi ? lo : `${lo}-${hi}`}${ports}`;
}

const EXAMPLE = `policy drop
ct state established,related accept
ct state new tcp dport 21 accept
ct state invalid drop
`;

describe("filter rules", () => {
  it("implement the example ruleset: established/related pass, only NEW to tcp/21 opens", () => {
    const fw = compileRules(EXAMPLE);
    expect(decide(fw, packet({ state: NEW, dport: 21 }))).toBe("accept@3");
    expect(decide(fw, packet({ state: NEW, dport: 20 }))).toBe("drop@policy");
    expect(decide(fw, packet({ state: NEW, protocol: 17, dport: 21 }))).toBe("drop@policy");
    expect(decide(fw, packet({ state: ESTABLISHED, direction: 1, dport: 5555 }))).toBe("accept@2");
    expect(decide(fw, packet({ state: RELATED, expected: true, dport: 40123 }))).toBe("accept@2");
    expect(decide(fw, packet({ state: INVALID, direction: -1 }))).toBe("drop@4");
    expect(fw.hits).toEqual([2, 1, 1, 2]);
    expect([fw.passed, fw.dropped]).toEqual([3, 3]);
  });

  it("match direction, EXPECTED status and helper", () => {
    const fw = compileRules("ct direction reply drop\nct status expected ct helper ftp accept\nct helper != ftp drop\npolicy accept");
    expect(decide(fw, packet({ direction: 1 }))).toBe("drop@1");
    expect(decide(fw, packet({ expected: true, helper: "ftp" }))).toBe("accept@2");
    expect(decide(fw, packet({ expected: true, helper: "irc" }))).toBe("drop@3");
    expect(decide(fw, packet({ helper: null }))).toBe("drop@3");
    expect(decide(fw, packet({ helper: "ftp" }))).toBe("accept@policy");
  });

  it("match address prefixes of the right family only, negated or not", () => {
    const fw = compileRules("ip saddr 10.0.0.0/8 ip daddr != 10.0.2.0/24 accept\nip6 saddr fd00::/16 accept\npolicy drop");
    expect(decide(fw, packet({ src: "10.9.9.9", dst: "192.168.1.1" }))).toBe("accept@1");
    expect(decide(fw, packet({ src: "10.9.9.9", dst: "10.0.2.7" }))).toBe("drop@policy");
    expect(decide(fw, packet({ src: "11.0.0.1", dst: "192.168.1.1" }))).toBe("drop@policy");
    expect(decide(fw, packet({ src: "fd00:1::2", dst: "fd00:2::2" }))).toBe("accept@2");
    expect(decide(fw, packet({ src: "fe80::1", dst: "fd00:2::2" }))).toBe("drop@policy");
    // `ip daddr != …` never matches an IPv6 packet.
    expect(decide(compileRules("ip daddr != 10.0.0.0/8 accept\npolicy drop"), packet({ src: "::1", dst: "::2" }))).toBe("drop@policy");
  });

  it("match port ranges and sets, and ports only for tcp, udp and udplite with known ports", () => {
    const fw = compileRules("tcp dport { 21, 6660-6669 } accept\nudp sport != 1-1023 accept\nmeta l4proto icmp accept\npolicy drop");
    expect(decide(fw, packet({ dport: 6665 }))).toBe("accept@1");
    expect(decide(fw, packet({ dport: 6670 }))).toBe("drop@policy");
    expect(decide(fw, packet({ protocol: 17, sport: 5353 }))).toBe("accept@2");
    expect(decide(fw, packet({ protocol: 17, sport: 53 }))).toBe("drop@policy");
    expect(decide(fw, packet({ protocol: 17, sport: 5353, portsKnown: false }))).toBe("drop@policy");
    expect(decide(fw, packet({ protocol: 1, sport: 0, dport: 0x0800, portsKnown: false }))).toBe("accept@3");
    expect(decide(fw, packet({ protocol: 47 }))).toBe("drop@policy");
  });

  it("never match the protocol or an address of an undecodable packet", () => {
    const fw = compileRules("meta l4proto tcp accept\nip saddr 0.0.0.0/0 accept\nct state invalid drop\npolicy accept");
    expect(decide(fw, { ...packet({ state: INVALID, direction: -1 }), family: 0 })).toBe("drop@3");
  });

  it("exist only when the rules filter: NAT statements alone leave the engine's filter hook unset", () => {
    expect(compileRules("snat to 10.9.9.9").filter).toBeUndefined();
    expect(compileRules("policy accept").filter).toBeDefined();
    expect(compileRules("ct state invalid drop").filter).toBeDefined();
    const filterOnly = compileRules(EXAMPLE);
    expect([filterOnly.destinationNat, filterOnly.sourceNat]).toEqual([undefined, undefined]);
  });
});

// The router's rules of the NAT conformance traces.
const natRules = readFileSync(fileURLToPath(new URL("../../test/fixtures/conformance/nat-ftp-passive-dnat-ipv4/nat.rules", import.meta.url)), "utf8");

describe("NAT rules", () => {
  it("build each target once, at compile time", () => {
    const policy = compileRules("tcp dport 21 dnat to 10.0.2.2\nudp snat to 10.0.2.100-10.0.2.110:1024-2047\nct state new accept");
    expect(policy.targets.map(targetText)).toEqual(["10.0.2.2", "10.0.2.100-10.0.2.110:1024-2047", "-"]);
    const t = policy.destinationNat!(packet());
    expect(t).toBe(policy.targets[0]);
    expect(policy.destinationNat!(packet())).toBe(t);
    expect(Object.isFrozen(t)).toBe(true);
  });

  it("select the first matching rule of each kind, whatever rules of the other kind come between", () => {
    const policy = compileRules(
      [
        "tcp dport 21 dnat to 10.0.2.2", // 1
        "snat to 10.9.9.1", // 2 (catch-all, but a snat: never a dnat answer)
        "tcp dport 20-21 dnat to 10.0.2.3", // 3
        "ip saddr 10.0.1.0/24 snat to 10.9.9.2", // 4 (shadowed by line 2)
        "udp dport 53 dnat to 10.0.2.53", // 5
      ].join("\n"),
    );
    const dnat = (p: PolicyPacket) => `${targetText(policy.destinationNat!(p))}@${policy.last.dnat === NO_RULE ? "none" : policy.lineOf(policy.last.dnat)}`;
    expect(dnat(packet({ dport: 21 }))).toBe("10.0.2.2@1");
    expect(dnat(packet({ dport: 20 }))).toBe("10.0.2.3@3");
    expect(dnat(packet({ protocol: 17, dport: 53 }))).toBe("10.0.2.53@5");
    expect(dnat(packet({ dport: 22 }))).toBe("-@none");
    expect(targetText(policy.sourceNat!(packet()))).toBe("10.9.9.1");
    expect(policy.lineOf(policy.last.snat)).toBe(2);
    // Connections each rule translated; the policy entry stays 0.
    expect(policy.hits).toEqual([1, 1, 1, 0, 1, 0]);
  });

  it("match the connection's original tuple: a connection DNAT'd to the server network is not SNAT'd (the kernel trace)", () => {
    const policy = compileRules(natRules);
    // The first packet as it arrived: client to the public address, ftp.
    const first = packet({ src: "10.0.1.2", dst: "10.0.1.200", sport: 42342, dport: 21 });
    expect(targetText(policy.destinationNat!(first))).toBe("10.0.2.2");
    // The engine passes the same original tuple to the snat hook: 10.0.1.200 is not in 10.0.2.0/24.
    expect(policy.sourceNat!(first)).toBeNull();
    expect(policy.last.snat).toBe(NO_RULE);
    // A connection straight to the server network is SNAT'd, and not DNAT'd.
    const direct = packet({ src: "10.0.1.2", dst: "10.0.2.2", sport: 60694, dport: 21 });
    expect(policy.destinationNat!(direct)).toBeNull();
    expect(targetText(policy.sourceNat!(direct))).toBe("10.0.2.100");
    // IPv6: its own rules and targets.
    const v6 = packet({ src: "fd00:1::2", dst: "fd00:1::200", dport: 21 });
    expect(targetText(policy.destinationNat!(v6))).toBe("fd00:2::2");
    expect(policy.sourceNat!(v6)).toBeNull();
    expect(targetText(policy.sourceNat!(packet({ src: "fd00:1::2", dst: "fd00:2::2" })))).toBe("fd00:2::100");
  });

  it("a NAT rule that matches nothing translates nothing and counts nothing", () => {
    const policy = compileRules("ip daddr 192.0.2.1 dnat to 10.0.2.2\nip saddr 198.51.100.0/24 snat to 10.0.2.100");
    expect(policy.destinationNat!(packet())).toBeNull();
    expect(policy.sourceNat!(packet())).toBeNull();
    expect([policy.last.dnat, policy.last.snat]).toEqual([NO_RULE, NO_RULE]);
    expect(policy.hits).toEqual([0, 0, 0]);
  });

  it("only fit connections of the target's family, as nft adds the family to `dnat ip to` in an inet table", () => {
    const policy = compileRules("tcp dport 21 dnat to 10.0.2.2\ntcp dport 21 dnat to fd00:2::2");
    expect(targetText(policy.destinationNat!(packet({ src: "10.0.1.2", dst: "10.0.1.200" })))).toBe("10.0.2.2");
    expect(targetText(policy.destinationNat!(packet({ src: "fd00:1::2", dst: "fd00:1::200" })))).toBe("fd00:2::2");
  });

  it("forget() tells a hook that was not called apart from one that matched nothing", () => {
    const policy = compileRules("tcp dport 21 dnat to 10.0.2.2\npolicy accept");
    policy.destinationNat!(packet({ dport: 22 }));
    policy.filter!(packet());
    expect(policy.last).toEqual({ filter: NO_RULE, dnat: NO_RULE, snat: NOT_DECIDED });
    policy.forget();
    expect(policy.last).toEqual({ filter: NOT_DECIDED, dnat: NOT_DECIDED, snat: NOT_DECIDED });
  });
});

const A = "10.0.1.2";
const B = "10.0.2.2";

describe("the compiled policy in an engine", () => {
  it("filters every packet: a dropped first packet leaves no connection, INVALID packets meet the rules", () => {
    const policy = compileRules("policy drop\nct state established accept\nct state new udp dport 53 accept\nct state invalid drop");
    const engine = createEngine({ policy });
    const telnet = engine.process(tcp({ src: A, dst: B, sport: 40000, dport: 23, flags: "S" }), 1);
    expect([telnet.verdict, telnet.reason, telnet.outBytes]).toEqual([Verdict.DROP, Reason.FILTERED, null]);
    expect(policy.lineOf(policy.last.filter)).toBe(1);
    expect(engine.connectionCount).toBe(0);
    const query = engine.process(udp({ src: A, dst: B, sport: 5353, dport: 53 }), 2);
    expect(query.verdict).toBe(Verdict.ACCEPT);
    expect(policy.lineOf(policy.last.filter)).toBe(3);
    const answer = engine.process(udp({ src: B, dst: A, sport: 53, dport: 5353 }), 2.1);
    expect([answer.state, answer.verdict]).toEqual([PacketState.ESTABLISHED, Verdict.ACCEPT]);
    expect(policy.lineOf(policy.last.filter)).toBe(2);
    const stray = engine.process(tcp({ src: A, dst: B, sport: 40001, dport: 80, flags: "R" }), 3);
    expect([stray.state, stray.verdict]).toEqual([PacketState.INVALID, Verdict.DROP]);
    expect(policy.lineOf(policy.last.filter)).toBe(4);
    expect(engine.connectionCount).toBe(1);
    expect(policy.hits).toEqual([1, 1, 1, 1]);
    expect([policy.passed, policy.dropped]).toEqual([2, 2]);
  });
});

/** Whether the engine translates yet (core's NAT is being written): one UDP packet through a catch-all SNAT. */
function engineTranslates(): boolean {
  const r = createEngine({ policy: compileRules("snat to 10.9.9.9") }).process(udp({ src: A, dst: B, sport: 1, dport: 2 }), 1);
  return r.translated;
}
const natAvailable = engineTranslates();

describe("the compiled NAT rules in an engine (needs core's NAT)", () => {
  it.skipIf(!natAvailable)("dnat decides on the original tuple, snat too; the filter sees the translated destination", () => {
    const seen: string[] = [];
    const policy = compileRules(`${natRules}\npolicy drop\nct state new ip daddr 10.0.2.2 tcp dport 21 accept\nct state established accept`);
    const filter = policy.filter!;
    const engine = createEngine({
      policy: {
        destinationNat: policy.destinationNat!,
        sourceNat: policy.sourceNat!,
        filter: (p) => {
          seen.push(`${formatAddress(p.family, p.dst)}:${p.dport}`);
          return filter(p);
        },
      },
    });
    const syn = engine.process(tcp({ src: A, dst: "10.0.1.200", sport: 42342, dport: 21, flags: "S", seq: 1 }), 1);
    expect([syn.state, syn.verdict, syn.translated]).toEqual([PacketState.NEW, Verdict.ACCEPT, true]);
    expect(seen).toEqual(["10.0.2.2:21"]);
    const c = [...engine.connections()][0]!;
    // DNAT'd only: replies come from the server to the client itself, as the kernel's ct_tuples show.
    expect([c.reply.src, c.reply.srcPort, c.reply.dst, c.reply.dstPort]).toEqual([B, 21, A, 42342]);
    expect(policy.hits.slice(0, 4)).toEqual([1, 0, 0, 0]);
  });
});
