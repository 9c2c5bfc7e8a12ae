/**
 * Synthetic traffic for the view's load mode and the bench: Ethernet frames
 * of many LAN hosts talking to a WAN server through the gateway. Valid
 * checksums and TCP sequence numbers, so the engine tracks them as it
 * would real traffic: plain TCP sessions, FTP sessions whose PORT opens a
 * RELATED data connection, pings, and NEW connections from the WAN for the
 * firewall to drop. Runtime-agnostic.
 */

import { addressBytes, icmp, tcp } from "@alg-sdk/testing";

export const SYNTH_GATEWAY_LAN_MAC = "02:00:00:00:01:01";
export const SYNTH_GATEWAY_WAN_MAC = "02:00:00:00:02:01";
const GW_LAN = [2, 0, 0, 0, 1, 1];
const GW_WAN = [2, 0, 0, 0, 2, 1];
const SERVER_MAC = [2, 0, 0, 0, 2, 2];
/** The server, 10.1.0.2 on the WAN (10.1.0.0/16); hosts are 10.0.x.y on the LAN (10.0.0.0/16). */
const SERVER = "10.1.0.2";

export interface SyntheticFrame {
  readonly side: "lan" | "wan";
  readonly bytes: Uint8Array;
}

function hostAddr(i: number): string {
  const n = i + 2;
  return `10.0.${(n >>> 8) & 255}.${n & 255}`;
}
function hostMac(i: number): number[] {
  return [2, 0, 0, 1, (i >>> 8) & 255, i & 255];
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 255;
  b[o + 1] = v & 255;
}

/** An Ethernet frame (padded to the 60-byte minimum) of `type` around `payload`. */
function frame(dstMac: number[], srcMac: number[], type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 14 + payload.length));
  f.set(dstMac, 0);
  f.set(srcMac, 6);
  put16(f, 12, type);
  f.set(payload, 14);
  return f;
}

/** A TCP segment in an IPv4 datagram (from @alg-sdk/testing, the repository's packet builder) in a frame. */
function tcpFrame(dstMac: number[], srcMac: number[], src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, data = ""): Uint8Array {
  return frame(dstMac, srcMac, 0x0800, tcp({ src, dst, sport, dport, seq, ack, flags, window: 64240, payload: data }));
}

function arpRequest(mac: number[], ip: string, target: string): Uint8Array {
  const a = new Uint8Array(28);
  put16(a, 0, 1);
  put16(a, 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, 1);
  a.set(mac, 8);
  a.set(addressBytes(ip).bytes, 14);
  a.set(addressBytes(target).bytes, 24);
  return frame([255, 255, 255, 255, 255, 255], mac, 0x0806, a);
}

const SYN = 0x02;
const ACK = 0x10;
const PSH_ACK = 0x18;
const SYN_ACK = 0x12;

/** A TCP conversation between a LAN host and the server: handshake, a request and its answer. */
class Conversation {
  private c: number;
  private s: number;
  constructor(
    private readonly out: SyntheticFrame[],
    private readonly host: number,
    readonly sport: number,
    readonly dport: number,
    seed: number,
  ) {
    this.c = (seed * 2654435761) >>> 0;
    this.s = (seed * 40503 + 12345) >>> 0;
  }
  private fromHost(flags: number, data = ""): void {
    this.out.push({ side: "lan", bytes: tcpFrame(GW_LAN, hostMac(this.host), hostAddr(this.host), SERVER, this.sport, this.dport, this.c, this.s, flags, data) });
    this.c = (this.c + data.length + (flags & SYN ? 1 : 0)) >>> 0;
  }
  private fromServer(flags: number, data = ""): void {
    this.out.push({ side: "wan", bytes: tcpFrame(GW_WAN, SERVER_MAC, SERVER, hostAddr(this.host), this.dport, this.sport, this.s, this.c, flags, data) });
    this.s = (this.s + data.length + (flags & SYN ? 1 : 0)) >>> 0;
  }
  open(): void {
    this.fromHost(SYN);
    this.s = (this.s - 1) >>> 0; // the server's ISN; its SYN counts one
    this.fromServer(SYN_ACK);
    this.fromHost(ACK);
  }
  say(text: string): void {
    this.fromHost(PSH_ACK, text);
    this.fromServer(ACK);
  }
  hear(text: string): void {
    this.fromServer(PSH_ACK, text);
    this.fromHost(ACK);
  }
}

