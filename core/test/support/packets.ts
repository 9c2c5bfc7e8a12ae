/**
 * Packet builders for tests: whole IPv4/IPv6 datagrams with correct lengths
 * and checksums, built from a few named fields. Every builder returns a fresh
 * `Uint8Array` that starts at the IP header (no link layer).
 *
 * ```ts
 * import { ipv4, ipv6, tcp, udp, icmp, icmpv6, fragmentIpv4 } from "./support/packets.js";
 *
 * const syn = ipv4({ src: "10.0.1.2", dst: "10.0.2.3", payload: tcp({ sport: 40000, dport: 21, flags: "S", options: { mss: 1460, wscale: 7, sackPerm: true } }) });
 * const dns = ipv6({ src: "fd00:1::2", dst: "fd00:2::53", payload: udp({ sport: 5353, dport: 53, payload: bytes("hello") }) });
 * const ping = ipv4({ payload: icmp({ type: 8, id: 7, seq: 1 }) });
 * const frags = fragmentIpv4(syn, 28);            // fragments of at most 28 bytes each
 * const pieces = fragmentIpv6(dns, [8, 16]);      // data sizes 8, 16, then the rest
 * ```
 *
 * Transport segments and ICMP messages
 * - {@link tcp}, {@link udp}, {@link udplite}, {@link icmp}, {@link icmpv6} build
 *   the transport part. TCP, UDP, UDP-Lite and ICMPv6 checksums need the IP
 *   pseudo-header, so they are left 0 and filled in by {@link ipv4} /
 *   {@link ipv6} when they wrap the segment (option `transportChecksum`,
 *   default true; never for a fragment). Give `src`/`dst` to a transport
 *   builder to get a stand-alone segment with its checksum; give `checksum`
 *   to write a value as is (the IP builders then keep it). ICMP's checksum
 *   needs no pseudo-header and is always written.
 * - The protocol number is remembered with the returned array, so `ipv4` and
 *   `ipv6` infer `proto` / `nextHeader` from a payload built here; pass it
 *   explicitly for other payloads (default 253, "experimental").
 * - TCP `flags` is a string of letters F S R P A U E C (`"S"`, `"SA"`, `"PA"`,
 *   `"FA"`, `"R"`, `"RA"`, `"A"`), or a number (byte 13 of the header).
 *
 * IP
 * - {@link ipv4}: `src`, `dst` (dotted quads), `proto`, `ttl`, `tos`, `id`,
 *   `df` / `mf` or raw 3-bit `flags`, `fragOffset` (bytes, a multiple of 8),
 *   `options` (raw option bytes, padded with END to 4 bytes; see
 *   {@link ipv4Options}) and `payload`. Overrides for malformed packets:
 *   `version`, `ihl` (32-bit words), `totalLength`, `checksum`.
 * - {@link ipv6}: `src`, `dst` (any RFC 4291 text form), `nextHeader`,
 *   `hopLimit`, `trafficClass`, `flowLabel`, `extensionHeaders` (see
 *   {@link Ipv6ExtHeader}; their next-header fields are chained for you) and
 *   `payload`. Override: `payloadLength`.
 *
 * Fragments
 * - {@link fragmentIpv4}(datagram, mtu | sizes) and {@link fragmentIpv6}(datagram,
 *   mtu | sizes, { id }) split a datagram built here: a number is the MTU (each
 *   fragment's total length stays within it), an array lists the data sizes of
 *   the fragments (anything left over forms one more, last, fragment).
 * - {@link ipv4Fragment} / {@link ipv6Fragment}(datagram, offset, length, opts)
 *   build one arbitrary fragment (for overlaps, duplicates, odd sizes).
 *
 * Defaults: IPv4 10.0.0.1 → 10.0.0.2, id 0x1234, TTL 64; IPv6 fd00::1 →
 * fd00::2, hop limit 64, fragment id 0x1234abcd; TCP 40000 → 80, seq 1000,
 * window 65535; UDP 40000 → 53. The transport pseudo-header uses `dst` as
 * given (not the final address of a routing header).
 *
 * Helpers: {@link bytes} (text/array to bytes), {@link concat},
 * {@link internetChecksum}, {@link parseIpv4}, {@link parseIpv6},
 * {@link addressWords} (the `Uint32Array` words a `ParsedPacket` holds),
 * {@link fixIpv4Checksum} (after editing a header), {@link tcpFlags},
 * {@link protocolOf}, {@link fillTransportChecksum}, {@link ipv6Unfragmentable}.
 *
 * Builders throw on nonsense input (this is test code); they never validate
 * what you override on purpose.
 */

