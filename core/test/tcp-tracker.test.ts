import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_FRAGMENT_OPTIONS, DEFAULT_TCP_OPTIONS, DEFAULT_TIMEOUTS, type EngineConfig } from "../src/config.js";
import { Reason, Status } from "../src/constants.js";
import { decodePacket } from "../src/packet/decode.js";
import { ParsedPacket } from "../src/packet/parsed-packet.js";
import { TCP_STATE_NAMES, TcpState, TcpWindowFlag, tcpFlagsValid, tcpMaxAck, tcpTracker } from "../src/proto/tcp/tracker.js";
import { TRACK_KILL, TRACK_OK, TRACK_REOPEN } from "../src/proto/tracker.js";
import { ConnTable } from "../src/table/conn-table.js";
import { lastFlags, lastSeq, retrans, tdEnd, tdFlags, tdMaxEnd, tdMaxWin, tdScale } from "./support/tcp-fields.js";
import { readCapture } from "@alg-sdk/pcap";
import { tcp } from "@alg-sdk/testing";

/** Trackers read the packet's time from `p.time[0]`, as the engine sets it. */
function at(p: ParsedPacket, now: number): ParsedPacket {
  p.time[0] = now;
  return p;
}

// ---------------------------------------------------------------------------
// Helpers: configuration, a packet builder, a tiny driver.
// ---------------------------------------------------------------------------

function config(tcp: Partial<EngineConfig["tcp"]> = {}, timeouts: Partial<EngineConfig["timeouts"]> = {}): EngineConfig {
  return {
    maxConnections: 1024,
    initialCapacity: 16,
    maxExpectations: 256,
    timeouts: { ...DEFAULT_TIMEOUTS, ...timeouts },
    tcp: { ...DEFAULT_TCP_OPTIONS, ...tcp },
    fragments: { ...DEFAULT_FRAGMENT_OPTIONS },
    hashSeed: 1,
    gcSweepSeconds: 0,
    checksums: false,
    clock: () => 0,
  };
}

const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

interface Seg {
  flags: number;
  seq: number;
  ack?: number;
  win?: number;
  /** Payload bytes. */
  len?: number;
  /** Window scale option (SYNs). */
  ws?: number;
  sackPerm?: boolean;
  /** SACK blocks as [left, right] pairs. */
  sack?: [number, number][];
}

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const CPORT = 40000;
const SPORT = 80;

/** IPv4 + TCP bytes for a segment, client -> server (dir 0) or server -> client (dir 1); a SYN carries MSS 1460. */
function build(dir: number, seg: Seg): Uint8Array {
  return tcp({
    src: dir === 0 ? CLIENT : SERVER,
    dst: dir === 0 ? SERVER : CLIENT,
    sport: dir === 0 ? CPORT : SPORT,
    dport: dir === 0 ? SPORT : CPORT,
    seq: seg.seq,
    ack: seg.ack ?? 0,
    flags: seg.flags,
    window: seg.win ?? 502,
    options: { mss: (seg.flags & F.SYN) !== 0 ? 1460 : undefined, sackPerm: seg.sackPerm, wscale: seg.ws, sack: seg.sack },
    payload: new Uint8Array(seg.len ?? 0),
  });
}

function decoded(bytes: Uint8Array, p = new ParsedPacket()): ParsedPacket {
  expect(decodePacket(bytes, 0, bytes.length, p)).toBe(Reason.NONE);
  return p;
}

/** Drives one connection through the tracker the way the engine will. */
class Conn {
  readonly t = new ConnTable(64, 16);
  readonly p = new ParsedPacket();
  s = -1;
  now = 1000;
  constructor(readonly cfg: EngineConfig = config()) {}

  /** First packet (original direction): canCreate, allocate, init, packet. */
  open(seg: Seg): number {
    const p = decoded(build(0, seg), this.p);
    const r = tcpTracker.canCreate(p, this.cfg);
    if (r !== Reason.NONE) return r;
    this.s = this.t.allocate();
    this.t.setTuple(this.s, 4, 6, 0, p.src, p.dst, p.sport, p.dport, p.dport, p.sport);
    this.t.link(this.s);
    this.t.setCreated(this.s, this.now);
    tcpTracker.init(this.t, this.s, at(p, this.now), this.cfg);
    return tcpTracker.packet(this.t, this.s, 0, at(p, this.now), this.cfg);
  }

