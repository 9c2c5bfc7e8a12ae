import { describe, expect, it } from "vitest";
import { createEngine, natTarget, reasonName, type Engine, type EngineOptions } from "../src/index.js";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { SctpChunkType as T, icmp, sctp, sctpInitBody, type SctpChunk } from "@alg-sdk/testing";
import { sctpTracker } from "../src/proto/sctp/tracker.js";
import { SctpState } from "../src/proto/sctp/states.js";
import { ConnTable } from "../src/table/conn-table.js";

// SCTP as Linux's nf_conntrack_proto_sctp.c tracks it (mainline).

const C = "10.0.1.2";
const S = "10.0.2.2";
/** The tags each side chose in its INIT / INIT ACK: packets TO the client carry CT, packets TO the server ST. */
const CT = 0x1111_1111;
const ST = 0x2222_2222;

type Dir = "original" | "reply";
const chunk = (type: number, body?: Uint8Array, flags = 0): SctpChunk => ({ type, body, flags });
/** A packet client → server (original) or server → client (reply) with verification tag `vtag`. */
function packet(dir: Dir, vtag: number, ...chunks: SctpChunk[]): Uint8Array {
  return dir === "original"
    ? sctp({ src: C, dst: S, sport: 5000, dport: 5001, vtag, chunks })
    : sctp({ src: S, dst: C, sport: 5001, dport: 5000, vtag, chunks });
}
const data = () => chunk(T.DATA, new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 65]), 3);

class Assoc {
  readonly engine: Engine;
  slot = -1;
  now = 1;
  constructor(options: EngineOptions = {}) {
    this.engine = createEngine(options);
  }
  send(bytes: Uint8Array, dt = 0.01) {
    this.now += dt;
    const r = this.engine.process(bytes, this.now);
    if (r.slot >= 0) this.slot = r.slot;
    return { state: r.stateName, dir: r.directionName, reason: r.reason === 0 ? null : reasonName(r.reason) };
  }
  get entry() {
    return this.engine.connection(this.slot)!;
  }
  get protoState(): string {
    return this.entry.protocolState;
  }
  /** INIT, INIT ACK, COOKIE ECHO, COOKIE ACK. */
  establish(): this {
    this.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))));
    this.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST))));
    this.send(packet("original", ST, chunk(T.COOKIE_ECHO, new Uint8Array(8))));
    this.send(packet("reply", CT, chunk(T.COOKIE_ACK)));
    return this;
  }
}

describe("SCTP: an association's life (sctp_conntracks)", () => {
  it("INIT is NEW and CLOSED for 10 s; INIT ACK makes COOKIE_WAIT, COOKIE ECHO COOKIE_ECHOED (3 s each); COOKIE ACK ESTABLISHED, ASSURED, 210 s", () => {
    const a = new Assoc();
    expect(a.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))))).toEqual({ state: "NEW", dir: "original", reason: null });
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["CLOSED", 10]);
    expect(a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST)))).state).toBe("ESTABLISHED");
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["COOKIE_WAIT", 3]);
    a.send(packet("original", ST, chunk(T.COOKIE_ECHO, new Uint8Array(8))));
    expect([a.protoState, Math.round(a.entry.timeout), a.entry.assured]).toEqual(["COOKIE_ECHOED", 3, false]);
    a.send(packet("reply", CT, chunk(T.COOKIE_ACK)));
    expect([a.protoState, Math.round(a.entry.timeout), a.entry.assured]).toEqual(["ESTABLISHED", 210, true]);
  });

  it("DATA and SACK keep the state and refresh its timeout", () => {
    const a = new Assoc().establish();
    a.send(packet("original", ST, data()), 100);
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["ESTABLISHED", 210]);
    a.send(packet("reply", CT, chunk(T.SACK, new Uint8Array(12))));
    expect(a.protoState).toBe("ESTABLISHED");
  });

  it("SHUTDOWN from the client: SHUTDOWN_SENT; SHUTDOWN ACK: SHUTDOWN_ACK_SENT; SHUTDOWN COMPLETE: CLOSED (3, 3, 10 s)", () => {
    const a = new Assoc().establish();
    a.send(packet("original", ST, chunk(T.SHUTDOWN, new Uint8Array(4))));
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["SHUTDOWN_SENT", 3]);
    a.send(packet("reply", CT, chunk(T.SHUTDOWN_ACK)));
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["SHUTDOWN_ACK_SENT", 3]);
    a.send(packet("original", ST, chunk(T.SHUTDOWN_COMPLETE)));
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["CLOSED", 10]);
  });

  it("SHUTDOWN from the server: SHUTDOWN_RECD", () => {
    const a = new Assoc().establish();
    a.send(packet("reply", CT, chunk(T.SHUTDOWN, new Uint8Array(4))));
    expect(a.protoState).toBe("SHUTDOWN_RECD");
  });

  it("ABORT closes from any state", () => {
    const a = new Assoc().establish();
    expect(a.send(packet("original", ST, chunk(T.ABORT))).reason).toBe(null);
    expect(a.protoState).toBe("CLOSED");
  });

  it("the timeouts are the engine's, named after the sysctls", () => {
    const a = new Assoc({ timeouts: { sctpEstablished: 100, sctpCookieWait: 7 } });
    a.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))));
    a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST))));
    expect(Math.round(a.entry.timeout)).toBe(7);
    a.send(packet("original", ST, chunk(T.COOKIE_ECHO, new Uint8Array(8))));
    a.send(packet("reply", CT, chunk(T.COOKIE_ACK)));
    expect(Math.round(a.entry.timeout)).toBe(100);
  });

  it("an entry that timed out is gone: the next DATA cannot open one (sctp_new refuses DATA)", () => {
    const a = new Assoc().establish();
    expect(a.send(packet("original", ST, data()), 211)).toMatchObject({ state: "INVALID", reason: "sctp-invalid-new" });
  });
});

