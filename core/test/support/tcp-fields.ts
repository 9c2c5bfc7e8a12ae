import type { ConnTable } from "../../src/table/conn-table.js";
import {
  TcpField,
  connBytes,
  connWords,
  dirBytes,
  dirWords,
} from "../../src/proto/tcp/record.js";

/** The TCP tracker's fields of a slot, by name, for assertions. */
export const tdEnd = (t: ConnTable, s: number, d: number) => t.u32[dirWords(s, d) + TcpField.TD_END]!;
export const tdMaxEnd = (t: ConnTable, s: number, d: number) => t.u32[dirWords(s, d) + TcpField.TD_MAX_END]!;
export const tdMaxWin = (t: ConnTable, s: number, d: number) => t.u32[dirWords(s, d) + TcpField.TD_MAX_WIN]!;
export const tdScale = (t: ConnTable, s: number, d: number) => t.u8[dirBytes(s, d) + TcpField.TD_SCALE]!;
export const tdFlags = (t: ConnTable, s: number, d: number) => t.u8[dirBytes(s, d) + TcpField.TD_FLAGS]!;
export const lastSeq = (t: ConnTable, s: number) => t.u32[connWords(s) + TcpField.LAST_SEQ]!;
export const lastFlags = (t: ConnTable, s: number) => t.u8[connBytes(s) + TcpField.LAST_FLAGS]!;
export const retrans = (t: ConnTable, s: number) => t.u8[connBytes(s) + TcpField.RETRANS]!;
