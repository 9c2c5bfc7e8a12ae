import type { EngineOptions, ExpectationInfo } from "@alg-sdk/core";
import { helperHarness, tcpConversation, udp, type HelperHarness, type PacketRecord, type TcpConversation } from "@alg-sdk/testing";
import { sipHelper, type SipOptions } from "../../src/index.js";

export const CLIENT = "10.0.1.2";
export const SERVER = "10.0.2.2";
export const CLIENT6 = "fd00:1::2";
export const SERVER6 = "fd00:2::2";

/** Latin-1 bytes of a string (tests write binary-safe text). */
export function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export interface SessionOptions {
  readonly sip?: SipOptions;
  readonly engine?: Omit<EngineOptions, "helpers">;
  readonly family?: 4 | 6;
  readonly clientPort?: number;
  readonly serverPort?: number;
  /** More helpers to register beside SIP (e.g. one that competes for an expectation). */
  readonly others?: EngineOptions["helpers"];
}

/** A SIP dialogue over UDP on a real engine: each call sends one datagram, 10 ms apart. */
export class UdpSip {
  readonly h: HelperHarness;
  readonly client: string;
  readonly server: string;
  readonly clientPort: number;
  readonly serverPort: number;
  ts = 1;

  constructor(o: SessionOptions = {}, h?: HelperHarness) {
    this.h = h ?? helperHarness({ ...(o.engine ?? {}), helpers: [sipHelper(o.sip), ...(o.others ?? [])] });
    const six = o.family === 6;
    this.client = six ? CLIENT6 : CLIENT;
    this.server = six ? SERVER6 : SERVER;
    this.clientPort = o.clientPort ?? 5060;
    this.serverPort = o.serverPort ?? 5060;
  }

  /** The client (10.0.1.2) sends `text` to the server; returns the packet's record. */
  fromClient(text: string): PacketRecord {
    return this.send(this.client, this.clientPort, this.server, this.serverPort, text);
  }

  /** The server (10.0.2.2) sends `text` to the client. */
  fromServer(text: string): PacketRecord {
    return this.send(this.server, this.serverPort, this.client, this.clientPort, text);
  }

  /** Any UDP datagram (media, or SIP from elsewhere), 10 ms after the previous packet. */
  send(src: string, sport: number, dst: string, dport: number, payload: string | Uint8Array): PacketRecord {
    this.ts += 0.01;
    const bytes = udp({ src, dst, sport, dport, payload: typeof payload === "string" ? latin1(payload) : payload });
    return this.h.run({ bytes, ts: this.ts })[0]!;
  }

  /** Moves time on by `seconds` (expiring what is due). */
  wait(seconds: number): void {
    this.ts += seconds;
    this.h.expire(this.ts);
  }

  /** Pending expectations as `dst:port/class` strings, sorted. */
  pending(): string[] {
    return this.h.expectations().map(describe).sort();
  }

  /** The `helper-log` messages so far. */
  logs(): string[] {
    return this.h.eventsOf("helper-log").map((e) => e.message);
  }
}

/** `src->dst:port/class` of an expectation (`*` for any source). */
export function describe(e: ExpectationInfo): string {
  const src = e.mask.src === "0.0.0.0" || e.mask.src === "::" ? "*" : e.tuple.src;
  return `${src}->${e.tuple.dst}:${e.tuple.dstPort}/${e.className}`;
}

/** A SIP dialogue over TCP on a real engine: client 10.0.1.2:40000, server 10.0.2.2:5060, handshake done. */
export class TcpSip {
  readonly h: HelperHarness;
  readonly c: TcpConversation;

  constructor(o: SessionOptions = {}) {
    this.h = helperHarness({ ...(o.engine ?? {}), helpers: [sipHelper(o.sip), ...(o.others ?? [])] });
    this.c = tcpConversation({ family: o.family, clientPort: o.clientPort ?? 40000, serverPort: o.serverPort ?? 5060, step: 0.01 });
    this.h.run(this.c.handshake());
  }

  /** The client sends `text` (cut into segments as `segments` says); returns the records. */
  fromClient(text: string, segments?: number | number[]): PacketRecord[] {
    return this.h.run(this.c.client(latin1(text), segments === undefined ? {} : { segments }));
  }

  fromServer(text: string, segments?: number | number[]): PacketRecord[] {
    return this.h.run(this.c.server(latin1(text), segments === undefined ? {} : { segments }));
  }

  pending(): string[] {
    return this.h.expectations().map(describe).sort();
  }
}
