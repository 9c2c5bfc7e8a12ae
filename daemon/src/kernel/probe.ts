import { encodeHelperGetDump } from "../cthelper/messages.js";
import { Errno, errnoName } from "../netlink/error.js";
import { encodeQueueConfig } from "../nfqueue/config.js";
import { NfqCfgCmd, NfqCfgFlag } from "../nfqueue/constants.js";
import type { RequestChannel } from "../transport/requests.js";

/** What the running kernel offers, found at start-up (and printed). */
export interface KernelCapabilities {
  /** nfnetlink_cthelper: user-space helpers can be registered (mode a). */
  readonly cthelper: boolean;
  readonly cthelperDetail: string;
  /** Queued packets can carry their conntrack (NFQA_CFG_F_CONNTRACK, needs nfnetlink_glue). */
  readonly queueConntrack: boolean;
  readonly queueConntrackDetail: string;
}

/**
 * Probes nfnetlink_cthelper with a GET dump: nfnetlink_rcv_msg answers
 * EINVAL (or EOPNOTSUPP after a failed module load) for a subsystem that is
 * not there, and DONE (possibly after helper messages) when it is.
 */
export async function probeCthelper(ch: RequestChannel, timeoutMs: number): Promise<{ ok: boolean; errno: number; detail: string }> {
  const seq = ch.nextSeq();
  const a = await ch.request(encodeHelperGetDump(seq), seq, timeoutMs, true);
  if (a.errno === 0) return { ok: true, errno: 0, detail: `nfnetlink_cthelper present (${a.messages.length} helper(s) registered)` };
  if (a.errno === Errno.EPERM) return { ok: false, errno: a.errno, detail: "netfilter refuses this process: EPERM (1); it needs CAP_NET_ADMIN" };
  return { ok: false, errno: a.errno, detail: `nfnetlink_cthelper absent: GET answered ${errnoName(a.errno)}` };
}

/**
 * Probes conntrack attributes on queued packets: set NFQA_CFG_F_CONNTRACK on
 * an unbound scratch queue bound for the moment (nfqnl_recv_config answers
 * EOPNOTSUPP when nfnetlink_glue is missing), then unbind it.
 */
export async function probeQueueConntrack(ch: RequestChannel, scratchQueue: number, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  let seq = ch.nextSeq();
  const bind = await ch.request(encodeQueueConfig({ queue: scratchQueue, command: NfqCfgCmd.BIND }, seq), seq, timeoutMs);
  if (bind.errno !== 0) return { ok: false, detail: `could not bind scratch queue ${scratchQueue}: ${errnoName(bind.errno)}` };
  seq = ch.nextSeq();
  const flags = await ch.request(encodeQueueConfig({ queue: scratchQueue, flags: NfqCfgFlag.CONNTRACK, flagsMask: NfqCfgFlag.CONNTRACK }, seq), seq, timeoutMs);
  seq = ch.nextSeq();
  await ch.request(encodeQueueConfig({ queue: scratchQueue, command: NfqCfgCmd.UNBIND }, seq), seq, timeoutMs);
  if (flags.errno === 0) return { ok: true, detail: "queued packets carry their conntrack (nfnetlink_glue present)" };
  const why = flags.errno === Errno.EOPNOTSUPP ? "nfnetlink_glue absent" : "refused";
  return { ok: false, detail: `queued packets carry no conntrack: F_CONNTRACK answered ${errnoName(flags.errno)} (${why})` };
}
