import { describe, expect, it } from "vitest";
import { readIpv6Words } from "../src/payload/ipv6-text.js";

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
const SPACE = 0x20;

/** Parses `text` and returns the address as 8 hex groups and the end position, or null. */
function read(text: string): { groups: string; end: number } | null {
  const buf = latin1(text);
  const out = new Uint32Array(4);
  const end = readIpv6Words(buf, 0, buf.length, SPACE, out);
  if (end < 0) return null;
  const groups: string[] = [];
  for (const w of out) groups.push((w >>> 16).toString(16), (w & 0xffff).toString(16));
  return { groups: groups.join(":"), end };
}

describe("readIpv6Words (the kernel's in6_pton, ended by a space)", () => {
  it.each([
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["fd00:1::2", "fd00:1:0:0:0:0:0:2"],
    ["FD00:0001::0002", "fd00:1:0:0:0:0:0:2"],
    ["::1", "0:0:0:0:0:0:0:1"],
    ["::", "0:0:0:0:0:0:0:0"],
    ["1::", "1:0:0:0:0:0:0:0"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
    ["::ffff:10.0.1.2", "0:0:0:0:0:ffff:a00:102"],
    ["1:2:3:4:5:6:192.168.0.1", "1:2:3:4:5:6:c0a8:1"],
    ["2001:db8::255.255.255.255", "2001:db8:0:0:0:0:ffff:ffff"],
  ])("reads %s", (text, groups) => {
    expect(read(text)).toEqual({ groups, end: text.length });
  });

  it("ends at the delimiter, and only there (the kernel's rule: any other byte refuses the address)", () => {
    expect(read("fd00:1::2 5000")).toEqual({ groups: "fd00:1:0:0:0:0:0:2", end: 9 });
    expect(read("::1\r\n")).toBeNull();
  });

  it("reads a dotted tail with leading zeros as in4_pton does", () => {
    expect(read("::01.2.3.4")).toEqual({ groups: "0:0:0:0:0:0:102:304", end: 10 });
  });

  it.each([
    "",
    "1",
    ":1",
    "1:",
    "1:2",
    "1::2::3",
    ":::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
    "12345::",
    "g::1",
    "10.0.1.2",
    "::256.0.0.1",
    "::1.2.3",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3.4:5",
  ])("refuses %j", (text) => {
    const r = read(text);
    // Refused outright, or the address stops before the junk (the caller then needs a space).
    if (r !== null) expect(r.end).toBeLessThan(text.length);
    else expect(r).toBeNull();
  });
});
