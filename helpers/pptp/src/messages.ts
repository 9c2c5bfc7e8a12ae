/**
 * PPTP control messages (RFC 2637 section 2) as Linux's nf_conntrack_pptp
 * reads them: only the first message at the start of a TCP segment, only
 * the fields the helper acts on.
 */

/** Control message types (RFC 2637 2.x; Linux's `PPTP_*`). */
export const PptpMessage = {
  START_SESSION_REQUEST: 1,
  START_SESSION_REPLY: 2,
  STOP_SESSION_REQUEST: 3,
  STOP_SESSION_REPLY: 4,
  ECHO_REQUEST: 5,
  ECHO_REPLY: 6,
  OUT_CALL_REQUEST: 7,
  OUT_CALL_REPLY: 8,
  IN_CALL_REQUEST: 9,
  IN_CALL_REPLY: 10,
  IN_CALL_CONNECT: 11,
  CALL_CLEAR_REQUEST: 12,
  CALL_DISCONNECT_NOTIFY: 13,
  WAN_ERROR_NOTIFY: 14,
  SET_LINK_INFO: 15,
} as const;

/** Bytes before a message's own fields: length, PPTP message type, magic cookie, control message type, reserved. */
export const HEADER_LENGTH = 12;
/** PPTP message type of control messages (1; management messages are 2). */
const CONTROL_MESSAGE = 1;
const MAGIC_COOKIE = 0x1a2b3c4d;

/**
 * Bytes of each control message's fields after the header (the sizes of
 * Linux's `struct Pptp*`). A shorter message is ignored whole. Echo
 * request and reply have no minimum: Linux's table leaves them out.
 */
export const MESSAGE_BODY_LENGTH: readonly number[] = [
  0, // 0: not a message type
  144, // start session request
  144, // start session reply
  4, // stop session request
  4, // stop session reply
  0, // echo request
  0, // echo reply
  156, // outgoing call request
  20, // outgoing call reply
  208, // incoming call request
  12, // incoming call reply
  16, // incoming call connected
  4, // call clear request
  136, // call disconnect notify
  28, // WAN error notify
  12, // set link info
];

/** Result codes that mean success. */
export const START_OK = 1;
export const STOP_OK = 1;
export const OUT_CALL_CONNECTED = 1;
export const IN_CALL_ACCEPTED = 1;

/** The fields of one control message the helper acts on (0 where the message has none). */
export interface ControlMessage {
  /** Control message type (any number: unknown ones are for the caller to refuse). */
  type: number;
  /** Call ID: the sender's own call id (outgoing/incoming call request and reply, clear, disconnect). */
  callId: number;
  /** Peer's Call ID: the other side's call id (call replies, incoming call connected). */
  peerCallId: number;
  /** Result code of a reply. */
  result: number;
}

/** A reusable message to read into. */
export function emptyMessage(): ControlMessage {
  return { type: 0, callId: 0, peerCallId: 0, result: 0 };
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

/**
 * Reads the control message at the start of `b[at, at + length)` into
 * `out` (Linux's `conntrack_pptp_help` before it dispatches). False when
 * there is none to act on: fewer bytes than the header, not a control
 * message, a wrong magic cookie, or a known type with fewer bytes than its
 * fields. The length field of the message is not checked, as in Linux.
 */
export function readControlMessage(b: Uint8Array, at: number, length: number, out: ControlMessage): boolean {
  if (length < HEADER_LENGTH || at < 0 || at + length > b.length) return false;
  if (u16(b, at + 2) !== CONTROL_MESSAGE) return false;
  const cookie = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
  if (cookie !== MAGIC_COOKIE) return false;
  const type = u16(b, at + 8);
  const body = at + HEADER_LENGTH;
  const bodyLength = length - HEADER_LENGTH;
  if (type > 0 && type < MESSAGE_BODY_LENGTH.length && bodyLength < MESSAGE_BODY_LENGTH[type]!) return false;
  out.type = type;
  out.callId = 0;
  out.peerCallId = 0;
  out.result = 0;
  switch (type) {
    case PptpMessage.START_SESSION_REPLY:
      out.result = b[body + 2]!;
      break;
    case PptpMessage.STOP_SESSION_REPLY:
      out.result = b[body]!;
      break;
    case PptpMessage.OUT_CALL_REQUEST:
    case PptpMessage.IN_CALL_REQUEST:
    case PptpMessage.CALL_CLEAR_REQUEST:
    case PptpMessage.CALL_DISCONNECT_NOTIFY:
      out.callId = u16(b, body);
      if (type === PptpMessage.CALL_DISCONNECT_NOTIFY) out.result = b[body + 2]!;
      break;
    case PptpMessage.OUT_CALL_REPLY:
    case PptpMessage.IN_CALL_REPLY:
      out.callId = u16(b, body);
      out.peerCallId = u16(b, body + 2);
      out.result = b[body + 4]!;
      break;
    case PptpMessage.IN_CALL_CONNECT:
    case PptpMessage.WAN_ERROR_NOTIFY:
    case PptpMessage.SET_LINK_INFO:
      out.peerCallId = u16(b, body);
      break;
  }
  return true;
}
