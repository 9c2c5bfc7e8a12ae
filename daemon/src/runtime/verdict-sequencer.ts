import { concatMessages } from "../netlink/builder.js";
import { NfVerdict } from "../netlink/constants.js";
import { encodeBatchVerdict, encodeVerdict } from "../nfqueue/verdict.js";
import type { Counters } from "./counters.js";

interface Entry {
  readonly id: number;
  readonly verdict: number;
  ready: boolean;
  /** Runs once the verdict has been handed to the socket. */
  readonly onSent?: () => void;
}

/**
 * Gives verdicts in the order packets arrived, so a packet that waits for
 * the kernel to create its expectations never lets later packets of the
 * queue overtake it (nf_reinject sends packets on in verdict order). Each
 * packet waits at most `boundMs`. With batching on, a run of ready ACCEPTs
 * becomes one NFQNL_MSG_VERDICT_BATCH naming the run's last id, which is
 * exact because every earlier packet of the queue has had its verdict.
 */
export class VerdictSequencer {
  private readonly entries: Entry[] = [];
  private head = 0;
  private scheduled = false;
  private seq = 1;

  constructor(
    private readonly queue: number,
    private readonly send: (datagram: Uint8Array) => void,
    private readonly counters: Counters,
    private readonly batch: boolean,
    private readonly boundMs: number,
  ) {}

  /** Packets waiting for their verdict. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  /**
   * Adds a packet whose verdict is known. `onSent` runs right after its
   * verdict went to the kernel (the daemon creates a first packet's
   * expectations then: see Daemon.handlePacket).
   */
  ready(id: number, verdict: number, onSent?: () => void): void {
    this.entries.push(onSent ? { id, verdict, ready: true, onSent } : { id, verdict, ready: true });
    this.schedule();
  }

  /** Adds a packet whose verdict waits for `work` (expectations being created), at most the bound. */
  after(id: number, verdict: number, work: Promise<unknown>): void {
    const entry: Entry = { id, verdict, ready: false };
    this.entries.push(entry);
    const timer = setTimeout(() => {
      if (entry.ready) return;
      this.counters.verdictTimeouts++;
      entry.ready = true;
      this.flush();
    }, this.boundMs);
    void work.then(() => {
      clearTimeout(timer);
      if (entry.ready) return;
      entry.ready = true;
      this.flush();
    });
  }

  /**
   * Sends what can be sent now. In batch mode this waits for the end of the
   * current event-loop turn, so packets read in one turn share a message.
   */
  private schedule(): void {
    if (!this.batch) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    const out: Uint8Array[] = [];
    const after: (() => void)[] = [];
    while (this.head < this.entries.length && this.entries[this.head]!.ready) {
      const first = this.entries[this.head]!;
      let last = this.head;
      if (this.batch && first.verdict === NfVerdict.ACCEPT) {
        while (last + 1 < this.entries.length && this.entries[last + 1]!.ready && this.entries[last + 1]!.verdict === NfVerdict.ACCEPT) last++;
      }
      const run = last - this.head + 1;
      if (run > 1) {
        out.push(encodeBatchVerdict(this.queue, this.entries[last]!.id, NfVerdict.ACCEPT, this.seq++));
        this.counters.batchVerdicts++;
      } else {
        out.push(encodeVerdict(this.queue, first.id, first.verdict, this.seq++));
      }
      this.counters.verdictMessages++;
      if (first.verdict === NfVerdict.DROP) this.counters.verdictsDrop += run;
      else this.counters.verdictsAccept += run;
      for (let i = this.head; i <= last; i++) {
        const f = this.entries[i]!.onSent;
        if (f) after.push(f);
      }
      this.head = last + 1;
    }
    // Compact now and then so the array does not grow without end.
    if (this.head > 1024 || this.head === this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    if (out.length > 0) this.send(out.length === 1 ? out[0]! : concatMessages(out));
    for (const f of after) f();
  }
}
