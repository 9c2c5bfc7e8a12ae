import { addressBytes } from "./address.js";
import { toBytes, type PayloadInput } from "./bytes.js";
import type { TestPacket } from "./packet.js";
import { tcp, type TcpOptionFields } from "./tcp.js";
import { tcpFlagBits, tcpFlagLetters, type TcpFlagsInput } from "./tcp-flags.js";

/** Which end of a {@link TcpConversation} sends a packet. */
export type Side = "client" | "server";

/** One packet of a conversation, with the fields a test usually asserts on. */
export interface ConversationPacket extends TestPacket {
  readonly from: Side;
  readonly seq: number;
  readonly ack: number;
  /** Flags as letters ("S", "SA", "PA", "FA", "A", "R"). */
  readonly flags: string;
  readonly payloadLength: number;
}

/** How {@link tcpConversation} sets up the two ends. */
export interface ConversationOptions {
  /** Client address. Default 10.0.1.2, or fd00:1::2 when `family` is 6. */
  readonly client?: string;
  /** Server address. Default 10.0.2.2, or fd00:2::2 when `family` is 6. */
  readonly server?: string;
  /** Default 40000. */
  readonly clientPort?: number;
  /** Default 21. */
  readonly serverPort?: number;
  /** Address family; checked against the addresses when both are given. */
  readonly family?: 4 | 6;
  /** Initial sequence numbers. Defaults 1000 and 5000. */
  readonly clientIsn?: number;
  readonly serverIsn?: number;
  /** Timestamp of the first packet, seconds. Default 1. */
  readonly start?: number;
  /** Seconds between consecutive packets. Default 0.001. */
  readonly step?: number;
  /** Raw window field of every packet. Default 65535. */
  readonly window?: number;
  /** Options of the SYN and SYN-ACK. Default `{ mss: 1460, sackPerm: true }` (no window scaling). */
  readonly synOptions?: TcpOptionFields;
  /**
   * Across a NAT: where the server sees the client (its translated source,
   * SNAT). The server's packets are addressed there; the client's keep its
   * own address. Default: the client itself.
   */
  readonly clientSeenAs?: { readonly address?: string; readonly port?: number };
  /**
   * Across a NAT: where the client sees the server (a public address that is
   * DNAT'd). The client's packets are addressed there. Default: the server.
   */
  readonly serverSeenAs?: { readonly address?: string; readonly port?: number };
}

/** How {@link TcpConversation.send} cuts and orders one payload. */
export interface SendOptions {
  /**
   * Split the payload: a number N cuts it into N nearly equal segments; an
   * array gives segment sizes (what is left over forms a last segment).
   * Default: one segment.
   */
  readonly segments?: number | readonly number[];
  /** Send the segments in this order (a permutation of their indices), e.g. `[1, 0]`. */
  readonly order?: readonly number[];
  /** Indices of segments to send a second time, after all the others. */
  readonly retransmit?: readonly number[];
  /** Flags of every data segment. Default "PA". */
  readonly flags?: TcpFlagsInput;
  /** Have the other end acknowledge everything with a pure ACK afterwards. Default false. */
  readonly ack?: boolean;
}

/** Fields of a hand-made packet ({@link TcpConversation.raw}); defaults come from the conversation. */
export interface RawSegment {
  readonly flags: TcpFlagsInput;
  readonly seq?: number;
  readonly ack?: number;
  readonly payload?: PayloadInput;
  readonly window?: number;
  readonly options?: TcpOptionFields;
}

interface End {
  readonly address: string;
  readonly port: number;
  /** Next sequence number this end sends. */
  next: number;
}

