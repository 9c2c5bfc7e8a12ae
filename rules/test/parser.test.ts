import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRules } from "../src/rules/parser.js";
import { RuleSyntaxError, tokenize } from "../src/rules/lexer.js";

/** The error a source produces, as "line:column: message". */
function error(source: string): string {
  try {
    parseRules(source);
  } catch (e) {
    if (e instanceof RuleSyntaxError) return `${e.line}:${e.column}: ${e.message}`;
    throw e;
  }
  throw new Error("no error");
}

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

  it("reads quoted strings", () => {
    expect(tokenize('ct helper "ftp" accept')[0]![2]).toMatchObject({ kind: "string", text: "ftp" });
  });
});

describe("rules parser", () => {
  it("parses the bundled examples/firewall.rules", () => {
    const path = fileURLToPath(new URL("../../examples/firewall.rules", import.meta.url));
    const rs = parseRules(readFileSync(path, "utf8"));
    expect(rs.policy).toBe("drop");
    expect(rs.rules.map((r) => [r.text, r.verdict])).toEqual([
      ["ct state established,related accept", "accept"],
      ["ct state new tcp dport 21 accept", "accept"],
      ["ct state invalid drop", "drop"],
    ]);
    expect(rs.rules[1]!.matches).toEqual([
      { kind: "state", negate: false, states: ["new"] },
      { kind: "protocol", negate: false, protocols: [6] },
      { kind: "port", which: "dport", negate: false, ranges: [[21, 21]] },
    ]);
  });

  it("takes keywords in any case", () => {
    const rs = parseRules("POLICY Drop\nCT STATE New TCP DPORT 21 ACCEPT");
    expect(rs.policy).toBe("drop");
    expect(rs.rules[0]!.verdict).toBe("accept");
    expect(rs.rules[0]!.matches[0]).toEqual({ kind: "state", negate: false, states: ["new"] });
  });

  it("defaults the policy to accept, as an nft chain does", () => {
    const rs = parseRules("ct state invalid drop\n");
    expect(rs.policy).toBe("accept");
    expect(rs.policyPosition).toBeNull();
  });

  it("parses every kind of match", () => {
    const rs = parseRules(
      [
        "ct state { new, related } ct direction original ct status expected ct helper != \"ftp\" accept",
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
      '2:27: expected a match (ct, meta, ip, ip6, tcp, udp, udplite, icmp, icmpv6, sctp, gre, esp, ah) or a verdict (accept, drop), found "acept", did you mean accept?',
    );
    expect(error("ct state new")).toBe("1:13: the rule has no verdict: end it with accept or drop");
    expect(error("ct state bogus accept")).toBe(
      '1:10: expected a state (new, established, related, invalid, untracked), found "bogus"',
    );
    expect(error("ct state estabished accept")).toMatch(/^1:10: .*did you mean established\?$/);
    expect(error("tcp dport 70000 accept")).toBe("1:11: port 70000 is above 65535");
    expect(error("tcp dport 30-20 accept")).toBe("1:11: range 30-20 is backwards");
    expect(error("icmp dport 1 accept")).toBe("1:6: icmp has no ports: dport applies to tcp, udp and udplite");
    expect(error("ip saddr fd00::1 accept")).toBe("1:10: fd00::1 is an IPv6 address: match it with ip6 saddr / ip6 daddr");
    expect(error("ip saddr 10.0.0.0/33 accept")).toBe("1:10: prefix length /33 is not between 0 and 32");
    expect(error("ip saddr 10.0.0 accept")).toBe('1:10: expected an IPv4 address or prefix like 10.0.0.0/8, found "10.0.0"');
    expect(error("policy drop\n\npolicy accept")).toBe("3:1: the policy is already set on line 1");
    expect(error("policy reject")).toBe('1:8: expected a verdict (accept or drop), found "reject"');
    expect(error("ct state new accept tcp")).toBe('1:21: unexpected "tcp" after the verdict: a rule ends with it');
    expect(error("ct state { new, related accept")).toBe('1:25: expected "}" to close the set, found "accept"');
    expect(error('ct helper "ftp accept')).toBe('1:11: unterminated string: a closing " is missing');
    expect(error("ct state new @ accept")).toBe('1:14: unexpected character "@"');
    expect(error("  ct mark 1 accept")).toBe(
      '1:6: expected state, direction, status or helper after ct, found "mark"',
    );
  });
});
