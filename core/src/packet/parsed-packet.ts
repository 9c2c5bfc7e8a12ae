/**
 * The decoded view of one IP datagram. The engine owns one instance and
 * overwrites it for every packet, so decoding allocates nothing: fields are
 * plain numbers and the two addresses live in fixed `Uint32Array`s.
 */
export class ParsedPacket {
  /** The bytes the fields below point into. */
  bytes: Uint8Array = new Uint8Array(0);
  /** 4 or 6. */
  family = 0;
  /** Transport protocol number after IPv6 extension headers. */
  protocol = 0;
  /** Offset of the IP header in `bytes`. */
  l3Offset = 0;
  /** Offset one past the datagram's last byte (IP total length; link padding excluded). */
  l3End = 0;
  /** Offset of the transport header. */
  l4Offset = 0;
  /** Bytes from the transport header to the end of the datagram. */
  l4Length = 0;
  /** Offset and length of the transport payload (TCP/UDP data, ICMP body after 8 bytes). */
  payloadOffset = 0;
  payloadLength = 0;
  /** Addresses as 32-bit words in network order; IPv4 uses word 0 and leaves 1..3 zero. */
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /**
   * Tuple "ports". TCP, UDP, UDP-Lite: the ports. ICMP queries: `sport` is the
   * identifier and `dport` is `type << 8 | code`. Other protocols: 0.
   */
  sport = 0;
  dport = 0;
  /** The protocol's keys are ports and they were read (TCP, UDP, UDP-Lite of a whole datagram). */
  hasPorts = false;
  /** The reply tuple's keys, set by the tracker's `invert` for a new connection. */
  replySport = 0;
  replyDport = 0;
  /** TTL or hop limit. */
  ttl = 0;
  /**
   * The engine's time for this packet, in seconds, in `time[0]` (the engine
   * shares its own clock cell here). Time travels in a typed array, never as
   * a float argument or object field, because V8 may box those on the heap.
   */
  time = new Float64Array(1);

  /** True when the datagram is a fragment (more fragments or a non-zero offset). */
  fragment = false;
  /** Fragment offset in bytes, "more fragments" flag and identification. */
  fragOffset = 0;
  moreFragments = false;
  fragId = 0;
  /** IPv6: offset of the fragment header, and of the next-header byte that names it. */
  fragHeaderOffset = -1;
  prevNextHeaderOffset = -1;

  /** TCP fields (0 for other protocols). `seq` and `ack` are unsigned 32-bit. */
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  window = 0;
  tcpHeaderLength = 0;
  /** Window scale from a SYN's options, or -1 when absent. */
  wscale = -1;
  /** SACK-permitted option seen on a SYN. */
  sackPermitted = false;

  /** ICMP / ICMPv6 type and code. */
  icmpType = 0;
  icmpCode = 0;

  /** Forgets everything the transport decoder writes (trackers fill what their protocol has). */
  clearTransport(): void {
    this.sport = 0;
    this.dport = 0;
    this.hasPorts = false;
    this.replySport = 0;
    this.replyDport = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
    this.tcpFlags = 0;
    this.seq = 0;
    this.ack = 0;
    this.window = 0;
    this.tcpHeaderLength = 0;
    this.wscale = -1;
    this.sackPermitted = false;
    this.icmpType = 0;
    this.icmpCode = 0;
  }
}

/** TCP flag bits as they appear in byte 13 of the header. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;
