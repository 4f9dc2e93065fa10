// Which steps need the operator's decision before they run: what the guided
// pace stops at even after `a` (run on to the next decision). A destructive
// step is one; so is a step the lock model (src/sql/locks.ts) says takes a
// lock stronger than ROW EXCLUSIVE on a table others use, rewrites one, or
// cannot be analysed (a DO block, a function the model cannot see into).
// Tables an earlier step of the run (or an earlier statement of the step)
// created are new: locking them holds nobody up. Any failure is a decision
// too, which the run asks about anyway.
import { lockModeWords, lockRank } from '../sql/lock-modes.js';
import { DEFAULT_SERVER_VERSION_NUM } from '../sql/findings.js';
import { LockContext, parseTreeOf, splitSql, statementLocks } from '../sql/index.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { dangerReasons } from './danger.js';
import { sqlSource } from './executor.js';

export interface DecisionOptions {
  /** The pinned server's version (the newest supported until the target is pinned). */
  serverVersionNum?: number;
  /** What the lock model knows before this step: what earlier steps of the run made. */
  context?: LockContext;
}

/** Why the run stops before this step even when the operator asked to run on; empty when it need not. */
export function decisionReasons(rb: Runbook, step: Step, options: DecisionOptions = {}): string[] {
  const reasons = dangerReasons(rb, step).map((r) => `destructive: ${r}`);
  const sql = sqlSource(rb, step);
  // Only SQL on the target takes the target's locks.
  if (!sql || step.connection !== undefined) return reasons;
  const version = options.serverVersionNum ?? DEFAULT_SERVER_VERSION_NUM;
  const context = options.context?.clone() ?? new LockContext();
  const locking: string[] = [];
  const rewrites: string[] = [];
  const unseen: string[] = [];
  for (const stmt of splitSql(sql.source)) {
    const node = parseTreeOf(stmt);
    if (!node) continue;
    const facts = statementLocks(node, version, context);
    if (!facts.analysable) {
      unseen.push(`${stmt.command} (${facts.reason ?? 'the lock model cannot see what it does'})`);
      continue;
    }
    // What others would queue behind: a strong lock on a table that is not new (a last-phase lock holds nobody up).
    const strong = facts.relations.filter((r) => !r.final && !context.isNew(r.relation) && lockRank(r.mode) > lockRank('RowExclusiveLock'));
    for (const r of strong) locking.push(`${lockModeWords(r.mode)} on ${r.relation} (${stmt.command})`);
    if (facts.rewrite && facts.relations.some((r) => !context.isNew(r.relation))) rewrites.push(stmt.command);
  }
  if (locking.length) reasons.push(`takes a lock others wait behind: ${[...new Set(locking)].join(', ')}`);
  if (rewrites.length) reasons.push(`rewrites a table: ${[...new Set(rewrites)].join(', ')}`);
  if (unseen.length) reasons.push(`cannot be analysed for locks: ${[...new Set(unseen)].join(', ')}`);
  return reasons;
}