/**
 * Linux's state table, written out again here state by state, to check the
 * tracker against: for each state reachable after a first packet, the next
 * state for each chunk type in each direction ("INVALID": the packet is
 * INVALID and the state stays).
 */
const NAMES = ["INIT", "INIT_ACK", "ABORT", "SHUTDOWN", "SHUTDOWN_ACK", "ERROR", "COOKIE_ECHO", "COOKIE_ACK", "SHUTDOWN_COMPLETE", "HEARTBEAT", "HEARTBEAT_ACK"] as const;
const TYPES: Record<(typeof NAMES)[number], number> = {
  INIT: T.INIT,
  INIT_ACK: T.INIT_ACK,
  ABORT: T.ABORT,
  SHUTDOWN: T.SHUTDOWN,
  SHUTDOWN_ACK: T.SHUTDOWN_ACK,
  ERROR: T.ERROR,
  COOKIE_ECHO: T.COOKIE_ECHO,
  COOKIE_ACK: T.COOKIE_ACK,
  SHUTDOWN_COMPLETE: T.SHUTDOWN_COMPLETE,
  HEARTBEAT: T.HEARTBEAT,
  HEARTBEAT_ACK: T.HEARTBEAT_ACK,
};
// Columns in the order of NAMES.
const EXPECTED: Record<string, Record<Dir, string[]>> = {
  CLOSED: {
    original: ["CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED"],
    reply: ["CLOSED", "COOKIE_WAIT", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED"],
  },
  COOKIE_WAIT: {
    original: ["COOKIE_WAIT", "COOKIE_WAIT", "CLOSED", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_ECHOED", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_WAIT"],
    reply: ["COOKIE_WAIT", "COOKIE_WAIT", "CLOSED", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_ECHOED", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_WAIT", "COOKIE_WAIT"],
  },
  COOKIE_ECHOED: {
    original: ["COOKIE_ECHOED", "COOKIE_ECHOED", "CLOSED", "COOKIE_ECHOED", "COOKIE_ECHOED", "COOKIE_ECHOED", "COOKIE_ECHOED", "ESTABLISHED", "COOKIE_ECHOED", "COOKIE_ECHOED", "COOKIE_ECHOED"],
    reply: ["COOKIE_ECHOED", "COOKIE_ECHOED", "CLOSED", "COOKIE_ECHOED", "COOKIE_ECHOED", "CLOSED", "COOKIE_ECHOED", "ESTABLISHED", "COOKIE_ECHOED", "COOKIE_ECHOED", "COOKIE_ECHOED"],
  },
  ESTABLISHED: {
    original: ["ESTABLISHED", "ESTABLISHED", "CLOSED", "SHUTDOWN_SENT", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED"],
    reply: ["ESTABLISHED", "ESTABLISHED", "CLOSED", "SHUTDOWN_RECD", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "ESTABLISHED"],
  },
  SHUTDOWN_SENT: {
    original: ["CLOSED", "SHUTDOWN_SENT", "CLOSED", "SHUTDOWN_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT"],
    reply: ["SHUTDOWN_SENT", "SHUTDOWN_SENT", "CLOSED", "SHUTDOWN_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT", "SHUTDOWN_SENT"],
  },
  SHUTDOWN_RECD: {
    original: ["CLOSED", "SHUTDOWN_RECD", "CLOSED", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD"],
    reply: ["SHUTDOWN_RECD", "SHUTDOWN_RECD", "CLOSED", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD", "SHUTDOWN_RECD"],
  },
  SHUTDOWN_ACK_SENT: {
    original: ["SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "CLOSED", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "CLOSED", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT"],
    reply: ["SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "CLOSED", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT", "CLOSED", "SHUTDOWN_ACK_SENT", "SHUTDOWN_ACK_SENT"],
  },
  HEARTBEAT_SENT: {
    original: ["COOKIE_WAIT", "CLOSED", "CLOSED", "CLOSED", "SHUTDOWN_ACK_SENT", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "HEARTBEAT_SENT", "HEARTBEAT_SENT"],
    reply: ["INVALID", "INVALID", "INVALID", "INVALID", "INVALID", "INVALID", "INVALID", "INVALID", "INVALID", "HEARTBEAT_SENT", "ESTABLISHED"],
  },
};

/** An association brought into `state`, with the tags each direction carries there. */
function reach(state: string): { a: Assoc; tag: Record<Dir, number> } {
  const a = new Assoc();
  const both = { original: ST, reply: CT };
  const init = () => a.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))));
  switch (state) {
    case "CLOSED":
      init();
      return { a, tag: { original: 0, reply: CT } };
    case "COOKIE_WAIT":
      init();
      a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST))));
      return { a, tag: both };
    case "COOKIE_ECHOED":
      init();
      a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST))));
      a.send(packet("original", ST, chunk(T.COOKIE_ECHO, new Uint8Array(8))));
      return { a, tag: both };
    case "ESTABLISHED":
      return { a: a.establish(), tag: both };
    case "SHUTDOWN_SENT":
      a.establish().send(packet("original", ST, chunk(T.SHUTDOWN, new Uint8Array(4))));
      return { a, tag: both };
    case "SHUTDOWN_RECD":
      a.establish().send(packet("reply", CT, chunk(T.SHUTDOWN, new Uint8Array(4))));
      return { a, tag: both };
    case "SHUTDOWN_ACK_SENT":
      a.establish().send(packet("original", ST, chunk(T.SHUTDOWN, new Uint8Array(4))));
      a.send(packet("reply", CT, chunk(T.SHUTDOWN_ACK)));
      return { a, tag: both };
    case "HEARTBEAT_SENT":
      // A HEARTBEAT opens the entry of a secondary path with the tag it carries.
      a.send(packet("original", ST, chunk(T.HEARTBEAT, new Uint8Array(8))));
      return { a, tag: { original: ST, reply: 0 } };
  }
  throw new Error(state);
}

