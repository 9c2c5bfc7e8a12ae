/** Ethernet II framing: what the gateway reads and writes on every interface. */

export const ETH_HEADER = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** Shortest frame on the wire without its FCS; shorter frames are padded. */
export const ETH_MIN_FRAME = 60;

export function etherType(frame: Uint8Array): number {
  return ((frame[12] ?? 0) << 8) | (frame[13] ?? 0);
}

/**
 * A new frame of `dst`, `src`, `type` and `payloadLength` bytes of payload
 * (zero-padded to the Ethernet minimum). The caller fills the payload at 14.
 */
export function newFrame(dst: Uint8Array, src: Uint8Array, type: number, payloadLength: number): Uint8Array {
  const frame = new Uint8Array(Math.max(ETH_MIN_FRAME, ETH_HEADER + payloadLength));
  frame.set(dst, 0);
  frame.set(src, 6);
  frame[12] = type >>> 8;
  frame[13] = type & 255;
  return frame;
}
