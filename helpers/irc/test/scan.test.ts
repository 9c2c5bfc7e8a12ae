import { describe, expect, it } from "vitest";
import { DccOffer } from "../src/offer.js";
import { findDccOffer } from "../src/scan.js";
import { latin1, v4 } from "./support/text.js";

const CLIENT = v4("10.0.1.2");
const ME = "167772418"; // 10.0.1.2 in DCC's decimal form

/** Runs the scanner over `text` (optionally inside a larger buffer) and returns "address:port" or null. */
function scan(text: string, client: Uint32Array = CLIENT, offset = 0): string | null {
  const body = latin1(text);
  const buf = new Uint8Array(offset + body.length + 3).fill(0x0a);
  buf.set(body, offset);
  const offer = new DccOffer();
  if (!findDccOffer(buf, offset, body.length, 4, client, client, offer)) return null;
  const a = offer.address[0]!;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}:${offer.port}`;
}

const offer = (type: string, port = 5000, addr = ME) => `PRIVMSG bob :\x01DCC ${type} file.bin ${addr} ${port} 123\x01\r\n`;

describe("findDccOffer: what Linux accepts", () => {
  it("finds a DCC SEND to the client's own address", () => {
    expect(scan(offer("SEND"))).toBe("10.0.1.2:5000");
  });

  it.each(["SEND", "CHAT", "MOVE", "TSEND", "SCHAT"])("accepts the DCC type %s", (type) => {
    expect(scan(offer(type, 5001))).toBe("10.0.1.2:5001");
  });

  it("matches PRIVMSG in any case", () => {
    expect(scan(`privmsg bob :\x01DCC SEND f ${ME} 5000\x01\r\n`)).toBe("10.0.1.2:5000");
    expect(scan(`PrivMsg bob :\x01DCC SEND f ${ME} 5000\x01\r\n`)).toBe("10.0.1.2:5000");
  });

  it("skips leading spaces, CRs and LFs before PRIVMSG", () => {
    expect(scan(`\r\n  \r\n${offer("SEND")}`)).toBe("10.0.1.2:5000");
  });

  it("accepts an empty argument, several blanks before the port and no closing \\1", () => {
    expect(scan(`PRIVMSG bob :\x01DCC SEND  ${ME}    5002\r\n`)).toBe("10.0.1.2:5002");
  });

  it("needs only a line end somewhere after the argument, not right after the offer", () => {
    expect(scan(`PRIVMSG bob :\x01DCC CHAT chat ${ME} 5003\x01 more text\n`)).toBe("10.0.1.2:5003");
  });

  it("reads a window that starts inside a larger buffer", () => {
    expect(scan(offer("SEND"), CLIENT, 40)).toBe("10.0.1.2:5000");
  });

  it("keeps the address modulo 2^32 and the port modulo 2^16, as the kernel's strtoul into u32/u16 does", () => {
    const wrapped = String(Number(ME) + 2 ** 32);
    expect(scan(offer("SEND", 5000, wrapped))).toBe("10.0.1.2:5000");
    expect(scan(offer("SEND", 5000 + 65536))).toBe("10.0.1.2:5000");
  });
});

describe("findDccOffer: what Linux refuses", () => {
  it("refuses an offer naming another host (forged DCC)", () => {
    expect(scan(offer("SEND", 5001, "167838210"))).toBeNull(); // 10.1.2.2
    expect(scan(offer("SEND", 5002, "167772674"))).toBeNull(); // 10.0.2.2, the server
  });

  it("refuses port 0, including a port that wraps to 0", () => {
    expect(scan(offer("SEND", 0))).toBeNull();
    expect(scan(offer("SEND", 65536))).toBeNull();
  });

  it("refuses an address that is not a number or is out of range", () => {
    expect(scan(offer("SEND", 5000, "ten.0.1.2"))).toBeNull();
    expect(scan(offer("SEND", 5000, "10.0.1.2"))).toBeNull();
    expect(scan(offer("SEND", 5000, "99999999999"))).toBeNull();
    expect(scan(offer("SEND", 5000, "-167772418"))).toBeNull();
  });

  it("refuses the DCC type in another case", () => {
    expect(scan(offer("send"))).toBeNull();
    expect(scan(offer("Send"))).toBeNull();
    expect(scan(offer("RESUME"))).toBeNull();
  });

  it("refuses an offer without a line end", () => {
    expect(scan(`PRIVMSG bob :\x01DCC SEND file ${ME} 5000 123\x01`)).toBeNull();
    expect(scan(`PRIVMSG bob :\x01DCC SEND file ${ME} 5000 123\x01\r`)).toBeNull();
  });

  it("refuses PRIVMSG that is not at the start of the data", () => {
    expect(scan(`NICK alice\r\n${offer("SEND")}`)).toBeNull();
    expect(scan(`:alice!a@h ${offer("SEND")}`)).toBeNull();
    expect(scan(`\t${offer("SEND")}`)).toBeNull();
    expect(scan(`NOTICE bob :\x01DCC SEND f ${ME} 5000\x01\r\n`)).toBeNull();
    expect(scan(`PRIVMSG\x00bob :\x01DCC SEND f ${ME} 5000\x01\r\n`)).toBeNull();
    expect(scan(`PRIVMSG\tbob :\x01DCC SEND f ${ME} 5000\x01\r\n`)).toBeNull();
  });

  it("refuses \\1DCC that does not directly follow the first \" :\"", () => {
    expect(scan(`PRIVMSG bob :hello \x01DCC SEND f ${ME} 5000\x01\r\n`)).toBeNull();
    expect(scan(`PRIVMSG bob :see :\x01DCC SEND f ${ME} 5000\x01\r\n`)).toBeNull();
    expect(scan(`PRIVMSG bob : \x01DCC SEND f ${ME} 5000\x01\r\n`)).toBeNull();
  });
});

describe("findDccOffer: several offers in one packet (Linux's loop)", () => {
  it("takes the first acceptable offer only", () => {
    expect(scan(offer("SEND", 5000) + offer("CHAT", 5001))).toBe("10.0.1.2:5000");
  });

  it("skips a forged offer and goes on to the next \" :\"", () => {
    expect(scan(offer("SEND", 5000, "167838210") + offer("CHAT", 5001))).toBe("10.0.1.2:5001");
    expect(scan(offer("SEND", 0) + offer("CHAT", 5001))).toBe("10.0.1.2:5001");
  });

  it("stops when the next \" :\" after a refused offer is not a DCC", () => {
    expect(scan(offer("SEND", 5000, "1") + "PRIVMSG bob :hi\r\n" + offer("CHAT", 5001))).toBeNull();
  });

  it("after a refused offer, tries only the later types of Linux's list at the same place", () => {
    // SEND fails (argument "CHAT", address "x"), then "CHAT " matches right after "SEND ".
    expect(scan(`PRIVMSG bob :\x01DCC SEND CHAT x ${ME} 5002\x01\r\n`)).toBe("10.0.1.2:5002");
    // CHAT fails; SEND comes earlier in the list and is not tried again.
    expect(scan(`PRIVMSG bob :\x01DCC CHAT SEND x ${ME} 5002\x01\r\n`)).toBeNull();
  });
});

describe("findDccOffer: Linux's bounds", () => {
  const head = "PRIVMSG bob :\x01DCC SEND ";
  const tail = ` ${ME} 5000\x01\r\n`;

  it("searches only the first 4095 bytes", () => {
    const fits = head + "f".repeat(4095 - head.length - tail.length) + tail;
    expect(fits.length).toBe(4095);
    expect(scan(fits)).toBe("10.0.1.2:5000");
    const over = head + "f".repeat(4096 - head.length - tail.length) + tail; // its LF is byte 4096
    expect(scan(over)).toBeNull();
    expect(scan(offer("SEND") + "x".repeat(10_000))).toBe("10.0.1.2:5000");
  });

  it("needs 26 bytes after the \" :\", counting whatever follows in the packet", () => {
    const tiny = v4("1.0.0.1");
    const line = "PRIVMSG b :\x01DCC SEND  16777217 1\n"; // " :" at 9, 33 bytes
    expect(scan(line, tiny)).toBeNull();
    expect(scan(line + "PING x\r\n", tiny)).toBe("1.0.0.1:1");
  });

  it("needs the argument's space while 12 bytes remain after it", () => {
    const client = new Uint32Array([1, 0, 0, 0]);
    const line = `PRIVMSG bob :\x01DCC SEND ${"f".repeat(20)} 1 1\n`; // 4 bytes after the space
    expect(scan(line + "x".repeat(7), client)).toBe("0.0.0.1:1"); // 11 after the space
    expect(scan(line + "x".repeat(6), client)).toBeNull();
  });

  it("never finds anything in short or empty data", () => {
    expect(scan("")).toBeNull();
    expect(scan("PRIVMSG ")).toBeNull();
    expect(scan("\r\n\r\n\r\n\r\n\r\n\r\n")).toBeNull();
  });
});
