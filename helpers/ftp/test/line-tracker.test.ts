import { describe, expect, it } from "vitest";
import { before, LineTracker } from "../src/line-tracker.js";

describe("LineTracker (Linux's seq_aft_nl)", () => {
  it("knows nothing at first", () => {
    const t = new LineTracker();
    expect(t.startsLine(0, 0)).toBe(false);
    expect(t.startsLine(1, 0)).toBe(false);
  });

  it("keeps two positions per direction, independently", () => {
    const t = new LineTracker();
    t.lineEndsBefore(0, 100);
    t.lineEndsBefore(0, 200);
    t.lineEndsBefore(1, 7);
    expect(t.positions(0)).toEqual([100, 200]);
    expect(t.positions(1)).toEqual([7]);
    expect(t.startsLine(0, 100) && t.startsLine(0, 200) && t.startsLine(1, 7)).toBe(true);
    expect(t.startsLine(1, 100)).toBe(false);
  });

  it("replaces the older position, only with a newer one", () => {
    const t = new LineTracker();
    t.lineEndsBefore(0, 100);
    t.lineEndsBefore(0, 200);
    t.lineEndsBefore(0, 300); // replaces 100
    expect(t.positions(0)).toEqual([300, 200]);
    t.lineEndsBefore(0, 150); // older than both: ignored
    expect(t.positions(0)).toEqual([300, 200]);
    t.lineEndsBefore(0, 300); // already there
    expect(t.positions(0)).toEqual([300, 200]);
  });

  it("orders positions across the 2^32 wrap", () => {
    expect(before(0xfffffff0, 0x10)).toBe(true);
    expect(before(0x10, 0xfffffff0)).toBe(false);
    const t = new LineTracker();
    t.lineEndsBefore(0, 0xfffffff0);
    t.lineEndsBefore(0, 0xfffffff8);
    t.lineEndsBefore(0, 0x8); // newer than both after the wrap: replaces the oldest
    expect(t.positions(0)).toEqual([0x8, 0xfffffff8]);
  });
});
