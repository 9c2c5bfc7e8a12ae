import { describe, expect, it } from "vitest";
import { readIpv4, readIpv6, readSipAddress } from "../src/address-text.js";
import { isAlpha } from "../src/chars.js";
import { Match } from "../src/header-match.js";
import { contactTransport, findNumberParam, findParam, parseHeaderUri, UriTarget } from "../src/header-params.js";
import { followContinuation, searchHeader, skipWhitespace } from "../src/line-scan.js";
import { number, readUnsigned, readUnsignedAnyBase } from "../src/numbers.js";
import { SDP_MEDIA, SDP_VERSION, findSdpAddress, findSdpLine, mediaTypeOf } from "../src/sdp.js";
import { CONTACT, CONTENT_LENGTH, CSEQ, Found, ListPosition, VIA_UDP, findHeader, walkHeaders } from "../src/sip-headers.js";
import { latin1 } from "./support/sip-session.js";

const words = () => new Uint32Array(4);
const v4 = (w: Uint32Array) => `${w[0]! >>> 24}.${(w[0]! >>> 16) & 255}.${(w[0]! >>> 8) & 255}.${w[0]! & 255}`;

/** Runs a reader on text, returning [end, address] or null. */
function ipv4(text: string): [number, string] | null {
  const out = words();
  const end = readIpv4(latin1(text), 0, text.length, out);
  return end < 0 ? null : [end, v4(out)];
}

describe("in4_pton with delimiter -1 (readIpv4)", () => {
  it("reads four decimal numbers up to 255, leading zeros allowed, ended by anything not an address byte", () => {
    expect(ipv4("10.0.1.2")).toEqual([8, "10.0.1.2"]);
    expect(ipv4("010.000.001.002;x")).toEqual([15, "10.0.1.2"]);
    expect(ipv4("10.0.1.2:5060")).toEqual([8, "10.0.1.2"]);
    expect(ipv4("10.0.1.2>")).toEqual([8, "10.0.1.2"]);
    expect(ipv4("255.255.255.255 ")).toEqual([15, "255.255.255.255"]);
  });

  it("fails on 256, an empty number, three or five numbers, a trailing dot, or a hexadecimal letter", () => {
    for (const bad of ["256.0.0.1", "10..1.2", "10.0.1", "10.0.1.2.3", "10.0.1.2.", "10.0.1.2a", "a.b.c.d", "", ".1.2.3", "10.0.1.2f"]) {
      expect(ipv4(bad), bad).toBeNull();
    }
  });

  it("a letter past f ends the address instead of failing it", () => {
    expect(ipv4("10.0.1.2g")).toEqual([8, "10.0.1.2"]);
  });
});

describe("in6_pton with delimiter -1 and SIP brackets", () => {
  it("reads IPv6 up to the first byte that is not hex, ':' or '.'", () => {
    const out = words();
    const b = latin1("fd00::1 rest");
    expect(readIpv6(b, 0, b.length, out)).toBe(7);
    expect(Array.from(out)).toEqual([0xfd000000, 0, 0, 1]);
    const mapped = latin1("::ffff:10.0.1.2;");
    expect(readIpv6(mapped, 0, mapped.length, out)).toBe(15);
    expect(out[3]).toBe(0x0a000102);
    expect(readIpv6(latin1("fd00:::1"), 0, 8, out)).toBe(-1);
  });

  it("SIP URIs need brackets around IPv6; SDP has none", () => {
    const out = words();
    const b = latin1("[fd00::1]:5060");
    expect(readSipAddress(b, 0, b.length, 6, true, out)).toBe(9);
    const bare = latin1("fd00::1");
    expect(readSipAddress(bare, 0, bare.length, 6, true, out)).toBe(-1);
    expect(readSipAddress(bare, 0, bare.length, 6, false, out)).toBe(7);
    const open = latin1("[fd00::1");
    expect(readSipAddress(open, 0, open.length, 6, true, out)).toBe(-1);
  });
});

describe("simple_strtoul as an unsigned int", () => {
  it("base 10: digits only, wrapping modulo 2^32", () => {
    expect(readUnsigned(latin1("5060;x"), 0, 6)).toBe(5060);
    expect(number.pos).toBe(4);
    expect(readUnsigned(latin1("4294967301"), 0, 10)).toBe(5);
    expect(readUnsigned(latin1("-5"), 0, 2)).toBe(0);
    expect(number.digits).toBe(0);
  });

  it("base 0: 0x hexadecimal (only with a hex digit after it), leading 0 octal, else decimal", () => {
    const read = (t: string) => [readUnsignedAnyBase(latin1(t), 0, t.length), number.digits];
    expect(read("0x3C;")).toEqual([60, 4]);
    expect(read("017")).toEqual([15, 3]);
    expect(read("018")).toEqual([1, 2]);
    expect(read("0x")).toEqual([0, 1]);
    expect(read("0xz")).toEqual([0, 1]);
    expect(read("600")).toEqual([600, 3]);
    expect(read("0x100000000")).toEqual([0, 11]);
    expect(read("x")).toEqual([0, 0]);
  });
});

