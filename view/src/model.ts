import type { ConnectionInfo, EngineEvent, ExpectationInfo } from "@alg-sdk/core";
import type { Gateway, VerdictRecord } from "@alg-sdk/vnet";
import { eventLine } from "./event-line.js";
import { Ring } from "./ring.js";

export interface ModelOptions {
  /** Lines of the event log kept. Default 2000. */
  readonly eventLines?: number;
  /** Verdicts kept. Default 2000. */
  readonly verdicts?: number;
}

/**
 * What the view shows, kept up to date from the gateway's events rather
 * than by copying the whole table: a change costs a map update, and a
 * render reads the maps. Knows nothing of the DOM (tests run it in Node).
 */
export class GatewayModel {
  readonly connections = new Map<number, ConnectionInfo>();
  readonly expectations = new Map<number, ExpectationInfo>();
  readonly events: Ring<string>;
  readonly verdicts: Ring<VerdictRecord>;
  readonly counters = { rewrites: 0, relatedConnections: 0, helperErrors: 0 };
  /** Bumped on every change; a renderer redraws when it differs from what it drew. */
  version = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private listener: (() => void) | null = null;

  constructor(readonly gateway: Gateway, options: ModelOptions = {}) {
    this.events = new Ring(options.eventLines ?? 2000);
    this.verdicts = new Ring(options.verdicts ?? 2000);
    for (const c of gateway.engine.connections()) this.connections.set(c.id, c);
    for (const e of gateway.engine.pendingExpectations()) this.expectations.set(e.id, e);
    this.unsubscribe.push(gateway.engine.on((e) => this.onEngineEvent(e)));
    this.unsubscribe.push(gateway.on((e) => this.onVerdict(e.record)));
  }

  /** Called (at most once per change) so a renderer can schedule a frame. */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
  }

  /** Connections per protocol state ("ESTABLISHED", "SYN_SENT", "" for protocols without one). */
  connectionStates(): Map<string, number> {
    const m = new Map<string, number>();
    for (const c of this.connections.values()) {
      const k = c.protocolState || c.original.protocolName.toUpperCase();
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  }

  private onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case "conn-new":
        if (e.connection.expected) this.counters.relatedConnections++;
        this.connections.set(e.connection.id, e.connection);
        break;
      case "conn-update":
        this.connections.set(e.connection.id, e.connection);
        break;
      case "conn-destroy":
        this.connections.delete(e.connection.id);
        break;
      case "expect-new":
        this.expectations.set(e.expectation.id, e.expectation);
        break;
      case "expect-destroy":
        this.expectations.delete(e.expectation.id);
        break;
      case "payload-rewrite":
        this.counters.rewrites++;
        break;
      case "helper-error":
        this.counters.helperErrors++;
        break;
    }
    const line = eventLine(e);
    if (line !== null) this.events.push(line);
    this.changed();
  }

  private onVerdict(v: VerdictRecord): void {
    this.verdicts.push(v);
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.listener?.();
  }
}
