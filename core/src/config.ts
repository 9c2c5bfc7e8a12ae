/**
 * Engine configuration: Linux's defaults (the `nf_conntrack_*` sysctls),
 * all overridable. Times are in seconds.
 */

/** Per-protocol timeouts, named after the sysctls they mirror. */
export interface Timeouts {
  tcpSynSent: number;
  tcpSynRecv: number;
  tcpEstablished: number;
  tcpFinWait: number;
  tcpCloseWait: number;
  tcpLastAck: number;
  tcpTimeWait: number;
  tcpClose: number;
  /** Used while retransmissions exceed `tcp.maxRetrans`. */
  tcpMaxRetrans: number;
  /** Used while data is sent and not yet acknowledged. */
  tcpUnacknowledged: number;
  udpUnreplied: number;
  udpReplied: number;
  icmp: number;
  icmpv6: number;
  /** SCTP, per state (`nf_conntrack_sctp_timeout_*`). */
  sctpClosed: number;
  sctpCookieWait: number;
  sctpCookieEchoed: number;
  sctpEstablished: number;
  sctpShutdownSent: number;
  sctpShutdownRecd: number;
  sctpShutdownAckSent: number;
  sctpHeartbeatSent: number;
  /** GRE before and after traffic was seen both ways (`nf_conntrack_gre_timeout`, `_timeout_stream`). */
  greUnreplied: number;
  greReplied: number;
  generic: number;
}

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  tcpSynSent: 120,
  tcpSynRecv: 60,
  tcpEstablished: 432000,
  tcpFinWait: 120,
  tcpCloseWait: 60,
  tcpLastAck: 30,
  tcpTimeWait: 120,
  tcpClose: 10,
  tcpMaxRetrans: 300,
  tcpUnacknowledged: 300,
  udpUnreplied: 30,
  udpReplied: 120,
  icmp: 30,
  icmpv6: 30,
  sctpClosed: 10,
  sctpCookieWait: 3,
  sctpCookieEchoed: 3,
  sctpEstablished: 210,
  sctpShutdownSent: 3,
  sctpShutdownRecd: 3,
  sctpShutdownAckSent: 3,
  sctpHeartbeatSent: 30,
  greUnreplied: 30,
  greReplied: 180,
  generic: 600,
});

/** TCP tracking switches (`nf_conntrack_tcp_loose`, `_be_liberal`, `_max_retrans`). */
export interface TcpOptions {
  /** Pick up connections from the middle (a NEW packet need not be a SYN). Default true. */
  loose: boolean;
  /** Accept every packet whatever its sequence numbers (only RST checks remain). Default false. */
  beLiberal: boolean;
  /** Retransmissions of the same segment before the `tcpMaxRetrans` timeout applies. Default 3. */
  maxRetrans: number;
}

export const DEFAULT_TCP_OPTIONS: Readonly<TcpOptions> = Object.freeze({
  loose: true,
  beLiberal: false,
  maxRetrans: 3,
});

/** Bounds on what the defragmenter keeps (Linux `ipfrag_*` sysctls). */
export interface FragmentOptions {
  /** Datagrams being reassembled at once. */
  maxDatagrams: number;
  /** Bytes of fragment data held in all. */
  maxBytes: number;
  /** Seconds an incomplete datagram is kept. */
  timeout: number;
}

export const DEFAULT_FRAGMENT_OPTIONS: Readonly<FragmentOptions> = Object.freeze({
  maxDatagrams: 1024,
  maxBytes: 4 * 1024 * 1024,
  timeout: 30,
});

/** The resolved configuration the engine's parts read; see `EngineOptions` for the user-facing form. */
export interface EngineConfig {
  maxConnections: number;
  initialCapacity: number;
  maxExpectations: number;
  /** Pending expectations per source address (IPv6: per /64); 0 or absent: no such limit (Linux has none). */
  maxExpectationsPerSource?: number;
  /** The built-in timeouts and, by the names they chose, every registered tracker's (`ProtocolTracker.timeouts`). */
  timeouts: Timeouts & Readonly<Record<string, number>>;
  tcp: TcpOptions;
  fragments: FragmentOptions;
  hashSeed: number;
  /** Seconds of packet time for one incremental sweep of the whole table (0: no sweep). */
  gcSweepSeconds: number;
  /** Verify IPv4 header and transport checksums (nf_conntrack_checksum). */
  checksums: boolean;
  /** Source of time when `process` gets no timestamp, in seconds. */
  clock: (() => number) | undefined;
}
