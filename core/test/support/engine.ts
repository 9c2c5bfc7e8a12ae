import { createEngine, type Engine, type EngineEvent, type EngineOptions } from "../../src/index.js";

/** An engine plus every event it emitted, for tests. */
export function recordingEngine(options: EngineOptions = {}): { engine: Engine; events: EngineEvent[] } {
  const engine = createEngine(options);
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, events };
}

/** Processes a packet and returns a copy of the interesting result fields. */
export function run(engine: Engine, packet: Uint8Array, ts: number, zone = 0, flags = 0) {
  const r = engine.process(packet, ts, zone, flags);
  return {
    state: r.stateName,
    dir: r.directionName,
    verdict: r.verdictName,
    reason: r.reasonName,
    expected: r.expected,
    helper: r.helper,
    slot: r.slot,
    id: r.connectionId,
  };
}
