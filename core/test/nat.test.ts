import { icmpHelper } from "@alg-sdk/helper-icmp";
import { checksumProblems, egressOf, icmp, tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import {
  createEngine,
  decodePacket,
  formatAddress,
  natTarget,
  ParsedPacket,
  type EngineOptions,
  type NatTarget,
  type PacketResult,
  type PolicyPacket,
} from "../src/index.js";

const CLIENT = "10.0.1.2";
const CLIENT2 = "10.0.1.3";
const SERVER = "10.0.2.2";
const OUTSIDE = "10.0.2.100";

/** What left the engine, decoded; its checksums must verify. */
function out(r: PacketResult) {
  const o = egressOf(r);
  expect(o, `verdict ${r.verdictName} ${r.reasonName}`).not.toBeNull();
  expect(checksumProblems(o!.bytes)).toEqual([]);
  return { ...o!, sport: o!.srcPort, dport: o!.dstPort, payload: o!.text };
}

/** SNAT of the client network to OUTSIDE (or `target`), as `ip saddr 10.0.1.0/24 snat to …`. */
const snatClients = (target: NatTarget = natTarget({ address: OUTSIDE })) => ({
  sourceNat: (p: PolicyPacket) => (p.family === 4 && p.src[0]! >>> 8 === 0x0a0001 ? target : null),
});

function engine(options: EngineOptions = {}) {
  return createEngine({ hashSeed: 1, ...options });
}

describe("NAT bindings (nf_nat_core)", () => {
  it("SNAT keeps the source port when the translated tuple is unique, and replies go back to the client", () => {
    const e = engine({ policy: snatClients() });
    const o = out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" }), 1));
    expect(o).toMatchObject({ src: OUTSIDE, dst: SERVER, sport: 40000, dport: 53 });
    const c = [...e.connections()][0]!;
    expect(c.reply).toMatchObject({ src: SERVER, dst: OUTSIDE, srcPort: 53, dstPort: 40000 });
    const back = e.process(udp({ src: SERVER, dst: OUTSIDE, sport: 53, dport: 40000, payload: "r" }), 2);
    expect(back).toMatchObject({ stateName: "ESTABLISHED", directionName: "reply", translated: true });
    expect(out(back)).toMatchObject({ src: SERVER, dst: CLIENT, sport: 53, dport: 40000 });
  });

  it("a port clash moves the second client to another port (1024-65535), and each reply finds its client", () => {
    const e = engine({ policy: snatClients() });
    out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53 }), 1));
    const second = out(e.process(udp({ src: CLIENT2, dst: SERVER, sport: 40000, dport: 53 }), 2));
    expect(second.src).toBe(OUTSIDE);
    expect(second.sport).not.toBe(40000);
    expect(second.sport).toBeGreaterThanOrEqual(1024);
    expect(out(e.process(udp({ src: SERVER, dst: OUTSIDE, sport: 53, dport: 40000 }), 3)).dst).toBe(CLIENT);
    const r = out(e.process(udp({ src: SERVER, dst: OUTSIDE, sport: 53, dport: second.sport }), 3));
    expect(r).toMatchObject({ dst: CLIENT2, dport: 40000 });
  });

  it("a privileged source port that clashes stays privileged (1-511)", () => {
    const e = engine({ policy: snatClients() });
    out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 123, dport: 123 }), 1));
    const second = out(e.process(udp({ src: CLIENT2, dst: SERVER, sport: 123, dport: 123 }), 1));
    expect(second.sport).toBeGreaterThanOrEqual(1);
    expect(second.sport).toBeLessThanOrEqual(511);
    expect(second.sport).not.toBe(123);
  });

  it("a port range confines the source port; when it is used up the new connection is dropped", () => {
    const e = engine({ policy: snatClients(natTarget({ address: OUTSIDE, port: [2000, 2001] })) });
    const ports = [CLIENT, CLIENT2].map((src, i) => out(e.process(udp({ src, dst: SERVER, sport: 40000, dport: 53 }), i)).sport);
    expect(ports.sort()).toEqual([2000, 2001]);
    const third = e.process(udp({ src: "10.0.1.4", dst: SERVER, sport: 40000, dport: 53 }), 3);
    expect(third).toMatchObject({ verdictName: "drop", reasonName: "nat-failed", outBytes: null });
    expect(e.connectionCount).toBe(2);
  });

  it("an address range maps one client to one address, the same for each of its flows (reused source mapping)", () => {
    const e = engine({ policy: snatClients(natTarget({ address: ["10.0.2.100", "10.0.2.103"] })) });
    const a = out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53 }), 1)).src;
    const b = out(e.process(udp({ src: CLIENT, dst: "10.0.2.3", sport: 40000, dport: 53 }), 1)).src;
    expect(a).toBe(b);
    expect(["10.0.2.100", "10.0.2.101", "10.0.2.102", "10.0.2.103"]).toContain(a);
  });

  it("DNAT rewrites the destination address and port; the filter sees the translated destination", () => {
    const seen: string[] = [];
    const e = engine({
      policy: {
        destinationNat: (p) => (p.dport === 80 ? natTarget({ address: SERVER, port: 8080 }) : null),
        filter: (p) => {
          seen.push(`${formatAddress(4, p.dst)}:${p.dport}`);
          return 0;
        },
      },
    });
    const o = out(e.process(tcp({ src: CLIENT, dst: "10.0.1.200", sport: 40000, dport: 80, flags: "S", seq: 1 }), 1));
    expect(o).toMatchObject({ src: CLIENT, dst: SERVER, dport: 8080 });
    expect(seen).toEqual([`${SERVER}:8080`]);
    const back = out(e.process(tcp({ src: SERVER, dst: CLIENT, sport: 8080, dport: 40000, flags: "SA", seq: 9, ack: 2 }), 2));
    expect(back).toMatchObject({ src: "10.0.1.200", sport: 80 });
  });

  it("a NAT rule that matches nothing leaves the packets as they came (a null binding)", () => {
    const e = engine({ policy: { sourceNat: () => null, destinationNat: () => null } });
    const p = udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" });
    const r = e.process(Uint8Array.from(p), 1);
    expect(r.translated).toBe(false);
    expect(Array.from(out(r).bytes)).toEqual(Array.from(p));
  });

  it("a UDP checksum of 0 (none) stays 0", () => {
    const e = engine({ policy: snatClients() });
    const o = out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q", checksum: 0 }), 1));
    expect(o.bytes[26]! | o.bytes[27]!).toBe(0);
  });

  it("ICMP echo identifiers are translated like ports: a clash gets another id, replies map back", () => {
    const e = engine({ policy: snatClients() });
    const echo = (src: string) => icmp({ src, dst: SERVER, type: 8, id: 77, seq: 1 });
    out(e.process(echo(CLIENT), 1));
    const second = out(e.process(echo(CLIENT2), 1));
    const id = second.sport;
    expect(id).not.toBe(77);
    const reply = out(e.process(icmp({ src: SERVER, dst: OUTSIDE, type: 0, id, seq: 1 }), 2));
    expect(reply).toMatchObject({ dst: CLIENT2, sport: 77 });
  });

  it("NAT66: source NAT of IPv6 with the pseudo-header checksum updated", () => {
    const e = engine({ policy: { sourceNat: (p) => (p.family === 6 ? natTarget({ address: "fd00:2::100" }) : null) } });
    const o = out(e.process(tcp({ src: "fd00:1::2", dst: "fd00:2::2", sport: 40000, dport: 80, flags: "S", seq: 5 }), 1));
    expect(o).toMatchObject({ src: "fd00:2::100", dst: "fd00:2::2", sport: 40000 });
    const back = out(e.process(tcp({ src: "fd00:2::2", dst: "fd00:2::100", sport: 80, dport: 40000, flags: "SA", seq: 9, ack: 6 }), 2));
    expect(back.dst).toBe("fd00:1::2");
  });

  it("bindings are bounded like connections: a destroyed connection frees its mapping", () => {
    const e = engine({ policy: snatClients(natTarget({ address: OUTSIDE, port: 2000 })), maxConnections: 4 });
    expect(out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 1, dport: 53 }), 1)).sport).toBe(2000);
    expect(e.process(udp({ src: CLIENT2, dst: SERVER, sport: 1, dport: 53 }), 2).reasonName).toBe("nat-failed");
    e.expire(100);
    expect(e.connectionCount).toBe(0);
    expect(out(e.process(udp({ src: CLIENT2, dst: SERVER, sport: 1, dport: 53 }), 101)).sport).toBe(2000);
  });
});

