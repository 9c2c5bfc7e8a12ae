import { describe, expect, it } from "vitest";
import { ascii, indexOfByte, indexOfBytes, lastIndexOfByte, matchesAt, matchesCaselessAt } from "../src/payload/index.js";

const text = ascii("xxCONNECT DATA 50000\n");

describe("payload byte scanning", () => {
  it("indexOfBytes finds a pattern wholly inside the window, first occurrence first", () => {
    expect(indexOfBytes(text, 0, text.length, ascii("CONNECT "))).toBe(2);
    expect(indexOfBytes(ascii("abab"), 1, 4, ascii("ab"))).toBe(2);
    expect(indexOfBytes(text, 3, text.length, ascii("CONNECT "))).toBe(-1);
    // A match that would run past `end` is not a match.
    expect(indexOfBytes(text, 0, 9, ascii("CONNECT "))).toBe(-1);
    expect(indexOfBytes(text, 0, 10, ascii("CONNECT "))).toBe(2);
    expect(indexOfBytes(text, 4, 4, ascii(""))).toBe(4);
    expect(indexOfBytes(text, 0, text.length, ascii("NOPE"))).toBe(-1);
  });

  it("single bytes, exact and caseless matches stay inside their window", () => {
    expect(indexOfByte(text, 0, text.length, 10)).toBe(text.length - 1);
    expect(lastIndexOfByte(text, 0, text.length, 0x30)).toBe(text.length - 2);
    expect(matchesAt(text, 2, 9, ascii("CONNECT "))).toBe(false);
    expect(matchesCaselessAt(ascii("connect "), 0, 8, ascii("connect "))).toBe(true);
    expect(matchesCaselessAt(text, 2, text.length, ascii("connect "))).toBe(true);
  });
});
