import { createEngine, natTarget, type Engine, type PolicyPacket } from "@alg-sdk/core";
import { checksumProblems, egressOf, tcp, tcpConversation, type ConversationPacket } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { ircHelper } from "../src/index.js";

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const OUTSIDE = "10.0.2.100";
/** The decimal forms IRC uses for IPv4 addresses. */
const CLIENT_DECIMAL = String((10 << 24) + (1 << 8) + 2);
const OUTSIDE_DECIMAL = String((10 << 24) + (2 << 8) + 100);

const dcc = (address: string, port: number) => `PRIVMSG bob :\x01DCC SEND file.bin ${address} ${port} 64\x01\r\n`;

function pass(e: Engine, packet: ConversationPacket | Uint8Array, ts = 1) {
  const r = e.process(Uint8Array.from(packet instanceof Uint8Array ? packet : packet.bytes), ts);
  const out = egressOf(r);
  expect(out, `${r.verdictName} ${r.reasonName}`).not.toBeNull();
  expect(checksumProblems(out!.bytes)).toEqual([]);
  return { ...out!, state: r.stateName };
}

/** An IRC connection from the client through SNAT to OUTSIDE, logged in. */
function session(clientPort = 43220) {
  const e = createEngine({
    helpers: [ircHelper()],
    policy: { sourceNat: (p: PolicyPacket) => (p.dport === 6667 ? natTarget({ address: OUTSIDE }) : null) },
    hashSeed: 5,
  });
  const c = tcpConversation({ client: CLIENT, server: SERVER, clientPort, serverPort: 6667, clientIsn: 100, serverIsn: 900, clientSeenAs: { address: OUTSIDE } });
  for (const p of c.handshake()) pass(e, p);
  for (const p of c.client("NICK alice\r\n")) pass(e, p);
  return { e, c };
}

describe("nf_nat_irc: DCC offers rewritten on translated connections", () => {
  it("the offer carries the outside address as one decimal number; the peer's connection to it is RELATED and reaches the client", () => {
    const { e, c } = session();
    const [offer] = c.client(dcc(CLIENT_DECIMAL, 5000));
    const out = pass(e, offer!);
    expect(out.src).toBe(OUTSIDE);
    expect(out.text).toBe(dcc(OUTSIDE_DECIMAL, 5000));
    expect([...e.pendingExpectations()].map((x) => `${x.tuple.dst}:${x.tuple.dstPort}`)).toEqual([`${OUTSIDE}:5000`]);

    // The peer dials the address it was given; the connection follows the master's translation back
    // (nf_nat_follow_master): its destination becomes the client, and its source where the master
    // sends to, the IRC server, whoever the peer is.
    const syn = pass(e, tcp({ src: "10.0.2.50", dst: OUTSIDE, sport: 33000, dport: 5000, flags: "S", seq: 7 }));
    expect(syn).toMatchObject({ state: "RELATED", dst: CLIENT, dstPort: 5000, src: SERVER, srcPort: 33000 });
    const synAck = pass(e, tcp({ src: CLIENT, dst: SERVER, sport: 5000, dport: 33000, flags: "SA", seq: 70, ack: 8 }));
    expect(synAck).toMatchObject({ state: "ESTABLISHED", src: OUTSIDE, srcPort: 5000, dst: "10.0.2.50", dstPort: 33000 });
  });

  it("a rewrite of the same length leaves later sequence numbers alone", () => {
    const { e, c } = session();
    pass(e, c.client(dcc(CLIENT_DECIMAL, 5000))[0]!);
    expect(OUTSIDE_DECIMAL.length).toBe(CLIENT_DECIMAL.length);
    const [next] = c.client("PING x\r\n");
    expect(pass(e, next!).seq).toBe(next!.seq);
  });

  it("a decimal address of another length moves sequence numbers (nf_nat_mangle_tcp_packet)", () => {
    const e = createEngine({
      helpers: [ircHelper()],
      policy: { sourceNat: (p: PolicyPacket) => (p.dport === 6667 ? natTarget({ address: "1.2.3.4" }) : null) },
      hashSeed: 5,
    });
    const c = tcpConversation({ client: CLIENT, server: SERVER, clientPort: 43220, serverPort: 6667, clientIsn: 100, serverIsn: 900, clientSeenAs: { address: "1.2.3.4" } });
    for (const p of c.handshake()) pass(e, p);
    const [offer] = c.client(dcc(CLIENT_DECIMAL, 5000));
    const out = pass(e, offer!);
    const small = String((1 << 24) + (2 << 16) + (3 << 8) + 4); // 16909060: one digit shorter than 167772418
    expect(out.text).toBe(dcc(small, 5000));
    const delta = small.length - CLIENT_DECIMAL.length;
    expect(delta).toBe(-1);
    const [next] = c.client("PING x\r\n");
    expect(pass(e, next!).seq).toBe((next!.seq + delta) >>> 0);
    const ack = c.raw("server", { flags: "A", ack: (c.nextSeq("client") + delta) >>> 0 });
    expect(pass(e, ack).ack).toBe(c.nextSeq("client"));
  });

  it("a port another offer holds is replaced by a free one, and the offer says which (nf_nat_exp_find_port)", () => {
    const { e, c } = session(43220);
    const second = tcpConversation({ client: CLIENT, server: SERVER, clientPort: 43221, serverPort: 6667, clientIsn: 300, serverIsn: 1900, clientSeenAs: { address: OUTSIDE } });
    for (const p of second.handshake()) pass(e, p);
    pass(e, c.client(dcc(CLIENT_DECIMAL, 5000))[0]!);
    const out = pass(e, second.client(dcc(CLIENT_DECIMAL, 5000))[0]!);
    const port = Number(/ (\d+) 64\x01/.exec(out.text)![1]);
    expect(port).toBeGreaterThan(5000);
    expect(out.text).toBe(dcc(OUTSIDE_DECIMAL, port));
    expect([...e.pendingExpectations()].map((x) => x.tuple.dstPort).sort((a, b) => a - b)).toEqual([5000, port]);
    // The peer of the second offer reaches the client on the port it announced, not the one on the wire.
    const syn = pass(e, tcp({ src: SERVER, dst: OUTSIDE, sport: 33001, dport: port, flags: "S", seq: 7 }));
    expect(syn).toMatchObject({ state: "RELATED", dst: CLIENT, dstPort: 5000 });
  });

  it("without NAT nothing is rewritten", () => {
    const e = createEngine({ helpers: [ircHelper()], hashSeed: 5 });
    const c = tcpConversation({ client: CLIENT, server: SERVER, clientPort: 43220, serverPort: 6667 });
    for (const p of c.handshake()) pass(e, p);
    const out = pass(e, c.client(dcc(CLIENT_DECIMAL, 5000))[0]!);
    expect(out.text).toBe(dcc(CLIENT_DECIMAL, 5000));
    expect(out.src).toBe(CLIENT);
  });
});
