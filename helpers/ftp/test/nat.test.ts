import { createEngine, decodePacket, natTarget, ParsedPacket, type Engine, type PolicyPacket } from "@alg-sdk/core";
import { checksumProblems, egressOf, tcp, tcpConversation, type ConversationPacket } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { ftpHelper } from "../src/index.js";

/** SACK block edges of a TCP segment's options. */
function sackEdges(b: Uint8Array): number[] {
  const p = new ParsedPacket();
  decodePacket(b, 0, b.length, p);
  const edges: number[] = [];
  for (let i = p.l4Offset + 20; i < p.l4Offset + p.tcpHeaderLength; ) {
    const kind = b[i]!;
    if (kind <= 1) {
      i++;
      continue;
    }
    if (kind === 5) for (let o = i + 2; o < i + b[i + 1]!; o += 4) edges.push(((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0);
    i += b[i + 1]!;
  }
  return edges;
}

/** What left the engine for one packet, decoded; its checksums must verify. */
function send(e: Engine, packet: ConversationPacket | Uint8Array, ts = 1) {
  const r = e.process(Uint8Array.from(packet instanceof Uint8Array ? packet : packet.bytes), ts);
  const out = egressOf(r);
  expect(out, `${r.verdictName} ${r.reasonName}`).not.toBeNull();
  expect(checksumProblems(out!.bytes)).toEqual([]);
  return { ...out!, payload: out!.text, sport: out!.srcPort, dport: out!.dstPort, sack: sackEdges(out!.bytes), state: r.stateName };
}

const snat = (family: 4 | 6, to: string) => ({
  sourceNat: (p: PolicyPacket) => (p.family === family && p.dport === 21 ? natTarget({ address: to }) : null),
});

/** A logged-in control connection through SNAT: the client's first line is sent, so its next one is parsed. */
function session(to = "10.0.2.100", client = "10.0.1.2", server = "10.0.2.2") {
  const family = client.includes(":") ? 6 : 4;
  const e = createEngine({ helpers: [ftpHelper()], policy: snat(family, to), hashSeed: 3 });
  const c = tcpConversation({ client, server, serverPort: 21, clientPort: 40000, clientIsn: 1000, serverIsn: 5000, clientSeenAs: { address: to } });
  for (const p of c.handshake()) send(e, p);
  for (const p of c.server("220 ready\r\n")) send(e, p);
  for (const p of c.client("USER x\r\n")) send(e, p);
  return { e, c };
}

describe("nf_nat_ftp: commands rewritten on translated connections", () => {
  it("PORT gets the outside address; later sequence numbers shift, the server's ACKs shift back", () => {
    const { e, c } = session();
    const [port] = c.client("PORT 10,0,1,2,156,69\r\n");
    const o = send(e, port!);
    expect(o.payload).toBe("PORT 10,0,2,100,156,69\r\n");
    // The rewritten segment itself keeps the old offset.
    expect(o.seq).toBe(port!.seq);
    expect([...e.pendingExpectations()].map((x) => `${x.tuple.src} ${x.tuple.dst}:${x.tuple.dstPort}`)).toEqual(["10.0.2.2 10.0.2.100:40005"]);
    // The server acknowledges the two extra bytes it received; the client must see its own numbering.
    const serverAck = c.raw("server", { flags: "A", ack: c.nextSeq("client") + 2 });
    expect(send(e, serverAck).ack).toBe(c.nextSeq("client"));
    const [list] = c.client("LIST\r\n");
    expect(send(e, list!).seq).toBe(list!.seq + 2);
  });

  it("a retransmission of the rewritten segment (at the correction point) keeps the old offset and is rewritten the same way", () => {
    const { e, c } = session();
    const [port] = c.client("PORT 10,0,1,2,156,69\r\n");
    send(e, port!);
    const again = send(e, port!);
    expect(again).toMatchObject({ seq: port!.seq, payload: "PORT 10,0,2,100,156,69\r\n" });
    const [next] = c.client("NOOP\r\n");
    expect(send(e, next!).seq).toBe(next!.seq + 2);
  });

  it("SACK blocks of the server's ACKs are shifted back like the acknowledgement", () => {
    const { e, c } = session();
    send(e, c.client("PORT 10,0,1,2,156,69\r\n")[0]!);
    const base = c.nextSeq("client");
    send(e, c.client("NOOP\r\n")[0]!);
    send(e, c.client("NOOP\r\n")[0]!);
    // The server lost the first NOOP and selectively acknowledges the second, in the numbering it received.
    const pkt = c.raw("server", { flags: "A", ack: base + 2, options: { sack: [[base + 2 + 6, base + 2 + 12]] } });
    const o = send(e, pkt);
    expect(o.state).toBe("ESTABLISHED");
    expect(o.ack).toBe(base);
    expect(o.sack).toEqual([base + 6, base + 12]);
  });

  it("a rewrite that shortens the command shifts the other way", () => {
    const { e, c } = session("1.2.3.4");
    const o = send(e, c.client("PORT 10,0,1,2,156,69\r\n")[0]!);
    expect(o.payload).toBe("PORT 1,2,3,4,156,69\r\n");
    const [next] = c.client("NOOP\r\n");
    expect(send(e, next!).seq).toBe(next!.seq - 1);
    expect(send(e, c.raw("server", { flags: "A", ack: c.nextSeq("client") - 1 })).ack).toBe(c.nextSeq("client"));
  });

  it("the data connection to the outside address is RELATED and reaches the client at the announced port", () => {
    const { e, c } = session();
    send(e, c.client("PORT 10,0,1,2,156,69\r\n")[0]!);
    const syn = tcp({ src: "10.0.2.2", dst: "10.0.2.100", sport: 20, dport: 40005, flags: "S", seq: 77 });
    const o = send(e, syn);
    expect(o).toMatchObject({ state: "RELATED", dst: "10.0.1.2", dport: 40005, src: "10.0.2.2", sport: 20 });
  });

  it("when the announced port is taken at the outside address another one is registered and written", () => {
    const e = createEngine({ helpers: [ftpHelper()], policy: snat(4, "10.0.2.100"), hashSeed: 3 });
    const announce = (client: string, clientPort: number) => {
      const c = tcpConversation({ client, server: "10.0.2.2", serverPort: 21, clientPort, clientIsn: 1000, serverIsn: 5000, clientSeenAs: { address: "10.0.2.100" } });
      for (const p of c.handshake()) send(e, p);
      send(e, c.client("USER x\r\n")[0]!);
      return send(e, c.client(`PORT ${client.replaceAll(".", ",")},156,69\r\n`)[0]!);
    };
    expect(announce("10.0.1.2", 40000).payload).toBe("PORT 10,0,2,100,156,69\r\n");
    const second = /^PORT 10,0,2,100,(\d+),(\d+)\r\n$/.exec(announce("10.0.1.3", 40001).payload)!;
    const port = Number(second[1]) * 256 + Number(second[2]);
    expect(port).toBeGreaterThan(40005);
    const o = send(e, tcp({ src: "10.0.2.2", dst: "10.0.2.100", sport: 20, dport: port, flags: "S", seq: 1 }));
    expect(o).toMatchObject({ state: "RELATED", dst: "10.0.1.3", dport: 40005 });
  });

  it("227 is rewritten for passive mode behind DNAT", () => {
    const e = createEngine({
      helpers: [ftpHelper()],
      policy: { destinationNat: (p) => (p.dport === 21 ? natTarget({ address: "10.0.2.2" }) : null) },
    });
    // The client talks to the public address; the server answers from its real one.
    const c = tcpConversation({ client: "10.0.1.2", server: "10.0.2.2", serverSeenAs: { address: "10.0.1.200" }, clientIsn: 1, serverIsn: 9 });
    const [syn, synAck, ack] = c.handshake();
    expect(send(e, syn!).dst).toBe("10.0.2.2");
    expect(send(e, synAck!).src).toBe("10.0.1.200");
    send(e, ack!);
    send(e, c.server("220 hi\r\n")[0]!);
    const o = send(e, c.server("227 Entering Passive Mode (10,0,2,2,117,48).\r\n")[0]!);
    expect(o.payload).toBe("227 Entering Passive Mode (10,0,1,200,117,48).\r\n");
  });

  it("EPRT on IPv6 is written with the address fully expanded, as the kernel's %pI6", () => {
    const { e, c } = session("fd00:2::100", "fd00:1::2", "fd00:2::2");
    const o = send(e, c.client("EPRT |2|fd00:1::2|40005|\r\n")[0]!);
    expect(o.payload).toBe("EPRT |2|fd00:0002:0000:0000:0000:0000:0000:0100|40005|\r\n");
  });
});
