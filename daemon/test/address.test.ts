import { describe, expect, it } from "vitest";
import { addressBytes, addressText } from "../src/bridge/address.js";

describe("address text and netlink bytes (core's parser and formatter)", () => {
  it("IPv4: four bytes in network order, and back", () => {
    expect(Array.from(addressBytes("192.0.2.21")!)).toEqual([192, 0, 2, 21]);
    expect(addressText(Uint8Array.of(10, 201, 1, 2))).toBe("10.201.1.2");
  });

  it("IPv6: sixteen bytes, written back in RFC 5952's short form", () => {
    const b = addressBytes("2001:DB8:0:0:0:0:0:1")!;
    expect(b.length).toBe(16);
    expect(Array.from(b.subarray(0, 4))).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    expect(b[15]).toBe(1);
    expect(addressText(b)).toBe("2001:db8::1");
  });

  it("refuses what is not an address", () => {
    for (const text of ["", "10.0.0", "10.0.0.256", "1::2::3", "fd00::g", "example.org"]) expect(addressBytes(text), text).toBeNull();
  });
});
