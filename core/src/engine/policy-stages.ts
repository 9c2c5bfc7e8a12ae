import { ReasonCode } from "../constants.js";
import type { Side } from "../nat/manip.js";
import type { Nat } from "../nat/nat.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import { FilterVerdict, type PacketPolicy } from "../policy/types.js";
import type { ProtocolTracker } from "../proto/tracker.js";
import type { ConnTable } from "../table/conn-table.js";
import type { Conntrack } from "./conntrack.js";
import type { Outcome } from "./outcome.js";
import type { PolicyView } from "./policy-view.js";
import type { PacketResult } from "./result.js";

/**
 * The stages of the pipeline an embedder's policy drives, in netfilter's
 * hook order: destination NAT (prerouting), the filter (forward), source
 * NAT (postrouting), and after the helper the sequence adjustment its
 * rewrites call for (`nf_confirm`'s `nf_ct_seq_adjust`).
 */
export class PolicyStages {
  constructor(
    private readonly policy: PacketPolicy | undefined,
    /** NAT, when the policy translates (null otherwise: the plain path pays nothing for it). */
    readonly nat: Nat | null,
    private readonly view: PolicyView,
    private readonly table: ConnTable,
    private readonly conntrack: Conntrack,
    private readonly outcome: Outcome,
    private readonly result: PacketResult,
  ) {
    this.filters = policy?.filter !== undefined;
  }

  /** Whether the policy has a filter. */
  readonly filters: boolean;

  /** One NAT hook: the binding of a new connection, then the packet (or the error about one) rewritten. */
  translate(nat: Nat, p: ParsedPacket, tracked: boolean, side: Side): void {
    const r = this.result;
    let changed: number;
    if (tracked) {
      const s = this.conntrack.slot;
      if (this.conntrack.isNew && !nat.decide(s, side)) return this.outcome.drop(ReasonCode.NAT_FAILED);
      changed = nat.manip(p, s, this.conntrack.dir, side);
    } else if (r.slot >= 0) {
      changed = nat.translateError(p, r.slot, r.direction, side);
    } else return;
    if (changed < 0) this.outcome.drop(ReasonCode.NAT_FAILED);
    else if (changed > 0) r.translated = true;
  }

  /** The policy's filter (the forward chain, after destination NAT and before the helper); `s` -1 when untracked. */
  filter(p: ParsedPacket, zone: number, s: number): void {
    this.view.fill(this.result, p, zone, s < 0 ? 0 : this.table.mark(s));
    let verdict: FilterVerdict;
    try {
      verdict = this.policy!.filter!(this.view);
    } catch {
      // A filter that throws fails closed, as a firewall should.
      verdict = FilterVerdict.DROP;
    }
    if (verdict !== FilterVerdict.ACCEPT) this.outcome.drop(ReasonCode.FILTERED);
  }

  /** `nf_ct_seq_adjust`: earlier rewrites' offsets applied to this packet; false when it must be dropped. */
  adjustSequence(p: ParsedPacket, tracker: ProtocolTracker, s: number): boolean {
    if (tracker.adjustSequence === undefined) return true;
    const changed = tracker.adjustSequence(this.table, s, this.conntrack.dir, p);
    if (changed > 0) this.result.translated = true;
    return changed >= 0;
  }
}

