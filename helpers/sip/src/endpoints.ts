import { NAT_MASK, type PacketContext } from "@alg-sdk/core";

/**
 * The addresses Linux's SIP helper compares, taken from the connection's
 * tuples (`ct->tuplehash[dir]`, `ct->tuplehash[!dir]`). Without NAT they
 * are the packet's own addresses, read without building tuple objects; a
 * translated connection reads its tuples.
 */

type Ctx = PacketContext<unknown, unknown>;

function translated(ctx: Ctx): boolean {
  return (ctx.connection.status & NAT_MASK) !== 0;
}

/** `tuplehash[dir].src`: the sender, as the tuple of its direction names it. */
export function senderAddress(ctx: Ctx): ArrayLike<number> {
  return translated(ctx) ? ctx.connection.tuple(ctx.direction).src : ctx.src;
}

/** `tuplehash[dir].src.port`. */
export function senderPort(ctx: Ctx): number {
  return translated(ctx) ? ctx.connection.tuple(ctx.direction).srcPort : ctx.srcPort;
}

/** `tuplehash[dir].dst`: where the sender sends to (the receiver as the sender sees it). */
export function receiverAddress(ctx: Ctx): ArrayLike<number> {
  return translated(ctx) ? ctx.connection.tuple(ctx.direction).dst : ctx.dst;
}

/** `tuplehash[!dir].src`: the other peer, as the other direction's tuple names it. */
export function peerAddress(ctx: Ctx): ArrayLike<number> {
  return translated(ctx) ? ctx.connection.tuple(ctx.direction === 0 ? 1 : 0).src : ctx.dst;
}
