import { createEngine, natTarget } from "@alg-sdk/core";

/**
 * Whether the engine applies NAT yet: one UDP datagram through an engine
 * whose source NAT always answers a target. Tests that need translation
 * skip themselves until this is true, and switch on by themselves after.
 */
export function natAvailable(): boolean {
  const target = natTarget({ address: "10.0.2.1" });
  const engine = createEngine({ policy: { sourceNat: () => target } });
  const d = new Uint8Array(28);
  d.set([0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 1, 2, 10, 0, 2, 2, 0x13, 0x88, 0, 53, 0, 8, 0, 0]);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  d[10] = (~sum >>> 8) & 255;
  d[11] = ~sum & 255;
  const r = engine.process(d, 1);
  return r.translated && r.outBytes !== null && r.outBytes[r.outOffset + 12] === 10 && r.outBytes[r.outOffset + 14] === 2;
}
