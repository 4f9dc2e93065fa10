// The lock model's view of the steps a session runs, judged for the server
// the run is pinned to, read once in step order: a table an earlier step
// created counts as new (no finding about locking it), and what earlier steps
// made (columns, partitions, views, foreign keys) is known to later ones.
// Gives each step's findings, in the journal's shape, and the lock context as
// it stands before each step (for the guard and --trace-locks, which add what
// the target's catalog knows).
import type { StepFinding } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { stepFindings } from '../runbook/findings.js';
import { LockContext } from '../sql/locks.js';

export interface StepLockViews {
  findings: Map<string, StepFinding[]>;
  /** What the lock model knows before each step runs (by step id). */
  contextBefore: Map<string, LockContext>;
}

export function stepLockViews(rb: Runbook, steps: readonly Step[], serverVersionNum: number): StepLockViews {
  const context = new LockContext();
  const findings = new Map<string, StepFinding[]>();
  const contextBefore = new Map<string, LockContext>();
  for (const step of steps) {
    contextBefore.set(step.id, context.clone());
    const found = stepFindings(rb, step, rb.sqlFiles, serverVersionNum, context).map(journalFinding);
    if (found.length) findings.set(step.id, found);
  }
  return { findings, contextBefore };
}

export function findingsByStep(rb: Runbook, steps: readonly Step[], serverVersionNum: number): Map<string, StepFinding[]> {
  return stepLockViews(rb, steps, serverVersionNum).findings;
}

export function journalFinding(f: ReturnType<typeof stepFindings>[number]): StepFinding {
  return {
    rule: f.rule, severity: f.severity, statementIndex: f.statementIndex, line: f.line, column: f.column,
    lock: f.lock, relation: f.relation, rewrite: f.rewrite, message: f.message, ...(f.accepted ? { accepted: f.accepted } : {}),
  };
}
