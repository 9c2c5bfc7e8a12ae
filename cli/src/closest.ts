/**
 * "Did you mean" for near misses (`--ftp-looose`, `acept`): a typo should
 * cost the user one glance at the error line, not a trip to the manual.
 */

/** The candidate at edit distance 1 or 2 from `word` (the nearest), or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `, did you mean X?` or "". */
export function didYouMean(word: string, candidates: Iterable<string>, prefix = ""): string {
  const c = closest(word, candidates);
  return c === undefined || c === word ? "" : `, did you mean ${prefix}${c}?`;
}

/** Levenshtein distance; the words are short, the quadratic table is fine. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
