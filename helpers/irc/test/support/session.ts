import { tcpConversation, helperHarness, type HelperHarness, type PacketRecord, type SendOptions, type TcpConversation } from "@alg-sdk/testing";
import { ircHelper, type IrcOptions } from "@alg-sdk/helper-irc";
import { latin1 } from "./text.js";

/** An engine with the IRC helper and one established IRC connection client -> server:6667. */
export interface IrcSession {
  readonly h: HelperHarness;
  readonly irc: TcpConversation;
  /** The client sends `text` (Latin-1) on the IRC connection; returns the records of its packets. */
  client(text: string, options?: SendOptions): PacketRecord[];
  /** The server sends `text` on the IRC connection. */
  server(text: string, options?: SendOptions): PacketRecord[];
  /** A peer at `from` opens a TCP connection to `to`:`port` (as a DCC receiver does); returns the handshake's records. */
  dial(port: number, from?: string, to?: string): PacketRecord[];
}

export interface SessionOptions extends IrcOptions {
  readonly family?: 4 | 6;
  readonly serverPort?: number;
  readonly clientPort?: number;
  /** Engine attach rules instead of the helper's defaults. */
  readonly attach?: readonly { protocol: "tcp"; port: number; family?: 4 | 6; helper: string }[];
  /** Reuse this harness (a second IRC connection in the same engine). */
  readonly harness?: HelperHarness;
  readonly start?: number;
}

let dialPort = 39000;

export function ircSession(o: SessionOptions = {}): IrcSession {
  const six = o.family === 6;
  const h =
    o.harness ??
    helperHarness({ helpers: [ircHelper(o)], ...(o.attach ? { attach: o.attach } : {}) });
  const irc = tcpConversation({
    family: six ? 6 : 4,
    clientPort: o.clientPort ?? 43220,
    serverPort: o.serverPort ?? 6667,
    start: o.start ?? 1,
  });
  h.run(irc.handshake());
  return {
    h,
    irc,
    client: (text, options) => h.run(irc.client(latin1(text), options)),
    server: (text, options) => h.run(irc.server(latin1(text), options)),
    dial(port, from, to) {
      const peer = tcpConversation({
        client: from ?? (six ? "fd00:2::2" : "10.0.2.2"),
        server: to ?? (six ? "fd00:1::2" : "10.0.1.2"),
        clientPort: dialPort++,
        serverPort: port,
        start: irc.now,
      });
      const recs = h.run(peer.handshake());
      irc.now = peer.now;
      return recs;
    },
  };
}
