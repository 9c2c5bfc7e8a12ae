import { MESSAGE_BODY_LENGTH } from "../../src/index.js";

/** The fields a test sets in a PPTP control message (each at its RFC 2637 offset for the type). */
export interface MessageFields {
  readonly callId?: number;
  readonly peerCallId?: number;
  readonly result?: number;
  /** Bytes of the body (default: the type's size in Linux's table, at least 4). */
  readonly bodyLength?: number;
  /** PPTP message type (1 control, 2 management). Default 1. */
  readonly pptpType?: number;
  readonly cookie?: number;
}

/** A PPTP control message as a PNS or PAC sends it (RFC 2637 2.x), for a TCP payload. */
export function pptpMessage(type: number, f: MessageFields = {}): Uint8Array {
  const bodyLength = f.bodyLength ?? Math.max(4, MESSAGE_BODY_LENGTH[type] ?? 4);
  const b = new Uint8Array(12 + bodyLength);
  const v = new DataView(b.buffer);
  v.setUint16(0, b.length);
  v.setUint16(2, f.pptpType ?? 1);
  v.setUint32(4, f.cookie ?? 0x1a2b3c4d);
  v.setUint16(8, type);
  const body = 12;
  const put16 = (at: number, x: number | undefined) => at + 2 <= b.length && x !== undefined && v.setUint16(at, x);
  const put8 = (at: number, x: number | undefined) => at < b.length && x !== undefined && v.setUint8(at, x);
  switch (type) {
    case 2: // start session reply: version, result
      put16(body, 0x100);
      put8(body + 2, f.result);
      break;
    case 4: // stop session reply
      put8(body, f.result);
      break;
    case 7: // outgoing call request
    case 9: // incoming call request
    case 12: // call clear request
      put16(body, f.callId);
      break;
    case 13: // call disconnect notify
      put16(body, f.callId);
      put8(body + 2, f.result);
      break;
    case 8: // outgoing call reply
    case 10: // incoming call reply
      put16(body, f.callId);
      put16(body + 2, f.peerCallId);
      put8(body + 4, f.result);
      break;
    case 11: // incoming call connected
    case 14: // WAN error notify
    case 15: // set link info
      put16(body, f.peerCallId);
      break;
    case 1: // start session request: version
      put16(body, 0x100);
      break;
  }
  return b;
}
