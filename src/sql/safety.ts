// The two questions an operator's safety depends on, answered from the parse
// tree: can this statement run inside a transaction block, and does it destroy
// data. Anything PostgreSQL refuses with "cannot run inside a transaction
// block" (PreventInTransactionBlock) belongs in noTransaction.

import type { Node, ObjectType } from 'libpg-query';
import { commandOfParts, objectWords } from './command.js';
import { alwaysTrue } from './always-true.js';
import { defElems, dottedName, objectName, optionOn, relationName, unwrap, withQueries } from './tree.js';

const IN_BLOCK = 'cannot run inside a transaction block';

/** Why the statement cannot run inside a transaction block, or null; for a node already unwrapped (classify reads each statement's type and body once). */
export function noTransactionOfParts(type: string, b: Record<string, unknown>): string | null {
  const options = (field: string) => defElems(b[field] as Node[] | undefined);
  switch (type) {
    case 'IndexStmt':
      return b.concurrent ? `CREATE INDEX CONCURRENTLY ${IN_BLOCK}` : null;
    case 'DropStmt':
      return b.concurrent ? `DROP INDEX CONCURRENTLY ${IN_BLOCK}` : null;
    case 'ReindexStmt': {
      if (options('params').some((o) => o.defname === 'concurrently' && optionOn(o))) {
        return `REINDEX ... CONCURRENTLY ${IN_BLOCK}`;
      }
      const kind = String(b.kind);
      // Reindexing many tables commits per table, so PostgreSQL refuses it in a block.
      return ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_SYSTEM', 'REINDEX_OBJECT_DATABASE'].includes(kind)
        ? `REINDEX ${kind.replace('REINDEX_OBJECT_', '')} ${IN_BLOCK}`
        : null;
    }
    case 'VacuumStmt':
      return b.is_vacuumcmd ? `VACUUM ${IN_BLOCK}` : null;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
      return `${commandOfParts(type, b)} ${IN_BLOCK}`;
    case 'AlterDatabaseStmt':
      return options('options').some((o) => o.defname === 'tablespace') ? `ALTER DATABASE ... SET TABLESPACE ${IN_BLOCK}` : null;
    case 'ClusterStmt':
      return b.relation ? null : `CLUSTER without a table name ${IN_BLOCK}`;
    case 'AlterTableStmt':
      return detachesConcurrently(b) ? `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY ${IN_BLOCK}` : null;
    case 'CreateSubscriptionStmt': {
      // It creates a replication slot unless told not to (create_slot = false or connect = false).
      const off = options('options').some((o) => (o.defname === 'create_slot' || o.defname === 'connect') && !optionOn(o));
      return off ? null : `CREATE SUBSCRIPTION that creates a replication slot ${IN_BLOCK}`;
    }
    case 'DropSubscriptionStmt':
      return `DROP SUBSCRIPTION ${IN_BLOCK} when the subscription has a replication slot`;
    case 'AlterSubscriptionStmt': {
      const kind = String(b.kind);
      if (kind.includes('REFRESH')) return `ALTER SUBSCRIPTION ... REFRESH ${IN_BLOCK}`;
      // SET/ADD/DROP PUBLICATION refresh the subscription unless told WITH (refresh = false).
      const refreshes = !options('options').some((o) => o.defname === 'refresh' && !optionOn(o));
      const verb = /ALTER_SUBSCRIPTION_(SET|ADD|DROP)_PUBLICATION/.exec(kind)?.[1];
      return verb && refreshes ? `ALTER SUBSCRIPTION ... ${verb} PUBLICATION (with its default refresh) ${IN_BLOCK}` : null;
    }
    case 'DiscardStmt':
      return b.target === 'DISCARD_ALL' ? `DISCARD ALL ${IN_BLOCK}` : null;
    case 'CallStmt':
      return isRefreshContinuousAggregate(b) ? `CALL refresh_continuous_aggregate() (TimescaleDB) ${IN_BLOCK}` : null;
    case 'CreateTableAsStmt':
      return isContinuousAggregateWithData(b)
        ? `CREATE MATERIALIZED VIEW ... WITH (timescaledb.continuous) ${IN_BLOCK} unless it is created WITH NO DATA`
        : null;
    case 'TransactionStmt':
      return `${commandOfParts(type, b)} in the SQL means it manages its own transaction, so it must not be wrapped in another one`;
    default:
      return null;
  }
}

function detachesConcurrently(b: Record<string, unknown>): boolean {
  return ((b.cmds as Node[] | undefined) ?? []).some((cmd) => {
    const c = unwrap(cmd).body;
    return c.subtype === 'AT_DetachPartition' && unwrap(c.def as Node).body.concurrent === true;
  });
}