describe("a NAT hook that refuses (nf_nat_masquerade_ipv4's NF_DROP)", () => {
  it('"drop" drops the first packet and the connection is never created; the next attempt asks again', () => {
    let answer: "drop" | null = "drop";
    const e = engine({ policy: { sourceNat: () => answer } });
    const syn = () => tcp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 80, flags: "S", seq: 1 });
    expect(e.process(syn(), 1)).toMatchObject({ stateName: "NEW", verdictName: "drop", reasonName: "nat-failed", outBytes: null });
    expect(e.connectionCount).toBe(0);
    answer = null;
    expect(out(e.process(syn(), 2)).src).toBe(CLIENT);
    expect(e.connectionCount).toBe(1);
  });

  it("a destination NAT hook may refuse too", () => {
    const e = engine({ policy: { destinationNat: () => "drop" } });
    expect(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" }), 1)).toMatchObject({ verdictName: "drop", reasonName: "nat-failed" });
    expect(e.connectionCount).toBe(0);
  });

  it("a hook that throws fails closed: dropped, not sent out untranslated", () => {
    const e = engine({
      policy: {
        sourceNat: () => {
          throw new Error("no address");
        },
      },
    });
    expect(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" }), 1)).toMatchObject({ verdictName: "drop", reasonName: "nat-failed" });
    expect(e.connectionCount).toBe(0);
  });
});

