import type { Engine, EngineEvent, ExpectationInfo } from "@alg-sdk/core";
import { Reason, Verdict } from "@alg-sdk/core";
import type { CtTuple } from "../ctnetlink/tuple.js";
import { NfVerdict } from "../netlink/constants.js";
import type { QueuedPacket } from "../nfqueue/packet.js";

/** Engine reasons that mean "a helper dropped this packet" (the only drops the daemon passes on). */
const HELPER_DROPS: ReadonlySet<number> = new Set([Reason.HELPER_DROP, Reason.HELPER_PARTIAL, Reason.HELPER_ERROR]);

/** Removals the daemon mirrors into the kernel: the helper's own decisions, not the engine's clocks. */
const MIRRORED_ENDS: ReadonlySet<string> = new Set(["removed", "evicted"]);

/** What one queued packet asks of the kernel. */
export interface PacketOutcome {
  readonly verdict: number;
  readonly connectionId: number;
  /** Expectations created while the packet was processed, to create in the kernel before the verdict. */
  readonly created: readonly ExpectationInfo[];
  /** Expectations a helper removed (or its policy evicted), to delete in the kernel. */
  readonly removed: readonly { readonly expectation: ExpectationInfo; readonly reason: string }[];
  readonly helperErrors: number;
  /**
   * The packet created its connection in the engine: in the kernel its
   * conntrack is not confirmed (not findable by ctnetlink) until the packet
   * has passed the postrouting hook, i.e. until after its verdict.
   */
  readonly newConnection: boolean;
}

/** Most kernel master tuples remembered; the oldest goes first. */
const MAX_KERNEL_TUPLES = 65536;

/**
 * Runs queued packets through the engine. The engine sees only the packets
 * the firewall queues (a helped connection's packets), never the expected
 * connections: those the kernel handles. Only a helper's DROP becomes
 * NF_DROP; everything else is accepted here and left to the firewall's own
 * rules, which come after the queue.
 */
export class PacketProcessor {
  private created: ExpectationInfo[] = [];
  private removed: { expectation: ExpectationInfo; reason: string }[] = [];
  private helperErrors = 0;
  private newConnection = false;
  /** Engine connection id → the kernel's original tuple for it, when queued packets carry their conntrack. */
  private readonly kernelTuples = new Map<number, CtTuple>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly engine: Engine,
    private readonly clock: () => number,
    private readonly defaultZone: number,
    onHelperError: (e: Extract<EngineEvent, { type: "helper-error" }>) => void,
  ) {
    this.unsubscribe = engine.on(
      (e) => {
        switch (e.type) {
          case "expect-new":
            this.created.push(e.expectation);
            break;
          case "expect-destroy":
            if (MIRRORED_ENDS.has(e.reason)) this.removed.push({ expectation: e.expectation, reason: e.reason });
            break;
          case "helper-error":
            this.helperErrors++;
            onHelperError(e);
            break;
          case "conn-new":
            this.newConnection = true;
            break;
          case "conn-destroy":
            this.kernelTuples.delete(e.connection.id);
            break;
        }
      },
      // The daemon's engine sees only helped connections' packets, so connection events are few.
      { types: ["expect-new", "expect-destroy", "helper-error", "conn-new", "conn-destroy"] },
    );
  }

  /** The kernel's tuple for a master connection, if a queued packet of it carried its conntrack. */
  kernelTuple(connectionId: number): CtTuple | null {
    return this.kernelTuples.get(connectionId) ?? null;
  }

  process(p: QueuedPacket): PacketOutcome {
    this.created = [];
    this.removed = [];
    this.helperErrors = 0;
    this.newConnection = false;
    const zone = p.conntrack ? p.conntrack.zone : this.defaultZone;
    const r = this.engine.process(p.payload, this.clock(), zone);
    const connectionId = r.connectionId;
    const drop = r.verdict === Verdict.DROP && HELPER_DROPS.has(r.reason);
    if (p.conntrack && connectionId !== 0 && !this.kernelTuples.has(connectionId)) {
      if (this.kernelTuples.size >= MAX_KERNEL_TUPLES) {
        const oldest = this.kernelTuples.keys().next().value;
        if (oldest !== undefined) this.kernelTuples.delete(oldest);
      }
      this.kernelTuples.set(connectionId, p.conntrack.original);
    }
    return {
      verdict: drop ? NfVerdict.DROP : NfVerdict.ACCEPT,
      connectionId,
      created: this.created,
      removed: this.removed,
      helperErrors: this.helperErrors,
      newConnection: this.newConnection,
    };
  }

  close(): void {
    this.unsubscribe();
  }
}
