import type { Helper, PacketContext } from "@alg-sdk/core";
import { Direction, HelperVerdict, IpProto, PacketState, defineHelper, formatAddress } from "@alg-sdk/core";
import { LineReassembler, type LineHandler } from "@alg-sdk/core/payload";
import { DCC_TIMEOUT, MAX_DCC_CHANNELS } from "./constants.js";
import { DccOffer } from "./offer.js";
import type { IrcOptions } from "./options.js";
import { attachRules } from "./options.js";
import { findDccOffer } from "./scan.js";
import { IrcStreamState, type IrcState } from "./state.js";

type Ctx = PacketContext<IrcState, undefined>;

/** Most distinct offers remembered per packet, to expect each once (a packet holds few lines). */
const MAX_OFFERS_PER_PACKET = 16;

/**
 * The IRC DCC helper: reproduces Linux's `nf_conntrack_irc`. When a client
 * offers a DCC connection to itself (`PRIVMSG nick :\1DCC SEND file
 * <address> <port> …\1`), the connection the peer will open back to that
 * address and port is expected, so it is RELATED.
 *
 * Default behaviour is Linux's exactly: IPv4, client-to-server packets of
 * an established connection, the first 4095 payload bytes of each packet,
 * one expectation per packet at most, the offered address must be the
 * client's own (as it knows itself, or as NAT shows it; else the offer is
 * forged and ignored), port 0 refused, up to 8 pending per connection (the
 * oldest evicted), 300 s each. The expectation is for where the server
 * side sees the client. An expectation the engine refuses (another
 * connection already expects the same thing, or the global limit) drops
 * the packet, as Linux does.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { ircHelper } from "@alg-sdk/helper-irc";
 * const engine = createEngine({ helpers: [ircHelper()] }); // tcp/6667, IPv4
 * ```
 */
export function ircHelper(options: IrcOptions = {}): Helper<IrcState, undefined> {
  const ipv6 = options.ipv6 === true;
  const streamOptions = options.stream ? (options.stream === true ? {} : options.stream) : null;
  const reassembler = streamOptions ? new LineReassembler(streamOptions, false) : null;
  const linuxSearch = streamOptions?.linesOnly !== true;
  // Scratch reused on every packet: finding an offer allocates nothing.
  const found = new DccOffer();
  const expected: DccOffer[] = Array.from({ length: MAX_OFFERS_PER_PACKET }, () => new DccOffer());
  let expectedCount = 0;
  let current: Ctx | null = null;

  /**
   * Registers the expectation for `offer` (once per packet); a refusal drops
   * the packet. On a translated connection the offer is rewritten to where
   * the server side sees the client, as nf_nat_irc does; `inPacket` says
   * whether the offer's text lies in this packet (where it can be rewritten).
   */
  function expectOffer(ctx: Ctx, offer: DccOffer, inPacket: boolean): HelperVerdict {
    for (let i = 0; i < expectedCount; i++) if (expected[i]!.sameTarget(offer)) return HelperVerdict.ACCEPT;
    if (expectedCount < MAX_OFFERS_PER_PACKET) expected[expectedCount++]!.copyTarget(offer);
    // The peer connects to where the server side sees the client (the NAT address when translated).
    const seen = ctx.connection.reply.dst;
    if (!ctx.translated) {
      const r = ctx.expect({ class: 0, protocol: "tcp", src: null, srcPort: null, dst: seen, dstPort: offer.port });
      return r.ok ? HelperVerdict.ACCEPT : HelperVerdict.DROP;
    }
    if (!inPacket) {
      ctx.log.warn("DCC offer split across segments on a translated connection: it cannot be rewritten, nothing expected");
      return HelperVerdict.ACCEPT;
    }
    const r = ctx.expect({ class: 0, protocol: "tcp", src: null, srcPort: null, dst: seen, dstPort: offer.port, searchPort: true });
    if (!r.ok) return HelperVerdict.DROP;
    // nf_nat_irc writes the address as one decimal number (IPv4), then the port.
    const address = ctx.family === 4 ? String(seen[0]! >>> 0) : formatAddress(6, seen);
    const text = `${address} ${r.expectation.tuple.dstPort}`;
    if (!ctx.rewrite(offer.textStart - ctx.payloadOffset, offer.textEnd - offer.textStart, text)) {
      r.expectation.remove();
      return HelperVerdict.DROP;
    }
    return HelperVerdict.ACCEPT;
  }

  /** Searches `buf[off, off + len)` as Linux searches a segment. */
  function search(ctx: Ctx, buf: Uint8Array, off: number, len: number): HelperVerdict {
    const conn = ctx.connection;
    const family = ctx.family === 6 ? 6 : 4;
    if (!findDccOffer(buf, off, len, family, conn.original.src, conn.reply.dst, found)) return HelperVerdict.ACCEPT;
    const inPacket = buf === ctx.bytes && found.textStart >= ctx.payloadOffset && found.textEnd <= ctx.payloadOffset + ctx.payloadLength;
    return expectOffer(ctx, found, inPacket);
  }

  /** Stream mode: every complete line the client sent, from its start. */
  const lines: LineHandler = {
    line(buf, start, end) {
      return search(current!, buf, start, end - start);
    },
  };

  return defineHelper<IrcState, undefined>({
    name: "irc",
    policies: [{ name: "dcc", maxExpected: MAX_DCC_CHANNELS, timeout: DCC_TIMEOUT }],
    attach: attachRules(options),
    createState: reassembler ? () => new IrcStreamState() : undefined,
    onPacket(ctx) {
      // Offers only count from the client.
      if (ctx.direction !== Direction.ORIGINAL || ctx.protocol !== IpProto.TCP) return;
      if (ctx.family !== 4 && !(ipv6 && ctx.family === 6)) return;
      const established = ctx.state === PacketState.ESTABLISHED;
      expectedCount = 0;
      if (reassembler && ctx.data) {
        current = ctx;
        try {
          // Earlier packets' bytes move the stream even before the server answered.
          const v = reassembler.segment(ctx.data.client, ctx.tcpFlags, ctx.tcpSeq, ctx.bytes, ctx.payloadOffset, ctx.payloadLength, established, lines);
          if (v !== HelperVerdict.ACCEPT) return v;
        } finally {
          current = null;
        }
      }
      if (!established || ctx.payloadLength === 0 || !linuxSearch) return;
      return search(ctx, ctx.bytes, ctx.payloadOffset, ctx.payloadLength);
    },
  });
}
