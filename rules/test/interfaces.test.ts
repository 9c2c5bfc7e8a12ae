import { createEngine, formatAddress, FilterVerdict, parseAddress, Verdict, type NatDecision, type PolicyPacket } from "@alg-sdk/core";
import { tcp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { compileRules, NO_RULE, parseRules, RuleSyntaxError, type RulesInterface, type RulesPolicy } from "../src/index.js";

const LAN = 1;
const WAN = 2;
const DMZ = 3;
const INTERFACES: readonly RulesInterface[] = [
  { name: "lan", index: LAN, addresses: ["10.0.1.1/24", "fd00:1::1/64"] },
  { name: "wan", index: WAN, addresses: ["192.0.2.1", "2001:db8::1"] },
  { name: "dmz", index: DMZ },
];

/** A packet as a hook sees it: NEW tcp 10.0.1.2:40000 -> 192.0.2.10:80, with the given interfaces. */
function packet(inInterface: number, outInterface: number, over: Partial<PolicyPacket> = {}): PolicyPacket {
  return {
    state: 0,
    direction: 0,
    expected: false,
    helper: null,
    family: 4,
    protocol: 6,
    zone: 0,
    mark: 0,
    src: parseAddress("10.0.1.2")!.words,
    dst: parseAddress("192.0.2.10")!.words,
    sport: 40000,
    dport: 80,
    portsKnown: true,
    inInterface,
    outInterface,
    ...over,
  };
}

function verdict(fw: RulesPolicy, p: PolicyPacket): string {
  const v = fw.filter!(p);
  const i = fw.last.filter;
  return `${v === FilterVerdict.ACCEPT ? "accept" : "drop"}@${i === NO_RULE ? "policy" : fw.lineOf(i)}`;
}

/** The error a source produces, as "line:column: message". */
function error(source: string, interfaces: readonly RulesInterface[] | null = INTERFACES): string {
  try {
    compileRules(source, interfaces === null ? {} : { interfaces });
  } catch (e) {
    if (e instanceof RuleSyntaxError) return `${e.line}:${e.column}: ${e.message}`;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(source)}`);
}

function targetText(t: NatDecision): string {
  return t === null ? "-" : t === "drop" ? "drop" : formatAddress(t.family, t.minAddress);
}

describe("interface matches (nft iifname / oifname / iif / oif)", () => {
  it("iifname matches the interface the packet came in on, by the index the embedder gave the name", () => {
    const fw = compileRules('iifname "wan" ct state new drop\npolicy accept', { interfaces: INTERFACES });
    expect(verdict(fw, packet(WAN, LAN))).toBe("drop@1");
    expect(verdict(fw, packet(LAN, WAN))).toBe("accept@policy");
    expect(verdict(fw, packet(WAN, LAN, { state: 1 }))).toBe("accept@policy");
  });

  it("oifname matches the interface the packet goes out by", () => {
    const fw = compileRules('oifname "dmz" drop\npolicy accept', { interfaces: INTERFACES });
    expect(verdict(fw, packet(LAN, DMZ))).toBe("drop@1");
    expect(verdict(fw, packet(DMZ, LAN))).toBe("accept@policy");
  });

  it("takes sets, negation, unquoted names, the meta prefix and a trailing * wildcard", () => {
    const fw = compileRules(
      ['iifname { "lan", "dmz" } oifname != "lan" accept', 'meta iifname "wan" oifname lan accept', 'oifname "d*" drop', "policy drop"].join("\n"),
      { interfaces: INTERFACES },
    );
    expect(verdict(fw, packet(LAN, WAN))).toBe("accept@1");
    expect(verdict(fw, packet(DMZ, WAN))).toBe("accept@1");
    expect(verdict(fw, packet(DMZ, LAN))).toBe("drop@policy");
    expect(verdict(fw, packet(WAN, LAN))).toBe("accept@2");
    expect(verdict(fw, packet(WAN, DMZ))).toBe("drop@3");
    expect(parseRules('iifname { "lan", "dmz" } accept', { interfaces: INTERFACES }).rules[0]!.matches).toEqual([
      { kind: "interface", which: "iif", negate: false, names: ["lan", "dmz"], indexes: [LAN, DMZ] },
    ]);
  });

  it("iif and oif take a name or the index itself", () => {
    const fw = compileRules('iif "lan" oif 2 accept\npolicy drop', { interfaces: INTERFACES });
    expect(verdict(fw, packet(LAN, WAN))).toBe("accept@1");
    expect(verdict(fw, packet(LAN, DMZ))).toBe("drop@policy");
    // A number needs no names: it is the embedder's own index.
    const bare = compileRules("iif 7 drop");
    expect(verdict(bare, packet(7, 1))).toBe("drop@1");
    expect(verdict(bare, packet(6, 1))).toBe("accept@policy");
  });

  it("an unknown interface (0) matches neither a name nor its negation, as nft's meta breaks without the device", () => {
    const fw = compileRules('iifname "wan" drop\niifname != "wan" drop\noifname != "lan" drop\npolicy accept', { interfaces: INTERFACES });
    expect(verdict(fw, packet(0, 0))).toBe("accept@policy");
    expect(verdict(fw, packet(LAN, 0))).toBe("drop@2");
  });

  it("reports an unknown name, or names without interfaces, at its line and column, with a suggestion", () => {
    expect(error('ct state new\tiifname "wna" drop'.replace("\t", " "))).toBe('1:22: no interface is named "wna" (interfaces: lan, wan, dmz), did you mean wan?');
    expect(error('policy drop\noifname "eth*" accept')).toBe('2:9: no interface name starts with "eth" (interfaces: lan, wan, dmz)');
    expect(error('iifname "lan" accept', null)).toMatch(/^1:9: iifname names an interface, but no interfaces were given: pass \{ interfaces/);
    expect(error("iif 0 accept")).toBe("1:5: interface index 0 is not between 1 and 4294967295");
    expect(error("oifname")).toBe("1:8: expected an interface name after oifname, found the end of the line");
    expect(error("oifname accept")).toBe('1:9: no interface is named "accept" (interfaces: lan, wan, dmz)');
    expect(error("meta ifname lan accept")).toMatch(/^1:6: expected l4proto, nfproto, iifname, oifname, iif or oif after meta, found "ifname", did you mean/);
  });

  it("refuses oifname in a dnat rule and iifname in an snat or masquerade rule, as nft refuses them in prerouting and postrouting", () => {
    expect(error('oifname "wan" tcp dport 80 dnat to 10.0.1.80')).toMatch(
      /^1:1: oifname cannot be used in a dnat rule: destination NAT happens in prerouting, before the packet is routed/,
    );
    expect(error('ip saddr 10.0.1.0/24 oif 2 dnat to 10.0.1.80')).toMatch(/^1:22: oif cannot be used in a dnat rule/);
    expect(error('iifname "lan" snat to 192.0.2.1')).toMatch(/^1:1: iifname cannot be used in an snat or masquerade rule: source NAT happens in postrouting/);
    expect(error('meta iif "lan" masquerade')).toMatch(/^1:1: meta iifname \/ meta iif cannot be used in an snat or masquerade rule/);
    // Each side of NAT may use the interface its hook knows, and the filter both.
    expect(() => compileRules('iifname "wan" tcp dport 80 dnat to 10.0.1.80\noifname "wan" masquerade\niifname "wan" oifname "lan" accept', { interfaces: INTERFACES })).not.toThrow();
  });
});

describe("masquerade (SNAT to the address of the output interface)", () => {
  it("translates to the first address of the connection's family on the interface it leaves by", () => {
    const fw = compileRules('oifname "wan" masquerade', { interfaces: INTERFACES });
    expect(targetText(fw.sourceNat!(packet(0, WAN)))).toBe("192.0.2.1");
    const v6 = packet(0, WAN, { family: 6, src: parseAddress("fd00:1::2")!.words, dst: parseAddress("2001:db8::10")!.words });
    expect(targetText(fw.sourceNat!(v6))).toBe("2001:db8::1");
    expect(fw.hits[0]).toBe(2);
    expect(targetText(fw.sourceNat!(packet(0, LAN)))).toBe("-");
    expect(fw.last.snat).toBe(NO_RULE);
  });

  it("without a rule's interface match, takes whichever interface the connection leaves by; none of its family: dropped, as nf_nat_masquerade_ipv4 does", () => {
    const fw = compileRules("ip saddr 10.0.0.0/8 masquerade", { interfaces: INTERFACES });
    expect(targetText(fw.sourceNat!(packet(0, LAN)))).toBe("10.0.1.1");
    expect(targetText(fw.sourceNat!(packet(0, DMZ)))).toBe("drop");
    expect(targetText(fw.sourceNat!(packet(0, 0)))).toBe("drop");
    // The rule matched, but had no address to give: it decided, and counts no translation.
    expect(fw.last.snat).toBe(0);
    expect(fw.hits[0]).toBe(1);
    expect(fw.ruleset.rules[0]).toMatchObject({ kind: "snat", target: null, text: "ip saddr 10.0.0.0/8 masquerade" });
  });

  it("needs the interfaces (their addresses are the targets)", () => {
    expect(error('ip saddr 10.0.1.0/24 masquerade', null)).toMatch(/^1:22: masquerade translates to the address of the interface a connection leaves by, but no interfaces were given/);
    expect(error("masquerade to 1.2.3.4")).toBe('1:12: unexpected "to" after masquerade: a rule ends with it');
  });

  it("refuses interfaces the embedder describes badly", () => {
    expect(() => compileRules("policy accept", { interfaces: [{ name: "lan", index: 0 }] })).toThrow(/index 0 is not an integer from 1/);
    expect(() => compileRules("policy accept", { interfaces: [{ name: "a", index: 1 }, { name: "a", index: 2 }] })).toThrow(/two interfaces are named "a"/);
    expect(() => compileRules("policy accept", { interfaces: [{ name: "a", index: 1 }, { name: "b", index: 1 }] })).toThrow(/two interfaces have index 1/);
    expect(() => compileRules("policy accept", { interfaces: [{ name: "a", index: 1, addresses: ["nowhere"] }] })).toThrow(/"nowhere" is not an IPv4 or IPv6 address/);
  });
});

describe("interface rules in an engine", () => {
  it("masquerade what leaves by wan, drop NEW from wan; replies come back translated", () => {
    const policy = compileRules(['oifname "wan" masquerade', 'iifname "wan" ct state new drop'].join("\n"), { interfaces: INTERFACES });
    const engine = createEngine({ policy, hashSeed: 1 });
    engine.interfaces[0] = LAN;
    engine.interfaces[1] = WAN;
    const out = engine.process(tcp({ src: "10.0.1.2", dst: "192.0.2.10", sport: 40000, dport: 80, seq: 1, flags: "S" }), 1);
    expect(out.verdict).toBe(Verdict.ACCEPT);
    expect(out.translated).toBe(true);
    expect(formatAddress(4, [out.outBytes![out.outOffset + 12]! * 2 ** 24 + (out.outBytes![out.outOffset + 13]! << 16) + (out.outBytes![out.outOffset + 14]! << 8) + out.outBytes![out.outOffset + 15]!])).toBe("192.0.2.1");
    engine.interfaces[0] = WAN;
    engine.interfaces[1] = LAN;
    const reply = engine.process(tcp({ src: "192.0.2.10", dst: "192.0.2.1", sport: 80, dport: 40000, seq: 9, ack: 2, flags: "SA" }), 1.1);
    expect(reply.verdict).toBe(Verdict.ACCEPT);
    expect(reply.state).toBe(1);
    const inbound = engine.process(tcp({ src: "192.0.2.10", dst: "10.0.1.2", sport: 40001, dport: 22, seq: 1, flags: "S" }), 2);
    expect(inbound.verdict).toBe(Verdict.DROP);
  });
});