  /** A later packet; sets SEEN_REPLY after an accepted reply as the engine does. */
  send(dir: number, seg: Seg): number {
    const p = decoded(build(dir, seg), this.p);
    const r = tcpTracker.packet(this.t, this.s, dir, at(p, this.now), this.cfg);
    if (dir === 1 && r <= 0) this.t.addStatus(this.s, Status.SEEN_REPLY);
    return r;
  }

  get state(): string {
    return tcpTracker.stateName(this.t.protoState(this.s));
  }
  get ttl(): number {
    return this.t.expires(this.s) - this.now;
  }
  get assured(): boolean {
    return (this.t.status(this.s) & Status.ASSURED) !== 0;
  }
  flags(dir: number): number {
    return tdFlags(this.t, this.s, dir);
  }
}

const C = 1_000_000; // client ISN
const S = 3_000_000_000; // server ISN (above 2^31: exercises unsigned handling)

/** SYN, SYN-ACK, ACK with the given window scales (null: no option); leaves an ASSURED connection. */
function handshake(c: Conn, cws: number | null = 7, sws: number | null = 7): void {
  const syn: Seg = { flags: F.SYN, seq: C, win: 64240, sackPerm: true };
  if (cws !== null) syn.ws = cws;
  const synAck: Seg = { flags: F.SYN | F.ACK, seq: S, ack: C + 1, win: 65160, sackPerm: true };
  if (sws !== null) synAck.ws = sws;
  expect(c.open(syn)).toBe(TRACK_OK);
  expect(c.send(1, synAck)).toBe(TRACK_OK);
  expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1, win: 502 })).toBe(TRACK_OK);
}

// ---------------------------------------------------------------------------
// One test per Linux rule.
// ---------------------------------------------------------------------------

describe("tcp tracker: states and names", () => {
  it("numbers states like Linux and names them like conntrack -L", () => {
    const states = [TcpState.NONE, TcpState.SYN_SENT, TcpState.SYN_RECV, TcpState.ESTABLISHED, TcpState.FIN_WAIT,
      TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.TIME_WAIT, TcpState.CLOSE, TcpState.SYN_SENT2];
    expect(states).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 0; i < TCP_STATE_NAMES.length; i++) expect(tcpTracker.stateName(i)).toBe(TCP_STATE_NAMES[i]);
    expect(tcpTracker.stateName(3)).toBe("ESTABLISHED");
    expect(tcpTracker.stateName(42)).toBe("");
  });
});

