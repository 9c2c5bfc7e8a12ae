import { MessageBuilder } from "../src/netlink/builder.js";
import { NlMsgType } from "../src/netlink/constants.js";
import { splitMessages, type NlMessage } from "../src/netlink/reader.js";
import { NfqAttr } from "../src/nfqueue/constants.js";
import type { NetlinkSocket } from "../src/transport/socket.js";

/**
 * A stand-in for the kernel's side of netfilter netlink sockets, for unit
 * tests of the daemon's control flow (what it sends, in which order, what
 * it does with errors). The real kernel is exercised by test/e2e.
 */
export class FakeKernel {
  /** Every message any socket sent, in order, with the socket's index. */
  readonly sent: { socket: number; message: NlMessage }[] = [];
  /** How the kernel answers an acknowledged request: an errno (0 = ack), "silent" (never), or "hold" (when {@link release} says). */
  answer: (m: NlMessage) => number | "silent" | "hold" = () => 0;
  private held: { socket: FakeSocket; m: NlMessage }[] = [];
  private readonly sockets: FakeSocket[] = [];

  open(): NetlinkSocket {
    const s = new FakeSocket(this, this.sockets.length);
    this.sockets.push(s);
    return s;
  }

  socket(i: number): FakeSocket {
    return this.sockets[i]!;
  }

  /** Called for every datagram a socket sends. */
  receive(from: FakeSocket, datagram: Uint8Array): void {
    for (const m of splitMessages(datagram.slice()).messages) {
      this.sent.push({ socket: from.index, message: m });
      // Verdicts are not acknowledged (they carry no NLM_F_ACK); everything else here is.
      if ((m.flags & 0x4) === 0) continue;
      const answer = this.answer(m);
      if (answer === "silent") continue;
      if (answer === "hold") {
        this.held.push({ socket: from, m });
        continue;
      }
      queueMicrotask(() => from.deliver(errorMessage(m.seq, m.type, answer)));
    }
  }

  /** Acknowledges every held request with `errno`. */
  release(errno = 0): void {
    const held = this.held;
    this.held = [];
    for (const { socket, m } of held) socket.deliver(errorMessage(m.seq, m.type, errno));
  }

  /** Messages of one type, in order. */
  ofType(type: number): { socket: number; message: NlMessage }[] {
    return this.sent.filter((s) => s.message.type === type);
  }
}

export class FakeSocket implements NetlinkSocket {
  private readonly listeners: ((d: Uint8Array) => void)[] = [];
  private readonly errorListeners: ((code: string, errno: number) => void)[] = [];
  closed = false;
  constructor(
    private readonly kernel: FakeKernel,
    readonly index: number,
  ) {}
  send(d: Uint8Array): void {
    if (!this.closed) this.kernel.receive(this, d);
  }
  onDatagram(l: (d: Uint8Array) => void): void {
    this.listeners.push(l);
  }
  onError(l: (code: string, errno: number) => void): void {
    this.errorListeners.push(l);
  }
  addMembership(): void {}
  close(): void {
    this.closed = true;
  }
  deliver(d: Uint8Array): void {
    for (const l of this.listeners) l(d);
  }
  fail(code: string, errno: number): void {
    for (const l of this.errorListeners) l(code, errno);
  }
}

/** NLMSG_ERROR answering request `seq` with `errno` (0: an acknowledgement). */
export function errorMessage(seq: number, type: number, errno: number): Uint8Array {
  const m = new Uint8Array(36);
  const v = new DataView(m.buffer);
  v.setUint32(0, 36, true);
  v.setUint16(4, NlMsgType.ERROR, true);
  v.setUint32(8, seq, true);
  v.setInt32(16, -errno, true);
  v.setUint32(20, 20, true);
  v.setUint16(24, type, true);
  v.setUint32(28, seq, true);
  return m;
}

/** A packet message for queue `queue` carrying the IP datagram `payload`. */
export function packetMessage(queue: number, id: number, payload: Uint8Array): Uint8Array {
  const hdr = new Uint8Array(7);
  new DataView(hdr.buffer).setUint32(0, id, false);
  hdr[4] = 0x08;
  hdr[6] = 2;
  return new MessageBuilder(0x0300, 0, 0, 2, queue).bytes(NfqAttr.PACKET_HDR, hdr).bytes(NfqAttr.PAYLOAD, payload).finish();
}
