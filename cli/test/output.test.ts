import { Writable } from "node:stream";
import { createEngine, type ExpectationInfo } from "@alg-sdk/core";
import { icmpv6, tcp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { encode, putDigits, putHex, putIpv4, putUint, TimestampWriter, uintWidth } from "../src/output/bytes.js";
import { eventLine, expectationText, packetHeader, PacketLineWriter, translationLine } from "../src/output/human-packet.js";
import { JsonlSink } from "../src/output/jsonl.js";
import { BufferedWriter } from "../src/output/writer.js";
import { Progress } from "../src/progress.js";
import { PacketOutcome } from "../src/replay/outcome.js";

/** A stream that keeps what it is given; `delay` holds each write's callback (a slow reader). */
function sink(highWaterMark = 16 * 1024, delay = 0) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      if (delay > 0) setTimeout(done, delay);
      else done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

function text(write: (b: Uint8Array, p: number) => number): string {
  const b = new Uint8Array(64);
  return Buffer.from(b.subarray(0, write(b, 0))).toString("latin1");
}

describe("byte formatting", () => {
  it("writes integers, fixed digits, IPv4 and timestamps exactly", () => {
    for (const n of [0, 7, 10, 99, 100, 65535, 999999, 1000000, 2 ** 31 - 1, 2 ** 31, 1795581213, 2 ** 53 - 1]) {
      expect(text((b, p) => putUint(b, p, n))).toBe(String(n));
      expect(uintWidth(n)).toBe(String(n).length);
    }
    expect(text((b, p) => putDigits(b, p, 42, 6))).toBe("000042");
    expect(text((b, p) => putIpv4(b, p, 0x0a000102))).toBe("10.0.1.2");
    expect(text((b, p) => putIpv4(b, p, 0xffffffff))).toBe("255.255.255.255");
    const ts = new TimestampWriter();
    expect(text((b, p) => ts.put(b, p, 1795581213, 931746000))).toBe("1795581213.931746");
    expect(text((b, p) => ts.put(b, p, 1795581213, 5000))).toBe("1795581213.000005");
    expect(text((b, p) => ts.put(b, p, 1795581214, 123456789))).toBe("1795581214.123456789");
    expect(JSON.parse(text((b, p) => ts.put(b, p, 1795581213, 931746000)))).toBe(1795581213.931746);
    const bytes = new Uint8Array([0xff, 0x45, 0x00, 0x0a, 0xc8, 0x7f]);
    expect(text((b, p) => putHex(b, p, bytes, 1, 4))).toBe("45000ac8");
    expect(text((b, p) => putHex(b, p, bytes, 0, 0))).toBe("");
  });

  it("buffers, flushes in chunks and hands everything over at the end", async () => {
    const s = sink();
    const out = new BufferedWriter(s.stream, null, 1024);
    for (let i = 0; i < 500; i++) out.write(`line ${i}\n`);
    out.reserve(16);
    out.pos = putUint(out.buf, out.pos, 12345);
    out.buf[out.pos++] = 10;
    out.write("é and ü\n");
    await out.end();
    const lines = s.text().split("\n");
    expect(lines.length).toBe(503);
    expect(lines[499]).toBe("line 499");
    expect(lines.slice(500)).toEqual(["12345", "é and ü", ""]);
  });

  it("reports backpressure from a slow reader and waits for it", async () => {
    const s = sink(1024, 5);
    const out = new BufferedWriter(s.stream, null, 4096);
    out.write("x".repeat(5000));
    out.flush();
    const wait = out.ready();
    expect(wait).not.toBeNull();
    await wait;
    expect(out.ready()).toBeNull();
    await out.end();
    expect(s.text().length).toBe(5000);
  });

  it("calls beforeFlush before each write (the progress bar clears itself)", async () => {
    const s = sink();
    let calls = 0;
    const out = new BufferedWriter(s.stream, () => calls++, 64);
    out.write("a".repeat(100));
    await out.end();
    expect(calls).toBeGreaterThan(0);
  });
});

/** An outcome as the replay fills it (the tuple is decoded from `ip`). */
function outcome(ip: Uint8Array, fields: Partial<PacketOutcome>): PacketOutcome {
  const o = new PacketOutcome(createEngine({}));
  o.reset(ip, 0, ip.length);
  Object.assign(o, { index: 0, ts: 1795581213.931746, tsSec: 1795581213, tsNanos: 931746000, state: 0, direction: 0 }, fields);
  return o;
}

/** The SYN of an FTP control connection, and an ICMPv6 echo request. */
const ftpSyn = () => tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 59638, dport: 21, seq: 1, flags: "S" });
const ping6 = () => icmpv6({ src: "fd00:1::2", dst: "fd00:2::2", type: 128, id: 0x10f8, seq: 1 });