describe("tcp tracker: handshake", () => {
  it("SYN -> SYN_SENT (120 s), SYN-ACK -> SYN_RECV (60 s), ACK -> ESTABLISHED (5 days)", () => {
    const c = new Conn();
    expect(c.open({ flags: F.SYN, seq: C, win: 64240, ws: 7 })).toBe(TRACK_OK);
    expect(c.state).toBe("SYN_SENT");
    expect(c.ttl).toBe(120);
    expect(c.send(1, { flags: F.SYN | F.ACK, seq: S, ack: C + 1, win: 65160, ws: 7 })).toBe(TRACK_OK);
    expect(c.state).toBe("SYN_RECV");
    expect(c.ttl).toBe(60);
    expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1, win: 502 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
    expect(c.ttl).toBe(432000);
  });

  it("ASSURED is set by the ACK that completes the handshake, not before", () => {
    const c = new Conn();
    c.open({ flags: F.SYN, seq: C, win: 64240 });
    expect(c.assured).toBe(false);
    c.send(1, { flags: F.SYN | F.ACK, seq: S, ack: C + 1, win: 65160 });
    expect(c.assured).toBe(false);
    c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1, win: 502 });
    expect(c.assured).toBe(true);
  });

  it("a retransmitted SYN does not refresh the timeout", () => {
    const c = new Conn();
    c.open({ flags: F.SYN, seq: C, win: 64240 });
    c.now += 50;
    expect(c.send(0, { flags: F.SYN, seq: C, win: 64240 })).toBe(TRACK_OK);
    expect(c.state).toBe("SYN_SENT");
    expect(c.ttl).toBe(70);
  });

  it("an ACK from the client before any SYN-ACK is INVALID (SYN_SENT row)", () => {
    const c = new Conn();
    c.open({ flags: F.SYN, seq: C, win: 64240 });
    expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: 5 })).toBe(Reason.TCP_INVALID_STATE);
    expect(c.state).toBe("SYN_SENT");
  });

  it("simultaneous open: SYN both ways -> SYN_SENT2, SYN-ACK -> SYN_RECV, then ESTABLISHED", () => {
    const c = new Conn();
    c.open({ flags: F.SYN, seq: C, win: 64240 });
    expect(c.send(1, { flags: F.SYN, seq: S, win: 65160 })).toBe(TRACK_OK);
    expect(c.state).toBe("SYN_SENT2");
    expect(lastFlags(c.t, c.s) & TcpWindowFlag.SIMULTANEOUS_OPEN).toBeTruthy();
    expect(c.send(0, { flags: F.SYN | F.ACK, seq: C, ack: S + 1, win: 64240 })).toBe(TRACK_OK);
    expect(c.state).toBe("SYN_RECV");
    // The reply side's plain ACK completes a simultaneous open.
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 1, win: 500 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
  });

  it("a SYN-ACK answering a SYN we let through untracked resynchronises to SYN_RECV", () => {
    const c = new Conn();
    handshake(c);
    // The client restarts with a new ISN: ignored in ESTABLISHED, but noted.
    const n = 7_000_000;
    expect(c.send(0, { flags: F.SYN, seq: n, win: 64240, ws: 7 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
    expect(c.send(1, { flags: F.SYN | F.ACK, seq: 123, ack: n + 1, win: 65160, ws: 7 })).toBe(TRACK_OK);
    expect(c.state).toBe("SYN_RECV");
    expect(tdEnd(c.t, c.s, 0)).toBe(n + 1);
    expect(tdEnd(c.t, c.s, 1)).toBe(124);
  });
});

describe("tcp tracker: close", () => {
  it("FIN, ACK, FIN, ACK: FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT with their timeouts", () => {
    const c = new Conn();
    handshake(c);
    expect(c.send(0, { flags: F.FIN | F.ACK, seq: C + 1, ack: S + 1 })).toBe(TRACK_OK);
    expect(c.state).toBe("FIN_WAIT");
    expect(c.flags(0) & TcpWindowFlag.CLOSE_INIT).toBeTruthy();
    // The FIN is unacknowledged: 120 s is already below the 300 s cap.
    expect(c.ttl).toBe(120);
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 2 })).toBe(TRACK_OK);
    expect(c.state).toBe("CLOSE_WAIT");
    expect(c.ttl).toBe(60);
    expect(c.send(1, { flags: F.FIN | F.ACK, seq: S + 1, ack: C + 2 })).toBe(TRACK_OK);
    expect(c.state).toBe("LAST_ACK");
    expect(c.ttl).toBe(30);
    expect(c.send(0, { flags: F.ACK, seq: C + 2, ack: S + 2 })).toBe(TRACK_OK);
    expect(c.state).toBe("TIME_WAIT");
    expect(c.ttl).toBe(120);
  });

  it("a SYN in TIME_WAIT reopens the connection (TRACK_REOPEN)", () => {
    const c = new Conn();
    handshake(c);
    c.send(0, { flags: F.FIN | F.ACK, seq: C + 1, ack: S + 1 });
    c.send(1, { flags: F.FIN | F.ACK, seq: S + 1, ack: C + 2 });
    c.send(0, { flags: F.ACK, seq: C + 2, ack: S + 2 });
    expect(c.state).toBe("TIME_WAIT");
    expect(c.send(0, { flags: F.SYN, seq: C + 100000, win: 64240 })).toBe(TRACK_REOPEN);
    expect(c.state).toBe("TIME_WAIT"); // the engine destroys it and looks again
    // The server side may reopen too (roles switched).
    expect(c.send(1, { flags: F.SYN, seq: S + 100000, win: 64240 })).toBe(TRACK_REOPEN);
  });

  it("a SYN in CLOSE after the same side's RST reopens; after the peer's RST it is ignored", () => {
    const a = new Conn();
    handshake(a);
    expect(a.send(0, { flags: F.RST, seq: C + 1 })).toBe(TRACK_OK);
    expect(a.state).toBe("CLOSE");
    expect(a.send(0, { flags: F.SYN, seq: C + 5000, win: 64240 })).toBe(TRACK_REOPEN);

    const b = new Conn();
    handshake(b);
    expect(b.send(1, { flags: F.RST, seq: S + 1 })).toBe(TRACK_OK);
    expect(b.state).toBe("CLOSE");
    expect(b.send(0, { flags: F.SYN, seq: C + 5000, win: 64240 })).toBe(TRACK_OK);
    expect(b.state).toBe("CLOSE");
  });
});

