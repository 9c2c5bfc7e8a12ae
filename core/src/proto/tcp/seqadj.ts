import { recomputePseudo, replaceWord } from "../../nat/checksum.js";
import type { ParsedPacket } from "../../packet/parsed-packet.js";
import type { ConnTable } from "../../table/conn-table.js";
import { seqAdjustmentAt } from "../../table/seqadj.js";
import { after, TcpBit } from "./states.js";

const SACK = 5;

// Sequence numbers travel between functions as signed 32-bit values: an
// unsigned one above 2^31 is not a small integer, and V8 would allocate a
// number for it at every call (this runs for every adjusted packet).

function readI32(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/**
 * Replaces the 32-bit field at `at` and updates the TCP checksum at `sumAt`
 * (`inet_proto_csum_replace4`, which the kernel applies even for an
 * unchanged value). Returns 1 when the value changed.
 */
function setField(b: Uint8Array, at: number, sumAt: number, value: number): number {
  const old = readI32(b, at);
  replaceWord(b, sumAt, old, value);
  writeU32(b, at, value);
  return old === (value | 0) ? 0 : 1;
}

/**
 * A sequence number of the other direction's data, seen in an
 * acknowledgement or a SACK block, taken back to what that side really
 * sent: `after(v - before, position)` chooses the offset
 * (`nf_ct_seq_adjust`, `nf_ct_sack_block_adjust`).
 */
function unshift(v: number, position: number, before: number, afterOffset: number): number {
  return after((v - before) | 0, position) ? (v - afterOffset) | 0 : (v - before) | 0;
}

/**
 * Linux's `nf_ct_seq_adjust` for TCP: this direction's sequence number
 * shifted by its offset, the acknowledgement and the SACK blocks shifted
 * back by the other direction's, with the checksum updated field by field.
 * A malformed option list drops the packet (`nf_ct_sack_adjust`'s "no
 * partial options").
 */
export function adjustTcpSequence(t: ConnTable, s: number, dir: number, p: ParsedPacket): number {
  const b = p.bytes;
  const l4 = p.l4Offset;
  const sumAt = l4 + 16;
  const u32 = t.u32;
  const mine = seqAdjustmentAt(t, s, dir);
  const seq = readI32(b, l4 + 4);
  const seqOff = after(seq, u32[mine]! | 0) ? u32[mine + 2]! | 0 : u32[mine + 1]! | 0;
  let changed = setField(b, l4 + 4, sumAt, (seq + seqOff) | 0);
  if ((b[l4 + 13]! & TcpBit.ACK) === 0) return changed;
  const other = seqAdjustmentAt(t, s, dir ^ 1);
  const position = u32[other]! | 0;
  const before = u32[other + 1]! | 0;
  const afterOffset = u32[other + 2]! | 0;
  changed |= setField(b, l4 + 8, sumAt, unshift(readI32(b, l4 + 8), position, before, afterOffset));
  const sack = adjustSackBlocks(b, l4, sumAt, position, before, afterOffset);
  return sack < 0 ? -1 : changed | sack;
}

/** The SACK blocks shifted back (`nf_ct_sack_adjust`): 1 when one changed, 0 when not, -1 for a malformed option list. */
function adjustSackBlocks(b: Uint8Array, l4: number, sumAt: number, position: number, before: number, afterOffset: number): number {
  let i = l4 + 20;
  const end = l4 + ((b[l4 + 12]! >> 4) << 2);
  let changed = 0;
  while (i < end) {
    const kind = b[i]!;
    if (kind === 0) return changed;
    if (kind === 1) {
      i++;
      continue;
    }
    const size = b[i + 1]!;
    if (i + 1 === end || i + size > end || size < 2) return -1;
    if (kind === SACK && size >= 10 && ((size - 2) & 7) === 0) {
      for (let o = i + 2; o < i + size; o += 8) {
        changed |= setField(b, o, sumAt, unshift(readI32(b, o), position, before, afterOffset));
        changed |= setField(b, o + 4, sumAt, unshift(readI32(b, o + 4), position, before, afterOffset));
      }
    }
    i += size;
  }
  return changed;
}

/** After a payload rewrite: the TCP checksum recomputed over the new segment, as the NIC completes it. */
export function tcpPayloadChanged(b: Uint8Array, l3: number, l4: number, end: number): void {
  recomputePseudo(b, l3, l4, end, 6, l4 + 16, true);
}
