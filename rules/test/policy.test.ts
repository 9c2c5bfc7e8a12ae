import { parseAddress } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { Firewall, type RuleInput } from "../src/rules/evaluate.js";
import { parseRules } from "../src/rules/parser.js";

const NEW = 0;
const ESTABLISHED = 1;
const RELATED = 2;
const INVALID = 3;

function packet(over: Partial<Omit<RuleInput, "src" | "dst">> & { src?: string; dst?: string } = {}): RuleInput {
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
    sport: 40000,
    dport: 21,
    ...rest,
    src: s.words,
    dst: d.words,
  };
}

function firewall(source: string): Firewall {
  return new Firewall(parseRules(source));
}

/** The verdict and the deciding rule's line (or "policy"). */
function decide(fw: Firewall, p: RuleInput): string {
  const i = fw.decide(p);
  return `${fw.verdictOf(i)}@${i < 0 ? "policy" : fw.lineOf(i)}`;
}

const EXAMPLE = `policy drop
ct state established,related accept
ct state new tcp dport 21 accept
ct state invalid drop
`;

describe("firewall evaluation", () => {
  it("implements the example ruleset: established/related pass, only NEW to tcp/21 opens", () => {
    const fw = firewall(EXAMPLE);
    expect(decide(fw, packet({ state: NEW, dport: 21 }))).toBe("accept@3");
    expect(decide(fw, packet({ state: NEW, dport: 20 }))).toBe("drop@policy");
    expect(decide(fw, packet({ state: NEW, protocol: 17, dport: 21 }))).toBe("drop@policy");
    expect(decide(fw, packet({ state: ESTABLISHED, direction: 1, dport: 5555 }))).toBe("accept@2");
    expect(decide(fw, packet({ state: RELATED, expected: true, dport: 40123 }))).toBe("accept@2");
    expect(decide(fw, packet({ state: INVALID, direction: -1 }))).toBe("drop@4");
    expect(fw.hits).toEqual([2, 1, 1, 2]);
    expect([fw.passed, fw.dropped]).toEqual([3, 3]);
    expect(fw.needsTuple).toBe(true);
  });

  it("needs no tuple when only conntrack fields are matched", () => {
    expect(firewall("ct state new ct direction original ct status expected ct helper ftp accept").needsTuple).toBe(false);
    expect(firewall("meta nfproto ipv4 accept").needsTuple).toBe(true);
  });

  it("matches direction, EXPECTED status and helper", () => {
    const fw = firewall("ct direction reply drop\nct status expected ct helper ftp accept\nct helper != ftp drop\npolicy accept");
    expect(decide(fw, packet({ direction: 1 }))).toBe("drop@1");
    expect(decide(fw, packet({ expected: true, helper: "ftp" }))).toBe("accept@2");
    expect(decide(fw, packet({ expected: true, helper: "irc" }))).toBe("drop@3");
    expect(decide(fw, packet({ helper: null }))).toBe("drop@3");
    expect(decide(fw, packet({ helper: "ftp" }))).toBe("accept@policy");
  });

  it("matches address prefixes of the right family only, negated or not", () => {
    const fw = firewall("ip saddr 10.0.0.0/8 ip daddr != 10.0.2.0/24 accept\nip6 saddr fd00::/16 accept\npolicy drop");
    expect(decide(fw, packet({ src: "10.9.9.9", dst: "192.168.1.1" }))).toBe("accept@1");
    expect(decide(fw, packet({ src: "10.9.9.9", dst: "10.0.2.7" }))).toBe("drop@policy");
    expect(decide(fw, packet({ src: "11.0.0.1", dst: "192.168.1.1" }))).toBe("drop@policy");
    expect(decide(fw, packet({ src: "fd00:1::2", dst: "fd00:2::2" }))).toBe("accept@2");
    expect(decide(fw, packet({ src: "fe80::1", dst: "fd00:2::2" }))).toBe("drop@policy");
    // `ip daddr != …` never matches an IPv6 packet.
    expect(decide(firewall("ip daddr != 10.0.0.0/8 accept\npolicy drop"), packet({ src: "::1", dst: "::2" }))).toBe("drop@policy");
  });

  it("matches port ranges and sets, and ports only for tcp, udp and udplite", () => {
    const fw = firewall("tcp dport { 21, 6660-6669 } accept\nudp sport != 1-1023 accept\nmeta l4proto icmp accept\npolicy drop");
    expect(decide(fw, packet({ dport: 6665 }))).toBe("accept@1");
    expect(decide(fw, packet({ dport: 6670 }))).toBe("drop@policy");
    expect(decide(fw, packet({ protocol: 17, sport: 5353 }))).toBe("accept@2");
    expect(decide(fw, packet({ protocol: 17, sport: 53 }))).toBe("drop@policy");
    expect(decide(fw, packet({ protocol: 1, sport: 0, dport: 0x0800 }))).toBe("accept@3");
    expect(decide(fw, packet({ protocol: 47 }))).toBe("drop@policy");
  });

  it("never matches the protocol or an address of an undecodable packet", () => {
    const fw = firewall("meta l4proto tcp accept\nip saddr 0.0.0.0/0 accept\nct state invalid drop\npolicy accept");
    expect(decide(fw, { ...packet({ state: INVALID, direction: -1 }), family: 0 })).toBe("drop@3");
  });
});
