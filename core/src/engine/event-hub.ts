import type { EngineEvent, EngineEventListener } from "./info.js";

/** One bit per event type, so "does anyone want this?" is a single AND. */
export const EventBit = {
  "conn-new": 1,
  "conn-update": 2,
  "conn-destroy": 4,
  "expect-new": 8,
  "expect-destroy": 16,
  "helper-error": 32,
  "payload-rewrite": 64,
  "helper-log": 128,
} as const satisfies Record<EngineEvent["type"], number>;

const ALL = 255;

/** Which events a listener receives. */
export interface SubscribeOptions {
  /** Only these event types (default: all). */
  readonly types?: readonly EngineEvent["type"][];
}

/**
 * The engine's listeners. Events are objects with snapshots, so the engine
 * builds one only when some listener wants its type: a listener of
 * expectation events costs nothing on connection changes.
 */
export class EventHub {
  private listeners: { readonly fn: EngineEventListener; readonly mask: number }[] = [];
  /** Union of the listeners' masks. */
  wanted = 0;

  subscribe(fn: EngineEventListener, options: SubscribeOptions = {}): () => void {
    const mask = options.types ? options.types.reduce((m, t) => m | (EventBit[t] ?? 0), 0) : ALL;
    const entry = { fn, mask };
    this.listeners = [...this.listeners, entry];
    this.recompute();
    return () => {
      this.listeners = this.listeners.filter((l) => l !== entry);
      this.recompute();
    };
  }

  /** Delivers `event` (of type bit `bit`) to the listeners that want it. */
  emit(bit: number, event: EngineEvent): void {
    for (const l of this.listeners) {
      if ((l.mask & bit) === 0) continue;
      try {
        l.fn(event);
      } catch {
        // A listener's failure must not change how packets are tracked.
      }
    }
  }

  private recompute(): void {
    this.wanted = this.listeners.reduce((m, l) => m | l.mask, 0);
  }
}