describe("tcp tracker: RST", () => {
  it("an in-window RST closes the connection with the 10 s CLOSE timeout", () => {
    const c = new Conn();
    handshake(c);
    // The server's RST at exactly what the client acknowledged.
    expect(c.send(1, { flags: F.RST, seq: S + 1 })).toBe(TRACK_OK);
    expect(c.state).toBe("CLOSE");
    expect(c.ttl).toBe(10);
  });

  it("a RST with a sequence number below what the peer acknowledged is INVALID", () => {
    const c = new Conn();
    handshake(c);
    expect(tcpMaxAck(c.t, c.s, 0)).toBe(S + 1);
    expect(c.send(1, { flags: F.RST, seq: S - 10 })).toBe(Reason.TCP_BAD_RST);
    expect(c.state).toBe("ESTABLISHED");
  });

  it("an in-window RST that is not exact keeps ESTABLISHED (room for a challenge ACK)", () => {
    const c = new Conn();
    handshake(c);
    expect(c.send(1, { flags: F.RST, seq: S + 100 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
    expect(c.ttl).toBe(10);
  });

  it("a RST before any reply destroys the connection (TRACK_KILL)", () => {
    const c = new Conn();
    c.open({ flags: F.SYN, seq: C, win: 64240 });
    expect(c.send(1, { flags: F.RST | F.ACK, seq: 0, ack: C + 1, win: 0 })).toBe(TRACK_KILL);
    expect(c.state).toBe("CLOSE");
  });

  it("an out-of-window FIN answering a RST on an ASSURED connection lowers the timeout", () => {
    const c = new Conn();
    handshake(c);
    expect(c.send(0, { flags: F.RST, seq: C + 1 + 2 ** 30 })).toBe(Reason.TCP_SEQ_OVER_WINDOW);
    expect(c.ttl).toBe(432000);
    expect(c.send(1, { flags: F.FIN | F.ACK, seq: S + 1 + 2 ** 30, ack: C + 1 })).toBe(Reason.TCP_SEQ_OVER_WINDOW);
    expect(c.ttl).toBe(300);
    expect(c.state).toBe("ESTABLISHED");
  });
});

describe("tcp tracker: new connections", () => {
  it("with loose pickup a stray ACK creates an ESTABLISHED connection, liberal both ways", () => {
    const c = new Conn();
    expect(c.open({ flags: F.ACK, seq: 2000, ack: 3000 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
    expect(c.ttl).toBe(300); // no reply yet: not the 5-day timeout
    for (const d of [0, 1]) {
      expect(c.flags(d) & (TcpWindowFlag.BE_LIBERAL | TcpWindowFlag.SACK_PERM)).toBe(
        TcpWindowFlag.BE_LIBERAL | TcpWindowFlag.SACK_PERM,
      );
    }
    // Reply, then the originator again: ASSURED once both sides were heard.
    expect(c.send(1, { flags: F.ACK, seq: 3000, ack: 2000 })).toBe(TRACK_OK);
    expect(c.assured).toBe(false);
    expect(c.send(0, { flags: F.ACK, seq: 2000, ack: 3000 })).toBe(TRACK_OK);
    expect(c.assured).toBe(true);
  });

  it("without loose pickup a stray ACK is INVALID", () => {
    const c = new Conn(config({ loose: false }));
    expect(c.open({ flags: F.ACK, seq: 2000, ack: 3000 })).toBe(Reason.TCP_LOOSE_OFF);
    expect(c.open({ flags: F.SYN, seq: 2000 })).toBe(TRACK_OK);
  });

  it("a stray RST, FIN or SYN-ACK is INVALID new", () => {
    const cfg = config();
    const p = new ParsedPacket();
    for (const flags of [F.RST, F.RST | F.ACK, F.FIN | F.ACK, F.SYN | F.ACK]) {
      expect(tcpTracker.canCreate(decoded(build(0, { flags, seq: 1, ack: 2 }), p), cfg)).toBe(Reason.TCP_INVALID_NEW);
    }
    expect(tcpTracker.canCreate(decoded(build(0, { flags: F.SYN | F.URG, seq: 1 }), p), cfg)).toBe(Reason.NONE);
  });

  it("invalid flag combinations are INVALID, new or not", () => {
    const cfg = config();
    const p = new ParsedPacket();
    for (const flags of [F.SYN | F.FIN, 0, F.FIN, F.SYN | F.RST, F.FIN | F.RST | F.ACK, F.PSH, F.URG]) {
      expect(tcpFlagsValid(flags)).toBe(false);
      expect(tcpTracker.canCreate(decoded(build(0, { flags, seq: 1 }), p), cfg)).toBe(Reason.BAD_TCP_FLAGS);
    }
    // PSH, ECE and CWR never matter.
    expect(tcpFlagsValid(F.ACK | F.PSH | 0x40 | 0x80)).toBe(true);
    const c = new Conn();
    handshake(c);
    expect(c.send(0, { flags: F.SYN | F.FIN, seq: C + 1 })).toBe(Reason.BAD_TCP_FLAGS);
    expect(c.send(0, { flags: 0, seq: C + 1 })).toBe(Reason.BAD_TCP_FLAGS);
    expect(c.state).toBe("ESTABLISHED");
  });
});

describe("tcp tracker: window tracking", () => {
  it("window scaling applies when both SYNs offer it", () => {
    const c = new Conn();
    handshake(c, 7, 7);
    expect(tdScale(c.t, c.s, 0)).toBe(7);
    expect(tdScale(c.t, c.s, 1)).toBe(7);
    // The server opens a 2000 << 7 = 256000 byte window: data 200000 in is fine.
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 1, win: 2000 })).toBe(TRACK_OK);
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: C + 1 + 200000, ack: S + 1, len: 100 })).toBe(TRACK_OK);
  });

  it("window scaling is off when only one SYN offers it", () => {
    const c = new Conn();
    handshake(c, 7, null);
    expect(tdScale(c.t, c.s, 0)).toBe(0);
    expect(tdScale(c.t, c.s, 1)).toBe(0);
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 1, win: 2000 })).toBe(TRACK_OK);
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: C + 1 + 200000, ack: S + 1, len: 100 })).toBe(
      Reason.TCP_SEQ_OVER_WINDOW,
    );
  });

  it("data above the receiver's window is INVALID and changes nothing", () => {
    const c = new Conn();
    handshake(c);
    const before = [tdEnd(c.t, c.s, 0), tdMaxEnd(c.t, c.s, 0), c.t.expires(c.s)];
    c.now += 5;
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: C + 1 + 2 ** 30, ack: S + 1, len: 13 })).toBe(
      Reason.TCP_SEQ_OVER_WINDOW,
    );
    expect([tdEnd(c.t, c.s, 0), tdMaxEnd(c.t, c.s, 0), c.t.expires(c.s)]).toEqual(before);
  });

  it("an ACK of data never sent is INVALID", () => {
    const c = new Conn();
    handshake(c);
    expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1 + 2 ** 20 })).toBe(Reason.TCP_ACK_OVER_WINDOW);
    expect(c.state).toBe("ESTABLISHED");
  });

  it("SACK blocks count as acknowledgements when SACK was permitted", () => {
    const c = new Conn();
    handshake(c);
    // A SACK edge beyond anything the server sent is an ACK of unsent data.
    expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1, sack: [[S + 10, S + 5000]] })).toBe(
      Reason.TCP_ACK_OVER_WINDOW,
    );
    expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1, sack: [[S - 10, S + 1]] })).toBe(TRACK_OK);
  });

  it("old data far below the window is accepted without touching the state", () => {
    const c = new Conn();
    handshake(c);
    c.send(0, { flags: F.ACK | F.PSH, seq: C + 1, ack: S + 1, len: 6 });
    c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 7, win: 500 });
    const snapshot = () => [
      c.t.protoState(c.s), tdEnd(c.t, c.s, 0), tdMaxEnd(c.t, c.s, 0), tdMaxWin(c.t, c.s, 0),
      tdEnd(c.t, c.s, 1), tdMaxEnd(c.t, c.s, 1), tdMaxWin(c.t, c.s, 1), c.t.expires(c.s),
      lastSeq(c.t, c.s), retrans(c.t, c.s),
    ];
    const before = snapshot();
    c.now += 5;
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: C + 1 - 2 ** 30, ack: S + 1, len: 11 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
    expect(snapshot()).toEqual(before);
  });

  it("be_liberal accepts out-of-window data, but still rejects a bad RST", () => {
    const c = new Conn(config({ beLiberal: true }));
    handshake(c);
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: C + 1 + 2 ** 30, ack: S + 1, len: 13 })).toBe(TRACK_OK);
    expect(c.send(0, { flags: F.ACK, seq: C + 1, ack: S + 1 + 2 ** 20 })).toBe(TRACK_OK);
    expect(c.send(1, { flags: F.RST, seq: S - 10 })).toBe(Reason.TCP_BAD_RST);
  });

  it("sequence numbers wrap modulo 2^32", () => {
    const c = new Conn();
    const isn = 0xffffff00;
    expect(c.open({ flags: F.SYN, seq: isn, win: 64240 })).toBe(TRACK_OK);
    expect(c.send(1, { flags: F.SYN | F.ACK, seq: S, ack: isn + 1, win: 65160 })).toBe(TRACK_OK);
    expect(c.send(0, { flags: F.ACK, seq: isn + 1, ack: S + 1, win: 65000 })).toBe(TRACK_OK);
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: isn + 1, ack: S + 1, len: 1000, win: 65000 })).toBe(TRACK_OK);
    expect(tdEnd(c.t, c.s, 0)).toBe((isn + 1 + 1000) >>> 0);
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: (isn + 1001) >>> 0, win: 65000 })).toBe(TRACK_OK);
    expect(c.state).toBe("ESTABLISHED");
  });
});

