/**
 * SCTP chunks as conntrack reads them (nf_conntrack_proto_sctp.c): the
 * chunk types it acts on, and the walk over a packet's chunks.
 */

/** Chunk types (RFC 9260 3.2). */
export const Chunk = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
} as const;

/** Bytes of the common header (ports, verification tag, checksum). */
export const COMMON_HEADER = 12;
/** Bytes of a chunk header (type, flags, length). */
export const CHUNK_HEADER = 4;
/** Bytes of the fixed part of INIT and INIT ACK after the chunk header (initiate tag, a_rwnd, streams, TSN). */
export const INIT_HEADER = 16;
/** The T bit of ABORT and SHUTDOWN COMPLETE: the sender reflected the peer's tag. */
export const FLAG_T = 1;

/** Bit of chunk type `type` in a chunk map (types 0..31; the ones conntrack acts on are all below 15). */
export function bit(type: number): number {
  return type < 32 ? 1 << type : 0;
}

/** Offset of the chunk after the one at `at` (its length rounded up to 4; Linux's `for_each_sctp_chunk`). */
export function nextChunk(b: Uint8Array, at: number): number {
  const len = (b[at + 2]! << 8) | b[at + 3]!;
  return at + ((len + 3) & ~3);
}

/** True when a whole chunk header starts at `at` before `end` (the walk stops at the first that does not). */
export function chunkAt(at: number, end: number): boolean {
  return at + CHUNK_HEADER <= end;
}

/**
 * The basic checks of every packet (Linux's `do_basic_checks`): at least one
 * chunk, no chunk of length 0, COOKIE ECHO and COOKIE ACK only first, and
 * INIT, INIT ACK and SHUTDOWN COMPLETE only alone. Returns the map of chunk
 * types present (bit per type below 32, as an unsigned number), or -1 when
 * a check fails.
 */
export function chunkMap(b: Uint8Array, start: number, end: number): number {
  let map = 0;
  let count = 0;
  let alone = false;
  for (let at = start; chunkAt(at, end); at = nextChunk(b, at), count++) {
    const type = b[at]!;
    const len = (b[at + 2]! << 8) | b[at + 3]!;
    if (type === Chunk.INIT || type === Chunk.INIT_ACK || type === Chunk.SHUTDOWN_COMPLETE) alone = true;
    const mustBeFirst = type === Chunk.COOKIE_ACK || type === Chunk.COOKIE_ECHO || alone;
    if ((mustBeFirst && count !== 0) || len === 0) return -1;
    map |= bit(type);
  }
  return count === 0 ? -1 : map >>> 0;
}

/** Big-endian 32-bit word at `at`. */
export function word(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
