/** What the daemon counts; reported on SIGUSR1, on an interval and at exit. */
export class Counters {
  packets = 0;
  /** Packet messages that could not be decoded, or datagrams with a truncated message. */
  malformed = 0;
  verdictsAccept = 0;
  verdictsDrop = 0;
  /** Verdict messages sent (a batch verdict counts once here, for all its packets above). */
  verdictMessages = 0;
  batchVerdicts = 0;
  /** Verdicts given before the kernel answered the packet's expectation requests. */
  verdictTimeouts = 0;
  expectationsCreated = 0;
  expectationsRefused = 0;
  /** Refusals by errno name ("EOPNOTSUPP (95)": 3). */
  readonly refusedBy: Record<string, number> = {};
  expectationsRemoved = 0;
  removalsFailed = 0;
  /** Engine expectations that could not be put into kernel terms (unparsable tuple). */
  expectationsUntranslatable = 0;
  helperErrors = 0;
  netlinkErrors = 0;
  enobufs = 0;
  /** Error messages the kernel sent about our verdicts (an unknown packet id, …). */
  verdictErrors = 0;

  refused(reason: string): void {
    this.expectationsRefused++;
    this.refusedBy[reason] = (this.refusedBy[reason] ?? 0) + 1;
  }

  snapshot(): Record<string, unknown> {
    return {
      packets: this.packets,
      malformed: this.malformed,
      verdicts: { accept: this.verdictsAccept, drop: this.verdictsDrop, messages: this.verdictMessages, batch: this.batchVerdicts, timeouts: this.verdictTimeouts },
      expectations: {
        created: this.expectationsCreated,
        refused: this.expectationsRefused,
        refusedBy: { ...this.refusedBy },
        removed: this.expectationsRemoved,
        removalsFailed: this.removalsFailed,
        untranslatable: this.expectationsUntranslatable,
      },
      errors: { helper: this.helperErrors, netlink: this.netlinkErrors, enobufs: this.enobufs, verdict: this.verdictErrors },
    };
  }
}
