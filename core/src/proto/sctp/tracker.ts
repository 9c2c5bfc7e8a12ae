import type { EngineConfig } from "../../config.js";
import { IpProto, ReasonCode, StatusBit } from "../../constants.js";
import { crc32c } from "../../packet/crc32c.js";
import type { ParsedPacket } from "../../packet/parsed-packet.js";
import { defineTracker } from "../define.js";
import { decodeQuotedPorts, portKeys } from "../ports.js";
import { type ProtocolTracker, TrackResult } from "../tracker.js";
import type { TrackerTable } from "../tracker-table.js";
import { CHUNK_HEADER, COMMON_HEADER, Chunk, FLAG_T, INIT_HEADER, bit, chunkAt, chunkMap, nextChunk, word } from "./chunks.js";
import {
  heartbeatDir,
  heartbeatTagFailed,
  initSeen,
  setHeartbeatDir,
  setHeartbeatTagFailed,
  setInitSeen,
  setVtag,
  vtag,
} from "./record.js";
import { SCTP_INVALID, SCTP_STATE_NAMES, SctpState, nextState, stateTimeout } from "./states.js";

/**
 * SCTP (nf_conntrack_proto_sctp.c): associations keyed by ports, followed
 * through their chunks with Linux's state table and verification-tag
 * checks. What is INVALID, the states, the timeouts per state and when an
 * entry becomes ASSURED are Linux's.
 */

/** Chunks that carry, or may carry, a tag other than the direction's own: the general check skips them (RFC 9260 8.5.1). */
const OWN_TAG_RULES =
  bit(Chunk.INIT) |
  bit(Chunk.SHUTDOWN_COMPLETE) |
  bit(Chunk.COOKIE_ECHO) |
  bit(Chunk.ABORT) |
  bit(Chunk.SHUTDOWN_ACK) |
  bit(Chunk.HEARTBEAT) |
  bit(Chunk.HEARTBEAT_ACK);

/** Chunks an out-of-the-blue packet must not carry (RFC 9260 8.4: discard them). */
const NOT_FIRST = bit(Chunk.ABORT) | bit(Chunk.SHUTDOWN_COMPLETE) | bit(Chunk.COOKIE_ACK);

function decode(p: ParsedPacket): number {
  p.clearTransport();
  const b = p.bytes;
  const o = p.l4Offset;
  // sctp_error: a packet without the whole common header is INVALID.
  if (p.l4Length < COMMON_HEADER) return ReasonCode.TRUNCATED;
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.hasPorts = true;
  p.payloadOffset = o + COMMON_HEADER;
  p.payloadLength = p.l4Length - COMMON_HEADER;
  return ReasonCode.NONE;
}

/**
 * The first packet of a new entry (Linux's `sctp_new`): every chunk must be
 * one that can open an entry, an INIT must carry tag 0, and the tags the
 * other side will use are noted. False: INVALID.
 */
function openEntry(t: TrackerTable, s: number, b: Uint8Array, o: number, end: number, tag: number): boolean {
  for (let at = o + COMMON_HEADER; chunkAt(at, end); at = nextChunk(b, at)) {
    const type = b[at]!;
    const next = nextState(0, SctpState.NONE, type);
    if (next === SctpState.NONE || next === SCTP_INVALID) return false;
    if (type === Chunk.INIT) {
      if (tag !== 0 || at + CHUNK_HEADER + INIT_HEADER > end) return false;
      setVtag(t, s, 1, word(b, at + CHUNK_HEADER));
    } else if (type === Chunk.HEARTBEAT) {
      // A HEARTBEAT opens the entry of a secondary path of a multi-homed association.
      setVtag(t, s, 0, tag);
    } else if (type === Chunk.SHUTDOWN_ACK) {
      // Out of the blue: the answer is a SHUTDOWN COMPLETE or an ABORT with this tag (8.4 (5), (8)).
      setVtag(t, s, 1, tag);
    }
  }
  t.setProtoState(s, SctpState.NONE);
  return true;
}

