import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_FRAGMENT_OPTIONS, DEFAULT_TCP_OPTIONS, DEFAULT_TIMEOUTS, type EngineConfig } from "../src/config.js";
import { Reason, Status } from "../src/constants.js";
import { ParsedPacket } from "../src/packet/parsed-packet.js";
import { tcpTracker } from "../src/proto/tcp/tracker.js";
import { TRACK_KILL, TRACK_REOPEN } from "../src/proto/tracker.js";
import { ConnTable } from "../src/table/conn-table.js";
import { retrans } from "./support/tcp-fields.js";

/** Trackers read the packet's time from `p.time[0]`, as the engine sets it. */
function at(p: ParsedPacket, now: number): ParsedPacket {
  p.time[0] = now;
  return p;
}

// Sequence arithmetic must be modulo 2^32: shifting both sides' initial
// sequence numbers (across the wrap included) must not change any verdict,
// state or timeout. Packets are given as ParsedPacket fields directly.

const cfg: EngineConfig = {
  maxConnections: 64,
  initialCapacity: 16,
  maxExpectations: 16,
  timeouts: { ...DEFAULT_TIMEOUTS },
  tcp: { ...DEFAULT_TCP_OPTIONS },
  fragments: { ...DEFAULT_FRAGMENT_OPTIONS },
  hashSeed: 1,
  gcSweepSeconds: 0,
  checksums: false,
  clock: () => 0,
};

interface Step {
  dir: number;
  flags: number;
  seqOff: number;
  ackOff: number;
  len: number;
  win: number;
}

const FLAG_CHOICES = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x03];

const offset = fc.oneof(
  fc.integer({ min: -3, max: 3000 }),
  fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }),
);

const step: fc.Arbitrary<Step> = fc.record({
  dir: fc.integer({ min: 0, max: 1 }),
  flags: fc.constantFrom(...FLAG_CHOICES),
  seqOff: offset,
  ackOff: offset,
  len: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1500 })),
  win: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 65535 })),
});

function run(first: Step, steps: Step[], isn: [number, number], loose: boolean): string[] {
  const t = new ConnTable(16, 16);
  const p = new ParsedPacket();
  p.family = 4;
  p.protocol = 6;
  p.tcpHeaderLength = 20;
  const c = { ...cfg, tcp: { ...cfg.tcp, loose } };
  const out: string[] = [];
  const fill = (st: Step) => {
    p.tcpFlags = st.flags;
    p.seq = (isn[st.dir]! + st.seqOff) >>> 0;
    p.ack = st.flags & 0x10 ? (isn[st.dir ^ 1]! + st.ackOff) >>> 0 : 0;
    p.payloadLength = st.flags & 0x02 ? 0 : st.len;
    p.window = st.win;
  };
  fill({ ...first, dir: 0 });
  const why = tcpTracker.canCreate(p, c);
  out.push(`new ${why}`);
  if (why !== Reason.NONE) return out;
  const s = t.allocate();
  let now = 100;
  tcpTracker.init(t, s, at(p, now), c);
  out.push(`first ${tcpTracker.packet(t, s, 0, at(p, now), c)} ${t.protoState(s)} ${t.expires(s) - now}`);
  // Until the server speaks its side is unknown (all zero, as in Linux), and
  // ACKs towards it are judged against that absolute zero. So the server
  // answers first; the property is about everything after.
  const answer: Step =
    first.flags & 0x02
      ? { dir: 1, flags: 0x12, seqOff: 0, ackOff: 1, len: 0, win: 65160 }
      : { dir: 1, flags: 0x10, seqOff: 0, ackOff: first.seqOff + first.len + (first.flags & 1), win: 500, len: 0 };
  const all = [answer, ...steps];
  for (const st of all) {
    now += 1;
    fill(st);
    const r = tcpTracker.packet(t, s, st.dir, at(p, now), c);
    if (st.dir === 1 && r <= 0) t.addStatus(s, Status.SEEN_REPLY);
    out.push(`${r} ${t.protoState(s)} ${t.expires(s) - now} ${t.status(s)} ${retrans(t, s)}`);
    if (r === TRACK_REOPEN || r === TRACK_KILL) break;
  }
  return out;
}

/**
 * Runs that depend on absolute values by design: a literal 0 seq/ack (RST
 * special cases), and a picked-up first packet whose ACK lands within
 * MAXACKWINDOW below 0, the unknown peer's zero end.
 */
function touchesZero(first: Step, steps: Step[], isn: [number, number]): boolean {
  if (first.flags & 0x10 && ((isn[1] + first.ackOff) >>> 0) >= 2 ** 32 - 66001) return true;
  for (const st of [{ ...first, dir: 0 }, ...steps]) {
    if (((isn[st.dir]! + st.seqOff) >>> 0) === 0) return true;
    if (st.flags & 0x10 && ((isn[st.dir ^ 1]! + st.ackOff) >>> 0) === 0) return true;
  }
  return false;
}

describe("tcp tracker: modulo-2^32 sequence arithmetic", () => {
  it("verdicts, states and timeouts do not depend on where the ISNs sit", () => {
    fc.assert(
      fc.property(
        step,
        fc.array(step, { maxLength: 25 }),
        fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })),
        fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })),
        fc.boolean(),
        (first, steps, a, b, loose) => {
          fc.pre(!touchesZero(first, steps, a) && !touchesZero(first, steps, b));
          expect(run(first, steps, b, loose)).toEqual(run(first, steps, a, loose));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a handshake across the wrap point behaves like any other", () => {
    const hs: Step[] = [
      { dir: 1, flags: 0x12, seqOff: 0, ackOff: 1, len: 0, win: 65160 },
      { dir: 0, flags: 0x10, seqOff: 1, ackOff: 1, len: 0, win: 502 },
      { dir: 0, flags: 0x18, seqOff: 1, ackOff: 1, len: 600, win: 502 },
      { dir: 1, flags: 0x10, seqOff: 1, ackOff: 601, len: 0, win: 500 },
    ];
    const syn: Step = { dir: 0, flags: 0x02, seqOff: 0, ackOff: 0, len: 0, win: 64240 };
    const near = run(syn, hs, [0xfffffe00, 0xffffffff], true);
    expect(near).toEqual(run(syn, hs, [1000, 2000], true));
    expect(near[near.length - 1]!.split(" ").slice(0, 3)).toEqual(["0", "3", "432000"]);
  });
});