/** The chunk of type `name` as a well-behaved endpoint in direction `dir` would send it. */
function wellFormed(name: (typeof NAMES)[number], dir: Dir, tag: Record<Dir, number>): Uint8Array {
  const other: Dir = dir === "original" ? "reply" : "original";
  switch (name) {
    case "INIT":
      return packet(dir, 0, chunk(T.INIT, sctpInitBody(0x3333_3333)));
    case "INIT_ACK":
      // The tag the other side is known to expect, when there is one.
      return packet(dir, tag[dir], chunk(T.INIT_ACK, sctpInitBody(tag[other] !== 0 ? tag[other] : 0x4444_4444)));
    case "SHUTDOWN":
    case "ERROR":
      return packet(dir, tag[dir], chunk(TYPES[name], new Uint8Array(4)));
    case "COOKIE_ECHO":
    case "HEARTBEAT":
    case "HEARTBEAT_ACK":
      return packet(dir, tag[dir], chunk(TYPES[name], new Uint8Array(8)));
    default:
      return packet(dir, tag[dir], chunk(TYPES[name]));
  }
}

describe("SCTP: every transition of Linux's state table", () => {
  for (const [state, byDir] of Object.entries(EXPECTED)) {
    for (const dir of ["original", "reply"] as const) {
      it(`${state}, ${dir} direction`, () => {
        NAMES.forEach((name, i) => {
          const { a, tag } = reach(state);
          expect(a.protoState).toBe(state);
          const r = a.send(wellFormed(name, dir, tag));
          const want = byDir[dir][i]!;
          if (want === "INVALID") {
            expect(r, `${name} in ${state} (${dir})`).toMatchObject({ state: "INVALID", reason: "sctp-invalid-state" });
            expect(a.protoState).toBe(state);
          } else {
            // NEW while no reply was seen (CLOSED after an INIT, HEARTBEAT_SENT), ESTABLISHED after.
            expect(r.reason, `${name} in ${state} (${dir})`).toBe(null);
            expect(["NEW", "ESTABLISHED"]).toContain(r.state);
            expect(a.protoState, `${name} in ${state} (${dir})`).toBe(want);
          }
        });
      });
    }
  }
});

