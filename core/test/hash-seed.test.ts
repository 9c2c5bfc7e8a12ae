import { checksumProblems, udp } from "@alg-sdk/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEngine, decodePacket, natTarget, ParsedPacket, Reason, type EngineOptions, type PolicyPacket } from "../src/index.js";

// The seed is observable from outside through NAT's random choices: a
// source-port clash moves the second flow to a port drawn from the seeded
// generator (as Linux draws it with get_random_u16).
const OUTSIDE = "10.0.2.100";
const snat = { sourceNat: (p: PolicyPacket) => (p.src[0]! >>> 8 === 0x0a0001 ? natTarget({ address: OUTSIDE }) : null) };

/** The source port the second of two clashing flows leaves with. */
function clashPort(options: EngineOptions = {}): number {
  const e = createEngine({ policy: snat, ...options });
  e.process(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 53 }), 1);
  const r = e.process(udp({ src: "10.0.1.3", dst: "10.0.2.2", sport: 40000, dport: 53 }), 2);
  const bytes = r.outBytes!.slice(r.outOffset, r.outOffset + r.outLength);
  expect(checksumProblems(bytes)).toEqual([]);
  const p = new ParsedPacket();
  expect(decodePacket(bytes, 0, bytes.length, p)).toBe(Reason.NONE);
  expect(p.sport).not.toBe(40000);
  return p.sport;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("hash seed", () => {
  it("is random by default: engines made without hashSeed make different choices", () => {
    const ports = new Set<number>();
    for (let i = 0; i < 8; i++) ports.add(clashPort());
    // A constant default gives one port eight times; random seeds collide only by chance.
    expect(ports.size).toBeGreaterThan(4);
  });

  it("is drawn from globalThis.crypto.getRandomValues, once per engine", () => {
    const spy = vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
      (a as unknown as Uint32Array)[0] = 0xdeadbeef;
      return a;
    });
    const drawn = clashPort();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(drawn).toBe(clashPort({ hashSeed: 0xdeadbeef }));
  });

  it("falls back to Math.random on a runtime without Web Crypto", () => {
    vi.stubGlobal("crypto", undefined);
    const random = vi.spyOn(Math, "random").mockReturnValue(0.25);
    const drawn = clashPort();
    expect(random).toHaveBeenCalled();
    vi.unstubAllGlobals();
    random.mockRestore();
    expect(drawn).toBe(clashPort({ hashSeed: 0x40000000 }));
  });

  it("a given hashSeed makes runs reproducible, and different seeds differ", () => {
    expect(clashPort({ hashSeed: 7 })).toBe(clashPort({ hashSeed: 7 }));
    expect(clashPort({ hashSeed: 0xffffffff })).toBe(clashPort({ hashSeed: -1 }));
    const seeds = [1, 2, 3, 4, 5, 6].map((s) => clashPort({ hashSeed: s }));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it("refuses a hashSeed that is not a 32-bit integer", () => {
    for (const bad of [Number.NaN, 1.5, 2 ** 32, -(2 ** 31) - 1, Infinity, "7" as unknown as number]) {
      expect(() => createEngine({ hashSeed: bad }), String(bad)).toThrow(RangeError);
    }
  });
});