// ---------------------------------------------------------------- basics

/** Bytes from text (UTF-8), an array of numbers, or a copy of bytes. */
export function bytes(input: string | ArrayLike<number>): Uint8Array {
  if (typeof input === "string") return new TextEncoder().encode(input);
  return Uint8Array.from(input as ArrayLike<number>);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function get16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** One's complement sum of 16-bit big-endian words (odd length padded with 0), not folded. */
function sum16(b: Uint8Array, start = 0, end = b.length, acc = 0): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The Internet checksum (RFC 1071) of `b[start, end)`, plus an optional partial sum. */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length, partial = 0): number {
  return ~fold(sum16(b, start, end, partial)) & 0xffff;
}

// ---------------------------------------------------------------- addresses

/** Parses a dotted-quad IPv4 address into 4 bytes. */
export function parseIpv4(text: string): Uint8Array {
  const parts = text.split(".");
  if (parts.length !== 4) throw new Error(`bad IPv4 address: ${text}`);
  const out = new Uint8Array(4);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`bad IPv4 address: ${text}`);
    out[i] = Number(p);
  });
  return out;
}

/** Parses an IPv6 address (with `::` and an optional trailing dotted quad) into 16 bytes. */
export function parseIpv6(text: string): Uint8Array {
  let s = text;
  const lastColon = s.lastIndexOf(":");
  if (lastColon >= 0 && s.indexOf(".", lastColon) > lastColon) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) throw new Error(`bad IPv6 address: ${text}`);
  const groups = (h: string): number[] =>
    h === ""
      ? []
      : h.split(":").map((g) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`bad IPv6 address: ${text}`);
          return parseInt(g, 16);
        });
  const head = groups(halves[0]!);
  let words = head;
  if (halves.length === 2) {
    const tail = groups(halves[1]!);
    if (head.length + tail.length > 7) throw new Error(`bad IPv6 address: ${text}`);
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  if (words.length !== 8) throw new Error(`bad IPv6 address: ${text}`);
  const out = new Uint8Array(16);
  words.forEach((w, i) => put16(out, i * 2, w));
  return out;
}

/**
 * The address as the 4 network-order words a `ParsedPacket` stores
 * (IPv4: word 0, words 1..3 zero).
 */
export function addressWords(text: string): Uint32Array {
  const b = text.includes(":") ? parseIpv6(text) : parseIpv4(text);
  const w = new Uint32Array(4);
  for (let i = 0; i < b.length / 4; i++) {
    w[i] = ((b[i * 4]! << 24) | (b[i * 4 + 1]! << 16) | (b[i * 4 + 2]! << 8) | b[i * 4 + 3]!) >>> 0;
  }
  return w;
}

// ---------------------------------------------------------------- transport

/** Protocol numbers of the payloads built here, so that ipv4/ipv6 can infer them. */
const PROTOCOL_OF = new WeakMap<Uint8Array, number>();

function tagged(b: Uint8Array, proto: number): Uint8Array {
  PROTOCOL_OF.set(b, proto);
  return b;
}

/** The protocol number a builder recorded for `payload`, or undefined. */
export function protocolOf(payload: Uint8Array): number | undefined {
  return PROTOCOL_OF.get(payload);
}

/** Addresses that let a transport builder compute its checksum on its own. */
export interface PseudoHeader {
  src?: string;
  dst?: string;
}

const TCP_FLAG_LETTERS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

/** TCP flags from letters ("SA", "PA", "FA", "R", ...) or a number. */
export function tcpFlags(flags: string | number): number {
  if (typeof flags === "number") return flags & 0xff;
  let v = 0;
  for (const ch of flags.toUpperCase()) {
    const bit = TCP_FLAG_LETTERS[ch];
    if (bit === undefined) throw new Error(`unknown TCP flag letter: ${ch}`);
    v |= bit;
  }
  return v;
}

