import { ipv4, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { createEngine, PacketState, Verdict } from "../src/index.js";
import { FRAGMENT_OVERHEAD, QUEUE_OVERHEAD } from "../src/packet/defrag.js";
import { heldMemory } from "../../test/support/heap.js";

/** An IPv4 fragment template: MF set, 8 data bytes; `fragment` patches id and offset in place. */
function template(dataBytes: number): Uint8Array {
  return ipv4({ src: "198.51.100.7", dst: "10.0.2.3", protocol: 17, mf: true, fragOffset: 8, payload: new Uint8Array(dataBytes).fill(0x41) });
}

/** The template as fragment `offset` (bytes) of datagram `id` (the checksum is stale: checksums are off by default). */
function fragment(b: Uint8Array, id: number, offset: number): Uint8Array {
  b[4] = id >>> 8;
  b[5] = id & 0xff;
  b[6] = 0x20 | (offset >>> 11);
  b[7] = (offset >>> 3) & 0xff;
  return b;
}

describe("fragment memory is counted as really held (Linux's truesize accounting)", () => {
  it("a flood of 8-byte fragments holds less than twice the configured budget", () => {
    const maxBytes = 1 << 20;
    const engine = createEngine({ helpers: [], fragments: { maxBytes } });
    const b = template(8);
    const before = heldMemory();
    let pushed = 0;
    // 1,024 datagrams (the default maxDatagrams), each with fragments 16 bytes apart: every one is held on its own.
    for (let id = 0; id < 1024; id++) {
      for (let offset = 8; offset < 8 + 256 * 16; offset += 16) {
        const r = engine.process(fragment(b, id, offset), 1);
        if (r.verdict === Verdict.HOLD) pushed++;
      }
    }
    const held = heldMemory() - before;
    // Counting data bytes only, this held 130,000 fragments: about 46 times the budget.
    expect(pushed).toBeGreaterThan(200_000);
    expect(held).toBeLessThan(2 * maxBytes);
    expect(engine.memory().fragmentBytes).toBeLessThanOrEqual(maxBytes);
    expect(engine.memory().fragmentDatagrams).toBeGreaterThan(0);
  });

  it("full-size fragments still fill the budget mostly with data: the overheads are fixed per fragment and per datagram", () => {
    const maxBytes = 1 << 20;
    const engine = createEngine({ helpers: [], fragments: { maxBytes } });
    const b = template(1480);
    for (let id = 0; id < 1024; id++) engine.process(fragment(b, id, 1480), 1);
    const m = engine.memory();
    // One 1480-byte fragment per datagram costs its data plus both overheads, as Linux counts truesize and qsize.
    expect(m.fragmentDatagrams).toBe(Math.floor(maxBytes / (1480 + FRAGMENT_OVERHEAD + QUEUE_OVERHEAD)));
    expect(m.fragmentBytes).toBeLessThanOrEqual(maxBytes);
  });
});

describe("incomplete datagrams expire on the clock (ip_expire), not only when another fragment comes", () => {
  function addQueues(engine: ReturnType<typeof createEngine>, n: number) {
    const b = template(64);
    for (let id = 0; id < n; id++) expect(engine.process(fragment(b, id, 8), 100).verdict).toBe(Verdict.HOLD);
    return engine;
  }
  const engineWithQueues = (n: number) => addQueues(createEngine({ helpers: [] }), n);

  it("engine.expire() frees queues older than the 30 s fragment timeout", () => {
    // The engine exists before the baseline: only what the queues hold is compared.
    const engine = createEngine({ helpers: [] });
    engine.process(udp({ src: "10.0.1.2", dst: "10.0.2.3", sport: 5000, dport: 53, payload: "warm" }), 99);
    const before = heldMemory();
    addQueues(engine, 1024);
    const holding = heldMemory() - before;
    engine.expire(140);
    const after = heldMemory() - before;
    // 1,024 queues of one fragment hold over a megabyte until they are freed.
    expect(holding).toBeGreaterThan(1_000_000);
    expect(after).toBeLessThan(holding / 4);
    expect(engine.memory()).toMatchObject({ fragmentDatagrams: 0, fragmentBytes: 0 });
  });

  it("engine.expire() keeps queues younger than the timeout", () => {
    const engine = engineWithQueues(1024);
    expect(engine.memory().fragmentDatagrams).toBe(1024);
    engine.expire(129);
    expect(engine.memory().fragmentDatagrams).toBe(1024);
  });

  it("any later packet, fragment or not, frees the queues that timed out", () => {
    const engine = engineWithQueues(10);
    expect(engine.memory().fragmentDatagrams).toBe(10);
    const r = engine.process(udp({ src: "10.0.1.2", dst: "10.0.2.3", sport: 5000, dport: 53, payload: "q" }), 131);
    expect(r.state).toBe(PacketState.NEW);
    expect(engine.memory()).toMatchObject({ fragmentDatagrams: 0, fragmentBytes: 0 });
  });

  it("the timeout follows the fragments option, and a late fragment starts a new datagram", () => {
    const engine = createEngine({ helpers: [], fragments: { timeout: 5 } });
    const b = template(64);
    engine.process(fragment(b, 1, 8), 10);
    engine.expire(14.5);
    expect(engine.memory().fragmentDatagrams).toBe(1);
    engine.expire(15);
    expect(engine.memory().fragmentDatagrams).toBe(0);
    expect(engine.process(fragment(b, 1, 72), 16).verdict).toBe(Verdict.HOLD);
    expect(engine.memory().fragmentDatagrams).toBe(1);
  });
});
