import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerRegistry } from "../proto/registry.js";
import { recomputeIpv4Header } from "./checksum.js";

/** The largest datagram a rewrite may produce (Linux's `enlarge_skb` limit). */
const MAX_DATAGRAM = 65535;

/**
 * Replaces bytes of a packet's payload (Linux's `mangle_contents` with
 * `nf_nat_mangle_tcp_packet` / `_udp_packet`): in place when the length
 * stays, else into an engine-owned buffer that the next packet reuses; the
 * IP lengths and header checksum, then the transport header (through its
 * tracker) are fixed.
 */
export class PayloadRewriter {
  private buffer: Uint8Array | null = null;
  private spare: Uint8Array | null = null;

  constructor(private readonly trackers: TrackerRegistry) {}

  /**
   * Replaces `length` bytes at `offset` of `p`'s payload with `text`.
   * Returns the length change, or `null` when the packet cannot be
   * rewritten (its protocol has no rewrite, the range is outside the
   * payload, or the datagram would outgrow 65535 bytes). `p` then describes
   * the rewritten datagram.
   */
  rewrite(p: ParsedPacket, offset: number, length: number, text: Uint8Array): number | null {
    const tracker = this.trackers.get(p.protocol);
    if (tracker.natPayloadChanged === undefined) return null;
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > p.payloadLength) return null;
    const start = p.payloadOffset + offset;
    const delta = text.length - length;
    const total = p.l3End - p.l3Offset + delta;
    if (total > MAX_DATAGRAM) return null;
    if (delta === 0) {
      p.bytes.set(text, start);
    } else {
      const from = p.bytes;
      let into = this.buffer ?? (this.buffer = new Uint8Array(MAX_DATAGRAM));
      if (into === from) {
        // A second rewrite of the same packet: build it in the other buffer.
        into = this.spare ?? (this.spare = new Uint8Array(MAX_DATAGRAM));
        this.spare = this.buffer;
        this.buffer = into;
      }
      const head = start - p.l3Offset;
      into.set(from.subarray(p.l3Offset, start), 0);
      into.set(text, head);
      into.set(from.subarray(start + length, p.l3End), head + text.length);
      const shift = -p.l3Offset;
      p.bytes = into;
      p.l3Offset = 0;
      p.l4Offset += shift;
      p.payloadOffset += shift;
      p.l3End = total;
      p.l4Length += delta;
      p.payloadLength += delta;
    }
    const b = p.bytes;
    const l3 = p.l3Offset;
    if (p.family === 4) {
      b[l3 + 2] = total >>> 8;
      b[l3 + 3] = total & 0xff;
      recomputeIpv4Header(b, l3);
    } else {
      const payload = total - 40;
      b[l3 + 4] = payload >>> 8;
      b[l3 + 5] = payload & 0xff;
    }
    tracker.natPayloadChanged(b, l3, p.l4Offset, p.l3End);
    return delta;
  }
}
