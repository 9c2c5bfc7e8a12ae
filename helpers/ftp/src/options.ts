import type { AttachRule } from "@alg-sdk/core";
import type { LineStreamOptions } from "@alg-sdk/core/payload";

/** Options of {@link ftpHelper}. With none, the helper behaves exactly as Linux's nf_conntrack_ftp. */
export interface FtpOptions {
  /**
   * Create the expectation even when the announced address is not the
   * sender's (Linux's `loose=1` module parameter). Off by default: such a
   * command is accepted but opens nothing, since it could make the firewall
   * open a hole towards a third host.
   */
  readonly loose?: boolean;
  /**
   * What happens to a packet that stops inside a command or whose numbers do
   * not parse after a complete keyword. "drop" (default) is Linux's
   * behaviour; "accept" never drops for that reason (like conntrack-tools'
   * user-space helper), the command being ignored.
   */
  readonly onPartialMatch?: "drop" | "accept";
  /**
   * More TCP ports to attach to by default, besides 21 (FTP servers on
   * non-standard ports). Only used when the engine is given no attach rules.
   */
  readonly ports?: readonly number[];
  /**
   * Reassemble each direction of the control connection in order and parse
   * every complete line, instead of only segments that start a line: commands
   * split across segments and several commands per segment are all seen.
   * `true` uses the default bounds (`maxLine` 1024, `maxOutOfOrder` 4096);
   * the reassembler is core's shared `LineReassembler`.
   */
  readonly stream?: boolean | LineStreamOptions;
}

/** The FTP control port (RFC 959). */
export const FTP_PORT = 21;

/** Attach rules: tcp/21 plus the extra ports, without duplicates. */
export function ftpRules(ports: readonly number[] | undefined): AttachRule<undefined>[] {
  const all = [FTP_PORT];
  for (const p of ports ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`ftp: port must be an integer 1..65535, got ${p}`);
    if (!all.includes(p)) all.push(p);
  }
  return all.map((port) => ({ protocol: "tcp", port }));
}
