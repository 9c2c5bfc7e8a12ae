import { describe, expect, it } from "vitest";
import type { ConnectionInfo, TupleInfo } from "@alg-sdk/core";
import { translationText, tupleText } from "../src/translation.js";

const tcp = (src: string, sport: number, dst: string, dport: number): TupleInfo => ({ family: 4, protocol: 6, protocolName: "tcp", src, dst, srcPort: sport, dstPort: dport });
const conn = (original: TupleInfo, reply: TupleInfo): ConnectionInfo => ({
  id: 1, slot: 0, zone: 0, original, reply, protocolState: "ESTABLISHED", status: 0, expected: false, seenReply: true,
  assured: true, confirmed: true, timeout: 100, mark: 0, helper: null, master: null, created: 0,
});

describe("translation column", () => {
  it("is empty for a routed connection", () => {
    expect(translationText(conn(tcp("10.0.1.2", 5000, "10.0.2.2", 21), tcp("10.0.2.2", 21, "10.0.1.2", 5000)))).toBe("");
  });

  it("reads masquerading from the reply tuple's destination, as conntrack -L shows it", () => {
    const c = conn(tcp("10.0.1.2", 5000, "10.0.2.2", 21), tcp("10.0.2.2", 21, "10.0.2.1", 61000));
    expect(translationText(c)).toBe("SNAT 10.0.2.1:61000");
  });

  it("reads a port forward from the reply tuple's source", () => {
    const c = conn(tcp("10.0.2.2", 40000, "10.0.2.1", 2121), tcp("10.0.1.5", 21, "10.0.2.2", 40000));
    expect(translationText(c)).toBe("DNAT 10.0.1.5:21");
    expect(tupleText(c.original)).toBe("10.0.2.2:40000 → 10.0.2.1:2121");
  });

  it("brackets IPv6 endpoints", () => {
    const t: TupleInfo = { family: 6, protocol: 17, protocolName: "udp", src: "fd00:1::2", dst: "fd00:2::2", srcPort: 5000, dstPort: 53 };
    expect(tupleText(t)).toBe("[fd00:1::2]:5000 → [fd00:2::2]:53");
  });
});
