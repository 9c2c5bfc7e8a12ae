/** Counters an engine keeps; read them any time, they only grow (except the gauges). */
export class EngineStats {
  packets = 0;
  /** Packets per {@link PacketState} (index = state). */
  readonly byState = new Float64Array(5);
  /** INVALID or dropped packets per {@link Reason} (index = reason code). */
  readonly byReason = new Float64Array(64);
  dropped = 0;
  fragmentsHeld = 0;
  connectionsCreated = 0;
  connectionsDestroyed = 0;
  earlyDrops = 0;
  expectationsCreated = 0;
  expectationsMatched = 0;
  expectationsExpired = 0;
  expectationsEvicted = 0;
  expectationsRefused = 0;
  helperErrors = 0;
}
