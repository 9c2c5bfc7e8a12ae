import { helperHarness, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { tftpHelper } from "../src/index.js";

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const text = (s: string) => [...new TextEncoder().encode(s)];
const request = (opcode: number, sport = 40000) =>
  udp({ src: CLIENT, dst: SERVER, sport, dport: 69, payload: [0, opcode, ...text("file.txt"), 0, ...text("octet"), 0] });
const rrq = (sport = 40000) => request(1, sport);
const data = (sport = 50000, dport = 40000) => udp({ src: SERVER, dst: CLIENT, sport, dport, payload: [0, 3, 0, 1, 65, 66] });
const ack = (dport = 50000, sport = 40000) => udp({ src: CLIENT, dst: SERVER, sport, dport, payload: [0, 4, 0, 1] });

describe("tftp helper (nf_conntrack_tftp)", () => {
  it("a read request makes the server's answer from a new port RELATED", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    const [req, first, reply] = h.run([rrq(), data(), ack()]);
    expect(req).toMatchObject({ state: "NEW", helper: "tftp" });
    expect(first).toMatchObject({ state: "RELATED", direction: "original", expected: true });
    expect(reply).toMatchObject({ state: "ESTABLISHED", direction: "reply", expected: true });
    expect(h.created()[0]).toMatchObject({
      tuple: { protocol: 17, src: SERVER, dst: CLIENT, srcPort: 0, dstPort: 40000 },
      mask: { src: "255.255.255.255", srcPort: 0 },
      class: 0,
      timeout: 300,
      helper: "tftp",
    });
  });

  it("a write request works the same way", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    const [, first] = h.run([request(2), udp({ src: SERVER, dst: CLIENT, sport: 50001, dport: 40000, payload: [0, 4, 0, 0] })]);
    expect(first).toMatchObject({ state: "RELATED", expected: true });
  });

  it("DATA, ACK, ERROR, unknown opcodes and payloads shorter than an opcode create nothing", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    for (const payload of [[0, 3, 0, 1], [0, 4, 0, 1], [0, 5, 0, 0], [0, 9], [1], []]) {
      h.run(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 69, payload }));
    }
    expect(h.created()).toEqual([]);
    expect(h.run(data())[0]!.state).toBe("NEW");
  });

  it("looks at both directions, as Linux does: a request-shaped reply expects from the reply tuple", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    // The client's first packet is an ACK (no expectation); the server's reply starts with opcode 1.
    h.run(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 69, payload: [0, 4, 0, 0] }));
    expect(h.created()).toEqual([]);
    h.run(udp({ src: SERVER, dst: CLIENT, sport: 69, dport: 40000, payload: [0, 1, 0] }));
    expect(h.created()).toHaveLength(1);
    expect(h.created()[0]).toMatchObject({ tuple: { src: SERVER, dst: CLIENT, dstPort: 40000 } });
  });

  it("other ports are not helped; extra ports attach the helper there too", () => {
    const plain = helperHarness({ helpers: [tftpHelper()] });
    plain.run(udp({ src: CLIENT, dst: SERVER, sport: 40001, dport: 70, payload: [0, 1, 0] }));
    expect(plain.created()).toEqual([]);
    const h = helperHarness({ helpers: [tftpHelper({ ports: [6969] })] });
    h.run(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 6969, payload: [0, 2, 0] }));
    expect(h.expectations()).toHaveLength(1);
    expect(() => tftpHelper({ ports: [0] })).toThrow(RangeError);
  });

  it("a new request replaces the pending expectation (max_expected 1)", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    h.run([rrq(), rrq()]);
    expect(h.expectations()).toHaveLength(1);
    expect(h.destroyed().map((d) => d.reason)).toEqual(["replaced"]);
  });

  it("a refused expectation drops the request (here: the engine's expectation limit)", () => {
    const limited = helperHarness({ helpers: [tftpHelper()], maxExpectations: 1 });
    limited.run(rrq(40000));
    const second = limited.run(udp({ src: CLIENT, dst: "10.0.2.3", sport: 40002, dport: 69, payload: [0, 1, 0] }))[0]!;
    expect(second).toMatchObject({ verdict: "drop", reason: "helper-drop" });
    expect(limited.expectations()).toHaveLength(1);
  });
});