describe("SCTP: the first packet of an entry (sctp_new and the out-of-the-blue rules)", () => {
  const first = (tag: number, ...chunks: SctpChunk[]) => {
    const a = new Assoc();
    return { r: a.send(packet("original", tag, ...chunks)), a };
  };

  it("INIT with tag 0 opens an entry in CLOSED", () => {
    const { r, a } = first(0, chunk(T.INIT, sctpInitBody(CT)));
    expect(r.state).toBe("NEW");
    expect(a.protoState).toBe("CLOSED");
  });

  it("INIT with a non-zero tag is INVALID (8.5.1 (A)) and nothing is created", () => {
    const { r, a } = first(5, chunk(T.INIT, sctpInitBody(CT)));
    expect(r).toMatchObject({ state: "INVALID", reason: "sctp-invalid-new" });
    expect(a.engine.connectionCount).toBe(0);
  });

  it("INIT too short for its initiate tag is INVALID", () => {
    expect(first(0, chunk(T.INIT, new Uint8Array(8))).r.state).toBe("INVALID");
  });

  it("HEARTBEAT opens a secondary path's entry in HEARTBEAT_SENT (30 s); its HEARTBEAT ACK makes it ESTABLISHED and ASSURED", () => {
    const { r, a } = first(ST, chunk(T.HEARTBEAT, new Uint8Array(8)));
    expect(r.state).toBe("NEW");
    expect([a.protoState, Math.round(a.entry.timeout)]).toEqual(["HEARTBEAT_SENT", 30]);
    a.send(packet("reply", CT, chunk(T.HEARTBEAT_ACK, new Uint8Array(8))));
    expect([a.protoState, a.entry.assured, Math.round(a.entry.timeout)]).toEqual(["ESTABLISHED", true, 210]);
    // The ACK taught the reply direction its tag: DATA must now carry it.
    expect(a.send(packet("reply", CT, data())).state).toBe("ESTABLISHED");
    expect(a.send(packet("reply", 9, data())).reason).toBe("sctp-vtag-mismatch");
  });

  it("an out-of-the-blue SHUTDOWN ACK opens an entry in SHUTDOWN_ACK_SENT, expecting the answer with its tag", () => {
    const { a } = first(0x77, chunk(T.SHUTDOWN_ACK));
    expect(a.protoState).toBe("SHUTDOWN_ACK_SENT");
    expect(a.send(packet("reply", 0x77, chunk(T.SHUTDOWN_COMPLETE))).state).toBe("ESTABLISHED");
    expect(a.protoState).toBe("CLOSED");
  });

  it("ABORT, SHUTDOWN COMPLETE or COOKIE ACK cannot open an entry (8.4: discard out of the blue)", () => {
    for (const type of [T.ABORT, T.SHUTDOWN_COMPLETE, T.COOKIE_ACK]) {
      const { r, a } = first(0, chunk(type));
      expect(r, `type ${type}`).toMatchObject({ state: "INVALID", reason: "sctp-invalid-new" });
      expect(a.engine.connectionCount).toBe(0);
    }
  });

  it("DATA, SACK or any chunk without a transition cannot open an entry", () => {
    for (const c of [data(), chunk(T.SACK, new Uint8Array(12)), chunk(200, new Uint8Array(4))]) {
      expect(first(0, c).r).toMatchObject({ state: "INVALID", reason: "sctp-invalid-new" });
    }
  });

  it("INIT ACK, SHUTDOWN, ERROR or COOKIE ECHO opens an entry in CLOSED when its tag is 0 (the general tag check), and is INVALID with another tag", () => {
    for (const c of [chunk(T.INIT_ACK, sctpInitBody(ST)), chunk(T.SHUTDOWN, new Uint8Array(4)), chunk(T.ERROR, new Uint8Array(4))]) {
      const { r, a } = first(0, c);
      expect(r.state).toBe("NEW");
      expect(a.protoState).toBe("CLOSED");
      expect(first(7, c).r).toMatchObject({ state: "INVALID", reason: "sctp-vtag-mismatch" });
    }
    expect(first(0, chunk(T.COOKIE_ECHO, new Uint8Array(8))).a.protoState).toBe("CLOSED");
  });
});

