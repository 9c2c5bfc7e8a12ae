/**
 * The parsed form of a rules file: what the parser produces and the policy
 * compiles. Plain data (no typed arrays, no functions), so tests can compare
 * it and a report can print it as JSON.
 */

export type RuleVerdict = "accept" | "drop";

/** The NAT statements: `dnat` (prerouting, rewrites the destination) and `snat` (postrouting, the source). */
export type NatKind = "dnat" | "snat";

/** Connection-tracking states as the rules spell them (nft's words). */
export const STATE_WORDS = ["new", "established", "related", "invalid", "untracked"] as const;
export type StateWord = (typeof STATE_WORDS)[number];

/** 1-based position in the rules file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** An address prefix as four 32-bit words (IPv4 in word 0) and a length in bits. */
export interface AddressPrefix {
  readonly text: string;
  readonly family: 4 | 6;
  readonly words: readonly number[];
  readonly bits: number;
}

export type Match =
  | { readonly kind: "state"; readonly negate: boolean; readonly states: readonly StateWord[] }
  | { readonly kind: "direction"; readonly negate: boolean; readonly direction: "original" | "reply" }
  | { readonly kind: "expected"; readonly negate: boolean }
  | { readonly kind: "helper"; readonly negate: boolean; readonly helpers: readonly string[] }
  | { readonly kind: "family"; readonly negate: boolean; readonly family: 4 | 6 }
  | { readonly kind: "protocol"; readonly negate: boolean; readonly protocols: readonly number[] }
  | {
      readonly kind: "port";
      readonly which: "sport" | "dport";
      readonly negate: boolean;
      /** Inclusive ranges. */
      readonly ranges: readonly (readonly [number, number])[];
    }
  | {
      /**
       * `iifname` / `iif` (the interface the packet came in on) or `oifname` /
       * `oif` (the one it goes out by), resolved when parsing to the
       * embedder's interface indexes.
       */
      readonly kind: "interface";
      readonly which: "iif" | "oif";
      readonly negate: boolean;
      /** The names (or numbers) as written. */
      readonly names: readonly string[];
      /** The interface indexes they name. */
      readonly indexes: readonly number[];
    }
  | {
      readonly kind: "address";
      readonly which: "saddr" | "daddr";
      readonly family: 4 | 6;
      readonly negate: boolean;
      readonly prefixes: readonly AddressPrefix[];
    };

/**
 * Where a NAT statement sends a connection, as written
 * (`10.0.2.100-10.0.2.110:1024-2047`, `[fd00:2::2]:21`, `fd00:2::100`).
 */
export interface NatTargetText {
  readonly text: string;
  readonly position: SourcePosition;
  readonly family: 4 | 6;
  /** Lowest and highest address of the range (the same twice for one address). */
  readonly addresses: readonly [string, string];
  /** Inclusive port range, or null: the connection keeps its port where it can. */
  readonly ports: readonly [number, number] | null;
}

/** What filter rules and NAT rules have in common. */
export interface RuleCommon {
  readonly position: SourcePosition;
  /** The rule as written (comments and extra blanks removed), for reports. */
  readonly text: string;
  /** Every match must hold. */
  readonly matches: readonly Match[];
}

/** A filter rule: if every match holds, its verdict decides the packet and evaluation stops. */
export interface FilterRule extends RuleCommon {
  readonly kind: "filter";
  readonly verdict: RuleVerdict;
}

/**
 * A NAT rule: on the first packet of a connection, the first rule of its
 * kind whose matches hold (on the connection's original tuple) gives the
 * translation. It has no verdict: the filter rules judge the packet.
 */
export interface NatRule extends RuleCommon {
  readonly kind: NatKind;
  /**
   * Where the rule translates to; null for `masquerade` (an `snat` rule
   * whose address is the one of the interface the connection leaves by).
   */
  readonly target: NatTargetText | null;
}

export type Rule = FilterRule | NatRule;

export interface Ruleset {
  /** Every rule, filter and NAT, in file order (a rule's index is its place here). */
  readonly rules: readonly Rule[];
  /** Filter verdict when no filter rule matches (`policy`); accept when the file sets none, as an nft chain does. */
  readonly policy: RuleVerdict;
  /** Where `policy` was set, or null for the implicit accept. */
  readonly policyPosition: SourcePosition | null;
}
