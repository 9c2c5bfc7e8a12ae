/**
 * The toy session protocol, an example for tracker authors (it is no real
 * protocol). It runs directly over IP (protocol 253, "for experimentation",
 * RFC 3692). Every message has an 8-byte header:
 *
 * ```
 *  0      2      4     5     6      8
 * +------+------+-----+-----+------+---------
 * | from | to   | type| 0   | len  | payload
 * +------+------+-----+-----+------+---------
 * ```
 *
 * `from` and `to` are the session ids the two ends chose (16 bits each),
 * `type` one of {@link ToyType}, `len` the payload's length.
 */

/** Message types. */
export const ToyType = {
  /** Asks to open a session. */
  OPEN: 1,
  /** Accepts it. */
  ACCEPT: 2,
  DATA: 3,
  /** Ends the session. */
  CLOSE: 4,
} as const;

export const TOY_HEADER = 8;

/** A message, for tests and examples: the transport part of a datagram (wrap it in IP yourself). */
export function toyMessage(from: number, to: number, type: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = new Uint8Array(TOY_HEADER + payload.length);
  b[0] = from >>> 8;
  b[1] = from & 0xff;
  b[2] = to >>> 8;
  b[3] = to & 0xff;
  b[4] = type;
  b[6] = payload.length >>> 8;
  b[7] = payload.length & 0xff;
  b.set(payload, TOY_HEADER);
  return b;
}