describe("ICMP errors about translated connections (nf_nat_icmp_reply_translation)", () => {
  /** An ICMP error (type 3 code 3 or 3/4 with an MTU) from `from` quoting `quote`'s first `quoteLength` bytes. */
  function errorQuoting(from: string, to: string, quote: Uint8Array, quoteLength = quote.length) {
    return icmp({ src: from, dst: to, type: 3, code: 4, rest: 1280, payload: quote.subarray(0, quoteLength) });
  }

  it("translates the outer destination and the quoted packet back, every checksum fixed", () => {
    const e = engine({ policy: snatClients(), helpers: [icmpHelper()] });
    const sent = out(e.process(tcp({ src: CLIENT, dst: SERVER, sport: 45100, dport: 8080, flags: "S", seq: 100, payload: "" }), 1));
    const r = e.process(errorQuoting(SERVER, OUTSIDE, sent.bytes), 2);
    expect(r).toMatchObject({ stateName: "RELATED", directionName: "reply", translated: true });
    const o = out(r);
    expect(o.dst).toBe(CLIENT);
    const quoted = new ParsedPacket();
    const inner = o.bytes.subarray(28);
    decodePacket(inner, 0, inner.length, quoted);
    expect(formatAddress(4, quoted.src)).toBe(CLIENT);
    expect(quoted.sport).toBe(45100);
  });

  it("a quote of only 8 bytes of TCP has its port translated, its checksum (not quoted) left alone", () => {
    const e = engine({ policy: snatClients(natTarget({ address: OUTSIDE, port: 3000 })), helpers: [icmpHelper()] });
    const sent = out(e.process(tcp({ src: CLIENT, dst: SERVER, sport: 45100, dport: 8080, flags: "S", seq: 100 }), 1));
    expect(sent.sport).toBe(3000);
    const o = out(e.process(errorQuoting(SERVER, OUTSIDE, sent.bytes, 28), 2));
    const inner = o.bytes.subarray(28);
    expect((inner[20]! << 8) | inner[21]!).toBe(45100);
    expect(o.dst).toBe(CLIENT);
  });

  it("an error whose quote has the ports but not 8 bytes of transport header is related, and dropped: NAT cannot rewrite it", () => {
    const e = engine({ policy: snatClients(natTarget({ address: OUTSIDE, port: 3000 })), helpers: [icmpHelper()] });
    const sent = out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" }), 1));
    const r = e.process(errorQuoting(SERVER, OUTSIDE, sent.bytes, 24), 2);
    expect(r).toMatchObject({ stateName: "RELATED", verdictName: "drop", reasonName: "nat-failed" });
  });

  it("an error with a bad ICMP checksum is dropped when NAT is on (nf_ip_checksum)", () => {
    const e = engine({ policy: snatClients(), helpers: [icmpHelper()] });
    const sent = out(e.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" }), 1));
    const bad = icmp({ src: SERVER, dst: OUTSIDE, type: 3, code: 3, payload: sent.bytes, checksum: 0x1234 });
    expect(e.process(bad, 2)).toMatchObject({ stateName: "RELATED", verdictName: "drop" });
  });

  it("the router's own error, quoting a packet as it arrived before SNAT, is related and leaves unchanged", () => {
    const e = engine({ policy: snatClients(), helpers: [icmpHelper()] });
    const probe = udp({ src: CLIENT, dst: SERVER, sport: 40001, dport: 7777, payload: "x" });
    e.process(Uint8Array.from(probe), 1);
    const err = icmp({ src: "10.0.1.1", dst: CLIENT, type: 11, code: 0, payload: probe });
    const r = e.process(Uint8Array.from(err), 2);
    expect(r).toMatchObject({ stateName: "RELATED", directionName: "reply" });
    expect(Array.from(out(r).bytes)).toEqual(Array.from(err));
  });
});
