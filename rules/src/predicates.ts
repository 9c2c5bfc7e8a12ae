import type { PolicyPacket } from "@alg-sdk/core";
import type { AddressPrefix, Match, StateWord } from "./ast.js";
import { PORTED } from "./protocols.js";

/** One compiled match: reads the packet, never throws, allocates nothing. */
export type Predicate = (p: PolicyPacket) => boolean;

const STATE_VALUES: Readonly<Record<StateWord, number>> = { new: 0, established: 1, related: 2, invalid: 3, untracked: 4 };

export function compileMatch(m: Match): Predicate {
  const test = positive(m);
  // Address and port matches never hold for packets without that field,
  // negated or not (nft: `ip saddr != x` does not match IPv6 packets).
  if (!m.negate) return test;
  switch (m.kind) {
    case "address":
      return (p) => p.family === m.family && !test(p);
    case "port":
      return (p) => hasPorts(p) && !test(p);
    case "interface":
      // An unknown interface (0) matches nothing, as nft's meta breaks on a packet without that device.
      return m.which === "iif" ? (p) => p.inInterface !== 0 && !test(p) : (p) => p.outInterface !== 0 && !test(p);
    default:
      return (p) => !test(p);
  }
}

/** The family a NAT rule's target implies, as nft adds `meta nfproto` to `dnat ip to …` in an inet table. */
export function familyIs(family: 4 | 6): Predicate {
  return (p) => p.family === family;
}

function hasPorts(p: PolicyPacket): boolean {
  return p.portsKnown && PORTED.has(p.protocol);
}

function positive(m: Match): Predicate {
  switch (m.kind) {
    case "state": {
      let mask = 0;
      for (const s of m.states) mask |= 1 << STATE_VALUES[s];
      return (p) => ((1 << p.state) & mask) !== 0;
    }
    case "direction": {
      const want = m.direction === "original" ? 0 : 1;
      return (p) => p.direction === want;
    }
    case "expected":
      return (p) => p.expected;
    case "helper": {
      const names = new Set(m.helpers);
      return (p) => p.helper !== null && names.has(p.helper);
    }
    case "family":
      return familyIs(m.family);
    case "protocol": {
      const set = new Set(m.protocols);
      // An undecodable packet (family 0) has no protocol to match.
      return (p) => p.family !== 0 && set.has(p.protocol);
    }
    case "port": {
      const ranges = m.ranges;
      const dport = m.which === "dport";
      return (p) => {
        if (!hasPorts(p)) return false;
        const port = dport ? p.dport : p.sport;
        for (const [lo, hi] of ranges) if (port >= lo && port <= hi) return true;
        return false;
      };
    }
    case "interface": {
      // Indexes are never 0, so an unknown interface matches none of them.
      const indexes = m.indexes;
      if (m.which === "iif") {
        return (p) => {
          const i = p.inInterface;
          for (let k = 0; k < indexes.length; k++) if (indexes[k] === i) return true;
          return false;
        };
      }
      return (p) => {
        const o = p.outInterface;
        for (let k = 0; k < indexes.length; k++) if (indexes[k] === o) return true;
        return false;
      };
    }
    case "address": {
      const prefixes = m.prefixes;
      const src = m.which === "saddr";
      return (p) => {
        if (p.family !== m.family) return false;
        const words = src ? p.src : p.dst;
        for (const x of prefixes) if (inPrefix(x, words)) return true;
        return false;
      };
    }
  }
}

function inPrefix(x: AddressPrefix, words: Uint32Array): boolean {
  for (let w = 0, left = x.bits; w < 4 && left > 0; w++, left -= 32) {
    const mask = left >= 32 ? 0xffffffff : (0xffffffff << (32 - left)) >>> 0;
    if (((words[w]! & mask) >>> 0) !== ((x.words[w]! & mask) >>> 0)) return false;
  }
  return true;
}