describe("SCTP: the basic checks of every packet (do_basic_checks)", () => {
  const a = () => new Assoc().establish();
  it("a packet without chunks is INVALID", () => {
    expect(a().send(packet("original", ST))).toMatchObject({ state: "INVALID", reason: "sctp-bad-chunks" });
  });
  it("a chunk of length 0 is INVALID", () => {
    expect(a().send(packet("original", ST, { type: T.DATA, length: 0, body: new Uint8Array(4) })).reason).toBe("sctp-bad-chunks");
  });
  it("INIT, INIT ACK and SHUTDOWN COMPLETE must be alone", () => {
    expect(a().send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT)), data())).reason).toBe("sctp-bad-chunks");
    expect(a().send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST)), data())).reason).toBe("sctp-bad-chunks");
    expect(a().send(packet("original", ST, chunk(T.SHUTDOWN_COMPLETE), data())).reason).toBe("sctp-bad-chunks");
    expect(a().send(packet("original", ST, data(), chunk(T.SHUTDOWN_COMPLETE))).reason).toBe("sctp-bad-chunks");
  });
  it("COOKIE ECHO and COOKIE ACK must come first; chunks may follow them", () => {
    expect(a().send(packet("original", ST, data(), chunk(T.COOKIE_ECHO, new Uint8Array(8)))).reason).toBe("sctp-bad-chunks");
    expect(a().send(packet("reply", CT, data(), chunk(T.COOKIE_ACK))).reason).toBe("sctp-bad-chunks");
    expect(a().send(packet("original", ST, chunk(T.COOKIE_ECHO, new Uint8Array(8)), data())).reason).toBe(null);
  });
  it("a packet shorter than the 12-byte common header is INVALID", () => {
    const b = packet("original", ST, data());
    const cut = b.slice(0, 30);
    cut[3] = 30;
    expect(a().send(cut).reason).toBe("truncated");
  });
});

