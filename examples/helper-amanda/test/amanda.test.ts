import { createEngine, natTarget, type EngineEvent, type PolicyPacket } from "@alg-sdk/core";
import { checksumProblems, egressOf, helperHarness, tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { amandaHelper } from "../src/index.js";

const SERVER = "10.0.2.2"; // the backup server
const CLIENT = "10.0.1.5"; // amandad
const request = (sport = 850, dst = CLIENT) => udp({ src: SERVER, dst, sport, dport: 10080, payload: "Amanda 2.6 REQ HANDLE 000-1 SEQ 1\n" });
const reply = (text: string, dport = 850, src = CLIENT) => udp({ src, dst: SERVER, sport: 10080, dport, payload: `Amanda 2.6 REP HANDLE 000-1 SEQ 1\n${text}` });
const dial = (port: number, dst = CLIENT, sport = 40000) => tcp({ src: SERVER, dst, sport, dport: port, flags: "S", seq: 1 });

describe("amanda helper (nf_conntrack_amanda)", () => {
  it("a reply's CONNECT line expects the DATA, MESG and INDEX connections from the server", () => {
    const h = helperHarness({ helpers: [amandaHelper()] });
    h.run([request(), reply("CONNECT DATA 50000 MESG 50001 INDEX 50002\n")]);
    expect(h.expectations().map((e) => `${e.tuple.protocol} ${e.tuple.src} -> ${e.tuple.dst}:${e.tuple.dstPort}`)).toEqual([
      `6 ${SERVER} -> ${CLIENT}:50000`,
      `6 ${SERVER} -> ${CLIENT}:50001`,
      `6 ${SERVER} -> ${CLIENT}:50002`,
    ]);
    expect(h.created()[0]).toMatchObject({ mask: { srcPort: 0 }, class: 0, helper: "amanda" });
    expect(h.run(dial(50001))[0]).toMatchObject({ state: "RELATED", expected: true });
  });

  it("only the client's replies are read, and only a CONNECT line that ends", () => {
    const h = helperHarness({ helpers: [amandaHelper()] });
    h.run([udp({ src: SERVER, dst: CLIENT, sport: 850, dport: 10080, payload: "CONNECT DATA 50000\n" })]);
    h.run(reply("CONNECT DATA 50000"));
    expect(h.expectations()).toEqual([]);
  });

  it("reads ports as Linux: at most five digits, stored in 16 bits; a zero port stops the line", () => {
    const h = helperHarness({ helpers: [amandaHelper()] });
    h.run([request(), reply("CONNECT DATA 70000 MESG 0 INDEX 50002\n")]);
    // 70000 mod 65536; "MESG 0" ends the search, so INDEX is never read.
    expect(h.expectations().map((e) => e.tuple.dstPort)).toEqual([4464]);
    const h2 = helperHarness({ helpers: [amandaHelper()] });
    h2.run([request(), reply("CONNECT INDEX 123456789\n")]);
    expect(h2.expectations().map((e) => e.tuple.dstPort)).toEqual([12345]);
  });

  it("each reply keeps the UDP connection for masterTimeout seconds", () => {
    const engine = createEngine({ helpers: [amandaHelper({ masterTimeout: 900 })] });
    engine.process(request(), 1);
    engine.process(reply("nothing here\n"), 2);
    engine.expire(2 + 899);
    expect(engine.connectionCount).toBe(1);
    engine.expire(2 + 901);
    expect(engine.connectionCount).toBe(0);
    expect(() => amandaHelper({ masterTimeout: 0 })).toThrow(RangeError);
  });

  it("at most three pending per connection: a fourth evicts the oldest", () => {
    const h = helperHarness({ helpers: [amandaHelper()] });
    h.run([request(), reply("CONNECT DATA 50000 MESG 50001 INDEX 50002\n"), reply("CONNECT DATA 50010\n")]);
    expect(h.expectations().map((e) => e.tuple.dstPort).sort()).toEqual([50001, 50002, 50010]);
    expect(h.destroyed().map((d) => d.reason)).toEqual(["evicted"]);
  });
});

describe("amanda helper on translated connections (nf_nat_amanda)", () => {
  const PUBLIC = "198.51.100.10";
  /** The client is reached at PUBLIC:10080, translated to its real address. */
  function natEngine() {
    const engine = createEngine({
      helpers: [amandaHelper()],
      policy: { destinationNat: (p: PolicyPacket) => (p.dport === 10080 ? natTarget({ address: CLIENT }) : null) },
      hashSeed: 4,
    });
    const logs: EngineEvent[] = [];
    engine.on((e) => logs.push(e), { types: ["helper-log", "payload-rewrite"] });
    return { engine, logs };
  }

  const through = (engine: ReturnType<typeof createEngine>, bytes: Uint8Array, ts = 1) => {
    const out = egressOf(engine.process(bytes, ts));
    expect(out).not.toBeNull();
    expect(checksumProblems(out!.bytes)).toEqual([]);
    return out!;
  };

  it("expects at the address the server sees; the port is kept when free, and the server's connection reaches the client", () => {
    const { engine } = natEngine();
    expect(through(engine, request(850, PUBLIC)).dst).toBe(CLIENT);
    const out = through(engine, reply("CONNECT DATA 50000\n"));
    expect(out.src).toBe(PUBLIC);
    expect(out.text.endsWith("CONNECT DATA 50000\n")).toBe(true);
    expect([...engine.pendingExpectations()].map((e) => `${e.tuple.dst}:${e.tuple.dstPort}`)).toEqual([`${PUBLIC}:50000`]);
    const syn = engine.process(dial(50000, PUBLIC), 2);
    expect(syn.stateName).toBe("RELATED");
    expect(egressOf(syn)).toMatchObject({ dst: CLIENT, dstPort: 50000 });
  });

  it("a port another session holds is replaced by a free one, written into the reply, and leads to the announced port", () => {
    const { engine, logs } = natEngine();
    through(engine, request(850, PUBLIC));
    through(engine, reply("CONNECT DATA 50000\n", 850));
    through(engine, request(851, PUBLIC));
    const out = through(engine, reply("CONNECT DATA 50000\n", 851));
    const port = Number(/DATA (\d+)\n$/.exec(out.text)![1]);
    expect(port).not.toBe(50000);
    expect(port).toBeGreaterThan(50000);
    expect(logs.filter((e) => e.type === "payload-rewrite")).toHaveLength(2);
    const syn = engine.process(dial(port, PUBLIC, 40001), 2);
    expect(syn.stateName).toBe("RELATED");
    expect(egressOf(syn)).toMatchObject({ dst: CLIENT, dstPort: 50000 });
  });
});