export interface TcpOptionsSpec {
  /** Maximum segment size (kind 2). */
  mss?: number;
  /** Window scale shift (kind 3). */
  wscale?: number;
  /** SACK permitted (kind 4). */
  sackPerm?: boolean;
  /** Timestamps [TSval, TSecr] (kind 8). */
  timestamp?: [number, number];
  /** SACK blocks [left, right] (kind 5). */
  sack?: Array<[number, number]>;
  /** Raw option bytes appended as given (before padding). */
  raw?: Uint8Array | number[];
}

export interface TcpSpec extends PseudoHeader {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  /** Letters F S R P A U E C, or a number. Default "S" when `ack` is 0, else "A". */
  flags?: string | number;
  window?: number;
  urgent?: number;
  options?: TcpOptionsSpec;
  payload?: Uint8Array;
  /** Data offset in 32-bit words, overriding the computed one (malformed headers). */
  dataOffset?: number;
  /** Checksum to write as is (the IP builders then leave it alone). */
  checksum?: number;
}

function tcpOptionBytes(o: TcpOptionsSpec | undefined): number[] {
  if (!o) return [];
  const b: number[] = [];
  if (o.mss !== undefined) b.push(2, 4, (o.mss >>> 8) & 0xff, o.mss & 0xff);
  if (o.sackPerm) b.push(4, 2);
  if (o.timestamp) {
    const t = new Uint8Array(10);
    t[0] = 8;
    t[1] = 10;
    put32(t, 2, o.timestamp[0]);
    put32(t, 6, o.timestamp[1]);
    b.push(...t);
  }
  if (o.sack && o.sack.length > 0) {
    const t = new Uint8Array(2 + 8 * o.sack.length);
    t[0] = 5;
    t[1] = t.length;
    o.sack.forEach(([l, r], i) => {
      put32(t, 2 + i * 8, l);
      put32(t, 6 + i * 8, r);
    });
    b.push(1, 1, ...t);
  }
  if (o.wscale !== undefined) b.push(1, 3, 3, o.wscale & 0xff);
  if (o.raw) b.push(...o.raw);
  while (b.length % 4 !== 0) b.push(0);
  return b;
}

/** Options that mark a checksum as "write as given": the IP builders skip them. */
const FIXED_CHECKSUM = new WeakSet<Uint8Array>();

/** A TCP segment (header, options, payload). */
export function tcp(spec: TcpSpec = {}): Uint8Array {
  const opts = tcpOptionBytes(spec.options);
  const payload = spec.payload ?? new Uint8Array(0);
  const hl = 20 + opts.length;
  if (hl > 60) throw new Error("TCP options longer than 40 bytes");
  const b = new Uint8Array(hl + payload.length);
  const ack = spec.ack ?? 0;
  put16(b, 0, spec.sport ?? 40000);
  put16(b, 2, spec.dport ?? 80);
  put32(b, 4, spec.seq ?? 1000);
  put32(b, 8, ack);
  b[12] = ((spec.dataOffset ?? hl / 4) & 0x0f) << 4;
  b[13] = tcpFlags(spec.flags ?? (ack === 0 ? "S" : "A"));
  put16(b, 14, spec.window ?? 65535);
  put16(b, 18, spec.urgent ?? 0);
  b.set(opts, 20);
  b.set(payload, hl);
  tagged(b, 6);
  finishChecksum(b, 6, spec);
  return b;
}

export interface UdpSpec extends PseudoHeader {
  sport?: number;
  dport?: number;
  payload?: Uint8Array;
  /** Length field override (default 8 + payload length). */
  length?: number;
  checksum?: number;
}

/** A UDP datagram. */
export function udp(spec: UdpSpec = {}): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const b = new Uint8Array(8 + payload.length);
  put16(b, 0, spec.sport ?? 40000);
  put16(b, 2, spec.dport ?? 53);
  put16(b, 4, spec.length ?? b.length);
  b.set(payload, 8);
  tagged(b, 17);
  finishChecksum(b, 17, spec);
  return b;
}

export interface UdpliteSpec extends PseudoHeader {
  sport?: number;
  dport?: number;
  payload?: Uint8Array;
  /** Checksum coverage (bytes from the header's start); 0 = the whole datagram (default). */
  coverage?: number;
  checksum?: number;
}