/**
 * A stateful builder of one TCP connection between a client and a server.
 * It keeps both ends' sequence and acknowledgement numbers consistent, so a
 * test only says what is sent:
 *
 * ```ts
 * const c = tcpConversation({ client: "10.0.1.2", server: "10.0.2.2", clientPort: 40000, serverPort: 21 });
 * c.handshake();
 * c.server("220 ready\r\n");
 * c.client("PORT 10,0,1,2,4,1\r\n", { segments: 2 });
 * h.run(c.packets);
 * ```
 *
 * Every method returns the packets it made (also appended to
 * {@link TcpConversation.packets}); each gets the conversation's current
 * time, which then advances by `step`.
 */
export class TcpConversation {
  /** Every packet made so far, in the order made. */
  readonly packets: ConversationPacket[] = [];
  /** Time the next packet gets. */
  now: number;
  readonly family: 4 | 6;
  private readonly ends: Record<Side, End>;
  /** Where each side's packets are addressed: the other side as this side sees it. */
  private readonly peers: Record<Side, { readonly address: string; readonly port: number }>;
  private readonly step: number;
  private readonly window: number;
  private readonly synOptions: TcpOptionFields;

  constructor(o: ConversationOptions = {}) {
    const six = o.family === 6;
    const client = o.client ?? (six ? "fd00:1::2" : "10.0.1.2");
    const server = o.server ?? (six ? "fd00:2::2" : "10.0.2.2");
    const fc = addressBytes(client).family;
    if (addressBytes(server).family !== fc) throw new TypeError("client and server addresses are of different families");
    if (o.family !== undefined && o.family !== fc) throw new TypeError(`family ${o.family} does not match the addresses`);
    this.family = fc;
    this.ends = {
      client: { address: client, port: o.clientPort ?? 40000, next: (o.clientIsn ?? 1000) >>> 0 },
      server: { address: server, port: o.serverPort ?? 21, next: (o.serverIsn ?? 5000) >>> 0 },
    };
    this.peers = {
      client: { address: o.serverSeenAs?.address ?? server, port: o.serverSeenAs?.port ?? this.ends.server.port },
      server: { address: o.clientSeenAs?.address ?? client, port: o.clientSeenAs?.port ?? this.ends.client.port },
    };
    for (const seen of [o.clientSeenAs?.address, o.serverSeenAs?.address]) {
      if (seen !== undefined && addressBytes(seen).family !== fc) throw new TypeError(`${seen} is not of the connection's family`);
    }
    this.now = o.start ?? 1;
    this.step = o.step ?? 0.001;
    this.window = o.window ?? 65535;
    this.synOptions = o.synOptions ?? { mss: 1460, sackPerm: true };
  }

  /** The next sequence number `side` will send. */
  nextSeq(side: Side): number {
    return this.ends[side].next;
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): ConversationPacket[] {
    const c = this.ends.client;
    const s = this.ends.server;
    const syn = this.emit("client", { flags: "S", seq: c.next, ack: 0, options: this.synOptions });
    c.next = (c.next + 1) >>> 0;
    const synAck = this.emit("server", { flags: "SA", seq: s.next, ack: c.next, options: this.synOptions });
    s.next = (s.next + 1) >>> 0;
    const ack = this.emit("client", { flags: "A" });
    return [syn, synAck, ack];
  }

  /** The client sends `payload` (see {@link SendOptions}). */
  client(payload: PayloadInput, options?: SendOptions): ConversationPacket[] {
    return this.send("client", payload, options);
  }

  /** The server sends `payload` (see {@link SendOptions}). */
  server(payload: PayloadInput, options?: SendOptions): ConversationPacket[] {
    return this.send("server", payload, options);
  }

