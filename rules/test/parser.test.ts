import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRules, RuleSyntaxError, tokenize, type NatRule } from "../src/index.js";

/** The error a source produces, as "line:column: message". */
function error(source: string): string {
  try {
    parseRules(source);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return `${e.line}:${e.column}: ${e.message}`;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(source)}`);
}

/** The NAT rule on the only line of `source`. */
function nat(source: string): NatRule {
  const [rule] = parseRules(source).rules;
  if (rule === undefined || rule.kind === "filter") throw new Error(`no NAT rule in ${JSON.stringify(source)}`);
  return rule;
}

const fixture = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe("rules lexer", () => {
  it("splits statements at newlines and semicolons, drops comments and empty lines", () => {
    const s = tokenize("# comment\n\npolicy drop ; ct state new accept # trailing\n");
    expect(s.map((t) => t.map((x) => x.text))).toEqual([
      ["policy", "drop", ""],
      ["ct", "state", "new", "accept", ""],
    ]);
  });

  it("keeps addresses, prefixes and ranges as single words, with positions", () => {
    const [t] = tokenize("ip6 saddr != { fd00::/16, ::1 } tcp dport 1024-65535 drop");
    expect(t!.map((x) => `${x.kind}:${x.text}@${x.column}`)).toEqual([
      "word:ip6@1",
      "word:saddr@5",
      "not-equal:!=@11",
      "lbrace:{@14",
      "word:fd00::/16@16",
      "comma:,@25",
      "word:::1@27",
      "rbrace:}@31",
      "word:tcp@33",
      "word:dport@37",
      "word:1024-65535@43",
      "word:drop@54",
      "end:@58",
    ]);
  });

  it("keeps a NAT target with a range, a bracketed IPv6 address and a port as one word", () => {
    const [a] = tokenize("snat to 10.0.2.100-10.0.2.110:1024-2047");
    const [b] = tokenize("dnat ip6 to [fd00::1]-[fd00::9]:21");
    expect(a!.map((x) => x.text)).toEqual(["snat", "to", "10.0.2.100-10.0.2.110:1024-2047", ""]);
    expect(b!.map((x) => x.text)).toEqual(["dnat", "ip6", "to", "[fd00::1]-[fd00::9]:21", ""]);
  });

  it("reads quoted strings", () => {
    expect(tokenize('ct helper "ftp" accept')[0]![2]).toMatchObject({ kind: "string", text: "ftp" });
  });
});

describe("rules parser: filter rules", () => {
  it("parses the bundled examples/firewall.rules", () => {
    const rs = parseRules(readFileSync(fixture("examples/firewall.rules"), "utf8"));
    expect(rs.policy).toBe("drop");
    expect(rs.rules.map((r) => [r.kind, r.text, r.kind === "filter" ? r.verdict : null])).toEqual([
      ["filter", "ct state established,related accept", "accept"],
      ["filter", "ct state new tcp dport 21 accept", "accept"],
      ["filter", "ct state invalid drop", "drop"],
    ]);
    expect(rs.rules[1]!.matches).toEqual([
      { kind: "state", negate: false, states: ["new"] },
      { kind: "protocol", negate: false, protocols: [6] },
      { kind: "port", which: "dport", negate: false, ranges: [[21, 21]] },
    ]);
  });

  it("takes keywords in any case", () => {
    const rs = parseRules("POLICY Drop\nCT STATE New TCP DPORT 21 ACCEPT\nTCP DPORT 21 DNAT IP TO 10.0.2.2");
    expect(rs.policy).toBe("drop");
    expect(rs.rules[0]).toMatchObject({ kind: "filter", verdict: "accept" });
    expect(rs.rules[0]!.matches[0]).toEqual({ kind: "state", negate: false, states: ["new"] });
    expect(rs.rules[1]).toMatchObject({ kind: "dnat", target: { addresses: ["10.0.2.2", "10.0.2.2"] } });
  });

  it("defaults the policy to accept, as an nft chain does", () => {
    const rs = parseRules("ct state invalid drop\n");
    expect(rs.policy).toBe("accept");
    expect(rs.policyPosition).toBeNull();
  });

  it("parses every kind of match", () => {
    const rs = parseRules(
      [
        'ct state { new, related } ct direction original ct status expected ct helper != "ftp" accept',
        "meta l4proto { tcp, 17, icmpv6 } meta nfproto ipv6 drop",
        "ip saddr 10.0.0.0/8 ip daddr != { 192.168.1.1, 172.16.0.0/12 } udp sport 53 dport != 1-1023 accept",
        "accept",
      ].join("\n"),
    );
    expect(rs.rules[0]!.matches).toEqual([
      { kind: "state", negate: false, states: ["new", "related"] },
      { kind: "direction", negate: false, direction: "original" },
      { kind: "expected", negate: false },
      { kind: "helper", negate: true, helpers: ["ftp"] },
    ]);
    expect(rs.rules[1]!.matches).toEqual([
      { kind: "protocol", negate: false, protocols: [6, 17, 58] },
      { kind: "family", negate: false, family: 6 },
    ]);
    const m = rs.rules[2]!.matches;
    expect(m[0]).toMatchObject({ kind: "address", which: "saddr", family: 4, negate: false });
    expect(m[1]).toMatchObject({ kind: "address", which: "daddr", negate: true });
    expect((m[1] as unknown as { prefixes: { bits: number }[] }).prefixes.map((p) => p.bits)).toEqual([32, 12]);
    expect(m.slice(2)).toEqual([
      { kind: "protocol", negate: false, protocols: [17] },
      { kind: "port", which: "sport", negate: false, ranges: [[53, 53]] },
      { kind: "port", which: "dport", negate: true, ranges: [[1, 1023]] },
    ]);
    expect(rs.rules[3]!.matches).toEqual([]);
  });

  it("reports syntax errors with line and column", () => {
    expect(error("policy drop\nct state new tcp dport 21 acept\n")).toBe(
      '2:27: expected a match (ct, meta, ip, ip6, iifname, oifname, iif, oif, tcp, udp, udplite, icmp, icmpv6, sctp, gre, esp, ah) or a statement (accept, drop, dnat, snat, masquerade), found "acept", did you mean accept?',
    );
    expect(error("ct state new")).toBe(
      "1:13: the rule has no verdict or NAT statement: end it with accept, drop, dnat to ADDRESS, snat to ADDRESS or masquerade",
    );
    expect(error("ct state bogus accept")).toBe('1:10: expected a state (new, established, related, invalid, untracked), found "bogus"');
    expect(error("ct state estabished accept")).toMatch(/^1:10: .*did you mean established\?$/);
    expect(error("tcp dport 70000 accept")).toBe("1:11: port 70000 is above 65535");
    expect(error("tcp dport 30-20 accept")).toBe("1:11: range 30-20 is backwards");
    expect(error("icmp dport 1 accept")).toBe("1:6: icmp has no ports: dport applies to tcp, udp and udplite");
    expect(error("ip saddr fd00::1 accept")).toBe("1:10: fd00::1 is an IPv6 address: match it with ip6 saddr / ip6 daddr");
    expect(error("ip saddr 10.0.0.0/33 accept")).toBe("1:10: prefix length /33 is not between 0 and 32");
    expect(error("ip saddr 10.0.0 accept")).toBe('1:10: expected an IPv4 address or prefix like 10.0.0.0/8, found "10.0.0"');
    expect(error("policy drop\n\npolicy accept")).toBe("3:1: the policy is already set on line 1");
    expect(error("policy reject")).toBe('1:8: expected a verdict (accept or drop), found "reject"');
    expect(error("policy dnat")).toBe('1:8: expected a verdict (accept or drop), found "dnat"');
    expect(error("ct state new accept tcp")).toBe('1:21: unexpected "tcp" after the verdict: a rule ends with it');
    expect(error("ct state { new, related accept")).toBe('1:25: expected "}" to close the set, found "accept"');
    expect(error("ct state { new")).toBe('1:15: expected "}" to close the set, found the end of the line');
    expect(error('ct helper "ftp accept')).toBe('1:11: unterminated string: a closing " is missing');
    expect(error("ct state new @ accept")).toBe('1:14: unexpected character "@"');
    expect(error("  ct mark 1 accept")).toBe('1:6: expected state, direction, status or helper after ct, found "mark"');
  });

  it("refuses matches no packet can satisfy together, as nft does", () => {
    expect(error("ip saddr 10.0.0.0/8 ip6 daddr fd00::/16 accept")).toBe(
      "1:21: conflicting families: ip6 daddr needs IPv6, but ip saddr at column 1 needs IPv4: no packet is both",
    );
    expect(error("meta nfproto ipv6 ip daddr 10.0.0.1 drop")).toMatch(/^1:19: conflicting families: ip daddr needs IPv4, but meta nfproto/);
    expect(error("tcp dport 21 udp dport 53 accept")).toBe(
      "1:14: conflicting protocols: udp allows udp, but tcp at column 1 allows tcp: no packet is both",
    );
    expect(error("meta l4proto { tcp, udp } icmp accept")).toMatch(/^1:27: conflicting protocols: icmp allows icmp, but meta l4proto at column 1 allows tcp, udp/);
    // Negations narrow nothing: these are fine.
    expect(parseRules("meta nfproto != ipv4 ip6 saddr ::1 accept").rules).toHaveLength(1);
    expect(parseRules("meta l4proto != tcp udp dport 53 accept").rules).toHaveLength(1);
    expect(parseRules("meta l4proto { tcp, udp } tcp dport 21 accept").rules).toHaveLength(1);
  });
});

describe("rules parser: NAT statements", () => {
  it("parses dnat and snat in nft's words, with and without the family keyword", () => {
    const rs = parseRules(
      [
        "ip daddr 10.0.1.200 tcp dport { 21, 6667 } dnat to 10.0.2.2",
        "ip6 daddr fd00:1::200 tcp dport 21 dnat ip6 to fd00:2::2",
        "ip saddr 10.0.1.0/24 snat ip to 10.0.2.100",
        "ct state established accept",
      ].join("\n"),
    );
    expect(rs.rules.map((r) => [r.kind, r.position.line, r.text])).toEqual([
      ["dnat", 1, "ip daddr 10.0.1.200 tcp dport { 21, 6667 } dnat to 10.0.2.2"],
      ["dnat", 2, "ip6 daddr fd00:1::200 tcp dport 21 dnat ip6 to fd00:2::2"],
      ["snat", 3, "ip saddr 10.0.1.0/24 snat ip to 10.0.2.100"],
      ["filter", 4, "ct state established accept"],
    ]);
    expect((rs.rules[0] as NatRule).target).toEqual({
      text: "10.0.2.2",
      position: { line: 1, column: 52 },
      family: 4,
      addresses: ["10.0.2.2", "10.0.2.2"],
      ports: null,
    });
    expect((rs.rules[1] as NatRule).target).toMatchObject({ family: 6, addresses: ["fd00:2::2", "fd00:2::2"], ports: null });
    expect(rs.rules[0]!.matches).toEqual([
      { kind: "address", which: "daddr", family: 4, negate: false, prefixes: [expect.objectContaining({ text: "10.0.1.200", bits: 32 })] },
      { kind: "protocol", negate: false, protocols: [6] },
      { kind: "port", which: "dport", negate: false, ranges: [[21, 21], [6667, 6667]] },
    ]);
  });

  it("reads address ranges, ports and port ranges where nft allows them", () => {
    expect(nat("udp dport 53 snat to 10.0.2.100-10.0.2.110:1024-2047").target).toMatchObject({
      family: 4,
      addresses: ["10.0.2.100", "10.0.2.110"],
      ports: [1024, 2047],
    });
    expect(nat("tcp dport 8080 dnat to 10.0.2.2:80").target).toMatchObject({ addresses: ["10.0.2.2", "10.0.2.2"], ports: [80, 80] });
    expect(nat("snat to 10.0.2.100-10.0.2.110").target).toMatchObject({ addresses: ["10.0.2.100", "10.0.2.110"], ports: null });
    expect(nat("tcp dport 21 dnat ip6 to [fd00::1]:21").target).toMatchObject({ family: 6, addresses: ["fd00::1", "fd00::1"], ports: [21, 21] });
    expect(nat("meta l4proto { tcp, udp } snat ip6 to [fd00::100]-[fd00::1ff]:1024-2047").target).toMatchObject({
      addresses: ["fd00::100", "fd00::1ff"],
      ports: [1024, 2047],
    });
    expect(nat("snat to fd00::100-fd00::1ff").target).toMatchObject({ family: 6, addresses: ["fd00::100", "fd00::1ff"], ports: null });
    expect(nat("snat to [fd00::100]").target).toMatchObject({ family: 6, ports: null });
    // Without brackets, a colon and digits are more of the IPv6 address, as in nft.
    expect(nat("snat to fd00::1:21").target).toMatchObject({ addresses: ["fd00::1:21", "fd00::1:21"], ports: null });
  });

  it("mixes NAT statements and filter rules in one file, each kind in file order", () => {
    const rs = parseRules("policy drop\nct state new accept\nsnat to 10.9.9.9\ntcp dport 21 dnat to 10.0.2.2\nct state invalid drop");
    expect(rs.rules.map((r) => r.kind)).toEqual(["filter", "snat", "dnat", "filter"]);
    expect(rs.policy).toBe("drop");
  });

  it("reports NAT statement mistakes with line and column", () => {
    expect(error("tcp dport 21 dnat 10.0.2.2")).toBe('1:19: expected to (or ip / ip6, then to) after dnat, found "10.0.2.2"');
    expect(error("snat ip6 fd00::1")).toBe('1:10: expected to after snat ip6, found "fd00::1"');
    expect(error("snat to")).toBe("1:8: expected a NAT target address, found the end of the line");
    expect(error("snat to 10.0.2.300")).toBe('1:9: expected an IPv4 or IPv6 address, found "10.0.2.300"');
    expect(error("snat to 10.0.2.100-10.0.2.1x")).toBe('1:20: expected an IPv4 or IPv6 address, found "10.0.2.1x"');
    expect(error("snat to 10.0.2.110-10.0.2.100")).toBe("1:9: address range 10.0.2.110-10.0.2.100 is backwards");
    expect(error("snat to [10.0.2.1]-[fd00::1]")).toBe("1:21: 10.0.2.1 and fd00::1 are of different families: a range is one family");
    expect(error("udp dport 53 dnat to 10.0.2.2:0")).toBe("1:31: port 0 is not between 1 and 65535");
    expect(error("udp dport 53 dnat to 10.0.2.2:70000")).toBe("1:31: port 70000 is not between 1 and 65535");
    expect(error("udp dport 53 dnat to 10.0.2.2:2047-1024")).toBe("1:31: port range 2047-1024 is backwards");
    expect(error("udp dport 53 dnat to 10.0.2.2:http")).toBe('1:31: expected a port or a port range like 1024-2047, found "http"');
    expect(error("udp dport 53 dnat to :53")).toBe("1:22: a NAT target needs an address: :53 gives only a port");
    expect(error("tcp dport 21 dnat ip6 to [fd00::1:21")).toBe("1:26: [fd00::1:21 opens a bracket it does not close");
    expect(error("tcp dport 21 dnat ip6 to [fd00::1]21")).toBe('1:35: expected :PORT after the bracketed address, found "21"');
    expect(error("tcp dport 21 dnat to 10.0.2.2 random")).toBe('1:31: unexpected "random" after the NAT target: a rule ends with it');
    expect(error("tcp dport 21 dnat to 10.0.2.2 accept")).toBe('1:31: unexpected "accept" after the NAT target: a rule ends with it');
    expect(error("tcp dport 21 accept dnat to 10.0.2.2")).toBe('1:21: unexpected "dnat" after the verdict: a rule ends with it');
  });

  it("refuses a target of the other family than the statement or the rule's matches", () => {
    expect(error("dnat ip6 to 10.0.2.2")).toBe("1:13: 10.0.2.2 is an IPv4 address, but the statement says ip6 (IPv6)");
    expect(error("snat ip to fd00::1")).toBe("1:12: fd00::1 is an IPv6 address, but the statement says ip (IPv4)");
    expect(error("ip6 daddr fd00:1::200 tcp dport 21 dnat to 10.0.2.2")).toBe(
      "1:44: 10.0.2.2 is an IPv4 address, but the rule matches IPv6 only (ip6 daddr at column 1)",
    );
    expect(error("ip saddr 10.0.1.0/24 snat to fd00:2::100")).toBe(
      "1:30: fd00:2::100 is an IPv6 address, but the rule matches IPv4 only (ip saddr at column 1)",
    );
    expect(error("meta nfproto ipv6 snat to 10.0.2.100")).toMatch(/^1:27: 10\.0\.2\.100 is an IPv4 address, but the rule matches IPv6 only \(meta nfproto at column 1\)$/);
    expect(error("ip saddr != 10.0.1.0/24 snat to fd00::1")).toMatch(/^1:33: fd00::1 is an IPv6 address/);
  });

  it("requires a transport protocol match before a port in the target, as nft does", () => {
    expect(error("ip daddr 10.0.1.200 dnat to 10.0.2.2:21")).toBe(
      "1:38: a port in a NAT target needs a transport protocol match before it (tcp, udp, udplite, or meta l4proto with them), as in nft",
    );
    expect(error("meta l4proto != tcp dnat to 10.0.2.2:21")).toMatch(/^1:38: a port in a NAT target needs a transport protocol match/);
    expect(error("icmp dnat to 10.0.2.2:21")).toBe("1:23: icmp has no ports: a port in a NAT target needs tcp, udp or udplite (icmp at column 1)");
    expect(error("meta l4proto { tcp, gre } snat to 10.0.2.100:1024-2047")).toMatch(/^1:46: gre has no ports: /);
    // A protocol word, with or without ports, or meta l4proto with ported protocols only.
    expect(nat("udp snat to 10.0.2.100:53").target!.ports).toEqual([53, 53]);
    expect(nat("tcp dport != 22 dnat ip6 to [fd00::1]:2121").target!.ports).toEqual([2121, 2121]);
    expect(nat("meta l4proto { tcp, udp } snat to 10.0.2.100:1024-2047").target!.ports).toEqual([1024, 2047]);
  });
});
