import { describe, expect, it } from "vitest";
import { AheadStore, MAX_PIECES } from "../src/payload/ahead-store.js";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const pieces = (a: AheadStore) => Array.from({ length: a.count }, (_, i) => [a.starts[i], a.ends[i]]);
const text = (a: AheadStore, from: number, to: number) => String.fromCharCode(...a.bytes.subarray(from, to));

describe("AheadStore", () => {
  it("keeps pieces as sorted disjoint intervals, merging overlaps and neighbours", () => {
    const a = new AheadStore(64);
    expect(a.add(100, 110, bytes("klm"), 0, 3)).toBe(true);
    expect(a.add(100, 104, bytes("ef"), 0, 2)).toBe(true);
    expect(pieces(a)).toEqual([[4, 6], [10, 13]]);
    expect(a.add(100, 106, bytes("ghij"), 0, 4)).toBe(true); // touches both
    expect(pieces(a)).toEqual([[4, 13]]);
    expect(text(a, 4, 13)).toBe("efghijklm");
    expect(a.add(100, 103, bytes("def"), 0, 3)).toBe(true); // overlaps the start
    expect(pieces(a)).toEqual([[3, 13]]);
  });

  it("refuses data beyond its window, at or before its base, or a piece too many", () => {
    const a = new AheadStore(16);
    expect(a.add(0, 10, new Uint8Array(7), 0, 7)).toBe(false);
    expect(a.add(0, 0, new Uint8Array(1), 0, 1)).toBe(false);
    const b = new AheadStore(64);
    for (let i = 0; i < MAX_PIECES; i++) expect(b.add(0, 2 + i * 4, new Uint8Array(1), 0, 1)).toBe(true);
    expect(b.add(0, 60, new Uint8Array(1), 0, 1)).toBe(false);
    expect(b.count).toBe(MAX_PIECES);
    // Merging into an existing piece needs no new slot.
    expect(b.add(0, 3, new Uint8Array(1), 0, 1)).toBe(true);
  });

  it("moves its window when pieces are consumed", () => {
    const a = new AheadStore(32);
    a.add(1000, 1004, bytes("abcd"), 0, 4);
    a.add(1000, 1010, bytes("xyz"), 0, 3);
    a.consume(1, 1008);
    expect(a.base).toBe(1008);
    expect(pieces(a)).toEqual([[2, 5]]);
    expect(text(a, 2, 5)).toBe("xyz");
    a.consume(1, 1013);
    expect(a.count).toBe(0);
  });

  it("works across the sequence-number wrap", () => {
    const a = new AheadStore(32);
    expect(a.add(0xfffffffe, 2, bytes("ab"), 0, 2)).toBe(true);
    expect(pieces(a)).toEqual([[4, 6]]);
  });
});
