import { ReasonCode } from "../../constants.js";
import type { ParsedPacket } from "../../packet/parsed-packet.js";
import { TcpBit } from "./states.js";

/** Reads a whole TCP header: ports, sequence numbers, flags, window, and a SYN's scale and SACK-permitted options. */
export function decodeTcp(p: ParsedPacket): number {
  const b = p.bytes;
  const o = p.l4Offset;
  const len = p.l4Length;
  if (len < 20) return ReasonCode.TRUNCATED;
  const doff = (b[o + 12]! >> 4) << 2;
  if (doff < 20) return ReasonCode.BAD_L4_HEADER;
  if (doff > len) return ReasonCode.TRUNCATED;
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.hasPorts = true;
  // Written out rather than through a helper: this runs for every TCP packet.
  p.seq = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  p.ack = ((b[o + 8]! << 24) | (b[o + 9]! << 16) | (b[o + 10]! << 8) | b[o + 11]!) >>> 0;
  p.tcpFlags = b[o + 13]!;
  p.window = (b[o + 14]! << 8) | b[o + 15]!;
  p.tcpHeaderLength = doff;
  p.payloadOffset = o + doff;
  p.payloadLength = len - doff;
  p.wscale = -1;
  p.sackPermitted = false;
  p.icmpType = 0;
  p.icmpCode = 0;
  p.replySport = 0;
  p.replyDport = 0;
  if ((p.tcpFlags & TcpBit.SYN) !== 0 && doff > 20) readSynOptions(b, o + 20, o + doff, p);
  return ReasonCode.NONE;
}

/** Window scale and SACK-permitted, the options window tracking needs from a SYN. */
function readSynOptions(b: Uint8Array, start: number, end: number, out: ParsedPacket): void {
  let i = start;
  while (i < end) {
    const kind = b[i]!;
    if (kind === 0) return;
    if (kind === 1) {
      i++;
      continue;
    }
    if (i + 1 >= end) return;
    const size = b[i + 1]!;
    if (size < 2 || i + size > end) return;
    if (kind === 3 && size === 3) out.wscale = b[i + 2]! > 14 ? 14 : b[i + 2]!;
    else if (kind === 4 && size === 2) out.sackPermitted = true;
    i += size;
  }
}
