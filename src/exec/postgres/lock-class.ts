// What the guard needs to know about a statement before it runs: does it take
// a lock stronger than ROW EXCLUSIVE (then it runs under the lock guard), and
// is it a CONCURRENTLY index build whose failure leaves an INVALID index
// behind. Read from the parse tree of the statement as sent.
import type { Node } from 'libpg-query';
import { parseStatements } from '../../sql/parser.js';
import { unwrap } from '../../sql/tree.js';
import { interimLocks, type LockMode } from './lock-interim.js';

export type { LockMode };

const ORDER: LockMode[] = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

/** 1..8 in PostgreSQL's order of lock modes (AccessShareLock weakest). */
export function lockRank(mode: LockMode): number {
  return ORDER.indexOf(mode) + 1;
}

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
  analysable: boolean;
  /** Runs under the lock guard: a lock stronger than ROW EXCLUSIVE, or one the model cannot see. */
  guarded: boolean;
  concurrentIndex: ConcurrentIndex | null;
  /** Why a retry would not be safe, even when the statement itself rolled back. */
  noRetry: string | null;
}

const NONE: StatementGuardInfo = { strongest: null, analysable: true, guarded: false, concurrentIndex: null, noRetry: null };

/** The guard's view of a statement, from its text as sent (placeholders already $n or quoted). */
export function guardInfo(sentText: string, serverVersionNum: number): StatementGuardInfo {
  let node: Node | undefined;
  try {
    node = parseStatements(sentText)[0]?.node;
  } catch {
    return { ...NONE, analysable: false, guarded: true };
  }
  if (!node) return NONE;
  const facts = interimLocks(node, serverVersionNum);
  const strongest = facts.analysable ? facts.strongest : null;
  return {
    strongest,
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
