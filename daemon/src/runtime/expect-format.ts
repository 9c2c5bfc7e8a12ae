import type { KernelExpectationRequest } from "../ctnetlink/expect.js";
import type { CtTuple } from "../ctnetlink/tuple.js";
import { addressText } from "../bridge/address.js";

function ports(t: CtTuple): string {
  return `sport=${t.srcPort} dport=${t.dstPort}`;
}

/**
 * One expectation as `conntrack -E expect` prints it, plus what the kernel
 * said: `[NEW] 300 proto=6 src=… dst=… sport=0 dport=40000 mask-src=…
 * mask-dst=… sport=0 dport=65535 master-src=… master-dst=… sport=… dport=21
 * class=0 helper=ftp kernel=ok`.
 */
export function formatExpectEvent(kind: "NEW" | "DESTROY", r: KernelExpectationRequest, helper: string, kernel: string): string {
  const t = r.tuple;
  const full = addressText(new Uint8Array(t.family === 4 ? 4 : 16).fill(0xff));
  return [
    `[${kind}]`,
    String(Math.round(r.timeout)),
    `proto=${t.protocol}`,
    `src=${addressText(t.src)} dst=${addressText(t.dst)} ${ports(t)}`,
    `mask-src=${addressText(r.maskSrc)} mask-dst=${full} sport=${r.maskSrcPort} dport=65535`,
    `master-src=${addressText(r.master.src)} master-dst=${addressText(r.master.dst)} ${ports(r.master)}`,
    r.zone !== 0 ? `zone=${r.zone}` : "",
    `class=${r.class}`,
    r.flags !== 0 ? `flags=${r.flags}` : "",
    `helper=${helper}`,
    `kernel=${kernel}`,
  ]
    .filter((s) => s !== "")
    .join(" ");
}
