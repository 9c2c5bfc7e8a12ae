import { PACKET_STATE_NAMES, Reason, reasonName, type Engine } from "@alg-sdk/core";
import { NO_RULE, type NatKind, type RuleVerdict } from "@alg-sdk/rules";
import type { CaptureDamage } from "../capture/packet-input.js";
import type { LoadedRules } from "../engine-setup.js";

/** One line of the firewall report: a rule (or the policy) and what it decided. */
export interface RuleReport {
  /** Line in the rules file; null for an implicit policy. */
  readonly line: number | null;
  readonly text: string;
  readonly verdict: RuleVerdict;
  readonly packets: number;
  /** Packets in state NEW it accepted: the doors the ruleset opens. */
  readonly newAccepted: number;
}

export interface FirewallReport {
  readonly file: string;
  readonly policy: RuleVerdict;
  readonly passed: number;
  readonly dropped: number;
  readonly rules: readonly RuleReport[];
  /** Connections opened from an expectation (their first packet RELATED) that the firewall passed. */
  readonly relatedPassed: number;
  /** The same, by the helper that created the expectation. */
  readonly relatedPassedByHelper: Readonly<Record<string, number>>;
  /** Lines of the rules that passed them (null: the implicit policy). */
  readonly relatedPassedBy: readonly (number | null)[];
}

/** One NAT rule and the connections it translated. */
export interface NatRuleReport {
  readonly line: number;
  readonly text: string;
  readonly kind: NatKind;
  readonly connections: number;
}

export interface NatReport {
  /** Packets NAT changed (addresses, ports or ICMP identifier). */
  readonly translated: number;
  /** Payload rewrites helpers made (an FTP PORT, an IRC DCC address). */
  readonly rewrites: number;
  /** The NAT rules of `--rules`, in file order (none without). */
  readonly rules: readonly NatRuleReport[];
}

/** Totals of a run: the human totals, the json document and the jsonl summary line. */
export interface Summary {
  readonly capture: {
    readonly name: string;
    /** Records read (IP or not). */
    readonly records: number;
    readonly bytes: number;
    readonly firstTs: number | null;
    readonly lastTs: number | null;
    readonly linkTypes: readonly string[];
    /** Where a damaged or truncated capture stopped; null when it was read to the end. */
    readonly stopped: CaptureDamage | null;
    /** watch: stopped by a signal. */
    readonly interrupted: boolean;
  };
  readonly packets: {
    /** Packets given to the engine (held fragments included). */
    readonly tracked: number;
    readonly byState: Readonly<Record<string, number>>;
    readonly held: number;
    readonly notIp: number;
    readonly linkErrors: number;
    /** Packets conntrack itself dropped (helper drop, table full, bad fragment); the filter's drops are the firewall's. */
    readonly engineDropped: number;
  };
  readonly nat: NatReport;
  readonly connections: { readonly created: number; readonly destroyed: number; readonly earlyDrops: number; readonly inTable: number };
  readonly expectations: {
    readonly created: number;
    readonly matched: number;
    readonly expired: number;
    readonly evicted: number;
    readonly refused: number;
    readonly pending: number;
  };
  /** INVALID and conntrack-dropped packets by reason (the filter's drops are in `firewall`). */
  readonly invalid: Readonly<Record<string, number>>;
  readonly helperErrors: number;
  readonly helpers: readonly string[];
  readonly firewall: FirewallReport | null;
}

/** Counts the replay keeps besides the engine's own. */
export interface RunCounts {
  records: number;
  bytes: number;
  firstTs: number | null;
  lastTs: number | null;
  linkTypes: Set<string>;
  notIp: number;
  linkErrors: number;
  stopped: CaptureDamage | null;
  interrupted: boolean;
  /** Per rule (last: policy), NEW packets accepted. */
  newAccepted: number[];
  relatedPassedByHelper: Map<string, number>;
  /** Rules (index, -1 policy) that passed a connection opened through an expectation. */
  relatedPassedRules: Set<number>;
  /** Packets the engine translated, and payload rewrites. */
  translated: number;
  rewrites: number;
}

