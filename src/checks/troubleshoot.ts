// Which troubleshooting entries apply to a failure: matched by SQLSTATE,
// by error text or /regex/ (against the error and the failed checks), and by
// step id. Every criterion an entry gives must hold. Entries the step links
// with `troubleshoot:` come first; a linked entry whose criteria clearly do
// not fit this failure is left out, so the operator is not sent down the
// wrong path at 3 a.m.
import type { ExecError } from '../exec/types.js';
import type { TroubleshootingEntry } from '../runbook/schema.js';
import { asList, parseTextMatch } from './textmatch.js';
import type { Verdict } from './verdict.js';

export interface Failure {
  stepId: string;
  error?: ExecError;
  verdicts: Verdict[];
}

type Match = NonNullable<TroubleshootingEntry['match']>;

function hasCriteria(match: Match | undefined): match is Match {
  return !!match && (match.sqlstate !== undefined || match.error !== undefined || match.step !== undefined);
}

/** The texts an `error:` pattern is matched against. */
function failureTexts(failure: Failure): string[] {
  const { error } = failure;
  const fromError = error ? [error.message, error.detail, error.hint].filter((t): t is string => !!t) : [];
  const fromChecks = failure.verdicts.filter((v) => !v.ok).map((v) => `${v.label}: expected ${v.expected}; actual ${v.actual}`);
  return [...fromError, ...fromChecks];
}

function textMatches(pattern: string, texts: string[]): boolean {
  try {
    const matcher = parseTextMatch(pattern, { ignoreCase: true });
    return texts.some((text) => matcher.test(text));
  } catch {
    return false; // a bad /regex/ is reported by the loader; here it just does not match
  }
}

function matches(match: Match, failure: Failure): boolean {
  if (match.sqlstate !== undefined) {
    const sqlstate = failure.error?.sqlstate?.toUpperCase();
    if (!sqlstate || !asList(match.sqlstate).some((s) => s.toUpperCase() === sqlstate)) return false;
  }
  if (match.error !== undefined && !textMatches(match.error, failureTexts(failure))) return false;
  if (match.step !== undefined && !asList(match.step).includes(failure.stepId)) return false;
  return true;
}

export function matchTroubleshooting(entries: TroubleshootingEntry[], failure: Failure, linkedIds: string[]): TroubleshootingEntry[] {
  const linked = linkedIds
    .map((id) => entries.find((entry) => entry.id === id))
    .filter((entry): entry is TroubleshootingEntry => !!entry && (!hasCriteria(entry.match) || matches(entry.match, failure)));
  const others = entries.filter((entry) => !linkedIds.includes(entry.id) && hasCriteria(entry.match) && matches(entry.match, failure));
  return [...new Set([...linked, ...others])];
}
