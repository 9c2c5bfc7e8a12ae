import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NfVerdict } from "../src/netlink/constants.js";
import { splitMessages } from "../src/netlink/reader.js";
import { decodeVerdict, type DecodedVerdict } from "../src/nfqueue/verdict.js";
import { Counters } from "../src/runtime/counters.js";
import { VerdictSequencer } from "../src/runtime/verdict-sequencer.js";

function setup(batch: boolean, boundMs = 100) {
  const sent: DecodedVerdict[][] = [];
  const counters = new Counters();
  const s = new VerdictSequencer(4, (d) => sent.push(splitMessages(d).messages.map((m) => decodeVerdict(m)!)), counters, batch, boundMs);
  return { s, sent, counters };
}

const short = (v: DecodedVerdict) => `${v.batch ? "batch≤" : ""}${v.id}:${v.verdict === NfVerdict.ACCEPT ? "A" : "D"}`;

describe("VerdictSequencer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("per-packet mode: one verdict message per packet, sent at once", () => {
    const { s, sent, counters } = setup(false);
    s.ready(1, NfVerdict.ACCEPT);
    s.ready(2, NfVerdict.DROP);
    expect(sent.map((d) => d.map(short))).toEqual([["1:A"], ["2:D"]]);
    expect([counters.verdictsAccept, counters.verdictsDrop, counters.verdictMessages, counters.batchVerdicts]).toEqual([1, 1, 2, 0]);
  });

  it("batch mode: packets of one event-loop turn share a batch verdict; a drop stands alone", () => {
    const { s, sent, counters } = setup(true);
    for (const id of [10, 11, 12]) s.ready(id, NfVerdict.ACCEPT);
    s.ready(13, NfVerdict.DROP);
    s.ready(14, NfVerdict.ACCEPT);
    expect(sent).toHaveLength(0);
    vi.runOnlyPendingTimers();
    expect(sent.map((d) => d.map(short))).toEqual([["batch≤12:A", "13:D", "14:A"]]);
    expect([counters.verdictsAccept, counters.verdictsDrop, counters.batchVerdicts]).toEqual([4, 1, 1]);
  });

  it("holds later packets behind one that waits for its expectations, then releases them in order", async () => {
    const { s, sent } = setup(false);
    let release!: () => void;
    s.after(1, NfVerdict.ACCEPT, new Promise<void>((r) => (release = r)));
    s.ready(2, NfVerdict.ACCEPT);
    expect(sent).toHaveLength(0);
    expect(s.pending).toBe(2);
    release();
    await vi.runAllTimersAsync();
    expect(sent.flat().map(short)).toEqual(["1:A", "2:A"]);
    expect(s.pending).toBe(0);
  });

  it("gives the verdict when the bound passes, counts it, and ignores the late answer", async () => {
    const { s, sent, counters } = setup(false, 50);
    let release!: () => void;
    s.after(7, NfVerdict.ACCEPT, new Promise<void>((r) => (release = r)));
    await vi.advanceTimersByTimeAsync(49);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.flat().map(short)).toEqual(["7:A"]);
    expect(counters.verdictTimeouts).toBe(1);
    release();
    await vi.runAllTimersAsync();
    expect(sent.flat()).toHaveLength(1);
  });

  it("a batch never names an id past a packet still waiting", async () => {
    const { s, sent } = setup(true);
    s.ready(1, NfVerdict.ACCEPT);
    s.ready(2, NfVerdict.ACCEPT);
    let release!: () => void;
    s.after(3, NfVerdict.ACCEPT, new Promise<void>((r) => (release = r)));
    s.ready(4, NfVerdict.ACCEPT);
    s.ready(5, NfVerdict.ACCEPT);
    vi.advanceTimersByTime(1); // the end of the turn, not the 100 ms bound
    expect(sent.flat().map(short)).toEqual(["batch≤2:A"]);
    release();
    await vi.runAllTimersAsync();
    expect(sent.flat().map(short)).toEqual(["batch≤2:A", "batch≤5:A"]);
  });
});