export function newRunCounts(rules: number): RunCounts {
  return {
    records: 0,
    bytes: 0,
    firstTs: null,
    lastTs: null,
    linkTypes: new Set(),
    notIp: 0,
    linkErrors: 0,
    stopped: null,
    interrupted: false,
    newAccepted: new Array<number>(rules + 1).fill(0),
    relatedPassedByHelper: new Map(),
    relatedPassedRules: new Set(),
    translated: 0,
    rewrites: 0,
  };
}

export function buildSummary(
  engine: Engine,
  counts: RunCounts,
  name: string,
  helpers: readonly string[],
  rules: LoadedRules | null,
): Summary {
  const s = engine.stats;
  const byState: Record<string, number> = {};
  PACKET_STATE_NAMES.forEach((n, i) => (byState[n] = s.byState[i]!));
  const invalid: Record<string, number> = {};
  s.byReason.forEach((n, code) => {
    if (n > 0 && code !== Reason.FILTERED) invalid[reasonName(code) ?? `reason-${code}`] = n;
  });
  return {
    capture: {
      name,
      records: counts.records,
      bytes: counts.bytes,
      firstTs: counts.firstTs,
      lastTs: counts.lastTs,
      linkTypes: [...counts.linkTypes],
      stopped: counts.stopped,
      interrupted: counts.interrupted,
    },
    packets: {
      tracked: s.packets,
      byState,
      held: s.fragmentsHeld,
      notIp: counts.notIp,
      linkErrors: counts.linkErrors,
      engineDropped: s.dropped - (s.byReason[Reason.FILTERED] ?? 0),
    },
    nat: { translated: counts.translated, rewrites: counts.rewrites, rules: rules === null ? [] : natRules(rules) },
    connections: {
      created: s.connectionsCreated,
      destroyed: s.connectionsDestroyed,
      earlyDrops: s.earlyDrops,
      inTable: engine.connectionCount,
    },
    expectations: {
      created: s.expectationsCreated,
      matched: s.expectationsMatched,
      expired: s.expectationsExpired,
      evicted: s.expectationsEvicted,
      refused: s.expectationsRefused,
      pending: engine.expectationCount,
    },
    invalid,
    helperErrors: s.helperErrors,
    helpers,
    firewall: rules === null || rules.policy.filter === undefined ? null : firewallReport(rules, counts),
  };
}

function natRules({ policy }: LoadedRules): NatRuleReport[] {
  return policy.ruleset.rules.flatMap((r, i) =>
    r.kind === "filter" ? [] : [{ line: r.position.line, text: r.text, kind: r.kind, connections: policy.hits[i]! }],
  );
}

function firewallReport({ file, policy: fw }: LoadedRules, counts: RunCounts): FirewallReport {
  const rs = fw.ruleset;
  const rules: RuleReport[] = rs.rules.flatMap((r, i) =>
    r.kind !== "filter"
      ? []
      : [{ line: r.position.line, text: r.text, verdict: r.verdict, packets: fw.hits[i]!, newAccepted: counts.newAccepted[i]! }],
  );
  rules.push({
    line: rs.policyPosition?.line ?? null,
    text: rs.policyPosition ? `policy ${rs.policy}` : `policy ${rs.policy} (implicit)`,
    verdict: rs.policy,
    packets: fw.hits[rs.rules.length]!,
    newAccepted: counts.newAccepted[rs.rules.length]!,
  });
  const byHelper = Object.fromEntries(counts.relatedPassedByHelper);
  return {
    file,
    policy: rs.policy,
    passed: fw.passed,
    dropped: fw.dropped,
    rules,
    relatedPassed: Object.values(byHelper).reduce((a, b) => a + b, 0),
    relatedPassedByHelper: byHelper,
    // The policy (NO_RULE) last, as in the table.
    relatedPassedBy: [...counts.relatedPassedRules].sort((a, b) => (a === NO_RULE ? 1 : b === NO_RULE ? -1 : a - b)).map((i) => fw.lineOf(i)),
  };
}
