import { FilterVerdict, natTarget, type NatDecision, type NatTarget, type PacketPolicy, type PolicyPacket } from "@alg-sdk/core";
import type { NatTargetText, Rule, RuleVerdict, Ruleset } from "./ast.js";
import { RuleSyntaxError } from "./errors.js";
import { InterfaceMap, type RulesOptions } from "./interfaces.js";
import { compileMatch, familyIs, type Predicate } from "./predicates.js";

/** A `last` entry: the hook was not called since {@link RulesPolicy.forget}. */
export const NOT_DECIDED = -2;
/** A `last` entry: the filter's policy decided, or no NAT rule matched. */
export const NO_RULE = -1;

/**
 * Which rule decided, per hook, as an index into `ruleset.rules` (or
 * {@link NO_RULE} / {@link NOT_DECIDED}). The engine calls the NAT hooks on
 * a connection's first packet only and the filter on every packet it does
 * not drop itself first, so a caller that wants to know what decided one
 * packet calls `forget()` before handing it to the engine.
 */
export interface LastDecision {
  filter: number;
  dnat: number;
  snat: number;
}

/**
 * A compiled ruleset: the {@link PacketPolicy} to give `createEngine({ policy })`,
 * plus counters for reports. Only the hooks the rules need exist (no NAT
 * statements, no `destinationNat`; no filter rule and no `policy` line, no
 * `filter`), so the engine skips the rest.
 *
 * - `destinationNat` / `sourceNat`: the first `dnat` / `snat` rule whose
 *   matches hold gives the target; the engine passes the connection's
 *   original tuple (nft's `ct original`), so both see the first packet as
 *   it arrived, before any translation.
 * - `filter`: the first filter rule whose matches hold decides, else the
 *   policy; the engine passes the packet after destination NAT.
 * - `masquerade` (an `snat` rule without a target): the first address of
 *   the connection's family that `options.interfaces` gives the interface
 *   the connection leaves by (`PolicyPacket.outInterface`); none (or an
 *   unknown interface): `"drop"`, the connection is dropped (as Linux does).
 *
 * Evaluation reads the packet and a few integers: it never throws and never
 * allocates.
 */
export class RulesPolicy implements PacketPolicy {
  readonly destinationNat?: (packet: PolicyPacket) => NatDecision;
  readonly filter?: (packet: PolicyPacket) => FilterVerdict;
  readonly sourceNat?: (packet: PolicyPacket) => NatDecision;
  /**
   * What each rule decided: packets for a filter rule, connections for a
   * NAT rule. One entry per rule, then one for the policy.
   */
  readonly hits: number[];
  /** Packets the filter accepted and dropped. */
  passed = 0;
  dropped = 0;
  readonly last: LastDecision = { filter: NOT_DECIDED, dnat: NOT_DECIDED, snat: NOT_DECIDED };
  /** The target of each NAT rule, built once (null for filter rules and masquerade, whose target depends on the output interface). */
  readonly targets: readonly (NatTarget | null)[];

  private readonly predicates: Predicate[][];
  private readonly drops: boolean[];
  private readonly policyDrops: boolean;
  private readonly interfaces: InterfaceMap;

  /** `ruleset` as {@link parseRules} made it with the same `options` (`compileRules` does both). */
  constructor(
    readonly ruleset: Ruleset,
    options: RulesOptions = {},
  ) {
    const rules = ruleset.rules;
    this.interfaces = new InterfaceMap(options.interfaces);
    this.targets = rules.map((r) => (r.kind === "filter" || r.target === null ? null : buildTarget(r.target)));
    this.predicates = rules.map((r) => {
      const predicates = r.matches.map(compileMatch);
      // A target only fits connections of its own family (nft adds the same dependency).
      if (r.kind !== "filter" && r.target !== null) predicates.unshift(familyIs(r.target.family));
      return predicates;
    });
    this.drops = rules.map((r) => r.kind === "filter" && r.verdict === "drop");
    this.policyDrops = ruleset.policy === "drop";
    this.hits = new Array<number>(rules.length + 1).fill(0);
    const filters = indexesOf(rules, "filter");
    const dnats = indexesOf(rules, "dnat");
    const snats = indexesOf(rules, "snat");
    if (dnats.length > 0) this.destinationNat = (p) => this.translate(dnats, p, "dnat");
    if (filters.length > 0 || ruleset.policyPosition !== null) this.filter = (p) => this.judge(filters, p);
    if (snats.length > 0) this.sourceNat = (p) => this.translate(snats, p, "snat");
  }

