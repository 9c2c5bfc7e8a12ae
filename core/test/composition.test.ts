import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { container, createEngine, defineHelper, TOKENS } from "../src/index.js";

const packet = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2 });

describe("composition", () => {
  it("tokens are global symbols, so two copies of core agree", () => {
    expect(TOKENS.Helper).toBe(Symbol.for("@alg-sdk/core/helper"));
    expect(TOKENS.Config).toBe(Symbol.for("@alg-sdk/core/config"));
  });

  it("each engine has its own child container: helpers and state are not shared", () => {
    const a = createEngine({ helpers: [defineHelper({ name: "a", policies: [] })] });
    const b = createEngine({ helpers: [defineHelper({ name: "b", policies: [] }), defineHelper({ name: "c", policies: [] })] });
    expect(a.helperList).toEqual(["a"]);
    expect(b.helperList).toEqual(["b", "c"]);
    a.process(packet, 1);
    expect(a.connectionCount).toBe(1);
    expect(b.connectionCount).toBe(0);
    expect(container.isRegistered(TOKENS.Helper)).toBe(false);
  });

  it("an engine can be composed under an embedder's container", () => {
    const parent = container.createChildContainer();
    const marker = Symbol.for("@alg-sdk/test/marker");
    parent.register(marker, { useValue: 42 });
    const engine = createEngine({ container: parent });
    expect(engine.process(packet, 1).stateName).toBe("NEW");
    expect(parent.resolve(marker)).toBe(42);
  });

  it("helpers a package contributed to the embedder's container join the engine's own", () => {
    const parent = container.createChildContainer();
    parent.register(TOKENS.Helper, { useValue: defineHelper({ name: "contributed", policies: [] }) });
    const engine = createEngine({ container: parent, helpers: [defineHelper({ name: "own", policies: [] })] });
    expect(engine.helperList).toEqual(["contributed", "own"]);
    expect(createEngine({ helpers: [defineHelper({ name: "alone", policies: [] })] }).helperList).toEqual(["alone"]);
  });

  it("two helpers with one name are refused", () => {
    const h = defineHelper({ name: "x", policies: [] });
    expect(() => createEngine({ helpers: [h, h] })).toThrow(/two helpers/);
  });
});

describe("time comes from the caller", () => {
  it("without a timestamp the injected clock is used, never the wall clock", () => {
    let now = 1000;
    const engine = createEngine({ clock: () => now });
    const slot = engine.process(packet).slot;
    expect(engine.connection(slot)!.created).toBe(1000);
    now = 1031;
    expect(engine.process(packet).stateName).toBe("NEW");
    expect(engine.connection(engine.result.slot)!.created).toBe(1031);
  });
});

describe("engine.time", () => {
  it("holds the last packet's time and is read by calls without a timestamp", () => {
    const engine = createEngine();
    engine.process(packet, 500);
    expect(engine.time[0]).toBe(500);
    engine.time[0] = 600; // 100 s later: the unreplied UDP flow (30 s) has expired
    expect(engine.process(packet).stateName).toBe("NEW");
    expect(engine.connection(engine.result.slot)!.created).toBe(600);
  });
});

describe("the core is runtime-agnostic", () => {
  const src = fileURLToPath(new URL("../src", import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  for (const file of files(src)) {
    it(`${file.slice(src.length + 1)} uses no Node API and no wall clock`, () => {
      const text = readFileSync(file, "utf8");
      expect(text).not.toMatch(/\bBuffer\b|from "node:|from "fs"|from "net"|require\(|Date\.now\(|new Date\(|performance\.now\(|process\./);
    });
  }
});
