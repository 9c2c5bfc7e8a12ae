import { helperHarness, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { tftpHelper } from "../src/index.js";

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const rrq = (sport = 40000) =>
  udp({ src: CLIENT, dst: SERVER, sport, dport: 69, payload: [0, 1, ...new TextEncoder().encode("file.txt"), 0, ...new TextEncoder().encode("octet"), 0] });
const data = (sport = 50000, dport = 40000) => udp({ src: SERVER, dst: CLIENT, sport, dport, payload: [0, 3, 0, 1, 65, 66] });
const ack = (dport = 50000, sport = 40000) => udp({ src: CLIENT, dst: SERVER, sport, dport, payload: [0, 4, 0, 1] });

describe("tftp helper", () => {
  it("a read request makes the server's answer from a new port RELATED", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    const [request, first, reply] = h.run([rrq(), data(), ack()]);
    expect(request).toMatchObject({ state: "NEW", helper: "tftp" });
    expect(first).toMatchObject({ state: "RELATED", direction: "original", expected: true });
    expect(reply).toMatchObject({ state: "ESTABLISHED", direction: "reply", expected: true });
    expect(h.created()[0]).toMatchObject({ tuple: { src: SERVER, dst: CLIENT, srcPort: 0, dstPort: 40000 }, mask: { srcPort: 0 } });
  });

  it("other opcodes and other ports create nothing", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    h.run([udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 69, payload: [0, 5, 0, 0] }), udp({ src: CLIENT, dst: SERVER, sport: 40001, dport: 70, payload: [0, 1] })]);
    expect(h.created()).toEqual([]);
    expect(h.run(data())[0]!.state).toBe("NEW");
  });

  it("extra ports attach the helper there too", () => {
    const h = helperHarness({ helpers: [tftpHelper({ ports: [6969] })] });
    h.run(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 6969, payload: [0, 2, 0] }));
    expect(h.expectations()).toHaveLength(1);
  });

  it("a new request replaces the pending expectation (max_expected 1)", () => {
    const h = helperHarness({ helpers: [tftpHelper()] });
    h.run([rrq(), rrq()]);
    expect(h.expectations()).toHaveLength(1);
    expect(h.destroyed().map((d) => d.reason)).toEqual(["replaced"]);
  });
});
