import { NlMsgType } from "../netlink/constants.js";
import { decodeError } from "../netlink/error.js";
import { splitMessages, type NlMessage } from "../netlink/reader.js";

/** The kernel's answer to one request: errno 0 and any data messages, or an errno. */
export interface Answer {
  /** 0, a positive errno from NLMSG_ERROR, or ETIMEDOUT (110) when none came in time. */
  readonly errno: number;
  readonly messages: NlMessage[];
}

interface Pending {
  readonly messages: NlMessage[];
  readonly dump: boolean;
  readonly resolve: (a: Answer) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const ETIMEDOUT = 110;

/**
 * Request/answer over one netlink socket, matched by sequence number. A
 * request's promise always resolves (errno, never a rejection), within its
 * time bound, so a packet waiting on it never waits longer. Answers for
 * requests that already timed out are dropped and counted.
 */
export class RequestChannel {
  private seq = (Date.now() & 0xffff) << 8;
  private readonly pending = new Map<number, Pending>();
  /** Messages that matched no pending request, or could not be parsed. */
  stray = 0;
  malformed = 0;

  /** `send` writes a datagram to the socket; feed what the socket reads to {@link receive}. */
  constructor(private readonly send: (datagram: Uint8Array) => void) {}

  /** Sequence numbers for the next request (the encoders take one). */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  /**
   * Sends `message` (built with sequence number `seq`) and waits for its
   * acknowledgement (or, for a dump, for NLMSG_DONE).
   */
  request(message: Uint8Array, seq: number, timeoutMs: number, dump = false): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        resolve({ errno: ETIMEDOUT, messages: [] });
      }, timeoutMs);
      this.pending.set(seq, { messages: [], dump, resolve, timer });
      this.send(message);
    });
  }

  /** Resolves every waiting request with `errno` (the socket is going away). */
  abortAll(errno: number): void {
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(seq);
      p.resolve({ errno, messages: p.messages });
    }
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Whether a request with this sequence number is waiting for its answer. */
  owns(seq: number): boolean {
    return this.pending.has(seq);
  }

  /** Takes a received datagram: answers settle their requests, the rest is counted as stray. */
  receive(datagram: Uint8Array): void {
    const { messages, malformed } = splitMessages(datagram);
    if (malformed) this.malformed++;
    // Data messages are kept past this call, and the socket reuses its buffer: one copy per datagram.
    let copy: Uint8Array | null = null;
    for (const m of messages) {
      const p = this.pending.get(m.seq);
      if (m.type === NlMsgType.ERROR) {
        const e = decodeError(m);
        const target = e ? this.pending.get(e.requestSeq) : undefined;
        if (!e || !target) {
          this.stray++;
          continue;
        }
        this.settle(e.requestSeq, target, e.errno);
        continue;
      }
      if (!p) {
        this.stray++;
        continue;
      }
      if (m.type === NlMsgType.DONE) {
        this.settle(m.seq, p, 0);
        continue;
      }
      copy ??= datagram.slice(0);
      p.messages.push({ ...m, bytes: copy });
    }
  }

  private settle(seq: number, p: Pending, errno: number): void {
    // A dump with NLM_F_ACK gets DONE then an ACK; the first one settles it.
    clearTimeout(p.timer);
    this.pending.delete(seq);
    p.resolve({ errno, messages: p.messages });
  }
}
