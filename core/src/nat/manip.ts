import type { TrackerRegistry } from "../proto/registry.js";
import { Ipv6Walk, walkIpv6Headers, WalkResult } from "../packet/ipv6-headers.js";
import { rewritePortWithDelta } from "../proto/ports.js";
import { applyDelta, replaceWord } from "./checksum.js";

/** Which side of a datagram a manipulation rewrites (Linux's `nf_nat_manip_type`; an enum: written as numbers). */
export enum Side {
  SOURCE = 0,
  DESTINATION = 1,
}

const walk = new Ipv6Walk();

/**
 * Rewrites the source or the destination of the datagram at `b[l3]`
 * (ending at `end`) to `addr` and the keys of the target tuple (`sport`,
 * `dport`): the transport header through its tracker, then the IP header
 * (Linux's `nf_nat_ipv4_manip_pkt` / `nf_nat_ipv6_manip_pkt`). The
 * transport header goes first because its checksum update reads the old
 * address. A non-first fragment's transport header is not there and is left
 * alone. Returns false when the transport header is too short to rewrite.
 */
export function manipDatagram(
  b: Uint8Array,
  l3: number,
  end: number,
  side: Side,
  addr: ArrayLike<number>,
  sport: number,
  dport: number,
  trackers: TrackerRegistry,
): boolean {
  if (b[l3]! >> 4 === 4) {
    const l4 = l3 + ((b[l3]! & 0x0f) << 2);
    const addrAt = l3 + (side === Side.SOURCE ? 12 : 16);
    const first = (((b[l3 + 6]! << 8) | b[l3 + 7]!) & 0x1fff) === 0;
    const rewrite = trackers.get(b[l3 + 9]!).natRewrite;
    if (first && rewrite !== undefined && !rewrite(b, l4, end, side, sport, dport, addrAt, addr, 1)) return false;
    // Signed words: an unsigned one above 2^31 would be allocated at each call.
    const old = (b[addrAt]! << 24) | (b[addrAt + 1]! << 16) | (b[addrAt + 2]! << 8) | b[addrAt + 3]!;
    replaceWord(b, l3 + 10, old, addr[0]! | 0);
    writeWord(b, addrAt, addr[0]! | 0);
    return true;
  }
  const addrAt = l3 + (side === Side.SOURCE ? 8 : 24);
  // An extension header walk that fails still lets the address be rewritten (ipv6_skip_exthdr < 0).
  if (walkIpv6Headers(b, l3 + 40, end, b[l3 + 6]!, l3 + 6, walk) === WalkResult.WALK_OK && !(walk.fragHeader >= 0 && walk.fragOffset !== 0)) {
    const rewrite = trackers.get(walk.next).natRewrite;
    if (rewrite !== undefined && !rewrite(b, walk.offset, end, side, sport, dport, addrAt, addr, 4)) return false;
  }
  for (let w = 0; w < 4; w++) writeWord(b, addrAt + w * 4, addr[w]! | 0);
  return true;
}

/**
 * {@link manipDatagram} for an IPv4 datagram of a ported protocol whose
 * checksum deltas were computed when the binding was decided: the port and
 * the transport checksum (`kind`, `l4Delta`), then the header checksum
 * (`ipDelta`) and the address `addr` (signed). The same bytes as the
 * general rewrite for a packet that matches its connection's tuple, which
 * every tracked packet does.
 */
export function manipIpv4Ports(
  b: Uint8Array,
  l3: number,
  end: number,
  side: Side,
  addr: number,
  port: number,
  kind: number,
  ipDelta: number,
  l4Delta: number,
): boolean {
  // A non-first fragment has no transport header to rewrite.
  if ((((b[l3 + 6]! << 8) | b[l3 + 7]!) & 0x1fff) === 0 && !rewritePortWithDelta(kind, b, l3 + ((b[l3]! & 0x0f) << 2), end, side, port, l4Delta)) return false;
  applyDelta(b, l3 + 10, ipDelta);
  writeWord(b, l3 + (side === Side.SOURCE ? 12 : 16), addr);
  return true;
}

function writeWord(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
