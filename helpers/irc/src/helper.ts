import type { Helper, HelperContext } from "@alg-sdk/core";
import { Direction, HelperVerdict, IpProto, PacketState, defineHelper } from "@alg-sdk/core";
import { DCC_TIMEOUT, MAX_DCC_CHANNELS } from "./constants.js";
import { DccOffer } from "./offer.js";
import type { IrcOptions } from "./options.js";
import { attachRules } from "./options.js";
import { findDccOffer } from "./scan.js";
import type { IrcState } from "./state.js";
import { StreamCarry } from "./stream.js";

/** A request object the helper refills for each expectation (the engine copies what it needs). */
interface MutableRequest {
  class: number;
  protocol: number;
  src: null;
  srcPort: null;
  dst: Uint32Array;
  dstPort: number;
}

/**
 * The IRC DCC helper: reproduces Linux's `nf_conntrack_irc`. When a client
 * offers a DCC connection to itself (`PRIVMSG nick :\1DCC SEND file
 * <address> <port> …\1`), the connection the peer will open back to that
 * address and port is expected, so it is RELATED.
 *
 * Default behaviour is Linux's exactly: IPv4, client-to-server packets of
 * an established connection, the first 4095 payload bytes of each packet,
 * one expectation per packet at most, the offered address must be the
 * client's own (else the offer is forged and ignored), port 0 refused,
 * up to 8 pending per connection (the oldest evicted), 300 s each. An
 * expectation the engine refuses (another connection already expects the
 * same thing, or the global limit) drops the packet, as Linux does.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { ircHelper } from "@alg-sdk/helper-irc";
 * const engine = createEngine({ helpers: [ircHelper()] }); // tcp/6667, IPv4
 * ```
 */
export function ircHelper(options: IrcOptions = {}): Helper<IrcState> {
  const ipv6 = options.ipv6 === true;
  const stream = options.stream === true;
  const defaultRules = attachRules(options);
  // Scratch reused on every packet: finding an offer allocates nothing.
  const found = new DccOffer();
  const joined = new DccOffer();
  const request: MutableRequest = {
    class: 0,
    protocol: IpProto.TCP,
    src: null,
    srcPort: null,
    dst: found.address,
    dstPort: 0,
  };

  /** Registers the expectation for `offer`; a refusal drops the packet. */
  function expectOffer(ctx: HelperContext<IrcState>, offer: DccOffer): HelperVerdict {
    request.dst = offer.address;
    request.dstPort = offer.port;
    return ctx.expect(request) < 0 ? HelperVerdict.DROP : HelperVerdict.ACCEPT;
  }

  return defineHelper<IrcState>({
    name: "irc",
    policies: [{ name: "dcc", maxExpected: MAX_DCC_CHANNELS, timeout: DCC_TIMEOUT }],
    defaultRules,
    createState: stream ? () => new StreamCarry() : undefined,
    onPacket(ctx) {
      // Offers only count from the client, once the server has answered.
      if (ctx.direction !== Direction.ORIGINAL || ctx.state !== PacketState.ESTABLISHED) return;
      if (ctx.protocol !== IpProto.TCP || ctx.payloadLength === 0) return;
      const family = ctx.family;
      if (family !== 4 && !(ipv6 && family === 6)) return;

      let joinedFound = false;
      if (stream && ctx.data) {
        // createState made it: the public type only shows a read-only view.
        const carry = ctx.data as StreamCarry;
        const n = carry.join(ctx.tcpSeq, ctx.bytes, ctx.payloadOffset, ctx.payloadLength);
        joinedFound = n > 0 && findDccOffer(carry.window, 0, n, family, ctx.src, joined);
        carry.commit(ctx.bytes);
        // The joined window starts earlier in the stream, so its offer goes first.
        if (joinedFound && expectOffer(ctx, joined) === HelperVerdict.DROP) return HelperVerdict.DROP;
      }
      if (!findDccOffer(ctx.bytes, ctx.payloadOffset, ctx.payloadLength, family, ctx.src, found)) return;
      if (joinedFound && found.sameTarget(joined)) return;
      return expectOffer(ctx, found);
    },
  });
}