  /** `side` sends `payload`, cut, reordered and retransmitted as `options` say. */
  send(side: Side, payload: PayloadInput, options: SendOptions = {}): ConversationPacket[] {
    const data = toBytes(payload);
    const sizes = segmentSizes(data.length, options.segments);
    const offsets: number[] = [];
    let o = 0;
    for (const n of sizes) {
      offsets.push(o);
      o += n;
    }
    const order = options.order ?? sizes.map((_, i) => i);
    if (order.length !== sizes.length || [...order].sort((a, b) => a - b).some((v, i) => v !== i)) {
      throw new RangeError(`order must be a permutation of 0..${sizes.length - 1}`);
    }
    const end = this.ends[side];
    const base = end.next;
    const flags = options.flags ?? "PA";
    const out: ConversationPacket[] = [];
    const segment = (i: number) => {
      const at = offsets[i];
      if (at === undefined) throw new RangeError(`no segment ${i}`);
      out.push(this.emit(side, { flags, seq: (base + at) >>> 0, payload: data.subarray(at, at + sizes[i]!) }));
    };
    for (const i of order) segment(i);
    end.next = (base + data.length) >>> 0;
    for (const i of options.retransmit ?? []) segment(i);
    if (options.ack) out.push(this.emit(other(side), { flags: "A" }));
    return out;
  }

  /** A pure ACK from `side` of everything the other end sent. */
  ackFrom(side: Side): ConversationPacket {
    return this.emit(side, { flags: "A" });
  }

  /** Orderly close started by `by`: FIN-ACK, FIN-ACK, ACK. */
  close(by: Side = "client"): ConversationPacket[] {
    const a = this.ends[by];
    const b = this.ends[other(by)];
    const fin1 = this.emit(by, { flags: "FA" });
    a.next = (a.next + 1) >>> 0;
    const fin2 = this.emit(other(by), { flags: "FA" });
    b.next = (b.next + 1) >>> 0;
    const last = this.emit(by, { flags: "A" });
    return [fin1, fin2, last];
  }

  /** A reset from `side` at its current sequence number. */
  reset(side: Side): ConversationPacket {
    return this.emit(side, { flags: "R", ack: 0 });
  }

  /**
   * A hand-made packet from `side`: anything not given comes from the
   * conversation (seq = the side's next, ack = the other's next). It does
   * not move either end's sequence numbers.
   */
  raw(side: Side, fields: RawSegment): ConversationPacket {
    return this.emit(side, fields);
  }

  /** Lets `seconds` pass before the next packet. */
  wait(seconds: number): this {
    this.now += seconds;
    return this;
  }

  private emit(side: Side, f: RawSegment): ConversationPacket {
    const from = this.ends[side];
    const to = this.ends[other(side)];
    const seq = (f.seq ?? from.next) >>> 0;
    const ack = (f.ack ?? to.next) >>> 0;
    const payload = toBytes(f.payload);
    const bits = tcpFlagBits(f.flags);
    const peer = this.peers[side];
    const bytes = tcp({
      src: from.address,
      dst: peer.address,
      sport: from.port,
      dport: peer.port,
      seq,
      ack,
      flags: bits,
      window: f.window ?? this.window,
      ...(f.options ? { options: f.options } : {}),
      payload,
    });
    const p: ConversationPacket = { bytes, ts: this.now, from: side, seq, ack, flags: tcpFlagLetters(bits), payloadLength: payload.length };
    this.now += this.step;
    this.packets.push(p);
    return p;
  }
}

function other(side: Side): Side {
  return side === "client" ? "server" : "client";
}

function segmentSizes(length: number, spec: number | readonly number[] | undefined): number[] {
  if (spec === undefined) return [length];
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec < 1 || spec > Math.max(1, length)) {
      throw new RangeError(`cannot cut ${length} bytes into ${spec} segments`);
    }
    const sizes: number[] = [];
    for (let i = 0; i < spec; i++) sizes.push(Math.floor(((i + 1) * length) / spec) - Math.floor((i * length) / spec));
    return sizes;
  }
  const sizes = [...spec];
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || sum > length) {
    throw new RangeError(`segment sizes ${JSON.stringify(spec)} do not fit ${length} bytes`);
  }
  if (sum < length) sizes.push(length - sum);
  return sizes;
}

/** Starts a {@link TcpConversation}. */
export function tcpConversation(options?: ConversationOptions): TcpConversation {
  return new TcpConversation(options);
}
