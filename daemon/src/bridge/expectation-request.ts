import type { ExpectationInfo, TupleInfo } from "@alg-sdk/core";
import type { KernelExpectationRequest } from "../ctnetlink/expect.js";
import type { CtTuple } from "../ctnetlink/tuple.js";
import { addressBytes } from "./address.js";

/** An engine tuple (text) as ctnetlink bytes; null when an address does not parse. */
export function tupleFromInfo(t: TupleInfo): CtTuple | null {
  const src = addressBytes(t.src);
  const dst = addressBytes(t.dst);
  if (!src || !dst || src.length !== dst.length) return null;
  const icmp = t.icmp;
  return {
    family: src.length === 4 ? 4 : 6,
    protocol: t.protocol,
    src,
    dst,
    srcPort: icmp ? icmp.id : t.srcPort,
    dstPort: icmp ? (icmp.type << 8) | icmp.code : t.dstPort,
  };
}

/**
 * The kernel request for an engine expectation. `kernelMaster` is the
 * master's original tuple as the kernel knows it (from the queued packet's
 * conntrack), when the kernel gave one; otherwise the engine's tuple, read
 * from the packet headers, is used. Both directions of a conntrack find it,
 * so the engine's original tuple works as long as no NAT changed the
 * addresses before the queue hook.
 */
export function kernelExpectation(e: ExpectationInfo, kernelMaster: CtTuple | null): KernelExpectationRequest | null {
  const tuple = tupleFromInfo(e.tuple);
  const maskSrc = addressBytes(e.mask.src);
  const engineMaster = e.master ? tupleFromInfo(e.master.original) : null;
  const master = kernelMaster ?? engineMaster;
  if (!tuple || !maskSrc || !master || maskSrc.length !== tuple.src.length) return null;
  return {
    master,
    tuple,
    maskSrc,
    maskSrcPort: e.mask.srcPort,
    timeout: e.timeout,
    zone: e.zone,
    flags: e.flags,
    class: e.class,
  };
}

