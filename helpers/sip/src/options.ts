import type { AttachRule } from "@alg-sdk/core";
import { SIP_PORT, SIP_TIMEOUT } from "./constants.js";

/**
 * Decides, for `sipHelper({ directMedia: false, externalMedia })`, whether a
 * media address is reached through the same interface as the SIP packet's
 * destination (Linux's `sip_external_media` compares the routes' output
 * devices). `true`: the media stays on that side, nothing is expected.
 * It must not keep the arrays it is given.
 */
export type SameInterfaceTest = (media: Uint32Array, packetDestination: Uint32Array, family: 4 | 6) => boolean;

/**
 * Options of {@link sipHelper}: Linux's module parameters of
 * `nf_conntrack_sip`, with its defaults. With none, the helper behaves
 * exactly as Linux's.
 */
export interface SipOptions {
  /**
   * Ports of SIP servers (Linux's `ports=`, default `[5060]`): the helper
   * attaches to UDP and TCP on each, both families. As in Linux, the list
   * replaces 5060. Only used when the engine is given no attach rules.
   */
  readonly ports?: readonly number[];
  /**
   * Seconds a SIP connection lives after each packet with a payload
   * (Linux's `sip_timeout`, default 3600). Linux also assigns it to a
   * REGISTER's signalling expectation, where its expectation core
   * overrides it with the class policy (180 s); so does this helper.
   */
  readonly timeout?: number;
  /**
   * Expect incoming calls to a registered Contact only from the registrar
   * (Linux's `sip_direct_signalling`, default true). false: from anyone.
   */
  readonly directSignalling?: boolean;
  /**
   * Expect media only between the two signalling peers (Linux's
   * `sip_direct_media`, default true): an SDP address that is not the
   * sender's own is ignored, and the media may only come from the other
   * peer. false: media to any announced address, from anyone.
   */
  readonly directMedia?: boolean;
  /**
   * Linux's `sip_external_media` (default off). Only consulted when
   * `directMedia` is false: media whose address is reached through the same
   * interface as the SIP packet's destination is not expected. Linux asks
   * its routing table; here the embedder answers.
   */
  readonly externalMedia?: SameInterfaceTest | false;
}

/** {@link SipOptions} with every default filled in. */
export interface ResolvedSipOptions {
  readonly ports: readonly number[];
  readonly timeout: number;
  readonly directSignalling: boolean;
  readonly directMedia: boolean;
  readonly externalMedia: SameInterfaceTest | null;
}

/** Checks the options (a mistake throws here, when the helper is made, never while packets flow). */
export function resolveSipOptions(o: SipOptions = {}): ResolvedSipOptions {
  const ports = o.ports === undefined ? [SIP_PORT] : [...new Set(o.ports)];
  if (ports.length === 0) throw new RangeError("sip: ports must name at least one port");
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`sip: port must be an integer 1..65535, got ${String(p)}`);
  }
  const timeout = o.timeout ?? SIP_TIMEOUT;
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0) {
    throw new RangeError(`sip: timeout must be a positive number of seconds, got ${String(timeout)}`);
  }
  const external = o.externalMedia;
  if (external !== undefined && external !== false && typeof external !== "function") {
    throw new TypeError("sip: externalMedia must be a function or false");
  }
  return {
    ports,
    timeout,
    directSignalling: o.directSignalling ?? true,
    directMedia: o.directMedia ?? true,
    externalMedia: typeof external === "function" ? external : null,
  };
}

/** Attach rules: UDP and TCP on every port, as Linux registers one helper of each per port. */
export function sipRules(ports: readonly number[]): AttachRule<undefined>[] {
  const rules: AttachRule<undefined>[] = [];
  for (const port of ports) rules.push({ protocol: "udp", port }, { protocol: "tcp", port });
  return rules;
}
