import { defineHelper, IpProto, Reason, sameAddress } from "@alg-sdk/core";
import type { Helper, RelateAnswer, RelateContext } from "@alg-sdk/core";

/** Options of {@link icmpHelper}. */
export interface IcmpHelperOptions {
  /**
   * Check that the error is addressed to the endpoint of the quoted
   * connection (Linux does; default true). Turning it off accepts errors
   * whose outer destination was rewritten, at the price of spoofing.
   */
  readonly antiSpoofing?: boolean;
}

/** Bytes of an ICMP header before the quoted datagram. */
const ICMP_HEADER = 8;

/**
 * The ICMP error helper (the behaviour of Linux's `nf_conntrack_inet_error`):
 * for an ICMP error (types 3, 4, 5, 11, 12) or ICMPv6 error (types 1-4 and
 * the rest below 128) it reads the quoted IP header and the start of its
 * transport header, finds the connection, checks that the error goes to
 * that connection's endpoint, and makes the error RELATED in the direction
 * opposite to the quoted packet. The connection's timer is not refreshed.
 *
 * INVALID, creating nothing: a quote too short to name a connection, a quote
 * of another ICMP error, a quote of no known connection, an error addressed
 * elsewhere.
 *
 * It has no payload hook and needs no attach rule: registering it is enough.
 *
 * @example
 * ```ts
 * const engine = createEngine({ helpers: [icmpHelper()] });
 * ```
 */
export function icmpHelper(options: IcmpHelperOptions = {}): Helper<undefined, undefined> {
  const antiSpoofing = options.antiSpoofing ?? true;
  return defineHelper<undefined, undefined>({
    name: "icmp",
    policies: [],
    relate(ctx: RelateContext): RelateAnswer | undefined {
      if (ctx.protocol !== IpProto.ICMP && ctx.protocol !== IpProto.ICMPV6) return undefined;
      if (ctx.l4Length < ICMP_HEADER) return { invalid: Reason.ICMP_ERROR_TOO_SHORT };
      // After the ICMP header; an ICMPv6 redirect quotes further on, and its tracker says where.
      const at = ctx.quoteOffset;
      const q = ctx.findQuoted(at, ctx.l4Offset + ctx.l4Length - at);
      if (!q.found) return { invalid: q.reason };
      // The quoted packet travelled one way; its error travels back the other.
      const dir = q.direction === 0 ? 1 : 0;
      // The error must go to the endpoint that sent the quoted packet, as that direction addresses it.
      if (antiSpoofing && !sameAddress(q.errorDestination, ctx.dst)) return { invalid: Reason.ICMP_ERROR_SPOOFED };
      return { related: q.connection, direction: dir };
    },
  });
}
