import { readU16, writeU16 } from "./checksum.js";
import { ETH_HEADER, ETHERTYPE_ARP, ETHERTYPE_IPV4, newFrame } from "./ethernet.js";
import { BROADCAST_MAC } from "./mac.js";
import { readIpv4, writeIpv4 } from "./prefix.js";

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
const ARP_LENGTH = 28;

/** The fields of an Ethernet/IPv4 ARP packet the gateway acts on. */
export interface ArpPacket {
  op: number;
  senderMac: Uint8Array;
  senderIp: number;
  targetIp: number;
}

/** Reads an Ethernet/IPv4 ARP packet from a frame into `out`; false for anything else. */
export function readArp(frame: Uint8Array, out: ArpPacket): boolean {
  const a = ETH_HEADER;
  if (frame.length < a + ARP_LENGTH) return false;
  if (readU16(frame, a) !== 1 || readU16(frame, a + 2) !== ETHERTYPE_IPV4 || frame[a + 4] !== 6 || frame[a + 5] !== 4) return false;
  out.op = readU16(frame, a + 6);
  out.senderMac = frame.subarray(a + 8, a + 14);
  out.senderIp = readIpv4(frame, a + 14);
  out.targetIp = readIpv4(frame, a + 24);
  return true;
}

/** An ARP frame: a reply to `dstMac`, or a broadcast request when `op` is a request. */
export function buildArp(op: number, srcMac: Uint8Array, srcIp: number, dstMac: Uint8Array | null, dstIp: number): Uint8Array {
  const frame = newFrame(op === ARP_REQUEST ? BROADCAST_MAC : dstMac!, srcMac, ETHERTYPE_ARP, ARP_LENGTH);
  const a = ETH_HEADER;
  writeU16(frame, a, 1);
  writeU16(frame, a + 2, ETHERTYPE_IPV4);
  frame[a + 4] = 6;
  frame[a + 5] = 4;
  writeU16(frame, a + 6, op);
  frame.set(srcMac, a + 8);
  writeIpv4(frame, a + 14, srcIp);
  // A request's target hardware address is unknown: zeros.
  if (op === ARP_REPLY && dstMac) frame.set(dstMac, a + 18);
  writeIpv4(frame, a + 24, dstIp);
  return frame;
}
