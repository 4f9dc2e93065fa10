// The lock model's findings for the steps a session runs, judged for the
// server the run is pinned to, read once in step order (a table an earlier
// step created counts as new), in the journal's shape.
import type { StepFinding } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { stepFindings } from '../runbook/findings.js';
import { LockContext } from '../sql/locks.js';

export function findingsByStep(rb: Runbook, steps: readonly Step[], serverVersionNum: number): Map<string, StepFinding[]> {
  const context = new LockContext();
  const byStep = new Map<string, StepFinding[]>();
  for (const step of steps) {
    const found = stepFindings(rb, step, rb.sqlFiles, serverVersionNum, context).map((f) => ({
      rule: f.rule, severity: f.severity, statementIndex: f.statementIndex, line: f.line, column: f.column,
      lock: f.lock, relation: f.relation, rewrite: f.rewrite, message: f.message, ...(f.accepted ? { accepted: f.accepted } : {}),
    }));
    if (found.length) byStep.set(step.id, found);
  }
  return byStep;
}
