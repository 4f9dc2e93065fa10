// Which steps need the operator's decision before they run: what the guided
// pace stops at even after `a` (run on to the next decision). A destructive
// step, and one that takes a lock others queue behind (schema changes,
// VACUUM FULL, CLUSTER, REINDEX …), are decisions; so is any failure, which
// the run asks about anyway.
import { splitSql } from '../sql/index.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { dangerReasons } from './danger.js';
import { sqlSource } from './executor.js';

/** The statement kinds that take a lock other sessions wait behind (until the lock model says which lock, exactly). */
const LOCKING = new Set(['ddl', 'vacuum', 'utility']);

/** Why the run stops before this step even when the operator asked to run on; empty when it need not. */
export function decisionReasons(rb: Runbook, step: Step): string[] {
  const reasons = dangerReasons(rb, step).map((r) => `destructive: ${r}`);
  const sql = sqlSource(rb, step);
  const locking = sql ? splitSql(sql.source).filter((s) => LOCKING.has(s.kind) && s.writes) : [];
  if (locking.length) reasons.push(`takes a lock others wait behind: ${[...new Set(locking.map((s) => s.command))].join(', ')}`);
  return reasons;
}