describe("jsonl packet objects", () => {
  it("follow the documented contract exactly", async () => {
    const s = sink();
    const out = new BufferedWriter(s.stream);
    const jsonl = new JsonlSink(out, { packets: true, tables: false, emitBytes: false });
    const ip = ftpSyn();
    jsonl.packet(outcome(ip, { index: 0, helper: "ftp", connectionId: 1 }), []);
    jsonl.packet(outcome(ip, { index: 7, state: 3, direction: -1, reason: 22, tsNanos: 5000 }), []);
    jsonl.packet(outcome(ip, { index: 8, state: 2, direction: 0, expected: true, connectionId: 2, fw: "accept", ruleLine: 12 }), []);
    jsonl.packet(outcome(ip, { index: 9, state: 0, fw: "drop", ruleLine: null, rule: -1 }), []);
    jsonl.packet(outcome(ip, { index: 10, verdict: 2, state: 4, direction: -1 }), []);
    await out.end();
    expect(s.text().split("\n")).toEqual([
      '{"type":"packet","index":0,"ts":1795581213.931746,"state":"NEW","dir":"original","expected":false,"helper":"ftp","verdict":"accept","reason":null,"conn":1}',
      '{"type":"packet","index":7,"ts":1795581213.000005,"state":"INVALID","dir":null,"expected":false,"helper":null,"verdict":"accept","reason":"tcp-seq-over-window","conn":null}',
      '{"type":"packet","index":8,"ts":1795581213.931746,"state":"RELATED","dir":"original","expected":true,"helper":null,"verdict":"accept","reason":null,"conn":2,"fw":"accept","rule":12}',
      '{"type":"packet","index":9,"ts":1795581213.931746,"state":"NEW","dir":"original","expected":false,"helper":null,"verdict":"accept","reason":null,"conn":null,"fw":"drop","rule":null}',
      '{"type":"held","index":10,"ts":1795581213.931746,"conn":null}',
      "",
    ]);
    for (const line of s.text().trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe("jsonl with --emit-bytes", () => {
  it("adds the datagram as it leaves, in hex, after every other field; null when dropped or held", async () => {
    const s = sink();
    const out = new BufferedWriter(s.stream);
    const jsonl = new JsonlSink(out, { packets: true, tables: false, emitBytes: true });
    const ip = ftpSyn();
    // A translated copy leaving from another buffer, at an offset.
    const leaving = new Uint8Array(4 + ip.length);
    leaving.set(ip, 4);
    leaving.set([10, 0, 2, 100], 4 + 12);
    jsonl.packet(outcome(ip, { index: 0, connectionId: 1, outBytes: ip, outOffset: 0, outLength: ip.length }), []);
    jsonl.packet(outcome(ip, { index: 1, connectionId: 1, fw: "accept", ruleLine: 3, outBytes: leaving, outOffset: 4, outLength: ip.length }), []);
    jsonl.packet(outcome(ip, { index: 2, verdict: 1, reason: 23, fw: "drop", ruleLine: null, outBytes: null }), []);
    jsonl.packet(outcome(ip, { index: 3, verdict: 2, state: 4, direction: -1, outBytes: null }), []);
    await out.end();
    const lines = s.text().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    expect(lines.map((l) => Object.keys(l).at(-1))).toEqual(["out", "out", "out", "out"]);
    expect(lines[0]!.out).toBe(hex(ip));
    expect(lines[1]).toMatchObject({ fw: "accept", rule: 3, out: hex(leaving.subarray(4)) });
    // Bytes 12-19: the translated source, then the destination.
    expect((lines[1]!.out as string).slice(24, 40)).toBe("0a0002640a000202");
    expect(lines[2]).toMatchObject({ verdict: "drop", fw: "drop", out: null });
    expect(lines[3]).toEqual({ type: "held", index: 3, ts: 1795581213.931746, conn: null, out: null });
  });
});

describe("human lines for NAT", () => {
  const tuple = (src: string, sport: number, dst: string, dport: number) => ({ family: 4, protocol: 6, protocolName: "tcp", src, dst, srcPort: sport, dstPort: dport });
  const connection = (original: object, reply: object) => ({ original, reply }) as unknown as Parameters<typeof translationLine>[0];

  it("show a connection's translation as its reply tuple, named by what changed", () => {
    const snat = connection(tuple("10.0.1.2", 60694, "10.0.2.2", 21), tuple("10.0.2.2", 21, "10.0.2.100", 60694));
    expect(translationLine(snat)).toBe("        = snat: reply src=10.0.2.2 dst=10.0.2.100 sport=21 dport=60694\n");
    const dnat = connection(tuple("10.0.1.2", 42342, "10.0.1.200", 21), tuple("10.0.2.2", 21, "10.0.1.2", 42342));
    expect(translationLine(dnat)).toBe("        = dnat: reply src=10.0.2.2 dst=10.0.1.2 sport=21 dport=42342\n");
    const both = connection(tuple("10.0.1.2", 1, "10.0.1.200", 21), tuple("10.0.2.2", 21, "10.0.2.100", 1024));
    expect(translationLine(both)).toMatch(/= dnat \+ snat: reply src=10\.0\.2\.2 dst=10\.0\.2\.100 sport=21 dport=1024/);
    const ping = connection(
      { family: 4, protocol: 1, protocolName: "icmp", src: "10.0.1.2", dst: "10.0.2.2", srcPort: 0, dstPort: 0, icmp: { type: 8, code: 0, id: 17219 } },
      { family: 4, protocol: 1, protocolName: "icmp", src: "10.0.2.2", dst: "10.0.2.100", srcPort: 0, dstPort: 0, icmp: { type: 0, code: 0, id: 17219 } },
    );
    expect(translationLine(ping)).toBe("        = snat: reply src=10.0.2.2 dst=10.0.2.100 type=0 code=0 id=17219\n");
  });

  it("show a payload rewrite with the bytes before and after", () => {
    const line = eventLine({
      type: "payload-rewrite",
      ts: 1,
      connectionId: 1,
      helper: "ftp",
      direction: 0,
      seq: 100,
      offset: 5,
      before: "10,0,1,2,156,165",
      after: "10,0,2,100,156,165",
    });
    expect(line).toBe('        ~ ftp rewrote "10,0,1,2,156,165" as "10,0,2,100,156,165" at payload offset 5\n');
  });
});

describe("human packet lines", () => {
  it("align the columns and decode the tuple", async () => {
    const s = sink();
    const out = new BufferedWriter(s.stream);
    const lines = new PacketLineWriter(out, true);
    const ip = ftpSyn();
    lines.write(outcome(ip, { index: 0, helper: "ftp", fw: "accept", rule: 1, ruleLine: 15 }), 1795581213, 931746000, []);
    lines.write(outcome(ip, { index: 12, tsSec: 1795581215, tsNanos: 0, state: 3, direction: -1, reason: 22, fw: "drop", rule: 2, ruleLine: 18 }), 1795581213, 931746000, []);
    lines.write(outcome(ping6(), { index: 1234567, tsSec: 1795581213, tsNanos: 931745000, state: 0, fw: "drop", rule: -1 }), 1795581213, 931746000, []);
    await out.end();
    const header = packetHeader(true);
    expect(header).toBe(
      "      #         time  proto  source                destination           state       dir      helper firewall         note",
    );
    expect(s.text().split("\n")).toEqual([
      "      0     0.000000  tcp    10.0.1.2:59638        10.0.2.2:21           NEW         original ftp    accept (line 15)",
      "     12     1.068254  tcp    10.0.1.2:59638        10.0.2.2:21           INVALID     -        -      DROP (line 18)   tcp-seq-over-window",
      "1234567    -0.000001  icmpv6 fd00:1::2             fd00:2::2             NEW         original -      DROP (policy)    icmp type 128 code 0",
      "",
    ]);
    // Every column starts where the header says.
    for (const name of ["proto", "source", "destination", "state", "dir", "helper", "firewall"]) {
      expect(s.text().split("\n")[0]![header.indexOf(name) - 1]).toBe(" ");
    }
  });

  it("write an expectation as a tuple with wildcards", () => {
    const e = {
      tuple: { family: 4, protocol: 6, protocolName: "tcp", src: "10.0.2.2", dst: "10.0.1.2", srcPort: 0, dstPort: 40123 },
      mask: { src: "255.255.255.255", srcPort: 0, dst: "255.255.255.255", dstPort: 65535 },
    } as unknown as ExpectationInfo;
    expect(expectationText(e)).toBe("tcp 10.0.2.2:* -> 10.0.1.2:40123");
    const any = { ...e, tuple: { ...e.tuple, family: 6, src: "::", dst: "fd00:1::2" }, mask: { ...e.mask, src: "::" } } as unknown as ExpectationInfo;
    expect(expectationText(any)).toBe("tcp *:* -> [fd00:1::2]:40123");
    expect(encode("ab")).toEqual(new Uint8Array([97, 98]));
  });
});

describe("progress bar", () => {
  it("renders the fraction, the count, the rate and the time left", () => {
    const s = sink();
    const p = new Progress(s.stream, 1000);
    const started = Date.now();
    expect(p.render(450, 450_000, started + 1000)).toMatch(/^\[#{11}-{13}\]  45%  450,000 packets  4\d\d\.\dk packets\/s  ETA 2s$/);
    expect(new Progress(s.stream, null).render(0, 2_500_000, started + 1000)).toMatch(/^2,500,000 packets  2\.\d\dM packets\/s$/);
  });

  it("draws nothing for a short run, and erases itself", async () => {
    const s = sink();
    const p = new Progress(s.stream, 1000, 60_000);
    p.update(10, 10);
    p.clear();
    const late = new Progress(s.stream, 1000, 0);
    late.update(500, 5000);
    late.clear();
    await new Promise((resolve) => s.stream.end(resolve));
    expect(s.text()).toMatch(/^\r\[#+-+\]  50%  5,000 packets .*\x1b\[K\r\x1b\[K$/);
  });
});
