import type { ConnTable } from "../../src/table/conn-table.js";
import {
  LAST_FLAGS,
  LAST_SEQ,
  RETRANS,
  TD_END,
  TD_FLAGS,
  TD_MAX_END,
  TD_MAX_WIN,
  TD_SCALE,
  connBytes,
  connWords,
  dirBytes,
  dirWords,
} from "../../src/proto/tcp/record.js";

/** The TCP tracker's fields of a slot, by name, for assertions. */
export const tdEnd = (t: ConnTable, s: number, d: number) => t.u32[dirWords(s, d) + TD_END]!;
export const tdMaxEnd = (t: ConnTable, s: number, d: number) => t.u32[dirWords(s, d) + TD_MAX_END]!;
export const tdMaxWin = (t: ConnTable, s: number, d: number) => t.u32[dirWords(s, d) + TD_MAX_WIN]!;
export const tdScale = (t: ConnTable, s: number, d: number) => t.u8[dirBytes(s, d) + TD_SCALE]!;
export const tdFlags = (t: ConnTable, s: number, d: number) => t.u8[dirBytes(s, d) + TD_FLAGS]!;
export const lastSeq = (t: ConnTable, s: number) => t.u32[connWords(s) + LAST_SEQ]!;
export const lastFlags = (t: ConnTable, s: number) => t.u8[connBytes(s) + LAST_FLAGS]!;
export const retrans = (t: ConnTable, s: number) => t.u8[connBytes(s) + RETRANS]!;
