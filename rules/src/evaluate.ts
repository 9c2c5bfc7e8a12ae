import type { AddressPrefix, Match, RuleVerdict, Ruleset, StateWord } from "./ast.js";

/** What a rule can look at for one packet (the CLI fills one object and reuses it). */
export interface RuleInput {
  /** PacketState: 0 NEW, 1 ESTABLISHED, 2 RELATED, 3 INVALID, 4 UNTRACKED. */
  state: number;
  /** 0 original, 1 reply, -1 none (INVALID, UNTRACKED). */
  direction: number;
  /** The connection came from an expectation. */
  expected: boolean;
  /** Helper attached to the connection. */
  helper: string | null;
  /** 4, 6, or 0 when the packet could not be decoded. */
  family: number;
  protocol: number;
  /** Addresses as four 32-bit words, network order, IPv4 in word 0. */
  src: Uint32Array;
  dst: Uint32Array;
  sport: number;
  dport: number;
  /** False when the ports are unknown (a fragment without its transport header): port matches fail. */
  portsKnown?: boolean;
}

type Predicate = (p: RuleInput) => boolean;

const STATE_VALUES: Readonly<Record<StateWord, number>> = { new: 0, established: 1, related: 2, invalid: 3, untracked: 4 };
const PORTED = new Set([6, 17, 136]);

/**
 * A compiled ruleset: first matching rule wins, else the policy. Counts the
 * packets each rule decided and what passed, for the replay's report.
 */
export class Firewall {
  /** Packets decided by each rule; the last entry is the policy. */
  readonly hits: number[];
  passed = 0;
  dropped = 0;
  /** True when a rule looks at protocol, addresses or ports (the replay then decodes every packet). */
  readonly needsTuple: boolean;
  private readonly predicates: Predicate[][];
  private readonly verdicts: RuleVerdict[];

  constructor(readonly ruleset: Ruleset) {
    this.predicates = ruleset.rules.map((r) => r.matches.map(compile));
    this.verdicts = ruleset.rules.map((r) => r.verdict);
    this.hits = new Array<number>(ruleset.rules.length + 1).fill(0);
    this.needsTuple = ruleset.rules.some((r) => r.matches.some((m) => !["state", "direction", "expected", "helper"].includes(m.kind)));
  }

  /** Index of the rule that decides `p`, or -1 for the policy; counts it. */
  decide(p: RuleInput): number {
    const rules = this.predicates;
    let decided = -1;
    outer: for (let i = 0; i < rules.length; i++) {
      const matches = rules[i]!;
      for (let j = 0; j < matches.length; j++) if (!matches[j]!(p)) continue outer;
      decided = i;
      break;
    }
    this.hits[decided < 0 ? rules.length : decided]!++;
    if (this.verdictOf(decided) === "accept") this.passed++;
    else this.dropped++;
    return decided;
  }

  /** The verdict of rule `index` (-1: the policy). */
  verdictOf(index: number): RuleVerdict {
    return index < 0 ? this.ruleset.policy : this.verdicts[index]!;
  }

  /** Line of rule `index` in the file (-1: the policy's line, or null when implicit). */
  lineOf(index: number): number | null {
    return index < 0 ? (this.ruleset.policyPosition?.line ?? null) : this.ruleset.rules[index]!.position.line;
  }
}

function compile(m: Match): Predicate {
  const test = positive(m);
  // Address and port matches never hold for packets without that field,
  // negated or not (nft: `ip saddr != x` does not match IPv6 packets).
  if (!m.negate) return test;
  switch (m.kind) {
    case "address":
      return (p) => p.family === m.family && !test(p);
    case "port":
      return (p) => PORTED.has(p.protocol) && p.portsKnown !== false && !test(p);
    default:
      return (p) => !test(p);
  }
}

function positive(m: Match): Predicate {
  switch (m.kind) {
    case "state": {
      let mask = 0;
      for (const s of m.states) mask |= 1 << STATE_VALUES[s];
      return (p) => ((1 << p.state) & mask) !== 0;
    }
    case "direction": {
      const want = m.direction === "original" ? 0 : 1;
      return (p) => p.direction === want;
    }
    case "expected":
      return (p) => p.expected;
    case "helper": {
      const names = new Set(m.helpers);
      return (p) => p.helper !== null && names.has(p.helper);
    }
    case "family":
      return (p) => p.family === m.family;
    case "protocol": {
      const set = new Set(m.protocols);
      return (p) => p.family !== 0 && set.has(p.protocol);
    }
    case "port": {
      const ranges = m.ranges;
      const dport = m.which === "dport";
      return (p) => {
        if (!PORTED.has(p.protocol) || p.portsKnown === false) return false;
        const port = dport ? p.dport : p.sport;
        for (const [lo, hi] of ranges) if (port >= lo && port <= hi) return true;
        return false;
      };
    }
    case "address": {
      const prefixes = m.prefixes;
      const src = m.which === "saddr";
      return (p) => p.family === m.family && prefixes.some((x) => inPrefix(x, src ? p.src : p.dst));
    }
  }
}

function inPrefix(x: AddressPrefix, words: Uint32Array): boolean {
  for (let w = 0, left = x.bits; w < 4 && left > 0; w++, left -= 32) {
    const mask = left >= 32 ? 0xffffffff : (0xffffffff << (32 - left)) >>> 0;
    if (((words[w]! & mask) >>> 0) !== ((x.words[w]! & mask) >>> 0)) return false;
  }
  return true;
}