/**
 * What a HEARTBEAT or HEARTBEAT ACK does to the tags: the first one of a
 * direction teaches its tag; a HEARTBEAT with another tag (a path the
 * association moved to) is let through once without refreshing the entry,
 * and the ACK from the other side then adopts the new tag. Returns 1 to go
 * on with the chunk, 0 to skip it (let through, no refresh), -1 for INVALID.
 */
function heartbeatTags(t: TrackerTable, s: number, dir: number, type: number, tag: number, map: number, ignoring: boolean): number {
  const own = vtag(t, s, dir);
  if (own === 0) {
    setVtag(t, s, dir, tag);
    return 1;
  }
  if (tag === own) {
    setHeartbeatTagFailed(t, s, false);
    return 1;
  }
  if ((map & bit(Chunk.DATA)) !== 0 || ignoring) return -1;
  if (type === Chunk.HEARTBEAT) {
    setHeartbeatTagFailed(t, s, true);
    setHeartbeatDir(t, s, dir);
    return 0;
  }
  // A HEARTBEAT ACK with a new tag answers only a HEARTBEAT from the other side that had one.
  if (!heartbeatTagFailed(t, s) || heartbeatDir(t, s) === dir) return -1;
  setHeartbeatTagFailed(t, s, false);
  setVtag(t, s, dir, tag);
  setVtag(t, s, dir ^ 1, 0);
  return 1;
}

/** Linux's `nf_conntrack_sctp_packet`, for every packet of entry `s` including its first. */
function packet(t: TrackerTable, s: number, dir: number, p: ParsedPacket, cfg: EngineConfig): number {
  const b = p.bytes;
  const o = p.l4Offset;
  const end = p.l3End;
  const map = chunkMap(b, o + COMMON_HEADER, end);
  if (map < 0) return ReasonCode.SCTP_BAD_CHUNKS;
  const tag = word(b, o + 4);
  const confirmed = (t.status(s) & StatusBit.CONFIRMED) !== 0;
  if (!confirmed) {
    if ((map & NOT_FIRST) !== 0 || !openEntry(t, s, b, o, end, tag)) return ReasonCode.SCTP_INVALID_NEW;
  }
  if ((map & OWN_TAG_RULES) === 0 && tag !== vtag(t, s, dir)) return ReasonCode.SCTP_VTAG_MISMATCH;

  let ignore = false;
  let state = SctpState.NONE as number;
  for (let at = o + COMMON_HEADER; chunkAt(at, end); at = nextChunk(b, at)) {
    const type = b[at]!;
    const flags = b[at + 1]!;
    // The special cases of the verification tag (RFC 9260 8.5.1).
    if (type === Chunk.INIT) {
      if (tag !== 0) return ReasonCode.SCTP_VTAG_MISMATCH;
    } else if (type === Chunk.ABORT || type === Chunk.SHUTDOWN_COMPLETE) {
      // With the T bit the sender reflected the peer's tag; without it, it used its own.
      if (tag !== vtag(t, s, (flags & FLAG_T) !== 0 ? dir ^ 1 : dir)) return ReasonCode.SCTP_VTAG_MISMATCH;
    } else if (type === Chunk.COOKIE_ECHO) {
      if (tag !== vtag(t, s, dir)) return ReasonCode.SCTP_VTAG_MISMATCH;
    } else if (type === Chunk.COOKIE_ACK) {
      setInitSeen(t, s, dir, false);
      setInitSeen(t, s, dir ^ 1, false);
    } else if (type === Chunk.HEARTBEAT || type === Chunk.HEARTBEAT_ACK) {
      const go = heartbeatTags(t, s, dir, type, tag, map, ignore);
      if (go < 0) return ReasonCode.SCTP_VTAG_MISMATCH;
      if (go === 0) {
        ignore = true;
        continue;
      }
    }

    const old = t.protoState(s);
    state = nextState(dir, old, type);
    if (state === SCTP_INVALID) return ReasonCode.SCTP_INVALID_STATE;

    if (type === Chunk.INIT) {
      if (at + CHUNK_HEADER + INIT_HEADER > end) return ReasonCode.SCTP_BAD_CHUNKS;
      // A second INIT from this side while the other's is pending: the other's is forgotten.
      if (initSeen(t, s, dir) && initSeen(t, s, dir ^ 1)) setInitSeen(t, s, dir ^ 1, false);
      setInitSeen(t, s, dir, true);
      setVtag(t, s, dir ^ 1, word(b, at + CHUNK_HEADER));
      // An INIT retransmitted into a closed entry does not keep it alive (port reuse, NAT state).
      if (state === SctpState.CLOSED && old === SctpState.CLOSED && confirmed) ignore = true;
    } else if (type === Chunk.INIT_ACK) {
      if (at + CHUNK_HEADER + INIT_HEADER > end) return ReasonCode.SCTP_BAD_CHUNKS;
      const initiateTag = word(b, at + CHUNK_HEADER);
      const expected = vtag(t, s, dir ^ 1);
      if (!initSeen(t, s, dir ^ 1) && expected !== 0 && expected !== initiateTag) return ReasonCode.SCTP_VTAG_MISMATCH;
      // Both sides sent an INIT (a collision): the ACK must carry the tag already learnt.
      if (initSeen(t, s, dir) && initSeen(t, s, dir ^ 1) && expected !== initiateTag) return ReasonCode.SCTP_VTAG_MISMATCH;
      setVtag(t, s, dir ^ 1, initiateTag);
    }

    t.setProtoState(s, state);
    if (old !== state && state === SctpState.ESTABLISHED) t.addStatus(s, StatusBit.ASSURED);
  }
  // Let through without refreshing the timer.
  if (ignore) return TrackResult.OK;
  t.setExpires(s, p.time[0]! + stateTimeout(state, cfg));
  return TrackResult.OK;
}

