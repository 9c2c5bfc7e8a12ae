import { decodePacket, formatAddress, ParsedPacket, Reason, type PacketResult } from "@alg-sdk/core";

/** A datagram as it left the engine, decoded for assertions. */
export interface Egress {
  /** A copy of the datagram (the engine reuses its own buffers). */
  readonly bytes: Uint8Array;
  readonly family: 4 | 6;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** TCP sequence and acknowledgement numbers (0 for other protocols). */
  readonly seq: number;
  readonly ack: number;
  /** The transport payload, and the same as Latin-1 text. */
  readonly payload: Uint8Array;
  readonly text: string;
}

/**
 * What left the engine for the packet `result` describes, decoded: the
 * datagram after NAT and payload rewriting. Null when the packet was
 * dropped or held. Read it before the engine's next call, which may reuse
 * the buffer.
 *
 * @example
 * ```ts
 * const out = egressOf(engine.process(packet, 1));
 * expect(out?.src).toBe("198.51.100.1");
 * ```
 */
export function egressOf(result: PacketResult): Egress | null {
  if (result.outBytes === null) return null;
  const bytes = result.outBytes.slice(result.outOffset, result.outOffset + result.outLength);
  const p = new ParsedPacket();
  const reason = decodePacket(bytes, 0, bytes.length, p);
  // A test kit may throw: an undecodable egress datagram is an engine bug the test must see.
  if (reason !== Reason.NONE) throw new Error(`the engine sent a datagram that does not decode (reason ${reason})`);
  const payload = bytes.slice(p.payloadOffset, p.payloadOffset + p.payloadLength);
  let text = "";
  for (const b of payload) text += String.fromCharCode(b);
  return {
    bytes,
    family: p.family === 6 ? 6 : 4,
    protocol: p.protocol,
    src: formatAddress(p.family, p.src),
    dst: formatAddress(p.family, p.dst),
    srcPort: p.sport,
    dstPort: p.dport,
    seq: p.seq,
    ack: p.ack,
    payload,
    text,
  };
}
