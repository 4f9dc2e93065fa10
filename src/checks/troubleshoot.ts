// Which troubleshooting entries apply to a failure, error first. An entry
// *matches* when it says something about the failure itself — its SQLSTATE,
// a text or /regex/ found in the error (or a failed check), or "a check
// failed" — and every criterion it gives holds (a `step:` among them limits
// it to those steps). Those come first, the step's linked ones before the
// rest. After them, labelled as such, come the step's *other known problems*:
// entries the step links with `troubleshoot:` or that name the step in
// `match.step`, which say nothing that fits this failure. So a server library
// failure (58P01) in the performance check is not answered with the step's
// "performance degradation" fix as if it were the cause.
//
// An entry may list several sets of criteria (one cause showing as a failed
// check in one step and as an error in another: 001's TimescaleDB not
// installed); it matches when any one of them holds.
import type { ExecError } from '../exec/types.js';
import { matchCriteriaOf, matchSteps, type MatchCriteria, type TroubleshootingEntry } from '../runbook/schema.js';
import { asList, parseTextMatch } from './textmatch.js';
import type { Verdict } from './verdict.js';

export interface Failure {
  stepId: string;
  error?: ExecError;
  verdicts: Verdict[];
}

/** The entries for a failure: the first `matched` fit the failure itself, the rest are the step's other known problems. */
export interface Troubleshooting {
  entries: readonly TroubleshootingEntry[];
  matched: number;
}

export const NO_TROUBLESHOOTING: Troubleshooting = { entries: [], matched: 0 };

type Match = MatchCriteria;

/** Whether the criteria say anything about the failure itself (not only where it happens). */
function aboutFailure(match: Match): boolean {
  return match.sqlstate !== undefined || match.error !== undefined || (match.check !== undefined && match.check !== false);
}

/** The texts an `error:` pattern is matched against. */
function failureTexts(failure: Failure): string[] {
  const { error } = failure;
  const fromError = error ? [error.message, error.detail, error.hint].filter((t): t is string => !!t) : [];
  return [...fromError, ...checkTexts(failure)];
}

function checkTexts(failure: Failure): string[] {
  return failure.verdicts.filter((v) => !v.ok).map((v) => `${v.label}: expected ${v.expected}; actual ${v.actual}`);
}

function textMatches(pattern: string, texts: string[]): boolean {
  try {
    const matcher = parseTextMatch(pattern, { ignoreCase: true });
    return texts.some((text) => matcher.test(text));
  } catch {
    return false; // a bad /regex/ is reported by the loader; here it just does not match
  }
}

function holds(match: Match, failure: Failure): boolean {
  if (match.sqlstate !== undefined) {
    const sqlstate = failure.error?.sqlstate?.toUpperCase();
    if (!sqlstate || !asList(match.sqlstate).some((s) => s.toUpperCase() === sqlstate)) return false;
  }
  if (match.error !== undefined && !textMatches(match.error, failureTexts(failure))) return false;
  if (match.check !== undefined && match.check !== false) {
    // A check failed and the action itself did not: an error is never "a failed check".
    const failed = checkTexts(failure);
    if (failure.error || failed.length === 0) return false;
    if (typeof match.check === 'string' && !textMatches(match.check, failed)) return false;
  }
  if (match.step !== undefined && !asList(match.step).includes(failure.stepId)) return false;
  return true;
}

export function matchTroubleshooting(entries: readonly TroubleshootingEntry[], failure: Failure, linkedIds: readonly string[]): Troubleshooting {
  const linked = linkedIds.map((id) => entries.find((entry) => entry.id === id)).filter((entry): entry is TroubleshootingEntry => !!entry);
  const ordered = [...new Set([...linked, ...entries])];
  const matched = ordered.filter((entry) => matchCriteriaOf(entry).some((m) => aboutFailure(m) && holds(m, failure)));
  const ofStep = (entry: TroubleshootingEntry) => linked.includes(entry) || matchSteps(entry).includes(failure.stepId);
  const other = ordered.filter((entry) => !matched.includes(entry) && ofStep(entry));
  return { entries: [...matched, ...other], matched: matched.length };
}
