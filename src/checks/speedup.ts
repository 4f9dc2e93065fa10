// A speed-up between two queries, measured as the ratio of median timings.
// The median, not the mean: one slow run (a checkpoint, a cold cache) must
// not decide whether an index "worked".
import { duration } from '../present/duration.js';
import { verdict, type Verdict } from './verdict.js';

/** The median of the numbers (the mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function factorText(factor: number): string {
  if (!Number.isFinite(factor)) return '∞';
  return factor >= 100 ? factor.toFixed(0) : factor.toFixed(1);
}

function runsText(baseline: readonly number[], candidate: readonly number[]): string {
  return baseline.length === candidate.length ? `median of ${baseline.length}` : `medians of ${baseline.length} and ${candidate.length} runs`;
}

function rangeText(xs: readonly number[]): string {
  return `${duration(Math.min(...xs))}–${duration(Math.max(...xs))}`;
}

export function speedupVerdict(baselineMs: number[], candidateMs: number[], atLeast: number): Verdict {
  const runs = runsText(baselineMs, candidateMs);
  const expected = `candidate ≥ ${atLeast.toFixed(1)}× faster (${runs})`;
  if (baselineMs.length === 0 || candidateMs.length === 0) return verdict('speed-up', false, expected, 'no timed runs');
  const before = median(baselineMs);
  const after = median(candidateMs);
  // A candidate too fast to time (0 ms) is infinitely faster; both 0 is no speed-up.
  const factor = after > 0 ? before / after : before > 0 ? Number.POSITIVE_INFINITY : 1;
  const how = factor >= 1 ? `${factorText(factor)}× faster` : `${factorText(1 / factor)}× slower`;
  const detail = `${runs}; min–max ${rangeText(baselineMs)} → ${rangeText(candidateMs)}`;
  const actual = `${how}: ${duration(before)} → ${duration(after)} (${detail})`;
  return verdict('speed-up', factor >= atLeast, expected, actual);
}
