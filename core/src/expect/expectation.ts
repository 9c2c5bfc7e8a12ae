/**
 * One pending expectation: the tuple a future connection must have (with
 * source address and port maskable), the master that announced it, and its
 * limits. Expectations are a slow path (helpers create a few per control
 * connection), so they are plain objects.
 */
export class Expectation {
  /** Assigned when inserted; 0 before. */
  id = 0;
  /** True while registered. */
  live = false;
  /** Absolute expiry time in seconds. */
  expires: number;
  /** {@link ExpectFlag} bits (INACTIVE is cleared by activation). */
  flags: number;
  /**
   * NAT: where the expected connection really goes (the address and port
   * the helper announced before translation) and the direction of the
   * master's packet that announced it; `natPort` -1 when not translated.
   */
  natAddress: Uint32Array | null = null;
  natPort = -1;
  natDir = 0;

  constructor(
    readonly family: number,
    readonly proto: number,
    readonly zone: number,
    readonly src: Uint32Array,
    /** Per-word mask of `src` (all ones: exact; zero: any). */
    readonly srcMask: Uint32Array,
    readonly sport: number,
    /** 0xffff: exact source port; 0: any. */
    readonly sportMask: number,
    readonly dst: Uint32Array,
    public dport: number,
    /** Master connection slot and id. */
    readonly master: number,
    readonly masterId: number,
    /** Index of the helper that created it. */
    readonly helper: number,
    readonly cls: number,
    flags: number,
    /** Helper index + 1 to attach to the expected connection, or 0. */
    readonly assignHelper: number,
    readonly created: number,
    /** Seconds it lives. */
    readonly timeout: number,
    /** Bucket key: hash of the exact part (family, protocol, zone, destination). */
    public key: number,
  ) {
    this.flags = flags;
    this.expires = created + timeout;
  }
}

/** Same tuple and mask (the test for "the same expectation"). */
export function sameExpectation(a: Expectation, b: Expectation): boolean {
  if (a.family !== b.family || a.proto !== b.proto || a.zone !== b.zone) return false;
  if (a.dport !== b.dport || a.sport !== b.sport || a.sportMask !== b.sportMask) return false;
  for (let w = 0; w < 4; w++) {
    if (a.dst[w] !== b.dst[w] || a.src[w] !== b.src[w] || a.srcMask[w] !== b.srcMask[w]) return false;
  }
  return true;
}

/** Whether one connection could match both: equal on the part both masks cover. */
export function clash(a: Expectation, b: Expectation): boolean {
  if (a.family !== b.family || a.proto !== b.proto || a.zone !== b.zone || a.dport !== b.dport) return false;
  const portMask = a.sportMask & b.sportMask;
  if ((a.sport & portMask) !== (b.sport & portMask)) return false;
  for (let w = 0; w < 4; w++) {
    if (a.dst[w] !== b.dst[w]) return false;
    const m = a.srcMask[w]! & b.srcMask[w]!;
    if (((a.src[w]! & m) >>> 0) !== ((b.src[w]! & m) >>> 0)) return false;
  }
  return true;
}

/** Whether a new connection's original tuple matches expectation `e`. */
export function matches(
  e: Expectation,
  family: number,
  proto: number,
  zone: number,
  src: Uint32Array,
  dst: Uint32Array,
  sport: number,
  dport: number,
): boolean {
  if (e.family !== family || e.proto !== proto || e.zone !== zone || e.dport !== dport) return false;
  if ((sport & e.sportMask) !== (e.sport & e.sportMask)) return false;
  for (let w = 0; w < 4; w++) {
    if (e.dst[w] !== dst[w]) return false;
    if (((src[w]! & e.srcMask[w]!) >>> 0) !== ((e.src[w]! & e.srcMask[w]!) >>> 0)) return false;
  }
  return true;
}
