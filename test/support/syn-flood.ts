import { createEngine, type Helper } from "@alg-sdk/core";
import { tcp } from "@alg-sdk/testing";
import { heldMemory } from "./heap.js";

/**
 * Heap and external bytes an engine holds after `syns` SYNs to `dport` from
 * random spoofed clients, with a table of `table` connections (full after
 * the first `table` SYNs: the rest churn through early drop).
 */
export function synFloodMemory(helpers: Helper<any, any>[], o: { syns: number; table: number; dport: number }): number {
  const before = heldMemory();
  const engine = createEngine({ helpers, maxConnections: o.table, hashSeed: 1 });
  // One SYN built with the testing kit, then its source address, port and sequence number rewritten in place.
  const b = tcp({ src: "10.0.0.1", dst: "192.168.0.1", sport: 1024, dport: o.dport, flags: "S", seq: 1 });
  let x = 1;
  for (let i = 0; i < o.syns; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[13] = x >>> 24;
    b[14] = x >>> 16;
    b[15] = x >>> 8;
    b[20] = 4 | ((x >>> 8) & 0x3f);
    b[21] = x & 0xff;
    b[24] = x >>> 3;
    engine.time[0] = 1000 + i * 1e-5;
    engine.process(b);
  }
  if (engine.connectionCount !== o.table) throw new Error(`the flood left ${engine.connectionCount} connections, not ${o.table}`);
  const held = heldMemory() - before;
  // Read after measuring: the engine must stay reachable until then.
  return engine.connectionCount > 0 ? held : 0;
}