describe("tcp tracker: timeouts", () => {
  // Distinct values so each rule's timeout is recognisable.
  const cfg = () => config({ maxRetrans: 3 }, { tcpMaxRetrans: 301, tcpUnacknowledged: 302 });

  it("data not yet acknowledged shortens the timeout until the ACK", () => {
    const c = new Conn(cfg());
    handshake(c);
    expect(c.ttl).toBe(432000);
    expect(c.send(0, { flags: F.ACK | F.PSH, seq: C + 1, ack: S + 1, len: 6 })).toBe(TRACK_OK);
    expect(c.flags(0) & TcpWindowFlag.DATA_UNACKNOWLEDGED).toBeTruthy();
    expect(c.ttl).toBe(302);
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 7 })).toBe(TRACK_OK);
    expect(c.flags(0) & TcpWindowFlag.DATA_UNACKNOWLEDGED).toBe(0);
    expect(c.ttl).toBe(432000);
  });

  it("counts retransmissions and applies the max-retrans timeout from maxRetrans on", () => {
    const c = new Conn(cfg());
    handshake(c);
    const seg: Seg = { flags: F.ACK | F.PSH, seq: C + 1, ack: S + 1, len: 6 };
    expect(c.send(0, seg)).toBe(TRACK_OK);
    expect(retrans(c.t, c.s)).toBe(0);
    expect(c.ttl).toBe(302);
    c.send(0, seg);
    c.send(0, seg);
    expect(retrans(c.t, c.s)).toBe(2);
    expect(c.ttl).toBe(302);
    c.send(0, seg);
    expect(retrans(c.t, c.s)).toBe(3);
    expect(c.ttl).toBe(301);
    // Any different segment resets the count.
    c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 7 });
    expect(retrans(c.t, c.s)).toBe(0);
    expect(c.ttl).toBe(432000);
  });

  it("a zero window shortens the ESTABLISHED timeout like retransmissions", () => {
    const c = new Conn(cfg());
    handshake(c);
    expect(c.send(1, { flags: F.ACK, seq: S + 1, ack: C + 1, win: 0 })).toBe(TRACK_OK);
    expect(c.ttl).toBe(301);
  });
});

