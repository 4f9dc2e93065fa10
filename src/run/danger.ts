// Which steps destroy data or change it: read from the SQL itself with
// PostgreSQL's parser, plus what the runbook author declared.
import { splitSql } from '../sql/index.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { sqlSource } from './executor.js';

function statementsOf(rb: Runbook, step: Step) {
  const sql = sqlSource(rb, step);
  return sql ? splitSql(sql.source) : [];
}

/** Why this step needs the database name typed before it runs; empty when it doesn't. */
export function dangerReasons(rb: Runbook, step: Step): string[] {
  const reasons = statementsOf(rb, step)
    .map((s) => s.destructive)
    .filter((r): r is string => r !== null);
  if (step.danger) reasons.unshift('the runbook marks this step as dangerous');
  return [...new Set(reasons)];
}

/** Whether the step may change data or schema (shell steps: assume so). */
export function changesData(rb: Runbook, step: Step): boolean {
  if (step.shell !== undefined) return true;
  return statementsOf(rb, step).some((s) => s.writes);
}
