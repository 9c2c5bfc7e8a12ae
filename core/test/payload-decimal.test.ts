import { describe, expect, it } from "vitest";
import { DecimalCursor, MOD_16, MOD_32, readDecimal } from "../src/payload/decimal.js";

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

function read(text: string, modulus: number, pos = 0): DecimalCursor {
  const buf = latin1(text);
  const out = new DecimalCursor();
  readDecimal(buf, pos, buf.length, modulus, out);
  return out;
}

describe("readDecimal (simple_strtoul stored into u32 / u16)", () => {
  it("reads digits up to the first other byte", () => {
    expect(read("167772418 5000", MOD_32)).toMatchObject({ value: 167772418, pos: 9, digits: 9 });
    expect(read("x5000", MOD_16, 1)).toMatchObject({ value: 5000, pos: 5, digits: 4 });
  });

  it("reads no digits as 0 without moving", () => {
    expect(read("abc", MOD_32)).toMatchObject({ value: 0, pos: 0, digits: 0 });
    expect(read("+1", MOD_32)).toMatchObject({ value: 0, pos: 0, digits: 0 });
    expect(read(" 1", MOD_32)).toMatchObject({ value: 0, pos: 0, digits: 0 });
  });

  it("wraps overlong numbers instead of failing", () => {
    expect(read("4294967296", MOD_32).value).toBe(0);
    expect(read("4462739714", MOD_32).value).toBe(167772418);
    expect(read("70536", MOD_16).value).toBe(5000);
    // Far beyond 2^64: still the value modulo 2^32, since 2^32 divides 2^64.
    const big = "123456789012345678901234567890";
    expect(read(big, MOD_32).value).toBe(Number(BigInt(big) % 2n ** 32n));
    expect(read(big, MOD_32).digits).toBe(30);
  });
});
