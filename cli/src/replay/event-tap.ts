import type { Engine, EngineEvent } from "@alg-sdk/core";

/**
 * Collects the engine's events for the packet being processed. The replay
 * reports only expectations and payload rewrites, so in `expectations` mode
 * the tap subscribes to those types alone: the engine then builds no
 * connection snapshots at all (with every type subscribed, snapshotting each
 * connection change made replays several times slower). In `all` mode
 * (watch) it takes everything.
 */
export class EventTap {
  /** Events of the current packet, in order. Cleared by `take()`. */
  private pending: EngineEvent[] = [];

  constructor(engine: Engine, mode: "expectations" | "all") {
    engine.on((e) => this.pending.push(e), mode === "all" ? {} : { types: ["expect-new", "expect-destroy", "payload-rewrite"] });
  }

  /** True when the current packet produced events (cheap check for the hot path). */
  get hasEvents(): boolean {
    return this.pending.length > 0;
  }

  /** The events collected since the last call. */
  take(): readonly EngineEvent[] {
    if (this.pending.length === 0) return NONE;
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Runs `action` (e.g. a final `engine.expire`) and returns the events it caused. */
  during(action: () => void): readonly EngineEvent[] {
    action();
    return this.take();
  }
}

const NONE: readonly EngineEvent[] = Object.freeze([]);
