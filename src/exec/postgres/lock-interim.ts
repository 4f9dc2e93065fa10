// INTERIM, until the lock model (src/sql/locks.ts, statementLocks) is on
// main: the strongest lock a statement takes, by statement type only.
// Replaced by a call to strongestLock(statementLocks(node, version)).
import type { Node } from 'libpg-query';
import { unwrap } from '../../sql/tree.js';

export type LockMode = 'AccessShareLock' | 'RowShareLock' | 'RowExclusiveLock' | 'ShareUpdateExclusiveLock' | 'ShareLock' | 'ShareRowExclusiveLock' | 'ExclusiveLock' | 'AccessExclusiveLock';

export function interimLocks(node: Node, _serverVersionNum: number): { analysable: boolean; strongest: LockMode | null } {
  const { type, body } = unwrap(node);
  switch (type) {
    case 'SelectStmt':
      return { analysable: true, strongest: (body.lockingClause as unknown[] | undefined)?.length ? 'RowShareLock' : 'AccessShareLock' };
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return { analysable: true, strongest: 'RowExclusiveLock' };
    case 'CopyStmt':
      return { analysable: true, strongest: body.is_from ? 'RowExclusiveLock' : 'AccessShareLock' };
    case 'TransactionStmt':
    case 'VariableSetStmt':
    case 'VariableShowStmt':
    case 'ExplainStmt':
    case 'CreateStmt':
    case 'CreateSchemaStmt':
    case 'CreateSeqStmt':
    case 'CreateFunctionStmt':
    case 'DiscardStmt':
    case 'NotifyStmt':
    case 'ListenStmt':
    case 'CheckPointStmt':
      return { analysable: true, strongest: null };
    case 'IndexStmt':
      return { analysable: true, strongest: body.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock' };
    case 'VacuumStmt':
      return { analysable: true, strongest: JSON.stringify(body.options ?? []).includes('"full"') ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock' };
    case 'DoStmt':
    case 'CallStmt':
      return { analysable: false, strongest: null };
    default:
      return { analysable: true, strongest: 'AccessExclusiveLock' };
  }
}
