import type { EngineConfig } from "../../config.js";
import { Chunk } from "./chunks.js";

/**
 * SCTP association states as conntrack sees them from the middle
 * (Linux's `enum sctp_conntrack`). Mainline has no HEARTBEAT_ACKED state
 * any more: a HEARTBEAT ACK answering a HEARTBEAT that opened a secondary
 * path's entry makes it ESTABLISHED.
 */
export const SctpState = {
  NONE: 0,
  CLOSED: 1,
  COOKIE_WAIT: 2,
  COOKIE_ECHOED: 3,
  ESTABLISHED: 4,
  SHUTDOWN_SENT: 5,
  SHUTDOWN_RECD: 6,
  SHUTDOWN_ACK_SENT: 7,
  HEARTBEAT_SENT: 8,
} as const;

/** A chunk the current state does not allow. */
export const SCTP_INVALID = 255;

/** Printable names of {@link SctpState}, indexed by value, as `conntrack -L` prints them. */
export const SCTP_STATE_NAMES: readonly string[] = [
  "NONE",
  "CLOSED",
  "COOKIE_WAIT",
  "COOKIE_ECHOED",
  "ESTABLISHED",
  "SHUTDOWN_SENT",
  "SHUTDOWN_RECD",
  "SHUTDOWN_ACK_SENT",
  "HEARTBEAT_SENT",
];

/** Short names used to write the transition table below. */
const ABBREVIATION: Readonly<Record<string, number>> = {
  no: SctpState.NONE,
  cl: SctpState.CLOSED,
  cw: SctpState.COOKIE_WAIT,
  ce: SctpState.COOKIE_ECHOED,
  es: SctpState.ESTABLISHED,
  ss: SctpState.SHUTDOWN_SENT,
  sr: SctpState.SHUTDOWN_RECD,
  sa: SctpState.SHUTDOWN_ACK_SENT,
  hs: SctpState.HEARTBEAT_SENT,
  "--": SCTP_INVALID,
};

/** The chunk types that move the state, in the order of the table's rows. */
const ROWS = [
  Chunk.INIT,
  Chunk.INIT_ACK,
  Chunk.ABORT,
  Chunk.SHUTDOWN,
  Chunk.SHUTDOWN_ACK,
  Chunk.ERROR,
  Chunk.COOKIE_ECHO,
  Chunk.COOKIE_ACK,
  Chunk.SHUTDOWN_COMPLETE,
  Chunk.HEARTBEAT,
  Chunk.HEARTBEAT_ACK,
];

/**
 * The next state for a chunk seen in a state (columns: NONE, CLOSED,
 * COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_SENT, SHUTDOWN_RECD,
 * SHUTDOWN_ACK_SENT, HEARTBEAT_SENT), one table per direction: the
 * behaviour of Linux's `sctp_conntracks`. "--" is INVALID.
 */
const ORIGINAL_TABLE = [
  /* INIT              */ "cl cl cw ce es cl cl sa cw",
  /* INIT ACK          */ "cl cl cw ce es ss sr sa cl",
  /* ABORT             */ "cl cl cl cl cl cl cl cl cl",
  /* SHUTDOWN          */ "cl cl cw ce ss ss sr sa cl",
  /* SHUTDOWN ACK      */ "sa cl cw ce es sa sa sa sa",
  /* ERROR             */ "cl cl cw ce es ss sr sa cl",
  /* COOKIE ECHO       */ "cl cl ce ce es ss sr sa cl",
  /* COOKIE ACK        */ "cl cl cw es es ss sr sa cl",
  /* SHUTDOWN COMPLETE */ "cl cl cw ce es ss sr cl cl",
  /* HEARTBEAT         */ "hs cl cw ce es ss sr sa hs",
  /* HEARTBEAT ACK     */ "cl cl cw ce es ss sr sa hs",
];
const REPLY_TABLE = [
  /* INIT              */ "-- cl cw ce es ss sr sa --",
  /* INIT ACK          */ "-- cw cw ce es ss sr sa --",
  /* ABORT             */ "-- cl cl cl cl cl cl cl --",
  /* SHUTDOWN          */ "-- cl cw ce sr ss sr sa --",
  /* SHUTDOWN ACK      */ "-- cl cw ce es sa sa sa --",
  /* ERROR             */ "-- cl cw cl es ss sr sa --",
  /* COOKIE ECHO       */ "-- cl ce ce es ss sr sa --",
  /* COOKIE ACK        */ "-- cl cw es es ss sr sa --",
  /* SHUTDOWN COMPLETE */ "-- cl cw ce es ss sr cl --",
  /* HEARTBEAT         */ "-- cl cw ce es ss sr sa hs",
  /* HEARTBEAT ACK     */ "-- cl cw ce es ss sr sa es",
];

const STATES = SCTP_STATE_NAMES.length;

/** `NEXT[(dir * 256 + chunk type) * STATES + state]`; chunk types outside the rows keep the state. */
const NEXT = new Uint8Array(2 * 256 * STATES);
for (let dir = 0; dir < 2; dir++) {
  for (let type = 0; type < 256; type++) for (let st = 0; st < STATES; st++) NEXT[(dir * 256 + type) * STATES + st] = st;
  const table = dir === 0 ? ORIGINAL_TABLE : REPLY_TABLE;
  ROWS.forEach((type, row) => {
    table[row]!.split(" ").forEach((cell, st) => {
      NEXT[(dir * 256 + type) * STATES + st] = ABBREVIATION[cell]!;
    });
  });
}

/** The state after a chunk of type `type` seen in direction `dir` in state `state` (Linux's `sctp_new_state`), or SCTP_INVALID. */
export function nextState(dir: number, state: number, type: number): number {
  return NEXT[(dir * 256 + type) * STATES + state]!;
}

/** The timeout of a state (`nf_conntrack_sctp_timeout_*`; NONE has CLOSED's). */
export function stateTimeout(state: number, cfg: EngineConfig): number {
  const t = cfg.timeouts;
  switch (state) {
    case SctpState.COOKIE_WAIT:
      return t.sctpCookieWait;
    case SctpState.COOKIE_ECHOED:
      return t.sctpCookieEchoed;
    case SctpState.ESTABLISHED:
      return t.sctpEstablished;
    case SctpState.SHUTDOWN_SENT:
      return t.sctpShutdownSent;
    case SctpState.SHUTDOWN_RECD:
      return t.sctpShutdownRecd;
    case SctpState.SHUTDOWN_ACK_SENT:
      return t.sctpShutdownAckSent;
    case SctpState.HEARTBEAT_SENT:
      return t.sctpHeartbeatSent;
    default:
      return t.sctpClosed;
  }
}
