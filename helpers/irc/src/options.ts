import type { AttachRule } from "@alg-sdk/core";
import type { LineStreamOptions } from "@alg-sdk/core/payload";
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
   * Reassemble the client's stream in sequence order (core's shared
   * `LineReassembler`, as the FTP helper's stream mode) and search every
   * complete line for an offer, so an offer split across TCP segments is
   * seen. Linux searches each segment alone, from its first byte; by default
   * stream mode keeps doing that too, so nothing Linux finds is lost (the
   * same offer found both ways is expected once). Buffers are allocated only
   * when a line is split or data arrives out of order. `true` uses the
   * default bounds; see {@link IrcStreamOptions}. Default false.
   */
  readonly stream?: boolean | IrcStreamOptions;
  /** Server ports to attach to besides 6667 (Linux's `ports=` parameter). */
  readonly ports?: readonly number[];
}

/** Bounds and behaviour of stream mode. */
export interface IrcStreamOptions extends LineStreamOptions {
  /**
   * Search only complete lines, from their start: drop Linux's search of
   * each segment from its first byte, which finds an offer at the start of
   * a segment even in the middle of a line (a slipstreaming vector: a
   * client can be made to send text that the helper takes for an offer).
   * Differs from Linux; default false.
   */
  readonly linesOnly?: boolean;
}

/** The attach rules for `options`: tcp to each port, IPv4 (and IPv6 with `ipv6`). */
export function attachRules(options: IrcOptions): AttachRule<undefined>[] {
  const ports = [IRC_PORT];
  for (const port of options.ports ?? []) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`irc: ports must be integers from 1 to 65535, got ${String(port)}`);
    }
    if (!ports.includes(port)) ports.push(port);
  }
  const families: readonly (4 | 6)[] = options.ipv6 === true ? [4, 6] : [4];
  const rules: AttachRule<undefined>[] = [];
  for (const family of families) for (const port of ports) rules.push({ protocol: "tcp", port, family });
  return rules;
}
