import type { Engine, PacketResult } from "@alg-sdk/core";
import { createEngine, PacketState, Verdict } from "@alg-sdk/core";
import type { ArpPacket } from "./arp.js";
import { ARP_REPLY, ARP_REQUEST, buildArp, readArp } from "./arp.js";
import { ipv4HeaderValid, readU16, setIpv4HeaderChecksum } from "./checksum.js";
import { ETH_HEADER, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, etherType, newFrame } from "./ethernet.js";
import type { GatewayEventListener } from "./events.js";
import { fragmentIpv4 } from "./fragment.js";
import {
  ipv4EchoReply,
  ipv4FragmentationNeeded,
  ipv4TimeExceeded,
  ipv6EchoReply,
  ipv6PacketTooBig,
  ipv6TimeExceeded,
} from "./icmp-messages.js";
import { engineIndex, GatewayInterface } from "./interface.js";
import { isGroupMac, macEquals } from "./mac.js";
import type { NeighbourInfo, NeighbourKey } from "./neighbours.js";
import { NeighbourTable } from "./neighbours.js";
import {
  buildNeighborAdvert,
  buildNeighborSolicit,
  ND_NEIGHBOR_ADVERT,
  ND_NEIGHBOR_SOLICIT,
  ndTarget,
  sourceLinkOption,
  targetLinkOption,
} from "./ndp.js";
import type { GatewayOptions } from "./options.js";
import { ipv6Key, readIpv4, readIpv6, sameWords } from "./prefix.js";
import { RouteTable } from "./routes.js";
import { GatewayStats } from "./stats.js";
import type { VerdictInput } from "./verdict-log.js";
import { GatewayReason, VerdictLog } from "./verdict-log.js";

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;
/** How often, in seconds of gateway time, the neighbour caches are aged. */
const AGE_INTERVAL = 0.25;
const ZERO_MAC = new Uint8Array(6);

/**
 * A router between virtual Ethernet links. Frames come in with `receive`
 * and leave through the function given to `connect`. It answers ARP and
 * neighbour solicitations for its addresses and echo requests to them, and
 * forwards IPv4 and IPv6 between its interfaces as a router does (TTL and
 * hop limit decremented, time exceeded sent back). Every forwarded datagram
 * goes through the alg-sdk engine first: connection tracking, the helpers,
 * the policy's NAT and filter; the engine's verdict decides.
 *
 * Single-threaded and deterministic: its time comes from the clock option
 * or the timestamps given to `receive` and `tick`. It never throws on a
 * frame: bad input is counted in `stats` and dropped.
 */
export class Gateway {
  readonly engine: Engine;
  readonly stats = new GatewayStats();
  /** @internal The parsed interfaces (read them through `snapshotGateway`). */
  readonly interfaces: readonly GatewayInterface[];
  private readonly byName = new Map<string, GatewayInterface>();
  private readonly neighbourTables: NeighbourTable[];
  private readonly routes: RouteTable;
  private readonly log: VerdictLog;
  private readonly clock: (() => number) | undefined;
  private readonly timeExceeded: boolean;
  private listeners: GatewayEventListener[] = [];
  private now = 0;
  private nextAge = 0;
  // Reused per frame, so the forwarding path allocates only the frame it sends.
  private readonly arp: ArpPacket = { op: 0, senderMac: ZERO_MAC, senderIp: 0, targetIp: 0 };
  private readonly words = new Uint32Array(4);
  private readonly pre: VerdictInput = { family: 4, protocol: 0, src: new Uint32Array(4), dst: new Uint32Array(4), sport: 0, dport: 0 };