/** A UDP-Lite datagram (RFC 3828). */
export function udplite(spec: UdpliteSpec = {}): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const b = new Uint8Array(8 + payload.length);
  put16(b, 0, spec.sport ?? 40000);
  put16(b, 2, spec.dport ?? 5000);
  put16(b, 4, spec.coverage ?? 0);
  b.set(payload, 8);
  tagged(b, 136);
  finishChecksum(b, 136, spec);
  return b;
}

export interface IcmpSpec {
  /** Default 8 (echo request) for ICMP, 128 for ICMPv6. */
  type?: number;
  code?: number;
  /** Identifier and sequence (bytes 4..7) for queries. */
  id?: number;
  seq?: number;
  /** Bytes 4..7 as one 32-bit value, instead of id/seq (errors: unused / MTU / pointer). */
  rest?: number;
  /** Data after the 8-byte header (for errors: the offending datagram). */
  payload?: Uint8Array;
  checksum?: number;
}

function icmpBody(spec: IcmpSpec, defaultType: number): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const b = new Uint8Array(8 + payload.length);
  b[0] = spec.type ?? defaultType;
  b[1] = spec.code ?? 0;
  if (spec.rest !== undefined) put32(b, 4, spec.rest);
  else {
    put16(b, 4, spec.id ?? 0);
    put16(b, 6, spec.seq ?? 0);
  }
  b.set(payload, 8);
  return b;
}

/** An ICMP message; its checksum covers the message only. */
export function icmp(spec: IcmpSpec = {}): Uint8Array {
  const b = tagged(icmpBody(spec, 8), 1);
  if (spec.checksum !== undefined) {
    put16(b, 2, spec.checksum);
    FIXED_CHECKSUM.add(b);
  } else put16(b, 2, internetChecksum(b));
  return b;
}

/** An ICMPv6 message; its checksum covers the IPv6 pseudo-header (filled by `ipv6`, or here given `src`/`dst`). */
export function icmpv6(spec: IcmpSpec & PseudoHeader = {}): Uint8Array {
  const b = tagged(icmpBody(spec, 128), 58);
  finishChecksum(b, 58, spec);
  return b;
}

/** Byte offset of the checksum field in a transport header of protocol `proto`, or -1. */
function checksumOffset(proto: number): number {
  switch (proto) {
    case 6:
      return 16;
    case 17:
    case 136:
      return 6;
    case 1:
    case 58:
      return 2;
    default:
      return -1;
  }
}

function finishChecksum(b: Uint8Array, proto: number, spec: PseudoHeader & { checksum?: number }): void {
  if (spec.checksum !== undefined) {
    put16(b, checksumOffset(proto), spec.checksum);
    FIXED_CHECKSUM.add(b);
    return;
  }
  if (spec.src !== undefined && spec.dst !== undefined) {
    const v6 = spec.src.includes(":");
    const s = v6 ? parseIpv6(spec.src) : parseIpv4(spec.src);
    const d = v6 ? parseIpv6(spec.dst) : parseIpv4(spec.dst);
    fillTransportChecksum(b, 0, b.length, proto, s, d);
  }
}

/**
 * Writes the transport checksum of the segment `b[start, end)` of protocol
 * `proto` sent from `src` to `dst` (4 or 16 bytes). TCP, UDP, UDP-Lite and
 * ICMPv6 use the pseudo-header; ICMP does not. Other protocols are left alone.
 */
export function fillTransportChecksum(b: Uint8Array, start: number, end: number, proto: number, src: Uint8Array, dst: Uint8Array): void {
  const at = checksumOffset(proto);
  const len = end - start;
  if (at < 0 || len < at + 2 || (proto === 6 && len < 20) || ((proto === 17 || proto === 136) && len < 8)) return;
  b[start + at] = 0;
  b[start + at + 1] = 0;
  if (proto === 1) {
    put16(b, start + at, internetChecksum(b, start, end));
    return;
  }
  let covered = end;
  if (proto === 136) {
    const cov = get16(b, start + 4);
    if (cov !== 0 && cov >= 8 && cov <= len) covered = start + cov;
  }
  let s = sum16(src) + sum16(dst);
  // Pseudo-header length: the UDP length field for UDP, else the segment length.
  const l = proto === 17 ? get16(b, start + 4) : len;
  if (src.length === 16) s += Math.floor(l / 0x10000) + (l & 0xffff) + proto;
  else s += l + proto;
  let c = internetChecksum(b, start, covered, s);
  if (c === 0 && proto === 17) c = 0xffff; // 0 means "no checksum" for UDP
  put16(b, start + at, c);
}

