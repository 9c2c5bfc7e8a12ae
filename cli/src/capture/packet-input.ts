/**
 * What the capture layer hands the replay for each record: the IP packet's
 * place in a buffer and its time. One instance is refilled for every packet
 * (the replay loop allocates nothing per packet).
 */
export class PacketInput {
  /** 0-based record number in the capture. */
  index = 0;
  /** Float seconds; a record without a time (pcapng Simple Packet Block) keeps the previous one. */
  tsSeconds = 0;
  /** The same time, exactly. */
  tsSec = 0;
  tsNanos = 0;
  /** The IP packet is `bytes[offset, offset + length)`; only valid during the call. */
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  length = 0;
}

/** Where a capture stopped early. */
export interface CaptureDamage {
  /** Byte offset in the file where the damage starts. */
  readonly offset: number;
  /** The pcap reader's kind of damage ("truncated", "bad-magic", …). */
  readonly code: string;
  readonly message: string;
}

export interface ReadResult {
  readonly records: number;
  readonly bytes: number;
  /** Set when the capture is damaged or cut short; every record before it was delivered. */
  readonly damage: CaptureDamage | null;
}

/** The replay's side of reading: called synchronously, in capture order. */
export interface PacketHooks {
  /** A record carrying an IP packet. */
  packet(p: PacketInput): void;
  /** A record with no IP packet in it (ARP, a frame too short for its link header, …). */
  skipped(index: number, ts: number, reason: "not-ip" | "link-error", detail: string): void;
  /** A link type seen for the first time (for the totals). */
  linkType(name: string): void;
  /** After each chunk of input: progress, flushing, backpressure. May return a promise to wait for. */
  chunk?(bytes: number, records: number): Promise<void> | void;
  /** Polled after each chunk: true stops reading (interrupted, output closed). */
  stopped?(): boolean;
}
