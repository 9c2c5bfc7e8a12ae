/**
 * "Did you mean" for a misspelt keyword (`acept`, `estabished`): the error
 * line should be enough to fix a typo without opening the grammar.
 */

/** `, did you mean X?` for the candidate one or two edits away from `word` (the nearest), or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const lower = word.toLowerCase();
  let best = "";
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(lower, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best === "" || best === lower ? "" : `, did you mean ${best}?`;
}

/** Levenshtein distance over two short words, one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, substitution);
    }
    row = next;
  }
  return row[b.length]!;
}
