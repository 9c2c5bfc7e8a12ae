import type { AttachRule } from "@alg-sdk/core";
import { IRC_PORT } from "./constants.js";

/** Options of {@link ircHelper}. Every extension is off by default, leaving Linux's behaviour. */
export interface IrcOptions {
  /**
   * Also track IRC over IPv6, where DCC offers carry the address as IPv6
   * text (`DCC SEND file fd00:1::2 5000 …`; grammar in the README). Adds
   * attach rules for family 6. Linux's helper is IPv4 only. Default false.
   */
  readonly ipv6?: boolean;
  /**
   * Reassemble the client's stream in sequence order so that an offer split
   * across TCP segments is seen. Linux searches each segment alone; with
   * this option the unterminated last line the client sent (at most 4095
   * bytes) is carried over, and the next in-order segment is searched twice
   * with Linux's rules: joined to that line, then alone (so nothing Linux
   * finds is lost; the same offer found both ways is expected once). A gap
   * or reordering drops the carried line. Costs a 4 KiB buffer per IRC
   * connection. Default false.
   */
  readonly stream?: boolean;
  /** Server ports to attach to besides 6667 (Linux's `ports=` parameter). */
  readonly ports?: readonly number[];
}

/** The attach rules for `options`: tcp to each port, IPv4 (and IPv6 with `ipv6`). */
export function attachRules(options: IrcOptions): AttachRule[] {
  const ports = [IRC_PORT];
  for (const port of options.ports ?? []) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`irc: ports must be integers from 1 to 65535, got ${String(port)}`);
    }
    if (!ports.includes(port)) ports.push(port);
  }
  const families: readonly (4 | 6)[] = options.ipv6 === true ? [4, 6] : [4];
  const rules: AttachRule[] = [];
  for (const family of families) for (const port of ports) rules.push({ protocol: "tcp", port, family });
  return rules;
}
