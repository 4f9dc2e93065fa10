// The command of a statement in words, the way PostgreSQL names it in its
// command tags (src/backend/tcop/cmdtag.c): 'CREATE INDEX', 'DROP TABLE'...
// Operators see these in progress lines and the journal.

import type { Node, ObjectType } from 'libpg-query';
import { unwrap } from './tree.js';

/** Object types whose words are not simply the enum name with spaces. */
const OBJECT_WORDS: Partial<Record<ObjectType, string>> = {
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_FDW: 'FOREIGN DATA WRAPPER',
  OBJECT_FOREIGN_SERVER: 'SERVER',
  OBJECT_STATISTIC_EXT: 'STATISTICS',
  OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
  OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
  OBJECT_TSPARSER: 'TEXT SEARCH PARSER',
  OBJECT_TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
  OBJECT_OPCLASS: 'OPERATOR CLASS',
  OBJECT_OPFAMILY: 'OPERATOR FAMILY',
  OBJECT_ACCESS_METHOD: 'ACCESS METHOD',
  OBJECT_LARGEOBJECT: 'LARGE OBJECT',
  OBJECT_TABCONSTRAINT: 'TABLE',
  OBJECT_DOMCONSTRAINT: 'DOMAIN',
  OBJECT_ATTRIBUTE: 'TYPE',
};

/** 'OBJECT_MATVIEW' → 'MATERIALIZED VIEW', 'OBJECT_EVENT_TRIGGER' → 'EVENT TRIGGER'. */
export function objectWords(type: ObjectType | undefined, fallback = 'TABLE'): string {
  if (!type) return fallback;
  let words = OBJECT_WORDS[type] ?? wordsOf.get(type);
  if (words === undefined) {
    words = type.replace('OBJECT_', '').replaceAll('_', ' ');
    // Asked for every ALTER TABLE and DROP a file has: the few object types' words are kept once made.
    wordsOf.set(type, words);
  }
  return words;
}

const wordsOf = new Map<string, string>();

/** Statements whose command never varies. */
const FIXED: Record<string, string> = {
  InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE',
  CreateStmt: 'CREATE TABLE', CreateSchemaStmt: 'CREATE SCHEMA', AlterDomainStmt: 'ALTER DOMAIN',
  AlterDefaultPrivilegesStmt: 'ALTER DEFAULT PRIVILEGES', CopyStmt: 'COPY', VariableShowStmt: 'SHOW',
  CreateTableSpaceStmt: 'CREATE TABLESPACE', DropTableSpaceStmt: 'DROP TABLESPACE',
  AlterTableSpaceOptionsStmt: 'ALTER TABLESPACE', CreateExtensionStmt: 'CREATE EXTENSION',
  AlterExtensionStmt: 'ALTER EXTENSION', AlterExtensionContentsStmt: 'ALTER EXTENSION',
  CreateFdwStmt: 'CREATE FOREIGN DATA WRAPPER', AlterFdwStmt: 'ALTER FOREIGN DATA WRAPPER',
  CreateForeignServerStmt: 'CREATE SERVER', AlterForeignServerStmt: 'ALTER SERVER',
  CreateForeignTableStmt: 'CREATE FOREIGN TABLE', CreateUserMappingStmt: 'CREATE USER MAPPING',
  AlterUserMappingStmt: 'ALTER USER MAPPING', DropUserMappingStmt: 'DROP USER MAPPING',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA', CreatePolicyStmt: 'CREATE POLICY',
  AlterPolicyStmt: 'ALTER POLICY', CreateAmStmt: 'CREATE ACCESS METHOD', CreateTrigStmt: 'CREATE TRIGGER',
  CreateEventTrigStmt: 'CREATE EVENT TRIGGER', AlterEventTrigStmt: 'ALTER EVENT TRIGGER',
  CreatePLangStmt: 'CREATE LANGUAGE', CreateRoleStmt: 'CREATE ROLE', AlterRoleStmt: 'ALTER ROLE',
  AlterRoleSetStmt: 'ALTER ROLE', DropRoleStmt: 'DROP ROLE', CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE', CreateDomainStmt: 'CREATE DOMAIN', CreateOpClassStmt: 'CREATE OPERATOR CLASS',
  CreateOpFamilyStmt: 'CREATE OPERATOR FAMILY', AlterOpFamilyStmt: 'ALTER OPERATOR FAMILY',
  TruncateStmt: 'TRUNCATE TABLE', CommentStmt: 'COMMENT', SecLabelStmt: 'SECURITY LABEL',
  DeclareCursorStmt: 'DECLARE CURSOR', ClosePortalStmt: 'CLOSE CURSOR', IndexStmt: 'CREATE INDEX',
  CreateStatsStmt: 'CREATE STATISTICS', AlterStatsStmt: 'ALTER STATISTICS', DoStmt: 'DO', CallStmt: 'CALL',
  AlterOperatorStmt: 'ALTER OPERATOR', AlterTypeStmt: 'ALTER TYPE', RuleStmt: 'CREATE RULE',
  NotifyStmt: 'NOTIFY', ListenStmt: 'LISTEN', UnlistenStmt: 'UNLISTEN', CompositeTypeStmt: 'CREATE TYPE',
  CreateEnumStmt: 'CREATE TYPE', CreateRangeStmt: 'CREATE TYPE', AlterEnumStmt: 'ALTER TYPE',
  ViewStmt: 'CREATE VIEW', LoadStmt: 'LOAD', CreatedbStmt: 'CREATE DATABASE', AlterDatabaseStmt: 'ALTER DATABASE',
  AlterDatabaseRefreshCollStmt: 'ALTER DATABASE', AlterDatabaseSetStmt: 'ALTER DATABASE',
  DropdbStmt: 'DROP DATABASE', AlterSystemStmt: 'ALTER SYSTEM', ClusterStmt: 'CLUSTER', ExplainStmt: 'EXPLAIN',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW', CheckPointStmt: 'CHECKPOINT', LockStmt: 'LOCK TABLE',
  ConstraintsSetStmt: 'SET CONSTRAINTS', ReindexStmt: 'REINDEX', CreateConversionStmt: 'CREATE CONVERSION',
  CreateCastStmt: 'CREATE CAST', CreateTransformStmt: 'CREATE TRANSFORM', PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE', DeallocateStmt: 'DEALLOCATE', DropOwnedStmt: 'DROP OWNED',
  ReassignOwnedStmt: 'REASSIGN OWNED', AlterTSDictionaryStmt: 'ALTER TEXT SEARCH DICTIONARY',
  AlterTSConfigurationStmt: 'ALTER TEXT SEARCH CONFIGURATION', CreatePublicationStmt: 'CREATE PUBLICATION',
  AlterPublicationStmt: 'ALTER PUBLICATION', CreateSubscriptionStmt: 'CREATE SUBSCRIPTION',
  AlterSubscriptionStmt: 'ALTER SUBSCRIPTION', DropSubscriptionStmt: 'DROP SUBSCRIPTION',
  AlterCollationStmt: 'ALTER COLLATION',
};

