/**
 * Exact timestamp arithmetic for pcapng's 64-bit timestamps, without `bigint`
 * on the hot path: values are split into 16-bit limbs so every intermediate
 * stays below 2^53.
 *
 * @packageDocumentation
 */

/**
 * A pcapng timestamp resolution (`if_tsresol`): one unit is `base^-exponent`
 * seconds. The pcapng default (no option) is `{ base: 10, exponent: 6 }`.
 */
export interface TimestampResolution {
  /** 10 for decimal resolutions, 2 for binary ones. */
  readonly base: 10 | 2;
  /** Negative power of `base`: 6 is microseconds, 9 nanoseconds (base 10). */
  readonly exponent: number;
}

/** Microseconds, the pcapng default. */
export const MICROSECONDS: TimestampResolution = Object.freeze({ base: 10, exponent: 6 });
/** Nanoseconds. */
export const NANOSECONDS: TimestampResolution = Object.freeze({ base: 10, exponent: 9 });

const TWO32 = 4294967296;

/**
 * Finest accepted `if_tsresol`: with units of 10^-19 s or 2^-63 s a 64-bit
 * count covers only about two seconds, so anything finer is treated as damage.
 */
export const MAX_DECIMAL_EXPONENT = 19;
/** See {@link MAX_DECIMAL_EXPONENT}. */
export const MAX_BINARY_EXPONENT = 63;

/** Precomputed conversion constants for one resolution. @internal */
export interface ResolvedResolution {
  readonly base: 10 | 2;
  readonly exponent: number;
  /** Units per second, exact when <= 2^32 (the number fast path). */
  readonly perSecond: number;
  /** Units per second as a bigint (slow path when > 2^32). */
  readonly perSecondBig: bigint;
  /** True when perSecond <= 2^32 and the number fast path applies. */
  readonly fast: boolean;
}

/** @internal */
export function resolveResolution(r: TimestampResolution): ResolvedResolution {
  const big = BigInt(r.base) ** BigInt(r.exponent);
  const fast = big <= BigInt(TWO32);
  return { base: r.base, exponent: r.exponent, perSecond: Number(big), perSecondBig: big, fast };
}

/** Default resolution, resolved. @internal */
export const DEFAULT_RESOLUTION: ResolvedResolution = resolveResolution(MICROSECONDS);

/** Scratch output of {@link unitsToTimestamp}. @internal */
export interface TimestampOut {
  sec: number;
  nanos: number;
}

/**
 * Converts a 64-bit unit count `hi * 2^32 + lo` in resolution `r` into whole
 * seconds and nanoseconds (floored for resolutions finer than 1 ns), written to
 * `out`. Exact for every resolution up to 10^-9 / 2^-32 as long as the number
 * of seconds is below 2^53.
 * @internal
 */
export function unitsToTimestamp(hi: number, lo: number, r: ResolvedResolution, out: TimestampOut): void {
  if (!r.fast) {
    const v = (BigInt(hi) << 32n) | BigInt(lo);
    const R = r.perSecondBig;
    out.sec = Number(v / R);
    out.nanos = Number(((v % R) * 1_000_000_000n) / R);
    return;
  }
  const R = r.perSecond;
  let sec: number;
  let rem: number;
  if (hi < 0x100000) {
    const v = hi * TWO32 + lo; // < 2^52: exact
    sec = Math.floor(v / R);
    rem = v - sec * R;
    if (rem < 0) {
      sec--;
      rem += R;
    } else if (rem >= R) {
      sec++;
      rem -= R;
    }
  } else {
    // Long division by R (<= 2^32) over 16-bit limbs: every partial dividend
    // is < R * 2^16 <= 2^48, so the double arithmetic is exact.
    let x = hi >>> 16;
    const q3 = Math.floor(x / R);
    x = (x - q3 * R) * 65536 + (hi & 0xffff);
    const q2 = Math.floor(x / R);
    x = (x - q2 * R) * 65536 + (lo >>> 16);
    const q1 = Math.floor(x / R);
    x = (x - q1 * R) * 65536 + (lo & 0xffff);
    const q0 = Math.floor(x / R);
    rem = x - q0 * R;
    sec = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0;
  }
  out.sec = sec;
  out.nanos = fractionToNanos(rem, r);
}

function fractionToNanos(rem: number, r: ResolvedResolution): number {
  if (r.base === 10) return rem * 10 ** (9 - r.exponent); // exponent <= 9 on the fast path
  // rem * 1e9 / 2^e == rem * 5^9 * 2^9 / 2^e; rem * 5^9 < 2^32 * 2^21 = 2^53.
  const e = r.exponent;
  if (e >= 9) return Math.floor((rem * 1953125) / 2 ** (e - 9));
  return rem * 1953125 * 2 ** (9 - e);
}

/** Scratch output of {@link timestampToUnits}. @internal */
export interface UnitsOut {
  hi: number;
  lo: number;
}

/**
 * Converts whole seconds (0 <= sec < 2^32) and nanoseconds (< 1e9) into a
 * 64-bit unit count of resolution `r` (floored), written to `out`.
 * @internal
 */
export function timestampToUnits(sec: number, nanos: number, r: ResolvedResolution, out: UnitsOut): void {
  if (!r.fast) {
    const R = r.perSecondBig;
    const v = BigInt(sec) * R + (BigInt(nanos) * R) / 1_000_000_000n;
    out.hi = Number((v >> 32n) & 0xffffffffn);
    out.lo = Number(v & 0xffffffffn);
    return;
  }
  const R = r.perSecond;
  let frac: number;
  if (r.base === 10) frac = Math.floor(nanos / 10 ** (9 - r.exponent));
  else {
    // nanos * 2^e / 1e9 == nanos * 2^e / (5^9 * 2^9)
    const e = r.exponent;
    frac = e >= 9 ? Math.floor((nanos * 2 ** (e - 9)) / 1953125) : Math.floor(nanos / (1953125 * 2 ** (9 - e)));
    if (frac >= R) frac = R - 1;
  }
  // sec * R + frac with sec, R <= 2^32, split so that no product exceeds 2^48.
  const sLo = sec % 65536;
  const sHi = (sec - sLo) / 65536;
  const t = sLo * R + frac; // < 2^49
  const tLo = t % TWO32;
  const tHi = (t - tLo) / TWO32;
  const p = sHi * R; // < 2^48; contributes p * 2^16
  const pLo = p % 65536;
  const pHi = (p - pLo) / 65536;
  let lo = tLo + pLo * 65536;
  let carry = 0;
  if (lo >= TWO32) {
    lo -= TWO32;
    carry = 1;
  }
  out.hi = tHi + pHi + carry;
  out.lo = lo;
}

/**
 * Exact timestamp of a record in nanoseconds since the epoch, as a bigint
 * (`tsSec * 1e9 + tsNanos`). Records without a timestamp give 0n.
 */
export function recordTimestampNanos(rec: { readonly tsSec: number; readonly tsNanos: number }): bigint {
  if (!Number.isInteger(rec.tsSec) || !Number.isInteger(rec.tsNanos)) return 0n;
  return BigInt(rec.tsSec) * 1_000_000_000n + BigInt(rec.tsNanos);
}