describe("SCTP: verification tags (RFC 9260 8.5)", () => {
  it("a DATA with another tag than its direction's is INVALID, and the entry's timer is not refreshed", () => {
    const a = new Assoc().establish();
    const before = a.entry.timeout;
    expect(a.send(packet("original", CT, data()), 50)).toMatchObject({ state: "INVALID", reason: "sctp-vtag-mismatch" });
    expect(a.entry.timeout).toBeCloseTo(before - 50, 5);
    expect(a.protoState).toBe("ESTABLISHED");
  });

  it("ABORT carries its own direction's tag, or with the T bit the peer's (8.5.1 (B))", () => {
    expect(new Assoc().establish().send(packet("original", CT, chunk(T.ABORT))).reason).toBe("sctp-vtag-mismatch");
    const a = new Assoc().establish();
    expect(a.send(packet("original", CT, chunk(T.ABORT, undefined, 1))).reason).toBe(null);
    expect(a.protoState).toBe("CLOSED");
    expect(new Assoc().establish().send(packet("original", ST, chunk(T.ABORT, undefined, 1))).reason).toBe("sctp-vtag-mismatch");
  });

  it("SHUTDOWN COMPLETE follows the same rule with the T bit (8.5.1 (C))", () => {
    const a = new Assoc().establish();
    a.send(packet("original", ST, chunk(T.SHUTDOWN, new Uint8Array(4))));
    a.send(packet("reply", CT, chunk(T.SHUTDOWN_ACK)));
    expect(a.send(packet("original", CT, chunk(T.SHUTDOWN_COMPLETE))).reason).toBe("sctp-vtag-mismatch");
    expect(a.send(packet("original", CT, chunk(T.SHUTDOWN_COMPLETE, undefined, 1))).reason).toBe(null);
    expect(a.protoState).toBe("CLOSED");
  });

  it("COOKIE ECHO must carry the tag the INIT ACK gave (8.5.1 (D))", () => {
    const a = new Assoc();
    a.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))));
    a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST))));
    expect(a.send(packet("original", ST + 1, chunk(T.COOKIE_ECHO, new Uint8Array(8)))).reason).toBe("sctp-vtag-mismatch");
    expect(a.protoState).toBe("COOKIE_WAIT");
  });

  it("an INIT in an established association must carry tag 0", () => {
    expect(new Assoc().establish().send(packet("original", ST, chunk(T.INIT, sctpInitBody(CT)))).reason).toBe("sctp-vtag-mismatch");
  });

  it("an INIT ACK must announce the tag already learnt for its receiver unless that side's INIT is pending", () => {
    const a = new Assoc().establish();
    // COOKIE ACK cleared the INIT marks: the server's INIT ACK must now announce ST again.
    expect(a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(0x5555)))).reason).toBe("sctp-vtag-mismatch");
    expect(a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST)))).reason).toBe(null);
  });

  it("INIT collision: when both sides sent an INIT, an INIT ACK must announce the tag of the receiver's INIT", () => {
    const a = new Assoc();
    a.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))));
    // The server's own INIT (tag 0, announcing ST for packets to it).
    a.send(packet("reply", 0, chunk(T.INIT, sctpInitBody(ST))));
    expect(a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(0x6666)))).reason).toBe("sctp-vtag-mismatch");
    expect(a.send(packet("reply", CT, chunk(T.INIT_ACK, sctpInitBody(ST)))).reason).toBe(null);
  });

  it("a HEARTBEAT with a new tag is let through once without refreshing; the other side's HEARTBEAT ACK adopts it", () => {
    const a = new Assoc().establish();
    const NEW = 0x9999_9999;
    a.send(packet("original", ST, data()), 1);
    const before = a.entry.timeout;
    expect(a.send(packet("original", NEW, chunk(T.HEARTBEAT, new Uint8Array(8))), 20).reason).toBe(null);
    expect(a.entry.timeout).toBeCloseTo(before - 20, 5);
    expect(a.send(packet("reply", CT + 1, chunk(T.HEARTBEAT_ACK, new Uint8Array(8)))).reason).toBe(null);
    // The reply direction now carries CT + 1, and the original direction learns its tag anew.
    expect(a.send(packet("reply", CT + 1, data())).reason).toBe(null);
    expect(a.send(packet("original", NEW, chunk(T.HEARTBEAT, new Uint8Array(8)))).reason).toBe(null);
    expect(a.send(packet("original", NEW, data())).reason).toBe(null);
  });

  it("a HEARTBEAT ACK with a new tag from the side that sent the HEARTBEAT, or without one pending, is INVALID", () => {
    const a = new Assoc().establish();
    expect(a.send(packet("reply", 0x42, chunk(T.HEARTBEAT_ACK, new Uint8Array(8)))).reason).toBe("sctp-vtag-mismatch");
    a.send(packet("original", 0x43, chunk(T.HEARTBEAT, new Uint8Array(8))));
    expect(a.send(packet("original", 0x44, chunk(T.HEARTBEAT_ACK, new Uint8Array(8)))).reason).toBe("sctp-vtag-mismatch");
  });

  it("a HEARTBEAT with a new tag bundled with DATA is INVALID", () => {
    const a = new Assoc().establish();
    expect(a.send(packet("original", 0x43, chunk(T.HEARTBEAT, new Uint8Array(8)), data())).reason).toBe("sctp-vtag-mismatch");
  });
});