describe("kernel ctype", () => {
  it("isalpha counts Latin-1 letters but not × and ÷", () => {
    expect([..."aZé\xc0\xff"].every((c) => isAlpha(c.charCodeAt(0)))).toBe(true);
    expect([..."0 @[`{\xd7\xf7\xbf\x80"].some((c) => isAlpha(c.charCodeAt(0)))).toBe(false);
  });
});

describe("header lines (ct_sip_get_header and friends)", () => {
  const find = (h: typeof CSEQ, text: string) => {
    const m = new Match();
    const r = findHeader(h, latin1(text), 0, text.length, 4, m);
    return r === Found.YES ? text.slice(m.off, m.off + m.len) : r;
  };

  it("finds a header by name without case, never on the first line, with blanks and folds around the colon", () => {
    expect(find(CSEQ, "INVITE x\r\ncseq  :\t 12 INVITE\r\n")).toBe("12");
    expect(find(CSEQ, "CSeq: 12\r\nx")).toBe(Found.NO);
    expect(find(CSEQ, "X\r\nCSeq\r\n  : 13\r\n")).toBe("13");
    expect(find(CSEQ, "X\r\nCSeq:\r\n 14\r\n")).toBe("14");
    expect(find(CSEQ, "X\nCSeq: 15\n")).toBe("15");
    expect(find(CSEQ, "X\rCSeq: 16\r")).toBe("16");
  });

  it("compact names must not be followed by a letter", () => {
    expect(find(CONTENT_LENGTH, "X\r\nl: 5\r\n")).toBe("5");
    expect(find(CONTENT_LENGTH, "X\r\nL : 6\r\n")).toBe("6");
    expect(find(CONTENT_LENGTH, "X\r\nlx: 5\r\nContent-Length: 7\r\n")).toBe("7");
  });

  it("a line starting with the name but without a colon after it ends the lookup (Linux's break)", () => {
    expect(find(CSEQ, "X\r\nCSeq-Extra: 1\r\nCSeq: 2\r\n")).toBe(Found.NO);
    // An SDP m= line stops a Contact lookup the same way, through the compact form "m".
    expect(find(CONTACT, "X\r\n\r\nm=audio 1 RTP\r\nContact: <sip:10.0.1.2>\r\n")).toBe(Found.NO);
  });

  it("a value that does not parse is BAD, and the walk moves on to the next header", () => {
    expect(find(CSEQ, "X\r\nCSeq: x\r\nCSeq: 3\r\n")).toBe(Found.BAD);
    const text = "X\r\nContact: <sip:a@host>\r\nContact: <sip:b@10.0.1.2:5070>\r\n";
    const m = new Match();
    expect(walkHeaders(CONTACT, latin1(text), 0, text.length, 4, null, m)).toBe(Found.YES);
    expect(text.slice(m.off, m.off + m.len)).toBe("10.0.1.2:5070");
  });

  it("Via matches 'UDP ' inside the value, then an address and port", () => {
    expect(find(VIA_UDP, "X\r\nVia: SIP/2.0/UDP 10.0.1.2:5062;branch=1\r\n")).toBe("10.0.1.2:5062");
    expect(find(VIA_UDP, "X\r\nv: SIP/2.0/udp 10.0.1.2\r\n")).toBe("10.0.1.2");
    expect(find(VIA_UDP, "X\r\nVia: SIP/2.0/TCP 10.0.1.2\r\n")).toBe(Found.BAD);
  });

  it("searches stay inside the header, across folds, and never start on a continuation line's first byte", () => {
    const b = latin1("a;b\r\n ;x=1\r\nnext;y");
    expect(searchHeader(b, 0, b.length, latin1(";x"))).toBe(-1);
    expect(searchHeader(b, 0, b.length, latin1("x="))).toBe(7);
    expect(searchHeader(b, 0, b.length, latin1(";y"))).toBe(-1);
    expect(followContinuation(latin1("\r\n\t\t z"), 0, 6)).toBe(5);
    expect(followContinuation(latin1("\r\nz"), 0, 3)).toBe(-1);
    expect(skipWhitespace(latin1("  \r\nz"), 0, 5)).toBe(-1);
    expect(skipWhitespace(latin1("  :"), 0, 3)).toBe(2);
  });
});

