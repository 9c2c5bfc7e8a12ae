import { HelperVerdict, defineHelper } from "@alg-sdk/core";
import type { Helper } from "@alg-sdk/core";
import { tftpRules, type TftpOptions } from "./options.js";

/** TFTP opcodes (RFC 1350) that start a transfer: read request and write request. */
const OPCODE_READ = 1;
const OPCODE_WRITE = 2;

/** Linux's policy for the tftp helper: one pending expectation per request flow, five minutes. */
const TFTP_POLICY = { name: "tftp", maxExpected: 1, timeout: 300 } as const;

/**
 * The TFTP helper, with the behaviour of Linux's `nf_conntrack_tftp`. A
 * client sends a read or write request to port 69; the server answers from
 * a port of its own, so its first packet matches no connection. On a
 * request the helper expects a UDP flow from the server (any source port)
 * back to the client's port, as the reply tuple describes them (so NAT is
 * taken into account), and the transfer comes out RELATED.
 *
 * Exactly as Linux:
 * - the opcode is the first two payload bytes; a payload shorter than that
 *   is ignored, and so is every opcode but RRQ (1) and WRQ (2);
 * - both directions are looked at (Linux's helper does not check it);
 * - the expectation is from the reply tuple's source to its destination
 *   address and port, UDP, class 0, one pending per connection (a new
 *   request replaces it), 300 s;
 * - a refused expectation drops the request.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { tftpHelper } from "@alg-sdk/helper-tftp";
 * const engine = createEngine({ helpers: [tftpHelper()] }); // udp/69
 * ```
 */
export function tftpHelper(options: TftpOptions = {}): Helper<undefined, undefined> {
  return defineHelper<undefined, undefined>({
    name: "tftp",
    policies: [TFTP_POLICY],
    attach: tftpRules(options.ports),
    onPacket(ctx) {
      if (ctx.payloadLength < 2) return HelperVerdict.ACCEPT;
      const b = ctx.bytes;
      const opcode = (b[ctx.payloadOffset]! << 8) | b[ctx.payloadOffset + 1]!;
      if (opcode !== OPCODE_READ && opcode !== OPCODE_WRITE) return HelperVerdict.ACCEPT;
      const reply = ctx.connection.reply;
      const r = ctx.expect({ class: 0, protocol: "udp", src: reply.src, srcPort: null, dst: reply.dst, dstPort: reply.dstPort });
      return r.ok ? HelperVerdict.ACCEPT : HelperVerdict.DROP;
    },
  });
}