// ---------------------------------------------------------------- IPv4

/** Ready-made IPv4 options (type-length-value bytes). */
export const ipv4Options = {
  /** Router alert (RFC 2113), copied into every fragment. */
  routerAlert(): Uint8Array {
    return bytes([0x94, 4, 0, 0]);
  },
  /** Record route with `slots` empty addresses; not copied into later fragments. */
  recordRoute(slots = 2): Uint8Array {
    const b = new Uint8Array(3 + 4 * slots);
    b[0] = 7;
    b[1] = b.length;
    b[2] = 4;
    return b;
  },
  /** No operation (1 byte). */
  nop(): Uint8Array {
    return bytes([1]);
  },
  /** End of option list (1 byte). */
  end(): Uint8Array {
    return bytes([0]);
  },
};

export interface Ipv4Spec {
  src?: string;
  dst?: string;
  /** Protocol; inferred from a payload built here, else 253. */
  proto?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  /** Raw 3-bit flags field (bit 1 DF, bit 0 MF); `df` / `mf` set single bits. */
  flags?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset?: number;
  /** Raw option bytes, padded with END (0) to a multiple of 4. */
  options?: Uint8Array | number[];
  payload?: Uint8Array;
  /** Fill the transport checksum of a TCP/UDP/UDP-Lite/ICMP payload (default true). */
  transportChecksum?: boolean;
  // Overrides for malformed packets.
  version?: number;
  /** Header length in 32-bit words. */
  ihl?: number;
  totalLength?: number;
  checksum?: number;
}

/** An IPv4 datagram with a correct header checksum. */
export function ipv4(spec: Ipv4Spec = {}): Uint8Array {
  const opts = Array.from(spec.options ?? []);
  while (opts.length % 4 !== 0) opts.push(0);
  if (opts.length > 40) throw new Error("IPv4 options longer than 40 bytes");
  const hl = 20 + opts.length;
  const payload = spec.payload ?? new Uint8Array(0);
  const b = new Uint8Array(hl + payload.length);
  const fragOffset = spec.fragOffset ?? 0;
  if (fragOffset % 8 !== 0 || fragOffset < 0 || fragOffset > 0x1fff * 8) throw new Error(`bad fragment offset ${fragOffset}`);
  let flags = spec.flags ?? 0;
  if (spec.df) flags |= 2;
  if (spec.mf) flags |= 1;
  b[0] = ((spec.version ?? 4) << 4) | ((spec.ihl ?? hl / 4) & 0x0f);
  b[1] = spec.tos ?? 0;
  put16(b, 2, spec.totalLength ?? b.length);
  put16(b, 4, spec.id ?? 0x1234);
  put16(b, 6, ((flags & 7) << 13) | (fragOffset >>> 3));
  b[8] = spec.ttl ?? 64;
  const proto = spec.proto ?? PROTOCOL_OF.get(payload) ?? 253;
  b[9] = proto;
  const src = parseIpv4(spec.src ?? "10.0.0.1");
  const dst = parseIpv4(spec.dst ?? "10.0.0.2");
  b.set(src, 12);
  b.set(dst, 16);
  b.set(opts, 20);
  b.set(payload, hl);
  if (spec.transportChecksum !== false && !FIXED_CHECKSUM.has(payload) && fragOffset === 0 && (flags & 1) === 0) {
    fillTransportChecksum(b, hl, b.length, proto, src, dst);
  }
  put16(b, 10, spec.checksum ?? internetChecksum(b, 0, hl));
  return b;
}

/** Recomputes the header checksum of the IPv4 header at `b[o]` in place. */
export function fixIpv4Checksum(b: Uint8Array, o = 0): Uint8Array {
  const hl = (b[o]! & 0x0f) * 4;
  b[o + 10] = 0;
  b[o + 11] = 0;
  put16(b, o + 10, internetChecksum(b, o, o + hl));
  return b;
}