// ---------------------------------------------------------------------------
// Replays of the labelled Linux traces.
//
// TEST HARNESS ONLY: a minimal stand-in for the engine's lookup (resolve_normal_ct
// and nf_conntrack_in as far as TCP needs them). The real engine lives elsewhere.
// ---------------------------------------------------------------------------

interface Label {
  index: number;
  label: string;
  ct_dir: string | null;
  proto: string;
  ts: number;
  ct_log: string[] | null;
}

function readPcap(path: URL): { ts: number; data: Uint8Array }[] {
  const records = [...readCapture(new Uint8Array(readFileSync(path)))];
  expect(records.every((r) => r.linkType === 101)).toBe(true); // LINKTYPE_RAW
  return records.map((r) => ({ ts: r.tsSeconds, data: r.data }));
}

function readLabels(path: URL): Label[] {
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Label);
}

/** Harness verdict of one packet: Linux's label and direction. */
function harnessProcess(
  t: ConnTable,
  p: ParsedPacket,
  now: number,
  cfg: EngineConfig,
): { label: string; dir: string | null; reason?: number } {
  for (;;) {
    const ref = t.find(p.family, p.protocol, 0, p.src, p.dst, p.sport, p.dport);
    if (ref >= 0) {
      const s = ref >> 1;
      const dir = ref & 1;
      const label = dir === 1 || (t.status(s) & Status.SEEN_REPLY) !== 0 ? "ESTABLISHED" : "NEW";
      const r = tcpTracker.packet(t, s, dir, at(p, now), cfg);
      if (r === TRACK_REOPEN) {
        t.release(s);
        continue; // look again: the SYN starts a new connection
      }
      if (r > 0) return { label: "INVALID", dir: null, reason: r };
      if (dir === 1) t.addStatus(s, Status.SEEN_REPLY);
      if (r === TRACK_KILL) t.release(s);
      return { label, dir: dir === 0 ? "original" : "reply" };
    }
    const why = tcpTracker.canCreate(p, cfg);
    if (why !== Reason.NONE) return { label: "INVALID", dir: null, reason: why };
    const s = t.allocate();
    t.setTuple(s, p.family, p.protocol, 0, p.src, p.dst, p.sport, p.dport, p.dport, p.sport);
    t.link(s);
    t.setCreated(s, now);
    tcpTracker.init(t, s, at(p, now), cfg);
    const r = tcpTracker.packet(t, s, 0, at(p, now), cfg);
    if (r > 0) {
      t.release(s);
      return { label: "INVALID", dir: null, reason: r };
    }
    if (r === TRACK_KILL) t.release(s);
    return { label: "NEW", dir: "original" };
  }
}

