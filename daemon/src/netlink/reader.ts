import { NFGENMSG_LEN, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN, align4 } from "./constants.js";

/** One netlink message inside a received datagram (offsets into `bytes`). */
export interface NlMessage {
  readonly bytes: Uint8Array;
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
  /** Start of the payload (after nlmsghdr). */
  readonly payload: number;
  /** End of the message. */
  readonly end: number;
}

/**
 * Splits a datagram into messages as NLMSG_OK / NLMSG_NEXT walk it. A message
 * whose length is impossible ends the walk; `malformed` says so, so the
 * caller can count it (received input never throws).
 */
export function splitMessages(bytes: Uint8Array): { messages: NlMessage[]; malformed: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: NlMessage[] = [];
  let at = 0;
  while (at + NLMSG_HDRLEN <= bytes.length) {
    const len = view.getUint32(at, true);
    if (len < NLMSG_HDRLEN || at + len > bytes.length) return { messages, malformed: true };
    messages.push({
      bytes,
      type: view.getUint16(at + 4, true),
      flags: view.getUint16(at + 6, true),
      seq: view.getUint32(at + 8, true),
      pid: view.getUint32(at + 12, true),
      payload: at + NLMSG_HDRLEN,
      end: at + len,
    });
    at += align4(len);
  }
  // Bytes left over that cannot hold a header are a truncated message.
  return { messages, malformed: at < bytes.length };
}

/** The nfgenmsg of an nfnetlink message, or null when the message is too short. */
export function nfgenHeader(m: NlMessage): { family: number; version: number; resId: number } | null {
  if (m.end - m.payload < NFGENMSG_LEN) return null;
  const b = m.bytes;
  return { family: b[m.payload]!, version: b[m.payload + 1]!, resId: (b[m.payload + 2]! << 8) | b[m.payload + 3]! };
}

/** Attributes by type (flags stripped): the last one of a type wins, as nla_parse does. */
export class Attrs {
  private readonly starts = new Map<number, number>();
  private readonly lens = new Map<number, number>();
  /** The walk met an attribute whose length runs past its container. */
  readonly malformed: boolean;

  constructor(
    readonly bytes: Uint8Array,
    from: number,
    to: number,
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = from;
    let bad = false;
    while (at + NLA_HDRLEN <= to) {
      const len = view.getUint16(at, true);
      if (len < NLA_HDRLEN || at + len > to) {
        bad = true;
        break;
      }
      const type = view.getUint16(at + 2, true) & NLA_TYPE_MASK;
      this.starts.set(type, at + NLA_HDRLEN);
      this.lens.set(type, len - NLA_HDRLEN);
      at += align4(len);
    }
    this.malformed = bad;
  }

  /** Attributes of an nfnetlink message (after nlmsghdr and nfgenmsg). */
  static ofMessage(m: NlMessage): Attrs {
    return new Attrs(m.bytes, Math.min(m.payload + NFGENMSG_LEN, m.end), m.end);
  }

  has(type: number): boolean {
    return this.starts.has(type);
  }

  /** The attribute's value bytes (a view, not a copy), or null. */
  raw(type: number): Uint8Array | null {
    const s = this.starts.get(type);
    if (s === undefined) return null;
    return this.bytes.subarray(s, s + this.lens.get(type)!);
  }

  /** The attributes inside a nested attribute, or null. */
  nested(type: number): Attrs | null {
    const s = this.starts.get(type);
    if (s === undefined) return null;
    return new Attrs(this.bytes, s, s + this.lens.get(type)!);
  }

  u8(type: number): number | null {
    const r = this.raw(type);
    return r && r.length >= 1 ? r[0]! : null;
  }

  be16(type: number): number | null {
    const r = this.raw(type);
    return r && r.length >= 2 ? (r[0]! << 8) | r[1]! : null;
  }

  be32(type: number): number | null {
    const r = this.raw(type);
    return r && r.length >= 4 ? ((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0 : null;
  }

  be64(type: number): bigint | null {
    const r = this.raw(type);
    if (!r || r.length < 8) return null;
    return new DataView(r.buffer, r.byteOffset, 8).getBigUint64(0, false);
  }

  /** A string attribute up to its first NUL. */
  string(type: number): string | null {
    const r = this.raw(type);
    if (!r) return null;
    const nul = r.indexOf(0);
    return new TextDecoder().decode(nul >= 0 ? r.subarray(0, nul) : r);
  }
}
