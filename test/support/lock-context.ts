// The lock model's view of a corpus entry's database: what `setup` built exists already.
import { parseTreeOf, splitSql } from '../../src/sql/index.js';
import { LockContext, statementLocks } from '../../src/sql/locks.js';

/** What the model knows once `setup` ran: its tables exist already (they are not new). */
export function contextAfter(setup: string | undefined, version: number): LockContext {
  const ctx = new LockContext();
  for (const s of splitSql(setup ?? '')) {
    const node = parseTreeOf(s);
    if (node) statementLocks(node, version, ctx);
  }
  ctx.created.clear();
  return ctx;
}