let checkedBounds = 0;

function replay(folder: string, cfg: EngineConfig): { expected: string[]; got: string[]; tcp: number } {
  const base = new URL(`../../test/fixtures/conformance/${folder}/`, import.meta.url);
  const packets = readPcap(new URL("trace-raw.pcap", base));
  const labels = readLabels(new URL("labels.jsonl", base));
  expect(packets.length).toBe(labels.length);
  const t = new ConnTable(64, 16);
  const p = new ParsedPacket();
  const expected: string[] = [];
  const got: string[] = [];
  for (let i = 0; i < packets.length; i++) {
    const { ts, data } = packets[i]!;
    expect(decodePacket(data, 0, data.length, p)).toBe(Reason.NONE);
    if (p.protocol !== 6) continue; // TCP only: the UDP flow at the end is not ours
    const v = harnessProcess(t, p, ts, cfg);
    expected.push(`${i} ${labels[i]!.label} ${labels[i]!.ct_dir}`);
    got.push(`${i} ${v.label} ${v.dir}`);
    // The kernel's log line names why, and the window bound it compared with:
    // our reason and our window state must agree with both.
    const log = labels[i]!.ct_log?.[0] ?? "";
    if (log.endsWith("invalid new")) expect(v.reason, `packet ${i}`).toBe(Reason.TCP_INVALID_NEW);
    const m = /(SEQ|ACK) is (over upper|under lower) bound (\d+)/.exec(log);
    if (m) {
      const ref = t.find(p.family, p.protocol, 0, p.src, p.dst, p.sport, p.dport);
      const s = ref >> 1;
      const sd = ref & 1;
      const rd = sd ^ 1;
      let bound: number;
      if (m[1] === "SEQ" && m[2] === "over upper") {
        expect(v.reason).toBe(Reason.TCP_SEQ_OVER_WINDOW);
        bound = tdMaxEnd(t, s, sd) + 1;
      } else if (m[1] === "ACK") {
        expect(v.reason).toBe(Reason.TCP_ACK_OVER_WINDOW);
        bound = tdEnd(t, s, rd) + 1;
      } else {
        expect(v.reason).toBeUndefined(); // below the window: accepted, untracked
        bound = tdEnd(t, s, sd) - tdMaxWin(t, s, rd) - 1;
      }
      expect(bound >>> 0, `packet ${i}: ${log}`).toBe(Number(m[3]));
      checkedBounds++;
    }
  }
  return { expected, got, tcp: expected.length };
}

