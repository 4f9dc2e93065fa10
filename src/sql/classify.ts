// What a statement is, from its parse tree: kind, command, and the facts the
// engine decides on (transaction mode, typed confirmation, target re-check).

import type { Node } from 'libpg-query';
import { commandOfParts } from './command.js';
import { destructiveOfParts, explainAnalyzes, noTransactionOfParts } from './safety.js';
import { stateChangingCalls } from './lock-functions.js';
import { unwrap, withQueries } from './tree.js';
import type { StatementFacts, StatementKind } from './types.js';

/** Statements that define or change schema objects, roles, grants, databases. */
const DDL = new Set([
  'CreateStmt', 'CreateSchemaStmt', 'AlterTableStmt', 'AlterDomainStmt', 'GrantStmt', 'GrantRoleStmt',
  'AlterDefaultPrivilegesStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt', 'AlterTableSpaceOptionsStmt',
  'AlterTableMoveAllStmt', 'CreateExtensionStmt', 'AlterExtensionStmt', 'AlterExtensionContentsStmt',
  'CreateFdwStmt', 'AlterFdwStmt', 'CreateForeignServerStmt', 'AlterForeignServerStmt', 'CreateForeignTableStmt',
  'CreateUserMappingStmt', 'AlterUserMappingStmt', 'DropUserMappingStmt', 'ImportForeignSchemaStmt',
  'CreatePolicyStmt', 'AlterPolicyStmt', 'CreateAmStmt', 'CreateTrigStmt', 'CreateEventTrigStmt',
  'AlterEventTrigStmt', 'CreatePLangStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt',
  'CreateSeqStmt', 'AlterSeqStmt', 'DefineStmt', 'CreateDomainStmt', 'CreateOpClassStmt', 'CreateOpFamilyStmt',
  'AlterOpFamilyStmt', 'DropStmt', 'TruncateStmt', 'CommentStmt', 'SecLabelStmt', 'IndexStmt', 'CreateStatsStmt',
  'AlterStatsStmt', 'CreateFunctionStmt', 'AlterFunctionStmt', 'RenameStmt', 'AlterObjectDependsStmt',
  'AlterObjectSchemaStmt', 'AlterOwnerStmt', 'AlterOperatorStmt', 'AlterTypeStmt', 'RuleStmt', 'CompositeTypeStmt',
  'CreateEnumStmt', 'CreateRangeStmt', 'AlterEnumStmt', 'ViewStmt', 'CreatedbStmt', 'AlterDatabaseStmt',
  'AlterDatabaseRefreshCollStmt', 'AlterDatabaseSetStmt', 'DropdbStmt', 'CreateTableAsStmt', 'CreateConversionStmt',
  'CreateCastStmt', 'CreateTransformStmt', 'DropOwnedStmt', 'ReassignOwnedStmt', 'AlterTSDictionaryStmt',
  'AlterTSConfigurationStmt', 'CreatePublicationStmt', 'AlterPublicationStmt', 'CreateSubscriptionStmt',
  'AlterSubscriptionStmt', 'DropSubscriptionStmt', 'AlterCollationStmt',
]);

/** Utility statements that change neither data nor schema (session state, cursors, locks, notifications). */
const READ_ONLY_UTILITY = new Set([
  'VariableShowStmt', 'DiscardStmt', 'ListenStmt', 'UnlistenStmt', 'NotifyStmt', 'DeclareCursorStmt',
  'FetchStmt', 'ClosePortalStmt', 'PrepareStmt', 'DeallocateStmt', 'LoadStmt', 'LockStmt', 'CheckPointStmt',
  'ConstraintsSetStmt',
]);

function kindOf(type: string): StatementKind {
  switch (type) {
    case 'SelectStmt': return 'select';
    case 'InsertStmt': return 'insert';
    case 'UpdateStmt': return 'update';
    case 'DeleteStmt': return 'delete';
    case 'ExplainStmt': return 'explain';
    case 'TransactionStmt': return 'transaction';
    case 'DoStmt': return 'do';
    case 'CallStmt': return 'call';
    case 'CopyStmt': return 'copy';
    case 'VariableSetStmt': return 'set';
    case 'MergeStmt': return 'other';
  }
  return DDL.has(type) ? 'ddl' : 'utility';
}

/** Whether running the statement changes data or schema. */
function writesOf(node: Node): boolean {
  const { type, body } = unwrap(node);
  return writesOfParts(node, type, body);
}

function writesOfParts(node: Node, type: string, body: Record<string, unknown>): boolean {
  switch (type) {
    case 'SelectStmt':
      // SELECT INTO creates a table; a data-modifying CTE writes; so does pg_terminate_backend(), lo_unlink(), setval()…
      return Boolean(body.intoClause) || withQueries(body).some(writesOf) || stateChangingCalls(node).length > 0;
    case 'ExplainStmt':
      return explainAnalyzes(body) && writesOf(body.query as Node);
    case 'CopyStmt':
      return body.is_from === true;
    case 'VariableSetStmt':
    case 'TransactionStmt':
      return false;
  }
  // Everything else is assumed to write, DO and CALL included: we cannot see inside them.
  return !READ_ONLY_UTILITY.has(type);
}

/** Whether the statement returns rows: true, false, or null when it depends on what runs. */
function returnsRowsOf(type: string, body: Record<string, unknown>): boolean | null {
  switch (type) {
    case 'SelectStmt':
      return !body.intoClause;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return Boolean(body.returningClause ?? body.returningList);
    case 'ExplainStmt':
    case 'VariableShowStmt':
      return true;
    case 'FetchStmt':
      return !body.ismove;
    case 'CallStmt': // a procedure with OUT parameters returns a row
    case 'ExecuteStmt': // depends on the prepared statement
      return null;
  }
  return false;
}

/** Everything the engine needs to know about one statement. */
export function classify(node: Node): StatementFacts {
  // The node is unwrapped once for every question (each unwrapped it again: six times a statement).
  const { type, body } = unwrap(node);
  return {
    kind: type === 'VacuumStmt' ? (body.is_vacuumcmd ? 'vacuum' : 'analyze') : kindOf(type),
    command: commandOfParts(type, body),
    noTransaction: noTransactionOfParts(type, body),
    destructive: destructiveOfParts(type, body),
    writes: writesOfParts(node, type, body),
    returnsRows: returnsRowsOf(type, body),
  };
}