/** A connection the server opens to a host (an active FTP data channel, or an unsolicited one). */
function serverOpens(out: SyntheticFrame[], host: number, sport: number, dport: number, seed: number): void {
  out.push({ side: "wan", bytes: tcpFrame(GW_WAN, SERVER_MAC, SERVER, hostAddr(host), sport, dport, (seed * 7919) >>> 0, 0, SYN) });
}

/** An echo request with 8 bytes of data, and its reply. */
function ping(out: SyntheticFrame[], host: number, id: number): void {
  const data = new Uint8Array(8);
  out.push({ side: "lan", bytes: frame(GW_LAN, hostMac(host), 0x0800, icmp({ src: hostAddr(host), dst: SERVER, type: 8, id, seq: 1, payload: data })) });
  out.push({ side: "wan", bytes: frame(GW_WAN, SERVER_MAC, 0x0800, icmp({ src: SERVER, dst: hostAddr(host), type: 0, id, seq: 1, payload: data })) });
}

export interface TrafficOptions {
  /** TCP connections to open (FTP control sessions included). */
  readonly connections: number;
  /** Every n-th connection is an FTP session whose PORT opens a data connection (one in five of them never does). Default 10. */
  readonly ftpEvery?: number;
  /** Every n-th connection is followed by a NEW connection from the WAN (dropped by the firewall). Default 25. */
  readonly unsolicitedEvery?: number;
}

/**
 * The frames, in order: ARP from every host and the server first (so the
 * gateway knows them all), then the conversations.
 */
export function syntheticTraffic(o: TrafficOptions): SyntheticFrame[] {
  const hosts = Math.min(4000, Math.max(1, Math.ceil(o.connections / 8)));
  const out: SyntheticFrame[] = [];
  for (let h = 0; h < hosts; h++) out.push({ side: "lan", bytes: arpRequest(hostMac(h), hostAddr(h), "10.0.0.1") });
  out.push({ side: "wan", bytes: arpRequest(SERVER_MAC, SERVER, "10.1.0.1") });
  const ftpEvery = o.ftpEvery ?? 10;
  const unsolicitedEvery = o.unsolicitedEvery ?? 25;
  for (let i = 0; i < o.connections; i++) {
    const host = i % hosts;
    const sport = 20000 + Math.floor(i / hosts) * 3;
    if (i % ftpEvery === 0) {
      const ctl = new Conversation(out, host, sport, 21, i + 1);
      ctl.open();
      ctl.hear("220 synthetic ftp\r\n");
      // The helper, like Linux's, parses a line only where the previous one ended: the first line of each side is never read.
      ctl.say("USER anonymous\r\n");
      ctl.hear("331 any password\r\n");
      const dataPort = sport + 1;
      ctl.say(`PORT ${hostAddr(host).replaceAll(".", ",")},${dataPort >>> 8},${dataPort & 255}\r\n`);
      ctl.hear("200 ok\r\n");
      // Every fifth session is abandoned before its transfer: its expectation stays pending.
      if (i % (ftpEvery * 5) !== 0) serverOpens(out, host, 20, dataPort, i + 7);
    } else {
      const web = new Conversation(out, host, sport, 80, i + 1);
      web.open();
      web.say("GET / HTTP/1.0\r\n\r\n");
      web.hear("HTTP/1.0 200 OK\r\n\r\n");
    }
    if (i % 50 === 0) ping(out, host, i & 0xffff);
    if (i % unsolicitedEvery === 0) serverOpens(out, host, 44000 + (i % 1000), 23, i + 3);
  }
  return out;
}
