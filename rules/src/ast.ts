/**
 * The parsed form of a rules file: what the parser produces and the
 * evaluator compiles. Plain data, so tests can compare it and `--format
 * json` can print it.
 */

export type RuleVerdict = "accept" | "drop";

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
      readonly kind: "address";
      readonly which: "saddr" | "daddr";
      readonly family: 4 | 6;
      readonly negate: boolean;
      readonly prefixes: readonly AddressPrefix[];
    };

/** One rule: every match must hold; then the verdict applies and evaluation stops. */
export interface Rule {
  readonly position: SourcePosition;
  /** The rule as written (comments and extra blanks removed), for reports. */
  readonly text: string;
  readonly matches: readonly Match[];
  readonly verdict: RuleVerdict;
}

export interface Ruleset {
  readonly rules: readonly Rule[];
  /** Verdict when no rule matches (`policy`); accept when the file sets none, as an nft chain does. */
  readonly policy: RuleVerdict;
  /** Where `policy` was set, or null for the implicit accept. */
  readonly policyPosition: SourcePosition | null;
}
