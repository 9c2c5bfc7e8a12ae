import { NFGENMSG_LEN, NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN, NFNETLINK_V0, align4 } from "./constants.js";

/**
 * Writes one nfnetlink message: nlmsghdr, nfgenmsg, then attributes (nested
 * ones included). Netlink headers are in host byte order (little-endian on
 * every machine Node's prebuilt addon supports); nfgenmsg's res_id and most
 * netfilter attribute values are big-endian, so the typed writers say which.
 */
export class MessageBuilder {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;
  private readonly open: number[] = [];

  constructor(type: number, flags: number, seq: number, family: number, resId: number, capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
    this.reserve(NLMSG_HDRLEN + NFGENMSG_LEN);
    this.view.setUint16(4, type, true);
    this.view.setUint16(6, flags, true);
    this.view.setUint32(8, seq >>> 0, true);
    // nlmsg_pid 0: the kernel fills in the sender.
    this.buf[16] = family;
    this.buf[17] = NFNETLINK_V0;
    this.view.setUint16(18, resId, false);
  }

  /** Appends an attribute with raw bytes (padded to 4). */
  bytes(type: number, data: Uint8Array): this {
    const at = this.attrHeader(type, data.length);
    this.buf.set(data, at + NLA_HDRLEN);
    return this;
  }

  u8(type: number, v: number): this {
    const at = this.attrHeader(type, 1);
    this.buf[at + NLA_HDRLEN] = v;
    return this;
  }

  be16(type: number, v: number): this {
    const at = this.attrHeader(type, 2);
    this.view.setUint16(at + NLA_HDRLEN, v, false);
    return this;
  }

  be32(type: number, v: number): this {
    const at = this.attrHeader(type, 4);
    this.view.setUint32(at + NLA_HDRLEN, v >>> 0, false);
    return this;
  }

  /** A NUL-terminated string (NLA_NUL_STRING / NLA_STRING both accept it). */
  string(type: number, s: string): this {
    const text = new TextEncoder().encode(s);
    const data = new Uint8Array(text.length + 1);
    data.set(text);
    return this.bytes(type, data);
  }

  /** Opens a nested attribute; close it with {@link end}. */
  nest(type: number): this {
    const at = this.attrHeader(type | NLA_F_NESTED, 0);
    this.open.push(at);
    return this;
  }

  end(): this {
    const at = this.open.pop();
    if (at === undefined) throw new Error("MessageBuilder.end() without nest()");
    this.view.setUint16(at, this.len - at, true);
    return this;
  }

  /** The finished message (a copy-free view of the builder's buffer). */
  finish(): Uint8Array {
    if (this.open.length > 0) throw new Error("MessageBuilder.finish() with an open nest");
    this.view.setUint32(0, this.len, true);
    return this.buf.subarray(0, this.len);
  }

  private attrHeader(type: number, dataLen: number): number {
    const at = this.len;
    this.reserve(align4(NLA_HDRLEN + dataLen));
    this.view.setUint16(at, NLA_HDRLEN + dataLen, true);
    this.view.setUint16(at + 2, type, true);
    return at;
  }

  private reserve(n: number): void {
    const need = this.len + n;
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    // New space is zero (fresh array or never written): padding stays zero.
    this.len = need;
  }
}

/** Concatenates messages into one datagram (a batch of verdicts, a request with its batch markers). */
export function concatMessages(messages: readonly Uint8Array[]): Uint8Array {
  const total = messages.reduce((n, m) => n + m.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const m of messages) {
    out.set(m, at);
    at += m.length;
  }
  return out;
}
