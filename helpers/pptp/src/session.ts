import type { ExpectationHandle, GreKeymaps } from "@alg-sdk/core";

/** State of the control session (Linux's `enum pptp_ctrlsess_state`; the order matters: Linux compares them). */
export const SessionState = {
  NONE: 0,
  ERROR: 1,
  STOP_REQUESTED: 2,
  REQUESTED: 3,
  CONFIRMED: 4,
} as const;

/** State of the one call a session tracks (Linux's `enum pptp_ctrlcall_state`). */
export const CallState = {
  NONE: 0,
  ERROR: 1,
  OUT_REQUESTED: 2,
  OUT_CONFIRMED: 3,
  IN_REQUESTED: 4,
  IN_REPLIED: 5,
  IN_CONFIRMED: 6,
  CLEAR_REQUESTED: 7,
} as const;

/** What the helper keeps per control connection (Linux's `struct nf_ct_pptp_master`). */
export interface PptpSession {
  session: number;
  call: number;
  /** Call id of the PAC (server) and of the PNS (client), as the last call negotiated them. */
  pacCallId: number;
  pnsCallId: number;
  /** The GRE tracker's keymaps, when the engine's GRE tracker offers them. */
  readonly keymaps: GreKeymaps | undefined;
  /** The call's GRE expectations (original direction, then reply), to take the other back when one is used. */
  expected: readonly ExpectationHandle[];
}
