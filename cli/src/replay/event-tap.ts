import type { Engine, EngineEvent } from "@alg-sdk/core";

/**
 * Collects the engine's events for the packet being processed.
 *
 * Why not simply `engine.on(...)` for the whole run: with a listener
 * attached, the engine builds a `ConnectionInfo` snapshot for every
 * connection change (conn-new, conn-update), which costs several times the
 * tracking itself (measured: a replay of TCP flows ran 5x slower). The
 * replay only reports expectations, so in `expectations` mode the tap
 * listens only while expectations are pending, and picks up the ones
 * created while it was not listening from `pendingExpectations()` (their
 * ids only grow). In `all` mode (watch) it listens all the time.
 */
export class EventTap {
  /** Events of the current packet, in order. Cleared by `take()`. */
  private pending: EngineEvent[] = [];
  private unsubscribe: (() => void) | null = null;
  private createdSeen = 0;
  private lastId = 0;

  constructor(
    private readonly engine: Engine,
    private readonly mode: "expectations" | "all",
  ) {
    if (mode === "all") this.listen();
  }

  /** Call after every `engine.process…`: completes this packet's events and (un)subscribes. */
  afterPacket(ts: number): void {
    const stats = this.engine.stats;
    if (stats.expectationsCreated !== this.createdSeen) {
      if (this.unsubscribe === null) this.catchUp(ts);
      this.createdSeen = stats.expectationsCreated;
    }
    if (this.mode === "all") return;
    const pending = this.engine.expectationCount > 0;
    if (pending && this.unsubscribe === null) this.listen();
    else if (!pending && this.unsubscribe !== null) {
      this.unsubscribe();
      this.unsubscribe = null;
    }
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

  /** Runs `action` (e.g. a final `engine.expire`) with the tap listening, and returns its events. */
  during(action: () => void): readonly EngineEvent[] {
    const wasListening = this.unsubscribe !== null;
    if (!wasListening) this.listen();
    action();
    if (!wasListening && this.mode !== "all") {
      this.unsubscribe!();
      this.unsubscribe = null;
    }
    return this.take();
  }

  private listen(): void {
    this.unsubscribe = this.engine.on((e) => {
      if (this.mode === "all" || e.type === "expect-new" || e.type === "expect-destroy") {
        if (e.type === "expect-new" && e.expectation.id > this.lastId) this.lastId = e.expectation.id;
        this.pending.push(e);
      }
    });
  }

  /** Expectations created while not listening: the pending ones with new ids. */
  private catchUp(ts: number): void {
    const fresh = [...this.engine.pendingExpectations()].filter((e) => e.id > this.lastId).sort((a, b) => a.id - b.id);
    for (const expectation of fresh) {
      this.pending.push({ type: "expect-new", ts, expectation });
      this.lastId = expectation.id;
    }
  }
}

const NONE: readonly EngineEvent[] = Object.freeze([]);