describe("SCTP: the rest of Linux's rules", () => {
  it("an INIT retransmitted into a closed entry is accepted without refreshing it", () => {
    const a = new Assoc().establish();
    a.send(packet("original", ST, chunk(T.ABORT)));
    const before = a.entry.timeout;
    expect(a.send(packet("original", 0, chunk(T.INIT, sctpInitBody(CT))), 5)).toMatchObject({ state: "ESTABLISHED", reason: null });
    expect(a.protoState).toBe("CLOSED");
    expect(a.entry.timeout).toBeCloseTo(before - 5, 5);
  });

  it("a chunk the state does not allow leaves earlier chunks of the packet applied (as Linux, which changes state chunk by chunk)", () => {
    const a = new Assoc();
    a.send(packet("original", ST, chunk(T.HEARTBEAT, new Uint8Array(8))));
    // Reply direction in HEARTBEAT_SENT: HEARTBEAT ACK moves to ESTABLISHED, then ERROR is fine there.
    expect(a.send(packet("reply", 0, chunk(T.HEARTBEAT_ACK, new Uint8Array(8)), chunk(T.ERROR, new Uint8Array(4)))).reason).toBe(null);
    expect(a.protoState).toBe("ESTABLISHED");
  });

  it("only an association being shut down may be evicted while ASSURED (sctp_can_early_drop)", () => {
    const t = new ConnTable(4);
    const s = t.allocate();
    const droppable = Object.entries(SctpState)
      .filter(([, v]) => {
        t.setProtoState(s, v);
        return sctpTracker.canEarlyDrop(t, s);
      })
      .map(([k]) => k);
    expect(droppable).toEqual(["SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT"]);
  });

  it("with checksums on, a bad CRC-32C is INVALID (sctp_error); the right one passes", () => {
    const a = new Assoc({ checksums: true });
    const good = packet("original", 0, chunk(T.INIT, sctpInitBody(CT)));
    const bad = sctp({ src: C, dst: S, sport: 5000, dport: 5001, vtag: 0, chunks: [chunk(T.INIT, sctpInitBody(CT))], checksum: 1234 });
    expect(a.send(bad)).toMatchObject({ state: "INVALID", reason: "bad-checksum" });
    expect(a.send(good).state).toBe("NEW");
  });

  it("works the same over IPv6", () => {
    const e = createEngine();
    const six = (src: string, dst: string, sport: number, dport: number, vtag: number, c: SctpChunk) => sctp({ src, dst, sport, dport, vtag, chunks: [c] });
    expect(e.process(six("fd00:1::2", "fd00:2::2", 5000, 5001, 0, chunk(T.INIT, sctpInitBody(CT))), 1).stateName).toBe("NEW");
    expect(e.process(six("fd00:2::2", "fd00:1::2", 5001, 5000, CT, chunk(T.INIT_ACK, sctpInitBody(ST))), 1).stateName).toBe("ESTABLISHED");
    expect([...e.connections()][0]!.protocolState).toBe("COOKIE_WAIT");
  });

  it("an ICMP error quoting an SCTP packet is RELATED to its association", () => {
    const a = new Assoc({ helpers: [icmpHelper()] }).establish();
    const quoted = packet("original", ST, data()).subarray(0, 28 + 12);
    const err = icmp({ src: S, dst: C, type: 3, code: 3, payload: quoted });
    expect(a.send(err)).toMatchObject({ state: "RELATED", dir: "reply" });
  });

  it("source NAT rewrites the port and the CRC-32C (sctp_manip_pkt)", () => {
    const e = createEngine({
      checksums: true,
      policy: { sourceNat: (p) => (p.src[0] === 0x0a000102 ? natTarget({ address: "10.0.2.100", port: 7000 }) : null) },
    });
    const init = packet("original", 0, chunk(T.INIT, sctpInitBody(CT)));
    const r = e.process(init, 1);
    expect(r.stateName).toBe("NEW");
    const out = r.outBytes!.slice(r.outOffset, r.outOffset + r.outLength);
    expect([(out[20]! << 8) | out[21]!, out[12], out[13], out[14], out[15]]).toEqual([7000, 10, 0, 2, 100]);
    // The translated packet verifies: replayed into a checking engine it is accepted.
    expect(createEngine({ checksums: true }).process(out, 1).stateName).toBe("NEW");
  });
});
