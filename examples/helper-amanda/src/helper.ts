import { Direction, HelperVerdict, defineHelper, type Helper, type PacketContext } from "@alg-sdk/core";
import { DecimalCursor, MOD_16, ascii, indexOfBytes, readDecimal } from "@alg-sdk/core/payload";

/** The UDP port amandad listens on. */
export const AMANDA_PORT = 10080;

/** Options of {@link amandaHelper}, Linux's module parameters. */
export interface AmandaOptions {
  /**
   * Seconds the UDP connection lives after each reply (`master_timeout`,
   * default 300): the client's answers can come late.
   */
  readonly masterTimeout?: number;
}

const CONNECT = ascii("CONNECT ");
const NEWLINE = ascii("\n");
/** The three streams a reply announces, each followed by a port. */
const STREAMS = [ascii("DATA "), ascii("MESG "), ascii("INDEX ")];
/** Linux copies at most this many characters of a port (`sizeof("65535") - 1`). */
const PORT_CHARS = 5;

/**
 * The Amanda helper, with the behaviour of Linux's `nf_conntrack_amanda` and
 * `nf_nat_amanda`. The backup server asks amandad (udp/10080) for a backup;
 * the reply says `CONNECT DATA <port> MESG <port> INDEX <port>`, and the
 * server then opens TCP connections to those ports. Each announced port
 * becomes an expectation from the server to the client, so the connections
 * come out RELATED.
 *
 * On a translated connection the expectation is registered at the address
 * the server sees, on the announced port if it is free there and another
 * one if not; the reply is rewritten to say which, and the server's
 * connection follows the master's translation back to the client's real
 * address and port.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { amandaHelper } from "@alg-sdk/example-helper-amanda";
 * const engine = createEngine({ helpers: [amandaHelper()] }); // udp/10080
 * ```
 */
export function amandaHelper(options: AmandaOptions = {}): Helper<undefined, undefined> {
  const masterTimeout = options.masterTimeout ?? 300;
  if (!(masterTimeout > 0)) throw new RangeError(`amanda: masterTimeout must be a positive number of seconds, got ${String(masterTimeout)}`);
  // Scratch reused for every packet: reading a reply allocates nothing.
  const number = new DecimalCursor();

  /** One announced port: expect it, and on a translated connection write the port that was registered. */
  function expectStream(ctx: PacketContext<undefined, undefined>, at: number, digits: number, port: number): HelperVerdict {
    const { src, dst } = ctx.connection.original;
    const translated = ctx.translated;
    const r = ctx.expect({ protocol: "tcp", src, srcPort: null, dst, dstPort: port, searchPort: translated });
    if (!r.ok) {
      if (ctx.log.enabled) ctx.log.warn(translated ? "all ports in use" : "cannot add expectation", { port, reason: r.reason });
      return HelperVerdict.DROP;
    }
    if (!translated) return HelperVerdict.ACCEPT;
    // nf_nat_amanda writes the port even when it is unchanged.
    if (ctx.rewrite(at - ctx.payloadOffset, digits, String(r.expectation.tuple.dstPort))) return HelperVerdict.ACCEPT;
    r.expectation.remove();
    if (ctx.log.enabled) ctx.log.warn("cannot mangle packet", { port });
    return HelperVerdict.DROP;
  }

  return defineHelper<undefined, undefined>({
    name: "amanda",
    policies: [{ name: "amanda", maxExpected: 3, timeout: 180 }],
    attach: [{ protocol: "udp", port: AMANDA_PORT }],
    onPacket(ctx) {
      // Only the client's replies announce ports.
      if (ctx.direction === Direction.ORIGINAL) return HelperVerdict.ACCEPT;
      ctx.setTimeout(masterTimeout);
      if (ctx.payloadLength === 0) return HelperVerdict.ACCEPT;
      const base = ctx.payloadOffset;
      const connect = indexOfBytes(ctx.bytes, base, base + ctx.payloadLength, CONNECT);
      if (connect < 0) return HelperVerdict.ACCEPT;
      const start = connect + CONNECT.length;
      const stop = indexOfBytes(ctx.bytes, start, base + ctx.payloadLength, NEWLINE);
      if (stop < 0) return HelperVerdict.ACCEPT;
      // Positions are kept relative to the payload: a rewrite may move the
      // bytes, and Linux goes on searching the same window afterwards.
      const startAt = start - base;
      const stopAt = stop - base;
      let verdict: HelperVerdict = HelperVerdict.ACCEPT;
      for (const stream of STREAMS) {
        const b = ctx.bytes;
        const p = ctx.payloadOffset;
        const found = indexOfBytes(b, p + startAt, p + stopAt, stream);
        if (found < 0) continue;
        const at = found + stream.length;
        // simple_strtoul on at most five characters, stored in 16 bits (htons).
        readDecimal(b, at, Math.min(at + PORT_CHARS, p + stopAt), MOD_16, number);
        if (number.value === 0) break;
        const v = expectStream(ctx, at, number.digits, number.value);
        // Linux: with NAT the last stream's answer counts; without, any refusal drops the reply.
        if (ctx.translated) verdict = v;
        else if (v === HelperVerdict.DROP) verdict = v;
      }
      return verdict;
    },
  });
}
