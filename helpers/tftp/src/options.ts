import type { AttachRule } from "@alg-sdk/core";

/** Options of {@link tftpHelper}. With none, the helper behaves exactly as Linux's nf_conntrack_tftp. */
export interface TftpOptions {
  /** Server ports to attach to besides 69 (Linux's `ports=` parameter). */
  readonly ports?: readonly number[];
}

/** The TFTP server port (RFC 1350). */
export const TFTP_PORT = 69;

/** Attach rules: udp/69 plus the extra ports, without duplicates, both families. */
export function tftpRules(ports: readonly number[] | undefined): AttachRule<undefined>[] {
  const all = [TFTP_PORT];
  for (const p of ports ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`tftp: port must be an integer 1..65535, got ${String(p)}`);
    if (!all.includes(p)) all.push(p);
  }
  return all.map((port) => ({ protocol: "udp", port }));
}
