import { defineHelper, ExpectResult, HelperVerdict, IpProto } from "@alg-sdk/core";
import type { AttachRule, Helper, HelperContext } from "@alg-sdk/core";

/** Options of {@link tftpHelper}. */
export interface TftpOptions {
  /** Ports to attach to besides 69. */
  readonly ports?: readonly number[];
}

/** TFTP opcodes that start a transfer (RFC 1350): read and write requests. */
const RRQ = 1;
const WRQ = 2;

/**
 * A TFTP helper (the behaviour of Linux's nf_conntrack_tftp). A client sends
 * a read or write request to port 69; the server answers from a new port, so
 * the answer matches no connection. On each request the helper expects a UDP
 * flow from the server (any source port) to the client's port, and the
 * transfer comes out RELATED.
 */
export function tftpHelper(options: TftpOptions = {}): Helper<undefined> {
  const rules: AttachRule[] = [69, ...(options.ports ?? [])].map((port) => ({ protocol: "udp", port }));
  return defineHelper({
    name: "tftp",
    policies: [{ name: "tftp", maxExpected: 1, timeout: 300 }],
    defaultRules: rules,
    onPacket(ctx: HelperContext<undefined>) {
      // Only requests, in the original direction, with at least the opcode.
      if (ctx.direction !== 0 || ctx.payloadLength < 2) return;
      const b = ctx.bytes;
      const opcode = (b[ctx.payloadOffset]! << 8) | b[ctx.payloadOffset + 1]!;
      if (opcode !== RRQ && opcode !== WRQ) return;
      const result = ctx.expect({
        protocol: IpProto.UDP,
        src: ctx.dst, // the server, from any port
        dst: ctx.src, // back to the client
        dstPort: ctx.srcPort, // on the port it asked from
      });
      // Linux drops the request when the expectation cannot be registered.
      return result === ExpectResult.CREATED || result === ExpectResult.REPLACED ? HelperVerdict.ACCEPT : HelperVerdict.DROP;
    },
  });
}