describe("URIs and parameters", () => {
  it("a Contact list is walked value by value, then header by header", () => {
    const text = "R\r\nContact: <sip:a@10.0.1.1:5071>, <sip:b@10.0.1.2:5072>\r\nm: <sip:10.0.1.3>\r\n";
    const b = latin1(text);
    const list = new ListPosition();
    const m = new Match();
    const uri = new UriTarget();
    const seen: string[] = [];
    let from = 0;
    while (parseHeaderUri(CONTACT, b, from, b.length, 4, list, m, uri) === Found.YES) {
      seen.push(`${v4(uri.address)}:${uri.port}`);
      from = uri.end;
    }
    expect(seen).toEqual(["10.0.1.1:5071", "10.0.1.2:5072", "10.0.1.3:5060"]);
  });

  it("a URI port outside 1024-65535 is BAD; without a port it is 5060", () => {
    const m = new Match();
    const uri = new UriTarget();
    for (const [contact, want] of [["10.0.1.2:1023", Found.BAD], ["10.0.1.2:65536", Found.BAD], ["10.0.1.2:", Found.BAD], ["10.0.1.2", Found.YES]] as const) {
      const b = latin1(`R\r\nContact: <sip:${contact}>\r\n`);
      expect(parseHeaderUri(CONTACT, b, 0, b.length, 4, null, m, uri), contact).toBe(want);
    }
    expect(uri.port).toBe(5060);
  });

  it("parameters are looked for in the current list value only; transport by its first three letters", () => {
    const m = new Match();
    const b = latin1("<sip:a@10.0.1.2;transport=TCPX;lr>;expires=30, <sip:b@10.0.1.3>;expires=40\r\n");
    expect(findParam(b, 0, b.length, latin1("transport="), m)).toBe(Found.YES);
    expect(latin1("TCPX")).toEqual(b.subarray(m.off, m.off + m.len));
    expect(contactTransport(b, 0, b.length, 6, m)).toBe(6);
    expect(contactTransport(b, 0, b.length, 17, m)).toBe(0);
    expect(findNumberParam(b, 0, b.length, latin1("expires="))).toBe(Found.YES);
    expect(number.value).toBe(30);
    expect(findNumberParam(b, 48, b.length, latin1("expires="))).toBe(Found.YES);
    expect(number.value).toBe(40);
    expect(findNumberParam(latin1("<sip:x>;expires=;q=1\r\n"), 0, 22, latin1("expires="))).toBe(Found.BAD);
    expect(findNumberParam(latin1("<sip:x>, <sip:y>;expires=5\r\n"), 0, 28, latin1("expires="))).toBe(Found.NO);
  });
});

describe("SDP lines (ct_sip_get_sdp_header)", () => {
  const body = "INVITE x\r\n\r\nv=0\r\nc=IN IP4 10.0.1.2\r\nm=audio 20000 RTP/AVP 0\r\nc=IN IP4 10.0.1.3\r\nm=video 0 RTP/AVP 0\r\n";
  const b = latin1(body);

  it("finds v=, then the session c= before the first m=, then each m= with its type and port", () => {
    const m = new Match();
    expect(findSdpLine(SDP_VERSION, null, b, 0, b.length, 4, m)).toBe(Found.YES);
    const out = words();
    expect(findSdpAddress(b, m.off, b.length, 4, m, out)).toBe(Found.YES);
    expect(v4(out)).toBe("10.0.1.2");
    expect(findSdpLine(SDP_MEDIA, null, b, 0, b.length, 4, m)).toBe(Found.YES);
    expect(body.slice(m.off, m.off + m.len)).toBe("audio 20000");
    expect(mediaTypeOf(b, m)?.cls).toBe(1);
    const at = m.off + 6;
    expect(findSdpAddress(b, at, b.length, 4, m, out)).toBe(Found.YES);
    expect(v4(out)).toBe("10.0.1.3");
  });

  it("a c= search stops at the next m=; a c= that does not parse ends the search (BAD)", () => {
    const m = new Match();
    const out = words();
    const noSession = latin1("X\r\nm=audio 1 RTP\r\nc=IN IP4 10.0.1.2\r\n");
    expect(findSdpAddress(noSession, 0, noSession.length, 4, m, out)).toBe(Found.NO);
    const bad = latin1("X\r\nc=IN IP4 x\r\nc=IN IP4 10.0.1.2\r\n");
    expect(findSdpAddress(bad, 0, bad.length, 4, m, out)).toBe(Found.BAD);
  });

  it("media needs letters, a space and (possibly no) digits; types compare with case", () => {
    const m = new Match();
    const noSpace = latin1("X\r\nm=audio\r\n");
    expect(findSdpLine(SDP_MEDIA, null, noSpace, 0, noSpace.length, 4, m)).toBe(Found.BAD);
    const upper = latin1("X\r\nM=Audio 5\r\n");
    expect(findSdpLine(SDP_MEDIA, null, upper, 0, upper.length, 4, m)).toBe(Found.YES);
    expect(mediaTypeOf(upper, m)).toBeNull();
  });
});
