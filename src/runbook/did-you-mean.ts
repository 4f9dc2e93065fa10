// The known word a misspelt one most likely meant ("verfiy" → "verify"):
// shared by every "unknown …" problem the loader and the lint report.

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate closest to `word`, when it is close enough to be what was meant
 * (at most 2 edits, or a third of the word for long words; `per` narrows that).
 */
export function closest(word: string, candidates: Iterable<string>, per = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / per)) ? best : undefined;
}

/** ' (did you mean "verify"?)', or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, per = 3): string {
  const near = closest(word, candidates, per);
  return near === undefined ? '' : ` (did you mean "${near}"?)`;
}
