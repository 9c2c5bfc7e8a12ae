import { formatAddress } from "@alg-sdk/core";
import { formatMac } from "./mac.js";

/** What the gateway knows about one address on a link (an ARP or ND cache entry). */
export interface Neighbour {
  readonly family: 4 | 6;
  readonly words: Uint32Array;
  /** Null while unresolved. */
  mac: Uint8Array | null;
  /** Time the entry was last confirmed (a frame or an answer from it). */
  confirmed: number;
  /** Requests sent while unresolved. */
  attempts: number;
  /** When the next request is due while unresolved. */
  nextAttempt: number;
  /** Frames waiting for the MAC, complete except their destination MAC. */
  pending: Uint8Array[];
}

/** A neighbour in printable form, for snapshots. */
export interface NeighbourInfo {
  readonly interface: string;
  readonly address: string;
  readonly mac: string | null;
  readonly state: "reachable" | "incomplete";
  readonly age: number;
  readonly pending: number;
}

export interface NeighbourLimits {
  readonly maxEntries: number;
  readonly timeout: number;
  readonly maxPending: number;
  readonly attempts: number;
}

/** Map key of an address: the number for IPv4, text for IPv6 (slow path only). */
export type NeighbourKey = number | string;

/**
 * One interface's neighbour cache, bounded: the least recently used entry
 * goes when it is full, and each unresolved entry holds a bounded queue.
 */
export class NeighbourTable {
  // A Map iterates in insertion order; re-inserting on use keeps the oldest first.
  private readonly entries = new Map<NeighbourKey, Neighbour>();
  /** Frames dropped: queue full, or the neighbour never answered. */
  dropped = 0;

  constructor(private readonly limits: NeighbourLimits) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: NeighbourKey): Neighbour | undefined {
    return this.entries.get(key);
  }

  /**
   * Records `mac` for an address. `create`: also when the address is not
   * cached yet (Linux creates an entry for the sender of a request to us).
   * Returns the frames that were waiting, now to be sent.
   */
  learn(key: NeighbourKey, family: 4 | 6, words: Uint32Array, mac: Uint8Array, now: number, create: boolean): Uint8Array[] {
    let n = this.entries.get(key);
    if (!n) {
      if (!create) return [];
      n = this.insert(key, family, words, now);
    } else {
      this.entries.delete(key);
      this.entries.set(key, n);
    }
    if (!n.mac || !sameMac(n.mac, mac)) n.mac = mac.slice(0, 6);
    n.confirmed = now;
    n.attempts = 0;
    const waiting = n.pending;
    n.pending = [];
    for (const f of waiting) f.set(n.mac, 0);
    return waiting;
  }

  /**
   * Holds `frame` until the address resolves. Returns the entry when a
   * request should be sent now (a new entry), else null.
   */
  hold(key: NeighbourKey, family: 4 | 6, words: Uint32Array, frame: Uint8Array, now: number): Neighbour | null {
    let n = this.entries.get(key);
    const fresh = !n;
    if (!n) n = this.insert(key, family, words, now);
    if (n.pending.length >= this.limits.maxPending) {
      n.pending.shift();
      this.dropped++;
    }
    n.pending.push(frame);
    if (!fresh) return null;
    n.attempts = 1;
    n.nextAttempt = now + 1;
    return n;
  }

  /**
   * Ages the cache: calls `probe` for unresolved entries whose next request
   * is due, drops those that never answered, and forgets resolved entries
   * unconfirmed for longer than the timeout.
   */
  expire(now: number, probe: (n: Neighbour) => void): void {
    for (const [key, n] of this.entries) {
      if (n.mac) {
        if (now - n.confirmed > this.limits.timeout) this.entries.delete(key);
        continue;
      }
      if (now < n.nextAttempt) continue;
      if (n.attempts >= this.limits.attempts) {
        this.dropped += n.pending.length;
        this.entries.delete(key);
        continue;
      }
      n.attempts++;
      n.nextAttempt = now + 1;
      probe(n);
    }
  }

  info(iface: string, now: number): NeighbourInfo[] {
    return [...this.entries.values()].map((n) => ({
      interface: iface,
      address: formatAddress(n.family, n.words),
      mac: n.mac ? formatMac(n.mac) : null,
      state: n.mac ? "reachable" : "incomplete",
      age: Math.max(0, now - n.confirmed),
      pending: n.pending.length,
    }));
  }

  private insert(key: NeighbourKey, family: 4 | 6, words: Uint32Array, now: number): Neighbour {
    if (this.entries.size >= this.limits.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.dropped += this.entries.get(oldest.value)!.pending.length;
        this.entries.delete(oldest.value);
      }
    }
    const n: Neighbour = { family, words: words.slice(), mac: null, confirmed: now, attempts: 0, nextAttempt: now, pending: [] };
    this.entries.set(key, n);
    return n;
  }
}

function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}
