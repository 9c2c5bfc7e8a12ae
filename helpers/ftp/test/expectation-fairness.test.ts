import { createEngine, type Engine, type EngineOptions } from "@alg-sdk/core";
import { tcpConversation } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { ftpHelper } from "../src/index.js";

// One host filling the global expectation table with PORT commands (one
// pending expectation per control connection: FTP's policy), then another
// user's PORT. Linux refuses the latter (nf_ct_expect_max) and the FTP
// helper drops its packet; the per-source limit, an option beyond Linux,
// keeps the flooding host to its share.

const SERVER = "10.0.2.2";

/** A control connection from `client` (source port `port`) that sends one PORT; the PORT packet's verdict. */
function port(engine: Engine, client: string, port: number, t: number): string {
  const six = client.includes(":");
  const c = tcpConversation({ client, server: six ? "fd00:2::2" : SERVER, clientPort: port, serverPort: 21, start: t });
  // Linux parses a direction only from a known line start: the greeting and a first command come first.
  const warm = [...c.handshake(), ...c.server("220 ready\r\n"), ...c.client("USER a\r\n"), ...c.server("331 ok\r\n")];
  for (const p of warm) engine.process(p.bytes, p.ts);
  const announce = six ? `EPRT |2|${client}|${port}|\r\n` : `PORT ${client.replaceAll(".", ",")},${port >> 8},${port & 0xff}\r\n`;
  let verdict = "";
  for (const p of c.client(announce)) verdict = engine.process(p.bytes, p.ts).verdictName;
  return verdict;
}

function flood(options: EngineOptions, attacker: (i: number) => string, n: number): Engine {
  const engine = createEngine({ helpers: [ftpHelper()], maxExpectations: 64, hashSeed: 1, ...options });
  for (let i = 0; i < n; i++) port(engine, attacker(i), 10000 + i, 1 + i * 0.01);
  return engine;
}

describe("expectation fairness between sources", () => {
  it("by default (Linux) one host's PORTs fill the global table and another user's PORT is dropped", () => {
    const engine = flood({}, () => "10.0.1.66", 100);
    expect(engine.expectationCount).toBe(64);
    expect(port(engine, "10.0.1.2", 5000, 10)).toBe("drop");
    expect(engine.stats.expectationsRefused).toBeGreaterThan(0);
  });

  it("with maxExpectationsPerSource the flooding host keeps its newest few and others are served", () => {
    const engine = flood({ maxExpectationsPerSource: 8 }, () => "10.0.1.66", 100);
    expect(engine.expectationCount).toBe(8);
    expect(engine.stats.expectationsEvicted).toBe(92);
    // The attacker's newest eight are the ones left (its oldest were evicted).
    const ports = [...engine.pendingExpectations()].map((e) => e.tuple.dstPort).sort((a, b) => a - b);
    expect(ports).toEqual([10092, 10093, 10094, 10095, 10096, 10097, 10098, 10099]);
    expect(port(engine, "10.0.1.2", 5000, 10)).toBe("accept");
    expect(port(engine, "10.0.1.3", 5001, 10)).toBe("accept");
    expect(engine.expectationCount).toBe(10);
    expect(engine.stats.expectationsRefused).toBe(0);
  });

  it("an expectation that is used or removed frees its source's share", () => {
    const engine = createEngine({ helpers: [ftpHelper()], maxExpectationsPerSource: 2, hashSeed: 1 });
    port(engine, "10.0.1.2", 5000, 1);
    port(engine, "10.0.1.2", 5001, 1);
    // The server connects to the first announced port: that expectation is consumed.
    const data = tcpConversation({ client: SERVER, server: "10.0.1.2", clientPort: 20, serverPort: 5000, start: 2 });
    expect(engine.process(data.handshake()[0]!.bytes, 2).stateName).toBe("RELATED");
    port(engine, "10.0.1.2", 5002, 3);
    expect(engine.stats.expectationsEvicted).toBe(0);
    expect(engine.expectationCount).toBe(2);
    port(engine, "10.0.1.2", 5003, 4);
    expect(engine.stats.expectationsEvicted).toBe(1);
  });

  it("an IPv6 source counts by its /64: addresses picked across one prefix share one quota", () => {
    const engine = flood({ maxExpectationsPerSource: 4 }, (i) => `fd00:1::${(i + 1).toString(16)}`, 20);
    expect(engine.expectationCount).toBe(4);
    expect(port(engine, "fd00:3::2", 5000, 10)).toBe("accept");
    expect(engine.expectationCount).toBe(5);
  });

  it("0 turns it off; a negative or fractional limit is refused", () => {
    expect(flood({ maxExpectationsPerSource: 0 }, () => "10.0.1.66", 70).expectationCount).toBe(64);
    expect(() => createEngine({ maxExpectationsPerSource: -1 })).toThrow(RangeError);
    expect(() => createEngine({ maxExpectationsPerSource: Number.NaN })).toThrow(RangeError);
  });
});
