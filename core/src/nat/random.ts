/**
 * The random numbers NAT draws where Linux draws them (the offset of a
 * port search, `get_random_u16`; another port for an expectation,
 * `get_random_u32_between`): a seeded xorshift generator, so a replay with
 * the same seed makes the same choices. Not for secrets.
 */
export class NatRandom {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0 || 0x2545f491;
  }

  /** A 32-bit unsigned value. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, 65535]. */
  u16(): number {
    return this.next() & 0xffff;
  }

  /** An integer in [low, high] (`get_random_u32_between(low, high + 1)`). */
  between(low: number, high: number): number {
    return low + (this.next() % (high - low + 1));
  }
}
