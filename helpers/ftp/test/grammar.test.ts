import { describe, expect, it } from "vitest";
import { FtpCommand, FtpCommandKind, FtpMatch, parseFtpCommand } from "@alg-sdk/helper-ftp";
import { addressBytes, toBytes } from "@alg-sdk/testing";

/** The grammar on its own: Linux's find_pattern and number readers, byte for byte. */

const CLIENT4 = words("10.0.1.2");
const CLIENT6 = words("fd00:1::2");

function words(text: string): Uint32Array {
  const b = addressBytes(text).bytes;
  const w = new Uint32Array(4);
  for (let i = 0; i < b.length / 4; i++) w[i] = ((b[i * 4]! << 24) | (b[i * 4 + 1]! << 16) | (b[i * 4 + 2]! << 8) | b[i * 4 + 3]!) >>> 0;
  return w;
}

function parse(text: string, dir: 0 | 1, family: 4 | 6 = 4, sender = family === 4 ? CLIENT4 : CLIENT6) {
  const cmd = new FtpCommand();
  const b = toBytes(text);
  const r = parseFtpCommand(b, 0, b.length, dir, family, sender, cmd);
  return { r, cmd, address: [...cmd.address], port: cmd.port, kind: cmd.kind };
}

describe("parseFtpCommand", () => {
  it("reports the kind, address, port and where the numbers are", () => {
    const p = parse("PORT 10,0,1,2,4,1\r\n", 0);
    expect(p.r).toBe(FtpMatch.FOUND);
    expect(p.kind).toBe(FtpCommandKind.PORT);
    expect(p.address).toEqual([0x0a000102, 0, 0, 0]);
    expect(p.port).toBe(1025);
    expect(p.cmd.numberOffset).toBe(5);
    expect(p.cmd.numberLength).toBe(12);

    const q = parse("227 Entering Passive Mode (10,0,2,2,117,136).\r\n", 1, 4, words("10.0.2.2"));
    expect(q.kind).toBe(FtpCommandKind.PASV);
    expect(q.port).toBe(30088);
    expect(q.cmd.numberOffset).toBe(27);
  });

  it("looks only for its direction's keywords", () => {
    expect(parse("227 (10,0,1,2,4,1)\r\n", 0).r).toBe(FtpMatch.NONE);
    expect(parse("229 (|||1|)\r\n", 0).r).toBe(FtpMatch.NONE);
    expect(parse("PORT 10,0,1,2,4,1\r\n", 1).r).toBe(FtpMatch.NONE);
    expect(parse("EPRT |1|10.0.1.2|1|\r\n", 1).r).toBe(FtpMatch.NONE);
  });

  it("says PARTIAL for a prefix of a keyword and NONE for anything else", () => {
    for (const t of ["P", "po", "POR", "E", "EPR"]) expect(parse(t, 0).r, t).toBe(FtpMatch.PARTIAL);
    for (const t of ["2", "22", "227", "229", "227 ", "229 "]) expect(parse(t, 1).r, t).toBe(FtpMatch.PARTIAL);
    for (const t of ["X", "PAS", "USER x\r\n", "POST", "EPSV\r\n"]) expect(parse(t, 0).r, t).toBe(FtpMatch.NONE);
    for (const t of ["3", "228 x", "200 PORT ok\r\n", "22 "]) expect(parse(t, 1).r, t).toBe(FtpMatch.NONE);
    expect(parse("", 0).r).toBe(FtpMatch.NONE);
  });

  it("folds only ASCII letters (digits and the space of 227 compare exactly)", () => {
    expect(parse("pOrT 10,0,1,2,4,1\r\n", 0).r).toBe(FtpMatch.FOUND);
    // 0x12 | 0x20 = '2', 0x00 | 0x20 = ' ': must not fold.
    expect(parse("\x12\x1227 (10,0,1,2,4,1)\r\n", 1).r).toBe(FtpMatch.NONE);
    expect(parse("227\x00(10,0,1,2,4,1)\r\n", 1).r).toBe(FtpMatch.NONE);
    // 'P' ^ 0x20 ... a byte that only looks like 'p' after OR-ing 0x20 with a non-letter: '0' | 0x20 = 'P'? no — 0x50 only.
    expect(parse("\u0010ORT 1,2,3,4,5,6\r\n", 0).r).toBe(FtpMatch.NONE);
  });

  it("reads PORT's six numbers with a \\r terminator only", () => {
    expect(parse("PORT 1,2,3,4,5,6\r", 0).r).toBe(FtpMatch.FOUND);
    expect(parse("PORT 1,2,3,4,5,6\n", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("PORT 1,2,3,4,5,6 \r\n", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("PORT 1,2,3,4,5\r\n", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("PORT 1,2,3,4,5,6,7\r\n", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("PORT ,,,,,\r\n", 0)).toMatchObject({ r: FtpMatch.FOUND, address: [0, 0, 0, 0], port: 0 });
    expect(parse("PORT  1,2,3,4,5,6\r\n", 0).r).toBe(FtpMatch.PARTIAL); // a second space is not a digit
  });

  it("wraps numbers at 32 bits and ORs them into place", () => {
    expect(parse("PORT 4294967296,1,2,3,4,5\r\n", 0)).toMatchObject({ address: [0x00010203, 0, 0, 0], port: 0x405 });
    expect(parse("PORT 0,0,0,65535,255,65535\r\n", 0)).toMatchObject({ address: [0xffff, 0, 0, 0], port: 0xffff });
    expect(parse("PORT 99999999999,0,0,0,0,0\r\n", 0).address[0]).toBe(((99999999999 % 2 ** 32) << 24) >>> 0);
  });

  it("finds 227's numbers at the first digit and stops at any non-digit", () => {
    expect(parse("227 (1,2,3,4,5,6)", 1)).toMatchObject({ r: FtpMatch.FOUND, address: [0x01020304, 0, 0, 0], port: 0x506 });
    expect(parse("227 =1,2,3,4,5,6x", 1).r).toBe(FtpMatch.FOUND);
    expect(parse("227 1,2,3,4,5,6", 1).r).toBe(FtpMatch.PARTIAL); // runs to the end
    expect(parse("227 abc\r\n", 1).r).toBe(FtpMatch.PARTIAL);
    expect(parse("227 (1,2,3,4,5)\r\n", 1).r).toBe(FtpMatch.PARTIAL);
  });

  it("leaves 229's address as the sender's", () => {
    const server = words("10.0.2.2");
    expect(parse("229 (|||6446|)\r\n", 1, 4, server)).toMatchObject({ r: FtpMatch.FOUND, kind: FtpCommandKind.EPSV, address: [...server], port: 6446 });
    expect(parse("229 x(!!!1!", 1, 4, server).port).toBe(1);
    expect(parse("229 (|||", 1).r).toBe(FtpMatch.PARTIAL);
    expect(parse("229 ( ||1|", 1).r).toBe(FtpMatch.PARTIAL); // space is not a delimiter
    expect(parse("229 (\x7f\x7f\x7f1\x7f", 1).r).toBe(FtpMatch.PARTIAL); // DEL neither
    expect(parse("229 (~~~1~", 1).r).toBe(FtpMatch.FOUND);
  });

  it("reads EPRT with any printable non-digit delimiter", () => {
    expect(parse("EPRT #1#10.0.1.2#80#\r\n", 0)).toMatchObject({ r: FtpMatch.FOUND, kind: FtpCommandKind.EPRT, address: [0x0a000102, 0, 0, 0], port: 80 });
    expect(parse("EPRT |1|10.0.1.2|80", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("EPRT |1|10.0.1.2.5|80|", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("EPRT |1|10.0.1.2|8a|", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("EPRT |3|10.0.1.2|80|", 0).r).toBe(FtpMatch.PARTIAL);
    expect(parse("EPRT |1|", 0).r).toBe(FtpMatch.PARTIAL);
  });
});

describe("EPRT |2| address text (the kernel's in6_pton)", () => {
  const ok: [string, string][] = [
    ["fd00:1::2", "fd00:1::2"],
    ["FD00:0001:0000:0000:0000:0000:0000:0002", "fd00:1::2"],
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["::ffff:10.0.1.2", "::ffff:10.0.1.2"],
    ["1:2:3:4:5:6:10.0.1.2", "1:2:3:4:5:6:10.0.1.2"],
    ["::10.0.1.2", "::10.0.1.2"],
    ["fd00::0.0.0.0", "fd00::"],
  ];
  it.each(ok)("reads %s", (text, want) => {
    const p = parse(`EPRT |2|${text}|1|\r\n`, 0, 6);
    expect(p.r).toBe(FtpMatch.FOUND);
    expect(p.address).toEqual([...words(want)]);
  });

  const bad = ["", ":", ":1", "1:::2", "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9", "g::1", "1:2:3:4:5:6:7", "::256.0.0.1", "::1.2.3", "::1.2.3.4.5", "1.2.3.4", "::1.2..3", "::a.b.c.d"];
  it.each(bad)("refuses %j", (text) => {
    expect(parse(`EPRT |2|${text}|1|\r\n`, 0, 6).r).toBe(FtpMatch.PARTIAL);
  });

  it("ends the address at the end of the data too (then the port is missing)", () => {
    expect(parse("EPRT |2|fd00:1::2", 0, 6).r).toBe(FtpMatch.PARTIAL);
  });
});