/** The options of a header that later fragments keep: those with the copy bit (RFC 791). */
function copiedOptions(options: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < options.length) {
    const t = options[i]!;
    if (t === 0) break;
    if (t === 1) {
      i++;
      continue;
    }
    const len = options[i + 1] ?? 0;
    if (len < 2 || i + len > options.length) break;
    if (t & 0x80) out.push(...options.subarray(i, i + len));
    i += len;
  }
  return out;
}

export interface FragmentOpts {
  /** More fragments (default: true unless the fragment ends the datagram). */
  mf?: boolean;
}

/**
 * One fragment of the IPv4 `datagram` carrying its payload bytes
 * `[offset, offset + length)`. Fragments other than the first keep only the
 * options with the copy bit set.
 */
export function ipv4Fragment(datagram: Uint8Array, offset: number, length: number, opts: FragmentOpts = {}): Uint8Array {
  const hl = (datagram[0]! & 0x0f) * 4;
  const total = get16(datagram, 2);
  const data = datagram.subarray(hl, total);
  if (offset % 8 !== 0) throw new Error(`fragment offset ${offset} is not a multiple of 8`);
  if (offset < 0 || length < 0 || offset + length > data.length) throw new Error("fragment outside the datagram");
  const header = offset === 0 ? Array.from(datagram.subarray(0, hl)) : [...datagram.subarray(0, 20), ...copiedOptions(datagram.subarray(20, hl))];
  while (header.length % 4 !== 0) header.push(0);
  const b = new Uint8Array(header.length + length);
  b.set(header, 0);
  b.set(data.subarray(offset, offset + length), header.length);
  b[0] = 0x40 | (header.length / 4);
  put16(b, 2, b.length);
  const oldFlags = datagram[6]! >> 5;
  // DF (and the reserved bit) as in the original; MF also when the original was a non-last fragment itself.
  const mf = opts.mf ?? (offset + length < data.length || (oldFlags & 1) !== 0);
  const origOffset = (get16(datagram, 6) & 0x1fff) << 3;
  const flags = (oldFlags & 6) | (mf ? 1 : 0);
  put16(b, 6, (flags << 13) | ((origOffset + offset) >>> 3));
  return fixIpv4Checksum(b);
}

function sizesFor(dataLength: number, perFragment: number | number[]): number[] {
  const sizes: number[] = [];
  if (typeof perFragment === "number") {
    if (perFragment < 8) throw new Error("MTU leaves less than 8 data bytes per fragment");
    for (let left = dataLength; left > 0; left -= Math.min(left, perFragment)) sizes.push(Math.min(left, perFragment));
    if (sizes.length === 0) sizes.push(0);
    return sizes;
  }
  let used = 0;
  for (const s of perFragment) {
    if (used + s > dataLength) throw new Error("fragment sizes exceed the datagram");
    sizes.push(s);
    used += s;
  }
  if (used < dataLength || sizes.length === 0) sizes.push(dataLength - used);
  return sizes;
}

/**
 * Splits an IPv4 datagram into fragments, in order. `mtuOrSizes`: the MTU
 * (every fragment's total length within it, data in multiples of 8 except
 * the last), or the data sizes of the fragments (non-last ones multiples of
 * 8); data left over forms a last fragment.
 */
export function fragmentIpv4(datagram: Uint8Array, mtuOrSizes: number | number[]): Uint8Array[] {
  const hl = (datagram[0]! & 0x0f) * 4;
  const dataLength = get16(datagram, 2) - hl;
  let per: number | number[] = mtuOrSizes;
  if (typeof mtuOrSizes === "number") {
    // Later fragments may carry fewer options; the first one's header is the largest, so size by it.
    per = Math.floor((mtuOrSizes - hl) / 8) * 8;
  }
  const sizes = sizesFor(dataLength, per);
  const out: Uint8Array[] = [];
  let off = 0;
  sizes.forEach((s, i) => {
    if (i < sizes.length - 1 && s % 8 !== 0) throw new Error(`fragment size ${s} is not a multiple of 8`);
    out.push(ipv4Fragment(datagram, off, s));
    off += s;
  });
  return out;
}

// ---------------------------------------------------------------- IPv6

