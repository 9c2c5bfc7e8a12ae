// The traffic of bench/engine.mjs: flows opened by a real handshake, then one
// ACK per flow to replay as ESTABLISHED packets of known connections.
import { tcp } from "../../testing/dist/index.js";

// 256 client ports per address: 10.0.0.0, 10.0.0.1, ... talking to 192.168.0.1:443.
const clientOf = (i) => `10.${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}`;
const SERVER = "192.168.0.1";
const sportOf = (i) => 1024 + (i & 0xff) * 200 + 1;
export const T0 = 1_700_000_000;
export const PACKET_BYTES = 40;

/** Opens `flows` connections in `engine` with SYN, SYN-ACK, ACK (test-kit packets, not timed). */
export function openFlows(engine, flows) {
  for (let i = 0; i < flows; i++) {
    const sport = sportOf(i);
    engine.process(tcp({ src: clientOf(i), dst: SERVER, sport, dport: 443, seq: 1000, flags: "S" }), T0);
    engine.process(tcp({ src: SERVER, dst: clientOf(i), sport: 443, dport: sport, seq: 5000, ack: 1001, flags: "SA" }), T0);
    engine.process(tcp({ src: clientOf(i), dst: SERVER, sport, dport: 443, seq: 1001, ack: 5001, flags: "A" }), T0);
  }
  if (engine.connectionCount !== flows) throw new Error(`expected ${flows} connections, have ${engine.connectionCount}`);
}

/**
 * One ACK per flow (at most 1,000,000), back to back in one buffer, in table
 * order or shuffled (so the table is probed the way mixed traffic probes it).
 */
export function ackPackets(flows, shuffled) {
  const n = Math.min(flows, 1_000_000);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; shuffled && i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const buf = new Uint8Array(n * PACKET_BYTES);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const ack = tcp({ src: clientOf(i), dst: SERVER, sport: sportOf(i), dport: 443, seq: 1001, ack: 5001, flags: "A" });
    if (ack.length !== PACKET_BYTES) throw new Error(`expected ${PACKET_BYTES}-byte packets, got ${ack.length}`);
    buf.set(ack, k * PACKET_BYTES);
  }
  return { buf, n };
}

/**
 * A driver for one engine: `drive(count, t)` sends `count` packets of `buf`
 * (n of them, in turn, continuing where the last call stopped), 1 µs apart
 * from time `t`, and returns how many were ESTABLISHED. V8 keeps one type
 * feedback for all closures of a function: to drive two engines in one
 * process, import this module twice (two URLs, e.g. with `?baseline`), so
 * that neither call site sees two engine classes.
 */
export function driver(engine, buf, n) {
  let o = 0;
  return function drive(count, t) {
    let established = 0;
    for (let k = 0; k < count; k++) {
      // Time goes in by a plain store rather than as a float argument, which
      // V8 may box at the call: nothing is allocated per packet.
      engine.time[0] = t + k * 1e-6;
      const r = engine.processRange(buf, o * PACKET_BYTES, PACKET_BYTES);
      established += r.state === 1 ? 1 : 0;
      o = o + 1 === n ? 0 : o + 1;
    }
    return established;
  };
}