function isRefreshContinuousAggregate(b: Record<string, unknown>): boolean {
  // funccall is a FuncCall struct itself, not a wrapped node.
  const call = (b.funccall as { funcname?: Node[] } | undefined)?.funcname;
  // Schema-qualified or not: the last part of the name is the function.
  return dottedName(call).split('.').pop() === 'refresh_continuous_aggregate';
}

function isContinuousAggregateWithData(b: Record<string, unknown>): boolean {
  const into = (b.into ?? {}) as { options?: Node[]; skipData?: boolean };
  if (b.objtype !== 'OBJECT_MATVIEW' || into.skipData) return false;
  // TimescaleDB accepts both the timescaledb. and the newer tsdb. namespace.
  return defElems(into.options).some(
    (o) => (o.defnamespace === 'timescaledb' || o.defnamespace === 'tsdb') && o.defname === 'continuous' && optionOn(o),
  );
}

/** Why `node` destroys data, or null. Looks into data-modifying CTEs and EXPLAIN ANALYZE. */
export function destructiveReason(node: Node): string | null {
  const { type, body } = unwrap(node);
  return destructiveOfParts(type, body);
}

/** destructiveReason for a node already unwrapped (classify reads each statement's type and body once). */
export function destructiveOfParts(type: string, b: Record<string, unknown>): string | null {
  switch (type) {
    case 'DropStmt': {
      const names = ((b.objects as Node[] | undefined) ?? []).map(objectName).filter(Boolean).join(', ');
      const what = objectWords(b.removeType as ObjectType).toLowerCase();
      return `DROP ${objectWords(b.removeType as ObjectType)} permanently removes the ${what}${names ? ` ${names}` : ''}` +
        (b.behavior === 'DROP_CASCADE' ? ' and everything that depends on it (CASCADE)' : '');
    }
    case 'DropdbStmt':
      return `DROP DATABASE permanently removes the database ${String(b.dbname)} and everything in it`;
    case 'DropTableSpaceStmt':
      return `DROP TABLESPACE permanently removes the tablespace ${String(b.tablespacename)}`;
    case 'DropRoleStmt':
      return 'DROP ROLE permanently removes roles';
    case 'DropOwnedStmt':
      return 'DROP OWNED removes every object owned by the roles';
    case 'DropSubscriptionStmt':
      return `DROP SUBSCRIPTION permanently removes the subscription ${String(b.subname)}`;
    case 'DropUserMappingStmt':
      return 'DROP USER MAPPING permanently removes the user mapping';
    case 'TruncateStmt': {
      const tables = ((b.relations as Node[] | undefined) ?? []).map((r) => relationName(unwrap(r).body)).join(', ');
      return `TRUNCATE removes every row of ${tables}`;
    }
    case 'DeleteStmt':
      if (!b.whereClause) return `DELETE without WHERE removes every row of ${relationName(b.relation)}`;
      if (alwaysTrue(b.whereClause)) return `DELETE with an always-true WHERE removes every row of ${relationName(b.relation)}`;
      break;
    case 'UpdateStmt':
      if (!b.whereClause) return `UPDATE without WHERE changes every row of ${relationName(b.relation)}`;
      if (alwaysTrue(b.whereClause)) return `UPDATE with an always-true WHERE changes every row of ${relationName(b.relation)}`;
      break;
    case 'MergeStmt': {
      const deletes = ((b.mergeWhenClauses as Node[] | undefined) ?? []).some((w) => unwrap(w).body.commandType === 'CMD_DELETE');
      if (deletes) return `MERGE … THEN DELETE removes the rows of ${relationName(b.relation)} that it matches`;
      break;
    }
    case 'AlterTableStmt': {
      const dropped: string[] = [];
      for (const cmd of (b.cmds as Node[] | undefined) ?? []) {
        const c = unwrap(cmd).body;
        if (c.subtype === 'AT_DropColumn') dropped.push(String(c.name));
      }
      if (dropped.length > 0) {
        return `ALTER TABLE ${relationName(b.relation)} DROP COLUMN removes the column ${dropped.join(', ')} and its data`;
      }
      break;
    }
    case 'ExplainStmt':
      // EXPLAIN ANALYZE really runs the statement.
      return explainAnalyzes(b) ? destructiveReason(b.query as Node) : null;
  }
  // WITH d AS (DELETE FROM t) SELECT ...: the CTE runs in full.
  for (const query of withQueries(b)) {
    const reason = destructiveReason(query);
    if (reason) return reason;
  }
  return null;
}

/** Whether an EXPLAIN runs its statement (ANALYZE on). */
export function explainAnalyzes(explain: Record<string, unknown>): boolean {
  return defElems(explain.options as Node[] | undefined).some((o) => o.defname === 'analyze' && optionOn(o));
}
