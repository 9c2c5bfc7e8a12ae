import { createRequire } from "node:module";
import { NETLINK_NETFILTER } from "../netlink/constants.js";

/** The one thing the daemon needs from a netlink socket. */
export interface NetlinkSocket {
  send(datagram: Uint8Array): void;
  onDatagram(listener: (datagram: Uint8Array) => void): void;
  /** Socket errors (ENOBUFS after a receive overflow, send failures): reported, never thrown. */
  onError(listener: (code: string, errno: number) => void): void;
  addMembership(group: number): void;
  close(): void;
}

interface RawSocket {
  send(msg: Uint8Array, options?: object, callback?: (error?: { code?: string; errno?: number }) => void): void;
  on(event: "message", listener: (msg: Buffer) => void): void;
  on(event: "error", listener: (err: { code?: string; errno?: number }) => void): void;
  addMembership(group: number): void;
  close(): void;
}

interface NetlinkModule {
  RawNetlinkSocket: new (protocol: number, options?: { recvBufferSize?: number; sendBufferSize?: number }) => RawSocket;
}

let loaded: NetlinkModule | null = null;

/**
 * Loads the `netlink` package lazily: it is a native addon for Linux, and
 * the codecs (and their tests) must work without it.
 */
function netlinkModule(): NetlinkModule {
  if (!loaded) loaded = createRequire(import.meta.url)("netlink") as NetlinkModule;
  return loaded;
}

/** Opens a NETLINK_NETFILTER socket through the npm `netlink` package (raw datagrams, no parsing). */
export function openNetfilterSocket(options: { recvBufferSize?: number; sendBufferSize?: number } = {}): NetlinkSocket {
  const raw = new (netlinkModule().RawNetlinkSocket)(NETLINK_NETFILTER, {
    recvBufferSize: options.recvBufferSize ?? 4 << 20,
    sendBufferSize: options.sendBufferSize ?? 1 << 20,
  });
  const errorListeners: ((code: string, errno: number) => void)[] = [];
  const report = (err: { code?: string; errno?: number } | undefined): void => {
    if (!err) return;
    for (const l of errorListeners) l(err.code ?? "EIO", Math.abs(err.errno ?? 5));
  };
  raw.on("error", report);
  let closed = false;
  return {
    send(datagram) {
      if (closed) return;
      try {
        raw.send(datagram, {}, report);
      } catch (e) {
        report(e as { code?: string; errno?: number });
      }
    },
    onDatagram(listener) {
      raw.on("message", (msg: Buffer) => listener(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength)));
    },
    onError(listener) {
      errorListeners.push(listener);
    },
    addMembership(group) {
      raw.addMembership(group);
    },
    close() {
      if (closed) return;
      closed = true;
      raw.close();
    },
  };
}
