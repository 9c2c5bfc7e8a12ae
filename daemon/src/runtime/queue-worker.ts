import { NLMSG_HDRLEN, NfVerdict, NlMsgType } from "../netlink/constants.js";
import { decodeError, errnoName } from "../netlink/error.js";
import { splitMessages, type NlMessage } from "../netlink/reader.js";
import { encodeQueueConfig } from "../nfqueue/config.js";
import { NfqCfgCmd, NfqCopyMode } from "../nfqueue/constants.js";
import { decodeQueuedPacket, PACKET_MESSAGE_TYPE, type QueuedPacket } from "../nfqueue/packet.js";
import { RequestChannel } from "../transport/requests.js";
import type { NetlinkSocket } from "../transport/socket.js";
import type { Counters } from "./counters.js";
import type { Logger } from "./log.js";
import { VerdictSequencer } from "./verdict-sequencer.js";

export interface QueueSettings {
  readonly queue: number;
  readonly maxLen: number;
  /** NFQA_CFG_F_* bits wanted, and the bits this daemon manages. */
  readonly flags: number;
  readonly flagsMask: number;
  readonly batch: boolean;
  readonly verdictBoundMs: number;
}

/** Handles one decoded packet: returns nothing, gives its verdict through the sequencer. */
export type PacketHandler = (packet: QueuedPacket, sequencer: VerdictSequencer) => void;

/**
 * One NFQUEUE queue on its own socket: binds it, reads packet messages,
 * hands them to the packet handler and sends the verdicts. Its own socket
 * keeps a receive overflow (ENOBUFS) on one queue from touching the others
 * or the ctnetlink requests.
 */
export class QueueWorker {
  readonly sequencer: VerdictSequencer;
  private readonly control: RequestChannel;
  private lastPacketAt = 0;

  constructor(
    readonly settings: QueueSettings,
    private readonly socket: NetlinkSocket,
    private readonly counters: Counters,
    private readonly log: Logger,
    private readonly handle: PacketHandler,
  ) {
    this.sequencer = new VerdictSequencer(settings.queue, (d) => socket.send(d), counters, settings.batch, settings.verdictBoundMs);
    // Config answers and verdict errors arrive on this socket too; the channel matches config answers by seq.
    this.control = new RequestChannel((d) => socket.send(d));
    socket.onDatagram((d) => this.receive(d));
    socket.onError((code, errno) => {
      if (code === "ENOBUFS" || errno === 105) {
        // The kernel could not hand us packets: they were dropped (or, fail-open, accepted) in the kernel.
        this.counters.enobufs++;
        this.log.limited("warn", `enobufs-${settings.queue}`, `queue ${settings.queue}: receive buffer overflow (ENOBUFS); the kernel dropped packets it could not deliver`);
      } else {
        this.counters.netlinkErrors++;
        this.log.limited("warn", `sock-${settings.queue}-${code}`, `queue ${settings.queue}: socket error ${code}`);
      }
    });
  }

  /** Binds the queue and sets copy mode, length and flags; resolves to an error text or null. */
  async bind(timeoutMs: number): Promise<string | null> {
    const s = this.settings;
    const steps = [
      { queue: s.queue, command: NfqCfgCmd.BIND },
      // Whole packets: helpers read payloads.
      { queue: s.queue, copyMode: NfqCopyMode.PACKET, copyRange: 0xffff, maxLen: s.maxLen },
      { queue: s.queue, flags: s.flags, flagsMask: s.flagsMask },
    ];
    for (const step of steps) {
      const seq = this.control.nextSeq();
      const a = await this.control.request(encodeQueueConfig(step, seq), seq, timeoutMs);
      if (a.errno !== 0) return `queue ${s.queue}: config refused: ${errnoName(a.errno)}${a.errno === 16 ? " (another process is bound to it)" : ""}`;
    }
    return null;
  }

  async unbind(timeoutMs: number): Promise<void> {
    const seq = this.control.nextSeq();
    await this.control.request(encodeQueueConfig({ queue: this.settings.queue, command: NfqCfgCmd.UNBIND }, seq), seq, timeoutMs);
  }

  /** Milliseconds since the last packet arrived (for draining). */
  idleMs(now: number): number {
    return now - this.lastPacketAt;
  }

  close(): void {
    this.control.abortAll(125);
    this.socket.close();
  }

  private receive(datagram: Uint8Array): void {
    const { messages, malformed } = splitMessages(datagram);
    if (malformed) this.counters.malformed++;
    for (const m of messages) {
      if (m.type === PACKET_MESSAGE_TYPE) {
        const p = decodeQueuedPacket(m);
        if (!p) {
          this.counters.malformed++;
          this.log.limited("warn", "malformed-packet", `queue ${this.settings.queue}: undecodable packet message (${m.end - m.payload} bytes)`);
          continue;
        }
        this.counters.packets++;
        this.lastPacketAt = Date.now();
        try {
          this.handle(p, this.sequencer);
        } catch (e) {
          // A bug in the handler must not cost the packet its verdict, nor the daemon its life.
          this.counters.netlinkErrors++;
          this.log.limited("error", "handler", `queue ${this.settings.queue}: packet ${p.id}: ${String(e)}`);
          this.sequencer.ready(p.id, NfVerdict.ACCEPT);
        }
        continue;
      }
      if (m.type === NlMsgType.ERROR) {
        this.routeError(m, datagram);
        continue;
      }
      this.counters.malformed++;
    }
  }

  private routeError(m: NlMessage, datagram: Uint8Array): void {
    const e = decodeError(m);
    if (!e) {
      this.counters.malformed++;
      return;
    }
    if (this.control.owns(e.requestSeq)) {
      // The answer to one of our config requests.
      this.control.receive(datagram.subarray(m.payload - NLMSG_HDRLEN, m.end));
      return;
    }
    if (e.errno !== 0) {
      this.counters.verdictErrors++;
      this.log.limited("warn", `verdict-${e.errno}`, `queue ${this.settings.queue}: the kernel refused a verdict: ${errnoName(e.errno)}`);
    }
  }
}
