// Hand-written policies for the two-guest tests (the rules package will
// compile the same from an nft-style ruleset).
import type { PacketPolicy, PolicyPacket } from "@alg-sdk/core";
import { FilterVerdict, natTarget, PacketState } from "@alg-sdk/core";

const TCP = 6;
const ICMP = 1;
const ICMPV6 = 58;

/** 10.0.1.0/24 or fd00:1::/64: the LAN side. */
export function fromLan(p: PolicyPacket): boolean {
  if (p.family === 4) return p.src[0]! >>> 8 === 0x0a0001;
  return p.src[0] === 0xfd000001 && p.src[1] === 0;
}

function toLan(p: PolicyPacket): boolean {
  if (p.family === 4) return p.dst[0]! >>> 8 === 0x0a0001;
  return p.dst[0] === 0xfd000001 && p.dst[1] === 0;
}

/**
 * A stateful firewall that lets the LAN open only ping, FTP control (21)
 * and IRC (6667), and the WAN open nothing: every other connection must be
 * ESTABLISHED or RELATED, which is what the helpers make of data channels.
 *   ct state established,related accept
 *   ct state invalid drop
 *   iifname lan icmp/icmpv6/tcp dport {21, 6667} accept
 *   drop
 */
export const strictFilter: PacketPolicy["filter"] = (p) => {
  if (p.state === PacketState.ESTABLISHED || p.state === PacketState.RELATED) return FilterVerdict.ACCEPT;
  if (p.state !== PacketState.NEW) return FilterVerdict.DROP;
  if (!fromLan(p)) return FilterVerdict.DROP;
  if (p.protocol === ICMP || p.protocol === ICMPV6) return FilterVerdict.ACCEPT;
  if (p.protocol === TCP && (p.dport === 21 || p.dport === 6667)) return FilterVerdict.ACCEPT;
  return FilterVerdict.DROP;
};

/** Routing only: the LAN keeps its addresses. */
export const routedPolicy: PacketPolicy = { filter: strictFilter };

const wanAddress = natTarget({ address: "10.0.2.1" });

/** The same firewall, and the LAN's IPv4 traffic to the WAN leaves from the gateway's WAN address (masquerade). */
export const natPolicy: PacketPolicy = {
  filter: strictFilter,
  sourceNat: (p) => (p.family === 4 && fromLan(p) && !toLan(p) ? wanAddress : null),
};
