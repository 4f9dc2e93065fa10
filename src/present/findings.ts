// Findings in words: the line `runbook lint` prints (and validate, show and
// the run's plain output repeat), the lock in the documentation's words, and
// the tally at the end.

import { lockModeWords } from '../sql/lock-modes.js';
import type { StepFinding } from '../engine/state.js';
import { isRuleId, RULES } from '../sql/finding-rules.js';
import type { Finding } from '../sql/findings.js';

/** 'SHARE lock on users, rewrites the table' — what the finding is about, or ''. */
export function findingLock(f: Pick<Finding, 'lock' | 'relation' | 'rewrite'>): string {
  const parts: string[] = [];
  if (f.lock) parts.push(`${lockModeWords(f.lock)} lock${f.relation ? ` on ${f.relation}` : ''}`);
  if (f.rewrite) parts.push('rewrites the table');
  return parts.join(', ');
}

/** Where a finding's SQL runs when it is not the step's own: its rollback, or a troubleshooting entry's fix. */
export interface FindingPart {
  part?: 'rollback' | 'fix';
  step?: string;
}

/** ' (rollback of step add-index)', ' (fix relation-exists)', or '' for a step's own SQL. */
export function findingPart(f: FindingPart, ofStep = true): string {
  if (f.part === 'rollback') return ofStep && f.step ? ` (rollback of step ${f.step})` : ' (rollback)';
  if (f.part === 'fix') return f.step ? ` (fix ${f.step})` : ' (fix)';
  return '';
}

/** `file:line:col: warning create-index-non-concurrently [SHARE lock on users]: message` and the advice (or the acceptance) below it. */
export function findingLines(f: Finding & { file?: string } & FindingPart): string[] {
  const where = f.file ? `${f.file}:${f.line}:${f.column}: ` : `line ${f.line}:${f.column}: `;
  const lock = findingLock(f);
  const head = `${where}${f.accepted ? `accepted ${f.severity}` : f.severity} ${f.rule}${lock ? ` [${lock}]` : ''}${findingPart(f)}: ${f.message}`;
  if (f.accepted) return [head, `  accepted${f.accepted.by === 'runbook' ? ' (by the step’s accept:)' : ''}: ${f.accepted.reason}`];
  return [head, `  advice: ${f.advice}`];
}

/** '3 findings: 1 error, 1 warning, 1 accepted in 2 files' */
export function findingsTally(findings: readonly Finding[], files: number): string {
  const open = findings.filter((f) => !f.accepted);
  const count = (s: string) => open.filter((f) => f.severity === s).length;
  const parts = [
    [count('error'), 'error'],
    [count('warning'), 'warning'],
    [count('info'), 'info'],
    [findings.length - open.length, 'accepted'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, w]) => `${n} ${w === 'info' || w === 'accepted' ? w : `${w}${n === 1 ? '' : 's'}`}`);
  const noun = `finding${findings.length === 1 ? '' : 's'}`;
  return `${findings.length === 0 ? 'no findings' : `${findings.length} ${noun}: ${parts.join(', ')}`} in ${files} file${files === 1 ? '' : 's'}`;
}

/** A journalled finding (a step's, before it runs) in two lines: what, then the advice or the acceptance. */
export function stepFindingLines(f: StepFinding & FindingPart, indent = '  '): string[] {
  const lock = findingLock({ lock: f.lock as Finding['lock'], relation: f.relation, rewrite: f.rewrite });
  const head = `${indent}${f.accepted ? `accepted ${f.severity}` : f.severity} ${f.rule}${lock ? ` [${lock}]` : ''}${findingPart(f, false)} (line ${f.line}): ${f.message}`;
  if (f.accepted) return [head, `${indent}  accepted${f.accepted.by === 'runbook' ? ' (by the step’s accept:)' : ''}: ${f.accepted.reason}`];
  const rule = isRuleId(f.rule) ? RULES[f.rule] : undefined;
  return rule ? [head, `${indent}  advice: ${rule.advice}`] : [head];
}
