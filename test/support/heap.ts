import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Tests that bound memory need a full collection before each reading; vitest
// workers do not start with --expose-gc, so the flag is set at run time.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap and external (ArrayBuffer) bytes in use after full collections. */
export function heldMemory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