const TRANSACTION: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN', TRANS_STMT_START: 'START TRANSACTION', TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK', TRANS_STMT_SAVEPOINT: 'SAVEPOINT', TRANS_STMT_RELEASE: 'RELEASE',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK', TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED', TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** The command of a top-level statement node. */
export function commandOf(node: Node): string {
  const { type, body } = unwrap(node);
  return commandOfParts(type, body);
}

/** commandOf for a node already unwrapped (classify reads each statement's type and body once). */
export function commandOfParts(type: string, b: Record<string, unknown>): string {
  const objtype = (field: string) => b[field] as ObjectType | undefined;
  switch (type) {
    case 'SelectStmt':
      return b.intoClause ? 'SELECT INTO' : 'SELECT';
    case 'TransactionStmt':
      return TRANSACTION[String(b.kind)] ?? 'TRANSACTION';
    case 'VariableSetStmt':
      return String(b.kind).startsWith('VAR_RESET') ? 'RESET' : 'SET';
    case 'VacuumStmt':
      return b.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
    case 'DropStmt':
      return `DROP ${objectWords(objtype('removeType'))}`;
    case 'AlterTableStmt':
    case 'AlterTableMoveAllStmt':
      return `ALTER ${objectWords(objtype('objtype'))}`;
    case 'RenameStmt': {
      // Renaming a column or constraint is an ALTER of the table (or view...) that holds it.
      const renamed = objtype('renameType');
      return renamed === 'OBJECT_COLUMN' ? `ALTER ${objectWords(objtype('relationType'))}` : `ALTER ${objectWords(renamed)}`;
    }
    case 'AlterObjectSchemaStmt':
    case 'AlterOwnerStmt':
    case 'AlterObjectDependsStmt':
      return `ALTER ${objectWords(objtype('objectType'))}`;
    case 'AlterFunctionStmt':
      return `ALTER ${objectWords(objtype('objtype'), 'FUNCTION')}`;
    case 'DefineStmt':
      return `CREATE ${objectWords(objtype('kind'), 'TYPE')}`;
    case 'CreateFunctionStmt':
      return b.is_procedure ? 'CREATE PROCEDURE' : 'CREATE FUNCTION';
    case 'CreateTableAsStmt':
      return objtype('objtype') === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
    case 'GrantStmt':
    case 'GrantRoleStmt':
      return b.is_grant ? 'GRANT' : 'REVOKE';
    case 'FetchStmt':
      return b.ismove ? 'MOVE' : 'FETCH';
    case 'DiscardStmt':
      return `DISCARD ${String(b.target).replace('DISCARD_', '')}`;
    default:
      // Unknown to this table (a newer parser): the node name still says what it is.
      return FIXED[type] ?? type.replace(/Stmt$/, '');
  }
}