  constructor(options: GatewayOptions) {
    if (!options || !Array.isArray(options.interfaces) || options.interfaces.length === 0) {
      throw new RangeError("a gateway needs at least one interface");
    }
    this.interfaces = options.interfaces.map((c, i) => new GatewayInterface(i, c));
    for (const i of this.interfaces) {
      if (this.byName.has(i.name)) throw new RangeError(`two interfaces are named ${JSON.stringify(i.name)}`);
      this.byName.set(i.name, i);
    }
    const limits = {
      maxEntries: options.maxNeighbours ?? 1024,
      timeout: options.neighbourTimeout ?? 300,
      maxPending: options.maxPendingFrames ?? 16,
      attempts: options.resolveAttempts ?? 3,
    };
    this.neighbourTables = this.interfaces.map(() => new NeighbourTable(limits));
    this.routes = new RouteTable(this.interfaces, options.routes ?? []);
    this.log = new VerdictLog(options.verdictLogSize ?? 512, this.interfaces.map((i) => i.name));
    this.clock = options.clock;
    this.timeExceeded = options.timeExceeded ?? true;
    this.engine = createEngine({
      ...options.engine,
      helpers: options.helpers ?? [],
      ...(options.attach ? { attach: options.attach } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
      // The engine asks after destination NAT, so `oifname` sees where the translated destination really goes.
      route: (p) => this.routeIndex(p.family, p.dst),
    });
  }

  /**
   * Sets where frames for interface `name` go (an emulator's NIC, a
   * socket, another gateway). The frame passed is the sink's to keep.
   * Returns a function that disconnects.
   */
  connect(name: string, sink: (frame: Uint8Array) => void): () => void {
    const i = this.byName.get(name);
    if (!i) throw new RangeError(`no interface named ${JSON.stringify(name)}`);
    i.sink = sink;
    return () => {
      if (i.sink === sink) i.sink = null;
    };
  }

  /** Listens to the gateway's own events (verdicts); the engine's come from `engine.on`. */
  on(listener: GatewayEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * One Ethernet frame arriving on interface `name`, at time `ts` seconds
   * (default: the clock). The gateway may rewrite the frame's bytes in place
   * (NAT) during the call; it keeps no reference to it.
   */
  receive(name: string, frame: Uint8Array, ts?: number): void {
    const i = this.byName.get(name);
    if (!i) {
      this.stats.unknownInterface++;
      return;
    }
    this.advance(ts);
    i.stats.rxFrames++;
    i.stats.rxBytes += frame.length;
    if (frame.length < ETH_HEADER) {
      this.stats.malformed++;
      return;
    }
    if (!macEquals(frame, 0, i.mac) && !isGroupMac(frame, 0)) {
      i.stats.ignored++;
      return;
    }
    switch (etherType(frame)) {
      case ETHERTYPE_IPV4: this.ipv4(i, frame); break;
      case ETHERTYPE_IPV6: this.ipv6(i, frame); break;
      case ETHERTYPE_ARP: this.arpIn(i, frame); break;
      default: i.stats.ignored++;
    }
  }

  /**
   * Lets time pass without a frame: repeats unanswered ARP / ND requests and
   * ages the neighbour caches. Call it a few times a second.
   */
  tick(ts?: number): void {
    this.advance(ts);
  }

  /** The gateway's time: the last frame's or tick's. */
  get time(): number {
    return this.now;
  }

  /** Recent verdicts (drops and first packets), oldest first; only those after `afterSeq`. */
  verdicts(afterSeq = 0) {
    return this.log.since(afterSeq);
  }

  neighbours(): NeighbourInfo[] {
    return this.interfaces.flatMap((i) => this.neighbourTables[i.index]!.info(i.name, this.now));
  }

  /** Routes, connected ones included, longest prefix first per family. */
  routeTable() {
    return this.routes.all().map((r) => ({
      prefix: r.prefix.text,
      via: r.via ? formatVia(r.prefix.family, r.via) : null,
      interface: r.iface.name,
    }));
  }

  // ------------------------------------------------------------------
  // Time
  // ------------------------------------------------------------------

  private advance(ts: number | undefined): void {
    const t = ts ?? (this.clock ? this.clock() : this.now);
    // Time never runs backwards inside the gateway (a clock jump must not revive entries).
    if (Number.isFinite(t) && t > this.now) this.now = t;
    this.engine.time[0] = this.now;
    if (this.now >= this.nextAge) {
      this.nextAge = this.now + AGE_INTERVAL;
      for (const i of this.interfaces) {
        const table = this.neighbourTables[i.index]!;
        const before = table.dropped;
        table.expire(this.now, (n) => this.sendProbe(i, n.family, n.words));
        this.stats.neighbourDrops += table.dropped - before;
      }
    }
  }

  // ------------------------------------------------------------------
  // ARP and neighbour discovery
  // ------------------------------------------------------------------

  private arpIn(i: GatewayInterface, frame: Uint8Array): void {
    const a = this.arp;
    if (!readArp(frame, a)) {
      this.stats.malformed++;
      return;
    }
    if (!i.ipv4 || a.senderIp === 0) {
      i.stats.ignored++;
      return;
    }
    const forUs = a.targetIp === i.ipv4Address;
    this.words[0] = a.senderIp;
    this.flush(i, this.neighbourTables[i.index]!.learn(a.senderIp, 4, this.words, a.senderMac, this.now, forUs && a.op === ARP_REQUEST));
    if (forUs && a.op === ARP_REQUEST) {
      this.stats.arpRequestsIn++;
      this.stats.arpRepliesOut++;
      this.send(i, buildArp(ARP_REPLY, i.mac, i.ipv4Address, a.senderMac.slice(), a.senderIp));
    }
  }

  /** Handles neighbour discovery; true when the datagram was ND (never forwarded). */
  private ndIn(i: GatewayInterface, frame: Uint8Array, end: number): boolean {
    const icmp = ETH_HEADER + 40;
    const type = frame[icmp];
    if (type === undefined || type < 133 || type > 137) return false;
    // Router solicitations, advertisements and redirects: the guests are configured statically.
    if (type !== ND_NEIGHBOR_SOLICIT && type !== ND_NEIGHBOR_ADVERT) return true;
    if (end < icmp + 24) {
      this.stats.malformed++;
      return true;
    }
    const target = ndTarget(frame, icmp, this.words);
    const table = this.neighbourTables[i.index]!;
    if (type === ND_NEIGHBOR_SOLICIT) {
      if (!this.ownIpv6(i, target)) return true;
      this.stats.ndSolicitsIn++;
      const src = readIpv6(frame, ETH_HEADER + 8, new Uint32Array(4));
      const lladdr = sourceLinkOption(frame, icmp, end);
      // From :: (duplicate address detection) there is nobody to answer.
      if (!lladdr || (src[0] === 0 && src[1] === 0 && src[2] === 0 && src[3] === 0)) return true;
      const ours = target.slice();
      this.flush(i, table.learn(ipv6Key(src), 6, src, lladdr, this.now, true));
      this.stats.ndAdvertsOut++;
      this.send(i, buildNeighborAdvert(i.mac, ours, lladdr.slice(), src));
    } else if (type === ND_NEIGHBOR_ADVERT) {
      const lladdr = targetLinkOption(frame, icmp, end);
      if (lladdr) this.flush(i, table.learn(ipv6Key(target), 6, target, lladdr, this.now, false));
    }
    return true;
  }

  private ownIpv6(i: GatewayInterface, words: Uint32Array): boolean {
    return (i.ipv6 !== null && sameWords(i.ipv6.words, words)) || (i.linkLocal !== null && sameWords(i.linkLocal, words));
  }

  private sendProbe(i: GatewayInterface, family: 4 | 6, target: Uint32Array): void {
    if (family === 4) {
      if (!i.ipv4) return;
      this.stats.arpRequestsOut++;
      this.send(i, buildArp(ARP_REQUEST, i.mac, i.ipv4Address, null, target[0]!));
    } else {
      if (!i.ipv6 || !i.linkLocal) return;
      const fromLinkLocal = (target[0]! >>> 22) === 0x3fa; // fe80::/10
      this.stats.ndSolicitsOut++;
      this.send(i, buildNeighborSolicit(i.mac, fromLinkLocal ? i.linkLocal : i.ipv6.words, target));
    }
  }

  // ------------------------------------------------------------------
  // IPv4
  // ------------------------------------------------------------------

  private ipv4(i: GatewayInterface, frame: Uint8Array): void {
    const ip = ETH_HEADER;
    const avail = frame.length - ip;
    const ihl = ((frame[ip] ?? 0) & 15) * 4;
    const total = readU16(frame, ip + 2);
    if (avail < 20 || frame[ip]! >>> 4 !== 4 || ihl < 20 || total < ihl || total > avail || !ipv4HeaderValid(frame, ip, ihl)) {
      this.stats.malformed++;
      return;
    }
    // A router does not forward link broadcasts or multicast.
    if (isGroupMac(frame, 0)) {
      i.stats.ignored++;
      return;
    }
    const dst = readIpv4(frame, ip + 16);
    const local = this.localIpv4(dst);
    const proto = frame[ip + 9]!;
    const unfragmented = (readU16(frame, ip + 6) & 0x3fff) === 0;
    if (local && proto === PROTO_ICMP && unfragmented && total >= ihl + 8 && frame[ip + ihl] === 8) {
      this.stats.echoAnswered++;
      this.sendOwn(4, ipv4EchoReply(frame, ip, total, ihl));
      return;
    }
    const p = this.pre;
    p.family = 4;
    p.protocol = proto;
    p.src[0] = readIpv4(frame, ip + 12);
    p.dst[0] = dst;
    const ported = unfragmented && (proto === PROTO_TCP || proto === PROTO_UDP) && total >= ihl + 4;
    p.sport = ported ? readU16(frame, ip + ihl) : 0;
    p.dport = ported ? readU16(frame, ip + ihl + 2) : 0;
    if (!local && frame[ip + 8]! <= 1) {
      this.expired(i, frame, ip, total, 4);
      return;
    }
    const r = this.track(i, frame, ip, total);
    if (r === null) return;
    const out = r.outBytes!;
    const off = r.outOffset;
    const len = r.outLength;
    const outDst = readIpv4(out, off + 16);
    if (this.localIpv4(outDst)) {
      this.gatewayDrop(i, r.state, GatewayReason.LOCAL, r.connectionId, r.translated);
      this.stats.localDropped++;
      return;
    }
    if (out[off + 8]! <= 1) {
      this.expired(i, out, off, len, 4);
      return;
    }
    this.words[0] = outDst;
    const route = this.routes.lookup(4, this.words);
    if (!route) {
      this.stats.noRoute++;
      this.gatewayDrop(i, r.state, GatewayReason.NO_ROUTE, r.connectionId, r.translated);
      return;
    }
    const state = r.state;
    const connectionId = r.connectionId;
    const translated = r.translated;
    if (len > route.iface.mtu) {
      // The engine hands reassembled datagrams on whole; they leave in fragments again, unless DF forbids it.
      const pieces = fragmentIpv4(out, off, len, route.iface.mtu);
      if (!pieces) {
        this.stats.tooBig++;
        this.gatewayDrop(i, state, GatewayReason.TOO_BIG, connectionId, translated);
        if (i.ipv4) this.sendOwn(4, ipv4FragmentationNeeded(out, off, len, i.ipv4Address, route.iface.mtu));
        return;
      }
      this.accepted(i, route.iface, state, connectionId, translated);
      this.stats.fragmentsSent += pieces.length;
      for (const piece of pieces) this.forwardIpv4(route.iface, route.via ?? this.words, piece, 0, piece.length);
      return;
    }
    this.accepted(i, route.iface, state, connectionId, translated);
    this.forwardIpv4(route.iface, route.via ?? this.words, out, off, len);
  }

  /** Frames the datagram `d[off..off+len)` for `iface` with TTL - 1 and sends it to `nextHop`. */
  private forwardIpv4(iface: GatewayInterface, nextHop: Uint32Array, d: Uint8Array, off: number, len: number): void {
    const f = newFrame(ZERO_MAC, iface.mac, ETHERTYPE_IPV4, len);
    f.set(d.subarray(off, off + len), ETH_HEADER);
    f[ETH_HEADER + 8]!--;
    setIpv4HeaderChecksum(f, ETH_HEADER, (f[ETH_HEADER]! & 15) * 4);
    this.transmit(iface, 4, nextHop, f);
  }

  /** The engine's number for the interface a destination routes to (0: no route), for the policy's `outInterface`. */
  private routeIndex(family: number, dst: Uint32Array): number {
    const route = this.routes.lookup(family, dst);
    return route === null ? 0 : engineIndex(route.iface.index);
  }

  private localIpv4(addr: number): boolean {
    for (const i of this.interfaces) if (i.ipv4 !== null && i.ipv4Address === addr) return true;
    return false;
  }

  // ------------------------------------------------------------------
  // IPv6
  // ------------------------------------------------------------------

  private ipv6(i: GatewayInterface, frame: Uint8Array): void {
    const ip = ETH_HEADER;
    const avail = frame.length - ip;
    if (avail < 40 || frame[ip]! >>> 4 !== 6) {
      this.stats.malformed++;
      return;
    }
    const total = 40 + readU16(frame, ip + 4);
    if (total > avail) {
      this.stats.malformed++;
      return;
    }
    const next = frame[ip + 6]!;
    if (next === PROTO_ICMPV6 && this.ndIn(i, frame, ip + total)) return;
    const dst = readIpv6(frame, ip + 24, this.pre.dst);
    // Multicast, and link-local destinations that are not ours, stay on their link.
    const linkScoped = dst[0]! >>> 24 === 0xff || dst[0]! >>> 22 === 0x3fa;
    const local = this.localIpv6(dst);
    if (isGroupMac(frame, 0) || (linkScoped && !local)) {
      i.stats.ignored++;
      return;
    }
    if (local && next === PROTO_ICMPV6 && total >= 48 && frame[ip + 40] === 128) {
      this.stats.echoAnswered++;
      this.sendOwn(6, ipv6EchoReply(frame, ip, total, dst));
      return;
    }
    const p = this.pre;
    p.family = 6;
    p.protocol = next;
    readIpv6(frame, ip + 8, p.src);
    const ported = (next === PROTO_TCP || next === PROTO_UDP) && total >= 44;
    p.sport = ported ? readU16(frame, ip + 40) : 0;
    p.dport = ported ? readU16(frame, ip + 42) : 0;
    if (!local && frame[ip + 7]! <= 1) {
      this.expired(i, frame, ip, total, 6);
      return;
    }
    const r = this.track(i, frame, ip, total);
    if (r === null) return;
    const out = r.outBytes!;
    const off = r.outOffset;
    const len = r.outLength;
    const outDst = readIpv6(out, off + 24, this.words);
    if (this.localIpv6(outDst)) {
      this.stats.localDropped++;
      this.gatewayDrop(i, r.state, GatewayReason.LOCAL, r.connectionId, r.translated);
      return;
    }
    if (out[off + 7]! <= 1) {
      this.expired(i, out, off, len, 6);
      return;
    }
    const route = this.routes.lookup(6, outDst);
    if (!route) {
      this.stats.noRoute++;
      this.gatewayDrop(i, r.state, GatewayReason.NO_ROUTE, r.connectionId, r.translated);
      return;
    }
    if (len > route.iface.mtu) {
      // IPv6 routers never fragment: the sender is told the link's MTU.
      this.stats.tooBig++;
      this.gatewayDrop(i, r.state, GatewayReason.TOO_BIG, r.connectionId, r.translated);
      if (i.ipv6) this.sendOwn(6, ipv6PacketTooBig(out, off, len, i.ipv6.words, route.iface.mtu));
      return;
    }
    const state = r.state;
    const connectionId = r.connectionId;
    const translated = r.translated;
    const f = newFrame(ZERO_MAC, route.iface.mac, ETHERTYPE_IPV6, len);
    f.set(out.subarray(off, off + len), ETH_HEADER);
    f[ETH_HEADER + 7]!--;
    this.accepted(i, route.iface, state, connectionId, translated);
    this.transmit(route.iface, 6, route.via ?? outDst, f);
  }

  private localIpv6(words: Uint32Array): boolean {
    for (const i of this.interfaces) if (this.ownIpv6(i, words)) return true;
    return false;
  }

  // ------------------------------------------------------------------
  // Sending
  // ------------------------------------------------------------------

  /** Sends a forwarded frame to `nextHop` on `iface`, resolving its MAC first when needed. */
  private transmit(iface: GatewayInterface, family: 4 | 6, nextHop: Uint32Array, frame: Uint8Array): void {
    const table = this.neighbourTables[iface.index]!;
    const key: NeighbourKey = family === 4 ? nextHop[0]! : ipv6Key(nextHop);
    const n = table.get(key);
    if (n && n.mac) {
      frame.set(n.mac, 0);
      this.send(iface, frame);
      return;
    }
    const before = table.dropped;
    const fresh = table.hold(key, family, nextHop, frame, this.now);
    this.stats.neighbourDrops += table.dropped - before;
    if (fresh) this.sendProbe(iface, family, fresh.words);
  }

  /** Routes and sends a datagram the gateway made itself (echo replies, ICMP errors); never tracked. */
  private sendOwn(family: 4 | 6, datagram: Uint8Array): void {
    const dst = new Uint32Array(4);
    if (family === 4) dst[0] = readIpv4(datagram, 16);
    else readIpv6(datagram, 24, dst);
    const route = this.routes.lookup(family, dst);
    if (!route) {
      this.stats.noRoute++;
      return;
    }
    const f = newFrame(ZERO_MAC, route.iface.mac, family === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, datagram.length);
    f.set(datagram, ETH_HEADER);
    this.transmit(route.iface, family, route.via ?? dst, f);
  }

  private flush(i: GatewayInterface, frames: Uint8Array[]): void {
    for (const f of frames) this.send(i, f);
  }

  private send(i: GatewayInterface, frame: Uint8Array): void {
    i.stats.txFrames++;
    i.stats.txBytes += frame.length;
    if (!i.sink) return;
    try {
      i.sink(frame);
    } catch {
      // The embedder's sink failing must not leave the gateway half way through a frame.
      this.stats.sinkErrors++;
    }
  }

  // ------------------------------------------------------------------
  // Verdicts
  // ------------------------------------------------------------------

  private expired(i: GatewayInterface, bytes: Uint8Array, ip: number, len: number, family: 4 | 6): void {
    this.stats.ttlExceeded++;
    this.gatewayDrop(i, -1, GatewayReason.TTL_EXCEEDED, 0, false);
    if (!this.timeExceeded) return;
    if (family === 4) {
      if (i.ipv4) this.sendOwn(4, ipv4TimeExceeded(bytes, ip, len, i.ipv4Address));
    } else if (i.ipv6) {
      this.sendOwn(6, ipv6TimeExceeded(bytes, ip, len, i.ipv6.words));
    }
  }

  private accepted(i: GatewayInterface, out: GatewayInterface, state: number, connectionId: number, translated: boolean): void {
    this.stats.forwarded++;
    this.stats.acceptedByState[state]!++;
    if (state === PacketState.NEW || state === PacketState.RELATED) {
      this.log.add(this.now, i.index, out.index, this.pre, state, Verdict.ACCEPT, 0, null, connectionId, translated);
      this.emitLatest();
    }
  }

  /**
   * The engine's answer for a datagram that came in on `i` (at `ip` in the
   * frame), or null when the engine held it (a fragment) or dropped it; both
   * are counted.
   */
  private track(i: GatewayInterface, frame: Uint8Array, ip: number, total: number): PacketResult | null {
    this.engine.interfaces[0] = engineIndex(i.index);
    const r = this.engine.processRange(frame, ip, total);
    if (r.verdict === Verdict.HOLD) {
      this.stats.fragmentsHeld++;
      return null;
    }
    if (r.verdict !== Verdict.ACCEPT || r.outBytes === null) {
      this.engineDrop(i, r.state, r.reason, r.connectionId);
      return null;
    }
    return r;
  }

  private engineDrop(i: GatewayInterface, state: number, reason: number, connectionId: number): void {
    this.stats.engineDrops++;
    this.stats.droppedByState[state]!++;
    this.log.add(this.now, i.index, -1, this.pre, state, Verdict.DROP, reason, null, connectionId, false);
    this.emitLatest();
  }

  private gatewayDrop(i: GatewayInterface, state: number, reason: GatewayReason, connectionId: number, translated: boolean): void {
    if (state >= 0) this.stats.droppedByState[state]!++;
    this.log.add(this.now, i.index, -1, this.pre, state, Verdict.DROP, 0, reason, connectionId, translated);
    this.emitLatest();
  }

  private emitLatest(): void {
    if (this.listeners.length === 0) return;
    const record = this.log.latest();
    if (!record) return;
    for (const l of this.listeners) {
      try {
        l({ type: "verdict", record });
      } catch {
        // A listener's failure must not change what the gateway forwards.
      }
    }
  }
}

function formatVia(family: 4 | 6, words: Uint32Array): string {
  if (family === 4) {
    const w = words[0]!;
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  }
  return ipv6Key(words);
}
