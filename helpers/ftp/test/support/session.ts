import { ftpHelper, type FtpOptions } from "@alg-sdk/helper-ftp";
import {
  helperHarness,
  tcp,
  tcpConversation,
  type ConversationOptions,
  type HelperHarness,
  type PacketRecord,
  type SendOptions,
  type TcpConversation,
  type TestPacket,
} from "@alg-sdk/testing";
import type { HelperAttachment } from "@alg-sdk/core";

/** An FTP control connection on a real engine. */
export interface FtpSession {
  readonly h: HelperHarness;
  readonly c: TcpConversation;
  /** The client sends text; returns the records of the packets it made. */
  client(text: string | Uint8Array, o?: SendOptions): PacketRecord[];
  /** The server sends text. */
  server(text: string | Uint8Array, o?: SendOptions): PacketRecord[];
}

export interface SessionOptions extends ConversationOptions {
  readonly ftp?: FtpOptions;
  readonly attach?: readonly HelperAttachment[];
  /**
   * Send the greeting and a first client line, so both directions have a
   * known line start (Linux never parses the first segment). Default true.
   */
  readonly warm?: boolean;
}

/** A new engine with the FTP helper and one control connection, handshake done. */
export function ftpSession(o: SessionOptions = {}): FtpSession {
  const h = helperHarness({ helpers: [ftpHelper(o.ftp)], ...(o.attach ? { attach: o.attach } : {}) });
  return sessionOn(h, o);
}

/** Another control connection on the engine of `h`. */
export function sessionOn(h: HelperHarness, o: SessionOptions = {}): FtpSession {
  const c = tcpConversation({ ...o, start: o.start ?? (h.last ? h.last.ts + 0.001 : 1) });
  h.run(c.handshake());
  const s: FtpSession = {
    h,
    c,
    client: (text, opts) => h.run(c.client(text, opts)),
    server: (text, opts) => h.run(c.server(text, opts)),
  };
  if (o.warm !== false) {
    s.server("220 ready\r\n");
    s.client("USER anonymous\r\n");
    s.server("331 password\r\n");
  }
  return s;
}

/** The SYN that opens a data connection. */
export function dataSyn(src: string, sport: number, dst: string, dport: number, ts: number): TestPacket {
  return { bytes: tcp({ src, dst, sport, dport, flags: "S", seq: 77 }), ts };
}

/** The default conversation's addresses. */
export const V4 = { client: "10.0.1.2", server: "10.0.2.2" } as const;
export const V6 = { client: "fd00:1::2", server: "fd00:2::2" } as const;