  /** Clears {@link last}, so the next packet's decisions are told apart from older ones. */
  forget(): void {
    const l = this.last;
    l.filter = NOT_DECIDED;
    l.dnat = NOT_DECIDED;
    l.snat = NOT_DECIDED;
  }

  /** The verdict of filter rule `index`, or of the policy for {@link NO_RULE}. */
  verdictOf(index: number): RuleVerdict {
    const r = this.ruleset.rules[index];
    return r?.kind === "filter" ? r.verdict : this.ruleset.policy;
  }

  /** The line of rule `index`; for {@link NO_RULE}, the `policy` line (null when the policy is implicit). */
  lineOf(index: number): number | null {
    const r = this.ruleset.rules[index];
    return r !== undefined ? r.position.line : (this.ruleset.policyPosition?.line ?? null);
  }

  private judge(rules: Int32Array, p: PolicyPacket): FilterVerdict {
    const decided = this.firstMatch(rules, p);
    this.last.filter = decided;
    this.hits[decided < 0 ? this.hits.length - 1 : decided]!++;
    if (decided < 0 ? this.policyDrops : this.drops[decided]) {
      this.dropped++;
      return FilterVerdict.DROP;
    }
    this.passed++;
    return FilterVerdict.ACCEPT;
  }

  private translate(rules: Int32Array, p: PolicyPacket, kind: "dnat" | "snat"): NatDecision {
    const decided = this.firstMatch(rules, p);
    this.last[kind] = decided;
    if (decided < 0) return null;
    const target = this.targets[decided] ?? this.masquerade(p);
    if (target !== "drop") this.hits[decided]!++;
    return target;
  }

  /**
   * The address of the interface the connection leaves by (Linux's
   * `nf_nat_masquerade_ipv4` picks the device's); `"drop"` when it has none
   * of the connection's family or is unknown, as Linux drops such a
   * connection rather than let it leave untranslated.
   */
  private masquerade(p: PolicyPacket): NatDecision {
    const targets = p.family === 4 ? this.interfaces.masquerade4 : this.interfaces.masquerade6;
    return targets.get(p.outInterface) ?? "drop";
  }

  /** Index of the first of `rules` whose matches all hold, or {@link NO_RULE}. */
  private firstMatch(rules: Int32Array, p: PolicyPacket): number {
    const predicates = this.predicates;
    outer: for (let k = 0; k < rules.length; k++) {
      const i = rules[k]!;
      const matches = predicates[i]!;
      for (let j = 0; j < matches.length; j++) if (!matches[j]!(p)) continue outer;
      return i;
    }
    return NO_RULE;
  }
}

function indexesOf(rules: readonly Rule[], kind: Rule["kind"]): Int32Array {
  return Int32Array.from(rules.flatMap((r, i) => (r.kind === kind ? [i] : [])));
}

function buildTarget(t: NatTargetText): NatTarget {
  try {
    return natTarget({ address: t.addresses, ...(t.ports === null ? {} : { port: t.ports }) });
  } catch (error) {
    // The parser checked the target already; this keeps any remaining refusal a positioned error.
    if (error instanceof RangeError) throw new RuleSyntaxError(error.message, t.position.line, t.position.column);
    throw error;
  }
}
