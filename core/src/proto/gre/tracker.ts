import type { EngineConfig } from "../../config.js";
import { IpProto, ReasonCode, StatusBit } from "../../constants.js";
import type { ParsedPacket } from "../../packet/parsed-packet.js";
import { offerService } from "../../service.js";
import { defineTracker } from "../define.js";
import { type ProtocolTracker, type TupleKeys, TrackResult } from "../tracker.js";
import type { TrackerTable } from "../tracker-table.js";
import { GRE_KEYMAPS, GreKeymapTable } from "./keymaps.js";

/** Options of {@link greTracker}. */
export interface GreTrackerOptions {
  /** Most keymaps held at once (two per PPTP call). Default 8192. */
  readonly maxKeymaps?: number;
}

/** GRE's protocol field for PPP, the only payload enhanced GRE (PPTP) carries. */
const PPP = 0x880b;

/**
 * Reads GRE keys into `p` from a header at `p.l4Offset` of which `len`
 * bytes are present (Linux's `gre_pkt_to_tuple`). Version 1 (enhanced GRE,
 * RFC 2637) is keyed by call ids: the destination key is the call id the
 * packet carries, the source key what the keymaps say (0 without one). Any
 * other version, or a header too short to say, is tracked like a protocol
 * without keys. Returns GRE_NOT_PPP for version 1 carrying anything but PPP.
 */
function readKeys(p: ParsedPacket, len: number, keymaps: GreKeymapTable): number {
  const b = p.bytes;
  const o = p.l4Offset;
  p.sport = 0;
  p.dport = 0;
  if (len < 4 || (b[o + 1]! & 7) !== 1) return ReasonCode.NONE;
  if (len < 8) return ReasonCode.NONE;
  if (((b[o + 2]! << 8) | b[o + 3]!) !== PPP) return ReasonCode.GRE_NOT_PPP;
  p.dport = (b[o + 6]! << 8) | b[o + 7]!;
  p.sport = keymaps.sourceKey(p.family, p.src, p.dst, p.dport);
  return ReasonCode.NONE;
}

/** Bytes of a GRE header: version 1's optional sequence and acknowledgement numbers, version 0's checksum, key and sequence. */
function headerLength(b: Uint8Array, o: number): number {
  if ((b[o + 1]! & 7) === 1) return 8 + ((b[o]! & 0x10) !== 0 ? 4 : 0) + ((b[o + 1]! & 0x80) !== 0 ? 4 : 0);
  return 4 + ((b[o]! & 0x80) !== 0 ? 4 : 0) + ((b[o]! & 0x20) !== 0 ? 4 : 0) + ((b[o]! & 0x10) !== 0 ? 4 : 0);
}

/** Linux's `nf_conntrack_gre_packet`: the short timeout until traffic was seen both ways, then the stream timeout and ASSURED. */
function packet(t: TrackerTable, s: number, _dir: number, p: ParsedPacket, cfg: EngineConfig): number {
  const now = p.time[0]!;
  const status = t.status(s);
  if ((status & StatusBit.SEEN_REPLY) !== 0) {
    t.setExpires(s, now + cfg.timeouts.greReplied);
    t.setStatus(s, status | StatusBit.ASSURED);
  } else {
    t.setExpires(s, now + cfg.timeouts.greUnreplied);
  }
  return TrackResult.OK;
}

function keys(sport: number, dport: number): TupleKeys {
  return { srcPort: sport, dstPort: dport, text: `srckey=0x${sport.toString(16)} dstkey=0x${dport.toString(16)}` };
}

/**
 * GRE (nf_conntrack_proto_gre.c), protocol 47: version 1 (PPTP) keyed by
 * call id through keymaps a PPTP helper registers (the {@link GRE_KEYMAPS}
 * service), every other version tracked by addresses alone; Linux's
 * timeouts (`greUnreplied`, `greReplied`). NAT translates addresses only
 * (PPTP call-id translation is not implemented). Each engine gets its own
 * keymaps.
 *
 * The built-in GRE tracker is `greTracker()`; register `greTracker({ maxKeymaps })`
 * to change the limit.
 */
export function greTracker(options: GreTrackerOptions = {}, seed = 0x2545f491): ProtocolTracker {
  const limit = options.maxKeymaps ?? 8192;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`maxKeymaps must be a positive integer, got ${String(limit)}`);
  const keymaps = new GreKeymapTable(limit, seed);
  return defineTracker({
    name: "gre",
    protocols: [IpProto.GRE],
    decode(p) {
      p.clearTransport();
      const len = p.l4Length;
      const r = readKeys(p, len, keymaps);
      const header = len >= 4 ? Math.min(len, headerLength(p.bytes, p.l4Offset)) : len;
      p.payloadOffset = p.l4Offset + header;
      p.payloadLength = len - header;
      return r;
    },
    decodeQuoted(p, end) {
      if (p.l4Offset > end) return ReasonCode.ICMP_ERROR_TOO_SHORT;
      return readKeys(p, end - p.l4Offset, keymaps);
    },
    packet,
    keys,
    services: [offerService(GRE_KEYMAPS, keymaps)],
    instantiate: (env) => greTracker(options, env.config.hashSeed),
  });
}
