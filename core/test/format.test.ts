import { icmp, ipv4, tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { createEngine, formatConnection, type ConnectionInfo } from "../src/index.js";

/** The conntrack -L style line of the connection `packet` opened. */
function line(packet: Uint8Array): string {
  const e = createEngine({ hashSeed: 1 });
  const r = e.process(packet, 1);
  return formatConnection(e.connection(r.slot) as ConnectionInfo);
}

describe("formatConnection prints keys as the protocol's tracker does (conntrack -L)", () => {
  it("ports for TCP and UDP, even when a port is 0", () => {
    expect(line(tcp({ src: "10.0.0.1", dst: "10.0.0.2", sport: 40000, dport: 80, flags: "S" }))).toMatch(
      /^tcp +6 +\d+ SYN_SENT src=10\.0\.0\.1 dst=10\.0\.0\.2 sport=40000 dport=80 \[UNREPLIED\] src=10\.0\.0\.2 dst=10\.0\.0\.1 sport=80 dport=40000 /,
    );
    expect(line(udp({ src: "10.0.0.1", dst: "10.0.0.2", sport: 0, dport: 0 }))).toContain("src=10.0.0.1 dst=10.0.0.2 sport=0 dport=0 [UNREPLIED]");
  });

  it("type, code and id for ICMP queries", () => {
    expect(line(icmp({ src: "10.0.0.1", dst: "10.0.0.2", type: 8, id: 7, seq: 1 }))).toContain("src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=7");
  });

  it("only the addresses for a protocol without keys (the generic tracker)", () => {
    const l = line(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 41, payload: new Uint8Array(20) }));
    expect(l).toMatch(/src=10\.0\.0\.1 dst=10\.0\.0\.2 \[UNREPLIED\] src=10\.0\.0\.2 dst=10\.0\.0\.1 mark=0/);
    expect(l).not.toContain("sport");
  });
});