describe("tcp tracker: Linux traces", () => {
  it("tcp-states: every TCP packet gets Linux's label and direction", () => {
    checkedBounds = 0;
    const r = replay("tcp-states", config());
    expect(r.tcp).toBe(31);
    expect(r.got).toEqual(r.expected);
    expect(checkedBounds).toBe(3); // the three window bounds the kernel logged matched ours
  });

  it("tcp-states: state changes and timeouts match conntrack -E", () => {
    // Log a line whenever a connection's state or ASSURED changes, and when it
    // goes away, the way `conntrack -E` does (conntrack.log of the trace).
    const base = new URL("../../test/fixtures/conformance/tcp-states/", import.meta.url);
    const packets = readPcap(new URL("trace-raw.pcap", base));
    const cfg = config();
    const t = new ConnTable(64, 16);
    const p = new ParsedPacket();
    const last = new Map<number, string>();
    const events: string[] = [];
    for (const { ts, data } of packets) {
      decodePacket(data, 0, data.length, p);
      if (p.protocol !== 6) continue;
      harnessProcess(t, p, ts, cfg);
      for (let s = 0; s < t.capacity; s++) {
        const id = t.id(s);
        if (!t.inUse(s)) {
          if (last.has(id)) {
            // A released slot keeps its last protocol state.
            events.push(`DESTROY ${tcpTracker.stateName(t.protoState(s))}`);
            last.delete(id);
          }
          continue;
        }
        const entry = `${tcpTracker.stateName(t.protoState(s))} ${Math.round(t.expires(s) - ts)}${
          t.status(s) & Status.ASSURED ? " ASSURED" : ""
        }`;
        const prev = last.get(id);
        if (prev === undefined || prev.split(" ")[0] !== entry.split(" ")[0] || prev.endsWith("ASSURED") !== entry.endsWith("ASSURED")) {
          events.push(`${t.port(s, 0)} ${entry}`);
        }
        last.set(id, entry);
      }
    }
    expect(events).toEqual([
      "57548 SYN_SENT 120",
      "57548 SYN_RECV 60",
      "57548 ESTABLISHED 432000 ASSURED",
      "57548 FIN_WAIT 120 ASSURED",
      "57548 LAST_ACK 30 ASSURED",
      "57548 TIME_WAIT 120 ASSURED",
      "45002 ESTABLISHED 300",
      "DESTROY CLOSE",
      "54738 SYN_SENT 120",
      "DESTROY CLOSE",
    ]);
  });

  it("tcp-loose-off: with loose pickup off the stray ACK and its RST are INVALID", () => {
    const r = replay("tcp-loose-off", config({ loose: false }));
    const p = new ParsedPacket();
    const first = readPcap(new URL("../../test/fixtures/conformance/tcp-loose-off/trace-raw.pcap", import.meta.url))[0]!.data;
    decodePacket(first, 0, first.length, p);
    expect(tcpTracker.canCreate(p, config({ loose: false }))).toBe(Reason.TCP_LOOSE_OFF);
    expect(r.tcp).toBe(2);
    expect(r.got).toEqual(r.expected);
  });
});