/**
 * An IPv6 extension header for {@link ipv6}'s `extensionHeaders`. The
 * next-header field (byte 0) is filled in from the chain.
 * - `hop` / `dst`: hop-by-hop or destination options; `options` are raw TLVs,
 *   padded with Pad1/PadN to a multiple of 8 bytes (default: just padding).
 * - `routing`: `routingType`, `segmentsLeft`, type-specific `data` (padded to 8n+4 bytes).
 * - `ah`: authentication header with `spi`, `seq` and `icv` (default 12 bytes).
 * - `fragment`: a fragment header (`offset` in bytes, `mf`, `id`).
 * - `raw`: any header: `proto` is its protocol number, `bytes` its content,
 *   written as is apart from byte 0.
 */
export type Ipv6ExtHeader =
  | { type: "hop" | "dst"; options?: Uint8Array | number[] }
  | { type: "routing"; routingType?: number; segmentsLeft?: number; data?: Uint8Array | number[] }
  | { type: "ah"; spi?: number; seq?: number; icv?: Uint8Array | number[] }
  | { type: "fragment"; offset?: number; mf?: boolean; id?: number }
  | { type: "raw"; proto: number; bytes: Uint8Array | number[] };

function extProto(h: Ipv6ExtHeader): number {
  switch (h.type) {
    case "hop":
      return 0;
    case "dst":
      return 60;
    case "routing":
      return 43;
    case "ah":
      return 51;
    case "fragment":
      return 44;
    case "raw":
      return h.proto;
  }
}

function extBytes(h: Ipv6ExtHeader): Uint8Array {
  switch (h.type) {
    case "hop":
    case "dst": {
      const o = Array.from(h.options ?? []);
      const pad = (8 - ((o.length + 2) % 8)) % 8;
      if (pad === 1) o.push(0);
      else if (pad > 1) o.push(1, pad - 2, ...new Array<number>(pad - 2).fill(0));
      const b = new Uint8Array(2 + o.length);
      b[1] = b.length / 8 - 1;
      b.set(o, 2);
      return b;
    }
    case "routing": {
      const d = Array.from(h.data ?? [0, 0, 0, 0]);
      while ((d.length + 4) % 8 !== 0) d.push(0);
      const b = new Uint8Array(4 + d.length);
      b[1] = b.length / 8 - 1;
      b[2] = h.routingType ?? 0;
      b[3] = h.segmentsLeft ?? 0;
      b.set(d, 4);
      return b;
    }
    case "ah": {
      const icv = Array.from(h.icv ?? new Array<number>(12).fill(0));
      const b = new Uint8Array(12 + icv.length);
      if (b.length % 4 !== 0) throw new Error("AH length must be a multiple of 4");
      b[1] = b.length / 4 - 2;
      put32(b, 4, h.spi ?? 0x100);
      put32(b, 8, h.seq ?? 1);
      b.set(icv, 12);
      return b;
    }
    case "fragment": {
      const b = new Uint8Array(8);
      const off = h.offset ?? 0;
      if (off % 8 !== 0) throw new Error(`fragment offset ${off} is not a multiple of 8`);
      put16(b, 2, off | (h.mf ? 1 : 0));
      put32(b, 4, h.id ?? 0x1234abcd);
      return b;
    }
    case "raw":
      return Uint8Array.from(h.bytes);
  }
}

export interface Ipv6Spec {
  src?: string;
  dst?: string;
  /** Protocol after the extension headers; inferred from a payload built here, else 253. */
  nextHeader?: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  extensionHeaders?: Ipv6ExtHeader[];
  payload?: Uint8Array;
  /** Fill the transport checksum of a TCP/UDP/UDP-Lite/ICMPv6 payload (default true). */
  transportChecksum?: boolean;
  /** Payload length override (malformed packets). */
  payloadLength?: number;
}

