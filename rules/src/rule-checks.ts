import type { NatKind, NatTargetText } from "./ast.js";
import { RuleSyntaxError } from "./errors.js";
import type { PlacedMatch } from "./matches.js";
import { PORTED, protocolText } from "./protocols.js";

/**
 * Checks a rule for what nft would refuse: matches no packet can satisfy
 * at once (an IPv4 and an IPv6 match, `tcp` and `udp`), a NAT target of
 * the other family than the rule's matches, a NAT port without a
 * transport protocol match before it ("transport protocol mapping is only
 * valid after transport protocol match"), and an interface the rule's hook
 * cannot know (`oifname` in a `dnat` rule, `iifname` in an `snat` or
 * `masquerade` one). Throws at the offending part.
 */
export function checkRule(matches: readonly PlacedMatch[], kind: NatKind | "filter", target: NatTargetText | null): void {
  if (kind !== "filter") checkInterfaces(matches, kind);
  const family = familyOf(matches);
  const protocols = protocolsOf(matches);
  if (target === null) return;
  if (family !== null && family.value !== target.family) {
    throw new RuleSyntaxError(
      `${target.addresses[0]} is an IPv${target.family} address, but the rule matches IPv${family.value} only (${family.what} at column ${family.column})`,
      target.position.line,
      target.position.column,
    );
  }
  if (target.ports === null) return;
  const column = target.position.column + target.text.lastIndexOf(":") + 1;
  if (protocols === null) {
    throw new RuleSyntaxError(
      "a port in a NAT target needs a transport protocol match before it (tcp, udp, udplite, or meta l4proto with them), as in nft",
      target.position.line,
      column,
    );
  }
  const portless = protocols.value.filter((p) => !PORTED.has(p));
  if (portless.length > 0) {
    throw new RuleSyntaxError(
      `${portless.map(protocolText).join(", ")} has no ports: a port in a NAT target needs tcp, udp or udplite (${protocols.what} at column ${protocols.column})`,
      target.position.line,
      column,
    );
  }
}

/**
 * Destination NAT runs in prerouting, before the routing decision: the output
 * interface is not known yet. Source NAT runs in postrouting, where Linux no
 * longer offers the input interface. nft refuses both (`nft_meta_get_validate`:
 * iif only in prerouting, input and forward; oif only in forward, output and
 * postrouting).
 */
function checkInterfaces(matches: readonly PlacedMatch[], kind: NatKind): void {
  const refused = kind === "dnat" ? "oif" : "iif";
  for (const { match: m, at } of matches) {
    if (m.kind !== "interface" || m.which !== refused) continue;
    const keyword = at.text.toLowerCase() === "meta" ? `meta ${refused}name / meta ${refused}` : at.text.toLowerCase();
    throw new RuleSyntaxError(
      kind === "dnat"
        ? `${keyword} cannot be used in a dnat rule: destination NAT happens in prerouting, before the packet is routed, so its output interface is not known yet (nft refuses oif / oifname there); match it in a filter rule or an snat rule`
        : `${keyword} cannot be used in an snat or masquerade rule: source NAT happens in postrouting, which sees only the output interface (nft refuses iif / iifname there); match the source address instead, or the input interface in a filter rule`,
      at.line,
      at.column,
    );
  }
}

/** A constraint the matches put on packets, and the match that put it there. */
interface Constraint<T> {
  readonly value: T;
  readonly what: string;
  readonly column: number;
}

/** The IP family the matches require, or null when they allow both. */
function familyOf(matches: readonly PlacedMatch[]): Constraint<4 | 6> | null {
  let found: Constraint<4 | 6> | null = null;
  for (const { match: m, at } of matches) {
    let family: 4 | 6;
    let what: string;
    if (m.kind === "address") {
      // An address match never holds for the other family, negated or not.
      family = m.family;
      what = `${m.family === 4 ? "ip" : "ip6"} ${m.which}`;
    } else if (m.kind === "family") {
      family = m.negate ? (m.family === 4 ? 6 : 4) : m.family;
      what = "meta nfproto";
    } else continue;
    if (found !== null && found.value !== family) {
      throw new RuleSyntaxError(
        `conflicting families: ${what} needs IPv${family}, but ${found.what} at column ${found.column} needs IPv${found.value}: no packet is both`,
        at.line,
        at.column,
      );
    }
    found ??= { value: family, what, column: at.column };
  }
  return found;
}

/** The protocols every (non-negated) protocol match allows, or null when none restricts them. */
function protocolsOf(matches: readonly PlacedMatch[]): Constraint<readonly number[]> | null {
  let found: Constraint<readonly number[]> | null = null;
  for (const { match: m, at } of matches) {
    // Only an equality pins the protocol, as in nft: `meta l4proto != tcp` leaves it open.
    if (m.kind !== "protocol" || m.negate) continue;
    const what = at.text.toLowerCase() === "meta" ? "meta l4proto" : at.text.toLowerCase();
    if (found === null) {
      found = { value: m.protocols, what, column: at.column };
      continue;
    }
    const both: readonly number[] = found.value.filter((p) => m.protocols.includes(p));
    if (both.length === 0) {
      throw new RuleSyntaxError(
        `conflicting protocols: ${what} allows ${m.protocols.map(protocolText).join(", ")}, but ${found.what} at column ${found.column} allows ${found.value.map(protocolText).join(", ")}: no packet is both`,
        at.line,
        at.column,
      );
    }
    found = { ...found, value: both };
  }
  return found;
}
