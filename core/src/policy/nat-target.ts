import { parseAddress } from "../address.js";
import type { NatTarget } from "./types.js";

/** What {@link natTarget} accepts: nft's `to ADDR[-ADDR][:PORT[-PORT]]` as parts. */
export interface NatTargetSpec {
  /** One address, or the lowest and highest of a range (same family). */
  readonly address: string | readonly [string, string];
  /** One port, or an inclusive range. Omitted: keep the original port when possible. */
  readonly port?: number | readonly [number, number];
}

/**
 * Builds a validated {@link NatTarget}. Throws a `RangeError` naming the
 * problem (an address that does not parse, mixed families, a range whose
 * low end is above its high end, a port outside 1..65535).
 *
 * @example
 * ```ts
 * natTarget({ address: "10.0.2.100" });
 * natTarget({ address: ["10.0.2.100", "10.0.2.110"], port: [1024, 2047] });
 * ```
 */
export function natTarget(spec: NatTargetSpec): NatTarget {
  const [loText, hiText] = typeof spec.address === "string" ? [spec.address, spec.address] : spec.address;
  const lo = parseAddress(loText);
  const hi = parseAddress(hiText);
  if (!lo) throw new RangeError(`NAT target: not an address: ${JSON.stringify(loText)}`);
  if (!hi) throw new RangeError(`NAT target: not an address: ${JSON.stringify(hiText)}`);
  if (lo.family !== hi.family) throw new RangeError(`NAT target: ${loText} and ${hiText} are of different families`);
  if (compareWords(lo.words, hi.words) > 0) throw new RangeError(`NAT target: range ${loText}-${hiText} is empty`);
  let minPort = 0;
  let maxPort = 0;
  if (spec.port !== undefined) {
    [minPort, maxPort] = typeof spec.port === "number" ? [spec.port, spec.port] : [spec.port[0], spec.port[1]];
    for (const p of [minPort, maxPort]) {
      if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`NAT target: port ${p} is not 1..65535`);
    }
    if (minPort > maxPort) throw new RangeError(`NAT target: port range ${minPort}-${maxPort} is empty`);
  }
  return Object.freeze({ family: lo.family, minAddress: lo.words, maxAddress: hi.words, minPort, maxPort });
}

/** Orders two address word arrays as unsigned 128-bit numbers. */
export function compareWords(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < 4; i++) {
    const x = a[i]! >>> 0;
    const y = b[i]! >>> 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