/** Only an association being shut down may be evicted while ASSURED (`sctp_can_early_drop`). */
function canEarlyDrop(t: TrackerTable, s: number): boolean {
  const state = t.protoState(s);
  return state === SctpState.SHUTDOWN_SENT || state === SctpState.SHUTDOWN_RECD || state === SctpState.SHUTDOWN_ACK_SENT;
}

/** The CRC-32C over the whole packet, sent least significant byte first (`sctp_error` with nf_conntrack_checksum=1). */
function checksumOk(p: ParsedPacket): boolean {
  const b = p.bytes;
  const at = p.l4Offset + 8;
  const sent = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  return crc32c(b, p.l4Offset, p.l3End, at) === sent;
}

/**
 * Linux's `sctp_manip_pkt`: the port of the translated side, and the
 * CRC-32C recomputed over what follows when the whole common header is
 * there (a datagram quoted in an ICMP error may hold only 8 bytes of it).
 */
function natRewrite(b: Uint8Array, l4: number, end: number, side: 0 | 1, sport: number, dport: number): boolean {
  if (l4 + 8 > end) return false;
  const at = l4 + (side === 0 ? 0 : 2);
  const port = side === 0 ? sport : dport;
  b[at] = port >>> 8;
  b[at + 1] = port & 0xff;
  if (l4 + COMMON_HEADER > end) return true;
  const sum = crc32c(b, l4, end, l4 + 8);
  b[l4 + 8] = sum & 0xff;
  b[l4 + 9] = (sum >>> 8) & 0xff;
  b[l4 + 10] = (sum >>> 16) & 0xff;
  b[l4 + 11] = sum >>> 24;
  return true;
}

/** SCTP (protocol 132). */
export const sctpTracker: ProtocolTracker = defineTracker({
  name: "sctp",
  protocols: [IpProto.SCTP],
  hasPorts: true,
  decode,
  decodeQuoted: decodeQuotedPorts,
  packet,
  canEarlyDrop,
  states: SCTP_STATE_NAMES,
  keys: portKeys,
  checksumOk,
  natRewrite,
});
