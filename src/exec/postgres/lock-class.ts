// What the guard needs to know about a statement before it runs: does it take
// a lock stronger than ROW EXCLUSIVE (then it runs under the lock guard), and
// is it a CONCURRENTLY index build whose failure leaves an INVALID index
// behind. The lock model (src/sql/locks.ts) answers the first question.
import type { Node } from 'libpg-query';
import { LockContext, parseTreeOf, statementLocks, strongestLock, type LockFacts, type LockMode, type SqlStatement } from '../../sql/index.js';
import { lockRank } from '../../sql/locks.js';
import { unwrap } from '../../sql/tree.js';

export type { LockMode };

/** A CONCURRENTLY index build: which table its INVALID leftovers would be on. */
export interface ConcurrentIndex {
  /** CREATE INDEX CONCURRENTLY or REINDEX ... CONCURRENTLY. */
  kind: 'create' | 'reindex';
  /** The table (schema-qualified as written), or for REINDEX INDEX the index whose table it is. */
  relation: { schema?: string; name: string };
  relationIsIndex: boolean;
  /** CREATE INDEX's own name, when given: only that one is ours. */
  indexName?: string;
}

export interface StatementGuardInfo {
  /** The strongest lock it takes; null when the model cannot see into it (DO, a function call). */
  strongest: LockMode | null;
  /** The lock model's answer (null when the statement has no parse tree). */
  facts: LockFacts | null;
  analysable: boolean;
  /** Runs under the lock guard: a lock stronger than ROW EXCLUSIVE, or one the model cannot see. */
  guarded: boolean;
  concurrentIndex: ConcurrentIndex | null;
  /** Why a retry would not be safe, even when the statement itself rolled back. */
  noRetry: string | null;
}

/**
 * The guard's view of each statement of a step, in order: the lock model
 * (src/sql/locks.ts) for this server version, with what earlier statements
 * of the step created (a table made in the step locks nobody out).
 */
export function guardInfos(statements: SqlStatement[], serverVersionNum: number, context = new LockContext()): StatementGuardInfo[] {
  return statements.map((stmt) => guardInfo(stmt, serverVersionNum, context));
}

/**
 * Whether any statement of the step runs under the guard, each one's facts
 * let go as soon as it is looked at: the guard's view of a data fix's 100,000
 * INSERTs (none guarded) was ~15 MiB held at once, only to be dropped. Reads
 * `context` as guardInfos does, and adds to it as guardInfos does: give a copy.
 */
export function anyGuarded(statements: SqlStatement[], serverVersionNum: number, context: LockContext): boolean {
  return statements.some((stmt) => guardInfo(stmt, serverVersionNum, context).guarded);
}

function guardInfo(stmt: SqlStatement, serverVersionNum: number, context: LockContext): StatementGuardInfo {
  const node = parseTreeOf(stmt);
  if (!node) return { strongest: null, facts: null, analysable: false, guarded: true, concurrentIndex: null, noRetry: null };
  const facts = statementLocks(node, serverVersionNum, context);
  const strongest = facts.analysable ? strongestLock(facts) : null;
  return {
    strongest,
    facts,
    analysable: facts.analysable,
    guarded: !facts.analysable || (strongest !== null && lockRank(strongest) > lockRank('RowExclusiveLock')),
    concurrentIndex: concurrentIndex(node),
    noRetry: noRetryReason(node),
  };
}

function concurrentIndex(node: Node): ConcurrentIndex | null {
  const { type, body } = unwrap(node);
  const rel = body.relation as { schemaname?: string; relname?: string } | undefined;
  if (!rel?.relname) return null;
  const relation = { ...(rel.schemaname ? { schema: rel.schemaname } : {}), name: rel.relname };
  if (type === 'IndexStmt' && body.concurrent) {
    return { kind: 'create', relation, relationIsIndex: false, ...(body.idxname ? { indexName: String(body.idxname) } : {}) };
  }
  if (type === 'ReindexStmt') {
    const params = (body.params as Node[] | undefined) ?? [];
    const concurrently = params.some((p) => unwrap(p).body.defname === 'concurrently');
    if (!concurrently) return null;
    if (body.kind === 'REINDEX_OBJECT_INDEX') return { kind: 'reindex', relation, relationIsIndex: true };
    if (body.kind === 'REINDEX_OBJECT_TABLE') return { kind: 'reindex', relation, relationIsIndex: false };
  }
  return null;
}

/** DETACH PARTITION ... CONCURRENTLY that failed leaves the partition half-detached: it needs FINALIZE, not a second try. */
function noRetryReason(node: Node): string | null {
  const { type, body } = unwrap(node);
  if (type !== 'AlterTableStmt') return null;
  for (const cmd of (body.cmds as Node[] | undefined) ?? []) {
    const c = unwrap(cmd).body;
    if (c.subtype === 'AT_DetachPartition' && (unwrap(c.def as Node).body.concurrent as boolean | undefined)) {
      return 'a DETACH PARTITION ... CONCURRENTLY that was stopped leaves the partition pending detach: finish it with ALTER TABLE ... DETACH PARTITION ... FINALIZE';
    }
  }
  return null;
}