/** An IPv6 datagram. */
export function ipv6(spec: Ipv6Spec = {}): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const exts = (spec.extensionHeaders ?? []).map((h) => ({ proto: extProto(h), bytes: extBytes(h) }));
  let extLen = 0;
  for (const e of exts) extLen += e.bytes.length;
  const b = new Uint8Array(40 + extLen + payload.length);
  const tc = spec.trafficClass ?? 0;
  const flow = spec.flowLabel ?? 0;
  put32(b, 0, ((6 << 28) | ((tc & 0xff) << 20) | (flow & 0xfffff)) >>> 0);
  put16(b, 4, spec.payloadLength ?? b.length - 40);
  const proto = spec.nextHeader ?? PROTOCOL_OF.get(payload) ?? 253;
  b[6] = exts.length > 0 ? exts[0]!.proto : proto;
  b[7] = spec.hopLimit ?? 64;
  const src = parseIpv6(spec.src ?? "fd00::1");
  const dst = parseIpv6(spec.dst ?? "fd00::2");
  b.set(src, 8);
  b.set(dst, 24);
  let o = 40;
  exts.forEach((e, i) => {
    b.set(e.bytes, o);
    b[o] = i + 1 < exts.length ? exts[i + 1]!.proto : proto;
    o += e.bytes.length;
  });
  b.set(payload, o);
  const fragmented = (spec.extensionHeaders ?? []).some((h) => h.type === "fragment" && ((h.offset ?? 0) !== 0 || h.mf));
  if (spec.transportChecksum !== false && !FIXED_CHECKSUM.has(payload) && !fragmented) {
    fillTransportChecksum(b, o, b.length, proto, src, dst);
  }
  return b;
}

/**
 * Where the fragmentable part of an IPv6 datagram starts (RFC 8200 4.5): after
 * hop-by-hop, routing, and destination options that precede a routing header.
 * Returns that offset and the offset of the next-header byte naming it.
 */
export function ipv6Unfragmentable(datagram: Uint8Array): { end: number; nextHeaderAt: number } {
  const payloadEnd = 40 + get16(datagram, 4);
  let next = datagram[6]!;
  let p = 40;
  let end = 40;
  let nextHeaderAt = 6;
  while ((next === 0 || next === 43 || next === 60) && p + 2 <= payloadEnd) {
    const kind = next;
    const at = p;
    next = datagram[p]!;
    p += (datagram[p + 1]! + 1) * 8;
    // Destination options count only when a routing header follows (it moves `end` past them).
    if (kind === 0 || kind === 43) {
      end = p;
      nextHeaderAt = at;
    }
  }
  return { end, nextHeaderAt };
}

export interface Ipv6FragmentOpts extends FragmentOpts {
  /** Fragment identification (default 0x1234abcd). */
  id?: number;
}

/**
 * One fragment of the IPv6 `datagram` carrying bytes `[offset, offset +
 * length)` of its fragmentable part: the unfragmentable headers, a fragment
 * header, then the data.
 */
export function ipv6Fragment(datagram: Uint8Array, offset: number, length: number, opts: Ipv6FragmentOpts = {}): Uint8Array {
  const { end, nextHeaderAt } = ipv6Unfragmentable(datagram);
  const total = 40 + get16(datagram, 4);
  const data = datagram.subarray(end, total);
  if (offset % 8 !== 0) throw new Error(`fragment offset ${offset} is not a multiple of 8`);
  if (offset < 0 || length < 0 || offset + length > data.length) throw new Error("fragment outside the datagram");
  const b = new Uint8Array(end + 8 + length);
  b.set(datagram.subarray(0, end), 0);
  b[end] = datagram[nextHeaderAt]!;
  b[nextHeaderAt] = 44;
  const mf = opts.mf ?? offset + length < data.length;
  put16(b, end + 2, offset | (mf ? 1 : 0));
  put32(b, end + 4, opts.id ?? 0x1234abcd);
  b.set(data.subarray(offset, offset + length), end + 8);
  put16(b, 4, b.length - 40);
  return b;
}

/**
 * Splits an IPv6 datagram into fragments, in order. `mtuOrSizes` as for
 * {@link fragmentIpv4}; `opts.id` is the fragment identification.
 */
export function fragmentIpv6(datagram: Uint8Array, mtuOrSizes: number | number[], opts: { id?: number } = {}): Uint8Array[] {
  const { end } = ipv6Unfragmentable(datagram);
  const dataLength = 40 + get16(datagram, 4) - end;
  const per = typeof mtuOrSizes === "number" ? Math.floor((mtuOrSizes - end - 8) / 8) * 8 : mtuOrSizes;
  const sizes = sizesFor(dataLength, per);
  const out: Uint8Array[] = [];
  let off = 0;
  sizes.forEach((s, i) => {
    if (i < sizes.length - 1 && s % 8 !== 0) throw new Error(`fragment size ${s} is not a multiple of 8`);
    out.push(ipv6Fragment(datagram, off, s, { id: opts.id }));
    off += s;
  });
  return out;
}
