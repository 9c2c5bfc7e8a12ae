import { createEngine } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { tcpConversation } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { addressBytes, addressText } from "../src/bridge/address.js";
import { kernelExpectation } from "../src/bridge/expectation-request.js";
import { NfVerdict } from "../src/netlink/constants.js";
import type { QueuedPacket } from "../src/nfqueue/packet.js";
import { PacketProcessor } from "../src/runtime/packet-processor.js";
import { toHex } from "./support.js";

let nextId = 1;
function queued(payload: Uint8Array, conntrack: QueuedPacket["conntrack"] = null): QueuedPacket {
  return { queue: 0, id: nextId++, hwProtocol: 0x0800, hook: 2, payload, mark: null, timestamp: null, inIfindex: null, outIfindex: null, conntrack, ctInfo: null, capLen: null };
}

function setup(helper: unknown = ftpHelper()) {
  const engine = createEngine({ helpers: [helper as never], attach: [{ helper: (helper as { name: string }).name, protocol: "tcp", port: 21 }] });
  let t = 1;
  const errors: unknown[] = [];
  const p = new PacketProcessor(engine, () => (t += 0.001), 0, (e) => errors.push(e.error));
  const conv = tcpConversation({ client: "10.201.1.2", server: "10.201.2.2", clientPort: 40000, serverPort: 21 });
  return { p, conv, errors };
}

describe("PacketProcessor", () => {
  it("reports the expectation a PORT command creates, and maps it to the kernel's request", () => {
    const { p, conv } = setup();
    // nf_conntrack_ftp reads a packet only if it starts right after a newline it saw: a first command comes before.
    for (const pkt of [...conv.handshake(), ...conv.server("220 hi\r\n", { ack: true }), ...conv.client("USER ftp\r\n", { ack: true })]) {
      expect(p.process(queued(pkt.bytes)).created).toHaveLength(0);
    }
    const [port] = conv.client("PORT 10,201,1,2,19,137\r\n");
    const out = p.process(queued(port!.bytes));
    expect(out.verdict).toBe(NfVerdict.ACCEPT);
    expect(out.created).toHaveLength(1);
    const req = kernelExpectation(out.created[0]!, null)!;
    // Active FTP: the server (any source port) connects to the client's announced port 5001.
    expect(addressText(req.tuple.src)).toBe("10.201.2.2");
    expect(addressText(req.tuple.dst)).toBe("10.201.1.2");
    expect([req.tuple.srcPort, req.tuple.dstPort, req.maskSrcPort]).toEqual([0, 5001, 0]);
    expect(toHex(req.maskSrc)).toBe("ffffffff");
    expect([addressText(req.master.src), req.master.srcPort, req.master.dstPort]).toEqual(["10.201.1.2", 40000, 21]);
    expect(req.timeout).toBe(300);
  });

  it("uses the kernel's master tuple when the queued packet carried the conntrack", () => {
    const { p, conv } = setup();
    const kernelOrig = { family: 4 as const, protocol: 6, src: addressBytes("10.201.1.2")!, dst: addressBytes("192.0.2.21")!, srcPort: 40000, dstPort: 21 };
    const ct = { original: kernelOrig, reply: null, id: 1, status: 0, zone: 0, mark: null, helper: "sane", timeout: 100 };
    for (const pkt of [...conv.handshake(), ...conv.server("220 hi\r\n", { ack: true }), ...conv.client("USER ftp\r\n", { ack: true })]) p.process(queued(pkt.bytes, ct));
    const out = p.process(queued(conv.client("PORT 10,201,1,2,19,137\r\n")[0]!.bytes, ct));
    const req = kernelExpectation(out.created[0]!, p.kernelTuple(out.connectionId))!;
    expect(addressText(req.master.dst)).toBe("192.0.2.21");
  });

  it("turns a helper's drop (an FTP partial match) into NF_DROP, and nothing else", () => {
    const { p, conv } = setup();
    for (const pkt of [...conv.handshake(), ...conv.client("USER ftp\r\n", { ack: true })]) expect(p.process(queued(pkt.bytes)).verdict).toBe(NfVerdict.ACCEPT);
    // A PORT command cut inside its numbers: nf_conntrack_ftp drops it.
    const out = p.process(queued(conv.client("PORT 10,201,1,2,19")[0]!.bytes));
    expect(out.verdict).toBe(NfVerdict.DROP);
    // A packet the engine finds INVALID is still the firewall's to judge: accepted here.
    const garbage = new Uint8Array(20);
    expect(p.process(queued(garbage)).verdict).toBe(NfVerdict.ACCEPT);
  });

  it("accepts the packets of a helper that throws, and reports the error", () => {
    const thrower = { apiVersion: 2, name: "thrower", policies: [{ name: "t", maxExpected: 1, timeout: 10 }], onPacket() { throw new Error("boom"); } };
    const { p, conv, errors } = setup(thrower);
    const outs = [...conv.handshake(), ...conv.client("USER x\r\n")].map((pkt) => p.process(queued(pkt.bytes)));
    expect(outs.every((o) => o.verdict === NfVerdict.ACCEPT)).toBe(true);
    expect(outs.reduce((n, o) => n + o.helperErrors, 0)).toBeGreaterThan(0);
    expect(String(errors[0])).toMatch(/boom/);
  });
});

describe("addresses", () => {
  it("parses and prints IPv4 and IPv6, refusing junk", () => {
    expect(Array.from(addressBytes("10.0.0.255")!)).toEqual([10, 0, 0, 255]);
    for (const t of ["fd00::1", "::", "2001:db8:0:1:1:1:1:1", "fe80::1:0:0:2", "::ffff:a00:1"]) expect(addressText(addressBytes(t)!)).toBe(t);
    expect(addressText(addressBytes("::ffff:10.0.0.1")!)).toBe("::ffff:a00:1");
    for (const bad of ["10.0.0", "256.1.1.1", "1::2::3", "fd00:1", "g::1", ""]) expect(addressBytes(bad)).toBeNull();
  });
});
