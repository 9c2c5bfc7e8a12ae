import { parseAddress } from "../address.js";
import type { AttachRule } from "../helper/types.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerRegistry } from "../proto/registry.js";

/** Attach helper `helper` to new connections matching the rule (nftables `ct helper set`). */
export interface HelperAttachment<O = unknown> extends AttachRule<O> {
  readonly helper: string;
}

/**
 * Packets to leave untracked (the `raw` table's NOTRACK / `notrack`): they
 * get UNTRACKED and create nothing. Every given field must match.
 */
export interface NotrackRule {
  /** Protocol name (as its tracker is named: "tcp", "udp", "icmpv6", …) or number. */
  readonly protocol?: string | number;
  readonly family?: 4 | 6;
  readonly zone?: number;
  /** Address or prefix ("10.0.0.0/8", "fd00::/16"). */
  readonly src?: string;
  readonly dst?: string;
  /** Port or inclusive range. */
  readonly srcPort?: number | readonly [number, number];
  readonly dstPort?: number | readonly [number, number];
}

/** A protocol given by name or number, as a number; throws a RangeError naming the rule otherwise. */
export function protocolNumber(p: string | number, trackers: TrackerRegistry, what: string): number {
  const n = typeof p === "number" ? p : trackers.numberOf(p);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`${what}: unknown protocol ${JSON.stringify(p)}`);
  return n;
}

function range(port: number | readonly [number, number] | undefined): [number, number] {
  if (port === undefined) return [0, 65535];
  if (typeof port === "number") return [port, port];
  return [port[0], port[1]];
}

/** A rule compiled to numbers. */
interface CompiledAttach {
  readonly helper: number;
  readonly options: unknown;
  readonly proto: number;
  readonly family: number;
  readonly zone: number;
  readonly lo: number;
  readonly hi: number;
}

/** Decides which helper a new connection gets. */
export class AttachTable {
  private readonly rules: CompiledAttach[] = [];
  /** Options of the rule the last successful {@link lookup} matched. */
  lastOptions: unknown = undefined;

  constructor(attachments: readonly HelperAttachment[], helperIndex: (name: string) => number, trackers: TrackerRegistry) {
    for (const a of attachments) {
      const helper = helperIndex(a.helper);
      if (helper < 0) throw new Error(`attach rule names unknown helper "${a.helper}"`);
      const [lo, hi] = range(a.port);
      const proto = protocolNumber(a.protocol, trackers, `attach rule of helper "${a.helper}"`);
      this.rules.push({ helper, options: a.options, proto, family: a.family ?? 0, zone: a.zone ?? -1, lo, hi });
    }
  }

  get size(): number {
    return this.rules.length;
  }

  /** Helper index + 1 for a new connection's original tuple, or 0. */
  lookup(family: number, proto: number, zone: number, dport: number): number {
    for (const r of this.rules) {
      if (r.proto !== proto) continue;
      if (r.family !== 0 && r.family !== family) continue;
      if (r.zone >= 0 && r.zone !== zone) continue;
      if (dport < r.lo || dport > r.hi) continue;
      this.lastOptions = r.options;
      return r.helper + 1;
    }
    return 0;
  }
}

interface Prefix {
  readonly family: number;
  readonly words: Uint32Array;
  readonly mask: Uint32Array;
}

function prefix(text: string): Prefix {
  const [addr, bitsText] = text.split("/");
  const parsed = parseAddress(addr ?? "");
  if (!parsed) throw new Error(`not an address: "${text}"`);
  const max = parsed.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`bad prefix length in "${text}"`);
  const mask = new Uint32Array(4);
  for (let w = 0, left = bits; w < 4; w++, left -= 32) {
    mask[w] = left >= 32 ? 0xffffffff : left <= 0 ? 0 : (0xffffffff << (32 - left)) >>> 0;
  }
  return { family: parsed.family, words: parsed.words, mask };
}

function inPrefix(p: Prefix, words: Uint32Array): boolean {
  for (let w = 0; w < 4; w++) {
    if (((words[w]! & p.mask[w]!) >>> 0) !== ((p.words[w]! & p.mask[w]!) >>> 0)) return false;
  }
  return true;
}

interface CompiledNotrack {
  readonly proto: number;
  readonly family: number;
  readonly zone: number;
  readonly src: Prefix | null;
  readonly dst: Prefix | null;
  readonly sLo: number;
  readonly sHi: number;
  readonly dLo: number;
  readonly dHi: number;
}

/** NOTRACK rules, checked on every packet only when there are any. */
export class NotrackTable {
  private readonly rules: CompiledNotrack[] = [];

  constructor(rules: readonly NotrackRule[], trackers: TrackerRegistry) {
    for (const r of rules) {
      const src = r.src ? prefix(r.src) : null;
      const dst = r.dst ? prefix(r.dst) : null;
      const [sLo, sHi] = range(r.srcPort);
      const [dLo, dHi] = range(r.dstPort);
      this.rules.push({
        proto: r.protocol === undefined ? -1 : protocolNumber(r.protocol, trackers, "notrack rule"),
        family: r.family ?? src?.family ?? dst?.family ?? 0,
        zone: r.zone ?? -1,
        src,
        dst,
        sLo,
        sHi,
        dLo,
        dHi,
      });
    }
  }

  get size(): number {
    return this.rules.length;
  }

  matches(p: ParsedPacket, zone: number): boolean {
    for (const r of this.rules) {
      if (r.proto >= 0 && r.proto !== p.protocol) continue;
      if (r.family !== 0 && r.family !== p.family) continue;
      if (r.zone >= 0 && r.zone !== zone) continue;
      if (r.src && !inPrefix(r.src, p.src)) continue;
      if (r.dst && !inPrefix(r.dst, p.dst)) continue;
      // A port match never holds for a protocol without ports.
      if ((r.sLo > 0 || r.sHi < 65535) && (!p.hasPorts || p.sport < r.sLo || p.sport > r.sHi)) continue;
      if ((r.dLo > 0 || r.dHi < 65535) && (!p.hasPorts || p.dport < r.dLo || p.dport > r.dHi)) continue;
      return true;
    }
    return false;
  }
}
