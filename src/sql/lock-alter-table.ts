// ALTER TABLE, subcommand by subcommand, after PostgreSQL's
// AlterTableGetLockLevel (src/backend/commands/tablecmds.c): the statement
// takes the strongest level any of its subcommands needs. Where the level or
// the work changed between versions, the version is checked:
//   - ADD COLUMN with a non-volatile default: no rewrite since PostgreSQL 11;
//   - ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent since 12 (ACCESS EXCLUSIVE before);
//   - DETACH PARTITION CONCURRENTLY: since 14;
//   - SET NOT NULL skips its scan when a validated CHECK (col IS NOT NULL) exists: since 12;
//   - SET EXPRESSION: since 17; virtual generated columns (no rewrite): since 18.

import type { Node } from 'libpg-query';
import { foreignKeyName, type LockContext } from './lock-context.js';
import type { FactsBuilder } from './lock-facts.js';
import { expressionVolatility } from './lock-functions.js';
import type { LockMode } from './lock-modes.js';
import { stronger } from './lock-modes.js';
import { binaryCoercible, columnType, typeWords } from './lock-types.js';
import { relationOf } from './lock-names.js';
import { defElems, dottedName, unwrap } from './tree.js';

/** Rel options that need ACCESS EXCLUSIVE (reloptions.c); the rest take SHARE UPDATE EXCLUSIVE. */
const EXCLUSIVE_RELOPTIONS = new Set(['user_catalog_table', 'security_barrier', 'check_option', 'security_invoker', 'buffering']);

const SERIALS = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

/** Subcommands by their level, where nothing else matters. */
const LEVEL: Record<string, LockMode> = {
  AT_SetStatistics: 'ShareUpdateExclusiveLock',
  AT_ClusterOn: 'ShareUpdateExclusiveLock',
  AT_DropCluster: 'ShareUpdateExclusiveLock',
  AT_SetOptions: 'ShareUpdateExclusiveLock',
  AT_ResetOptions: 'ShareUpdateExclusiveLock',
  AT_DetachPartitionFinalize: 'ShareUpdateExclusiveLock',
  // Triggers affect writes only.
  AT_EnableTrig: 'ShareRowExclusiveLock',
  AT_EnableAlwaysTrig: 'ShareRowExclusiveLock',
  AT_EnableReplicaTrig: 'ShareRowExclusiveLock',
  AT_EnableTrigAll: 'ShareRowExclusiveLock',
  AT_EnableTrigUser: 'ShareRowExclusiveLock',
  AT_DisableTrig: 'ShareRowExclusiveLock',
  AT_DisableTrigAll: 'ShareRowExclusiveLock',
  AT_DisableTrigUser: 'ShareRowExclusiveLock',
};

/** Adds the effects of one ALTER TABLE statement (already known to be AlterTableStmt) to `f`. */
export function alterTable(b: Record<string, unknown>, version: number, ctx: LockContext, f: FactsBuilder): void {
  const rel = relationOf(b.relation);
  const isNew = ctx.isNew(rel);
  let mode: LockMode = 'ShareUpdateExclusiveLock';
  let recursing: LockMode | null = null;
  for (const cmd of (b.cmds as Node[] | undefined) ?? []) {
    const c = unwrap(cmd).body;
    const level = subcommand(c, rel, isNew, version, ctx, f);
    mode = stronger(mode, level);
    if (recurses(c)) recursing = recursing ? stronger(recursing, level) : level;
  }
  f.lock(rel, mode);
  // Without ONLY, column and constraint changes go down to every partition and inheritance child, each locked as the parent.
  if (recursing && (b.relation as { inh?: boolean }).inh === true) for (const child of ctx.descendants(rel)) f.lock(child, recursing);
}

/** Subcommands PostgreSQL applies to the children too (ATSimpleRecursion and the column/constraint code's own recursion in tablecmds.c). */
const RECURSING = new Set([
  'AT_AddColumn', 'AT_DropColumn', 'AT_AlterColumnType', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_DropNotNull',
  'AT_SetStatistics', 'AT_SetStorage', 'AT_DropConstraint', 'AT_ValidateConstraint',
]);

function recurses(c: Record<string, unknown>): boolean {
  const subtype = String(c.subtype);
  if (RECURSING.has(subtype)) return true;
  if (subtype !== 'AT_AddConstraint') return false;
  const k = unwrap(c.def as Node).body;
  // A CHECK (unless NO INHERIT) or NOT NULL constraint is added to every child.
  return (k.contype === 'CONSTR_CHECK' && k.is_no_inherit !== true) || k.contype === 'CONSTR_NOTNULL';
}

function subcommand(c: Record<string, unknown>, rel: string, isNew: boolean, version: number, ctx: LockContext, f: FactsBuilder): LockMode {
  const subtype = String(c.subtype);
  const column = c.name === undefined ? '' : String(c.name);
  const hazard = (rule: string, detail: string) => {
    if (!isNew) f.hazard(rule, rel, detail);
  };
  if (LEVEL[subtype]) return LEVEL[subtype];
  switch (subtype) {
    case 'AT_AddColumn':
      addColumn(unwrap(c.def as Node).body, rel, isNew, version, ctx, f);
      return 'AccessExclusiveLock';
    case 'AT_AlterColumnType': {
      const def = unwrap(c.def as Node).body;
      const to = columnType(def.typeName);
      const from = ctx.columnType(rel, column);
      // USING the column itself (or cast to the new type) changes nothing about the values: judged as without USING.
      const coercible = from !== undefined && (def.raw_default === undefined || usesColumnAsIs(def.raw_default, column)) && binaryCoercible(from, to);
      if (!coercible) {
        f.rewrite = true;
        f.fullScan = true;
        hazard('column-type-rewrites', from
          ? `ALTER COLUMN ${column} TYPE ${typeWords(to)} (from ${typeWords(from)}) rewrites ${rel} and rebuilds its indexes`
          : `ALTER COLUMN ${column} TYPE ${typeWords(to)} rewrites ${rel} and rebuilds its indexes unless the change is binary-coercible (such as varchar(n) to text or to a longer varchar)`);
      }
      ctx.setColumn(rel, column, to);
      return 'AccessExclusiveLock';
    }
    case 'AT_SetNotNull':
      if (!(version >= 120000 && ctx.hasNotNullCheck(rel, column))) {
        f.fullScan = true;
        hazard('set-not-null-scans', `SET NOT NULL on ${column} scans all of ${rel} under ACCESS EXCLUSIVE`);
      }
      return 'AccessExclusiveLock';
    case 'AT_AddConstraint':
      return addConstraint(unwrap(c.def as Node).body, rel, isNew, ctx, f);
    case 'AT_ValidateConstraint': {
      // VALIDATE reads the table under SHARE UPDATE EXCLUSIVE: reads and writes go on. A foreign key's check
      // also reads the referenced table, under ROW SHARE (its rows are locked FOR KEY SHARE).
      f.fullScan = true;
      ctx.noteValidated(rel, column);
      const referenced = ctx.foreignKeyTarget(rel, column);
      if (referenced) f.lock(referenced, 'RowShareLock');
      return 'ShareUpdateExclusiveLock';
    }
    case 'AT_SetTableSpace':
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
    case 'AT_SetAccessMethod':
      f.rewrite = true;
      f.fullScan = true;
      hazard('table-rewrite', `${SUBCOMMAND_WORDS[subtype]} rewrites ${rel} under ACCESS EXCLUSIVE`);
      return 'AccessExclusiveLock';
    case 'AT_SetExpression':
      f.rewrite = true;
      f.fullScan = true;
      hazard('table-rewrite', `ALTER COLUMN ${column} SET EXPRESSION recomputes the column and rewrites ${rel}`);
      return 'AccessExclusiveLock';
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions': {
      const names = defElems(unwrap(c.def as Node).body.items as Node[] | undefined).map((o) => o.defname);
      return names.some((n) => EXCLUSIVE_RELOPTIONS.has(String(n))) ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock';
    }
    case 'AT_AttachPartition': {
      const part = unwrap(c.def as Node).body;
      ctx.addChild(rel, relationOf(part.name));
      return attachPartition(part, rel, isNew, version, f);
    }
    case 'AT_DetachPartition': {
      const part = unwrap(c.def as Node).body;
      const partition = relationOf(part.name);
      ctx.removeChild(rel, partition);
      if (part.concurrent && version >= 140000) {
        // Two transactions: the first marks the detach under SHARE UPDATE EXCLUSIVE on both; the second, once every
        // query planned with the partition has ended, takes ACCESS EXCLUSIVE on the partition (queries on it wait).
        f.lock(partition, 'AccessExclusiveLock');
        return 'ShareUpdateExclusiveLock';
      }
      f.lock(partition, 'AccessExclusiveLock');
      if (version >= 140000) hazard('detach-partition-non-concurrently', `DETACH PARTITION ${partition} takes ACCESS EXCLUSIVE on ${rel} and ${partition}`);
      return 'AccessExclusiveLock';
    }
    case 'AT_AddInherit': {
      const parent = relationOf(unwrap(c.def as Node).body);
      f.lock(parent, 'ShareUpdateExclusiveLock');
      ctx.addChild(parent, rel);
      return 'AccessExclusiveLock';
    }
    case 'AT_DropInherit': {
      const parent = relationOf(unwrap(c.def as Node).body);
      f.lock(parent, 'AccessShareLock');
      ctx.removeChild(parent, rel);
      return 'AccessExclusiveLock';
    }
    default:
      // Everything else — defaults, DROP COLUMN, DROP CONSTRAINT, DROP NOT NULL, identity, storage,
      // compression, owner, replica identity, row security, rules, OF, generic options — is ACCESS EXCLUSIVE.
      return 'AccessExclusiveLock';
  }
}

const SUBCOMMAND_WORDS: Record<string, string> = {
  AT_SetTableSpace: 'SET TABLESPACE',
  AT_SetLogged: 'SET LOGGED',
  AT_SetUnLogged: 'SET UNLOGGED',
  AT_SetAccessMethod: 'SET ACCESS METHOD',
};

function addColumn(def: Record<string, unknown>, rel: string, isNew: boolean, version: number, ctx: LockContext, f: FactsBuilder): void {
  const column = String(def.colname ?? '');
  const type = columnType(def.typeName);
  ctx.setColumn(rel, column, type);
  const rewrite = (rule: string, detail: string) => {
    f.rewrite = true;
    f.fullScan = true;
    if (!isNew) f.hazard(rule, rel, detail);
  };
  const typeName = dottedName((def.typeName as { names?: Node[] } | undefined)?.names);
  if (SERIALS.has(typeName)) {
    rewrite('add-column-rewrites', `ADD COLUMN ${column} ${typeName} fills every row from a sequence: ${rel} is rewritten`);
  }
  for (const con of (def.constraints as Node[] | undefined) ?? []) {
    const k = unwrap(con).body;
    switch (k.contype) {
      case 'CONSTR_DEFAULT': {
        const v = expressionVolatility(k.raw_expr);
        if (version < 110000 && !isNullConstant(k.raw_expr)) {
          rewrite('add-column-default-rewrites', `ADD COLUMN ${column} with a DEFAULT rewrites ${rel} before PostgreSQL 11`);
        } else if (v.volatility === 'volatile') {
          rewrite('add-column-volatile-default', `ADD COLUMN ${column} DEFAULT ${v.name}(): a volatile default is computed for every row, so ${rel} is rewritten`);
        } else if (v.volatility === 'unknown') {
          rewrite('add-column-volatile-default', `ADD COLUMN ${column} DEFAULT ${v.name}(): ${rel} is rewritten unless ${v.name} is STABLE or IMMUTABLE`);
        }
        break;
      }
      case 'CONSTR_IDENTITY':
        rewrite('add-column-rewrites', `ADD COLUMN ${column} GENERATED AS IDENTITY fills every row from a sequence: ${rel} is rewritten`);
        break;
      case 'CONSTR_GENERATED':
        // PostgreSQL 18 computes VIRTUAL columns on read; STORED ones (the only kind before 18) are written into every row.
        if (k.generated_kind !== 'v' || version < 180000) {
          rewrite('add-column-rewrites', `ADD COLUMN ${column} GENERATED ALWAYS AS (…) STORED computes every row: ${rel} is rewritten`);
        }
        break;
      case 'CONSTR_PRIMARY':
      case 'CONSTR_UNIQUE':
        f.indexBuild = true;
        f.fullScan = true;
        if (!isNew) f.hazard('add-unique-builds-index', rel, `ADD COLUMN ${column} ${k.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'} builds an index on ${rel} under ACCESS EXCLUSIVE`);
        break;
      case 'CONSTR_FOREIGN':
        f.lock(relationOf(k.pktable), 'ShareRowExclusiveLock');
        break;
      case 'CONSTR_CHECK':
        f.fullScan = true;
        break;
    }
  }
}

function isNullConstant(expr: unknown): boolean {
  const { type, body } = unwrap(expr as Node);
  return type === 'A_Const' && body.isnull === true;
}

function addConstraint(k: Record<string, unknown>, rel: string, isNew: boolean, ctx: LockContext, f: FactsBuilder): LockMode {
  const name = k.conname === undefined ? undefined : String(k.conname);
  const validates = k.skip_validation !== true;
  const named = name ? ` ${name}` : '';
  switch (k.contype) {
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION': {
      const what = k.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : k.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'EXCLUDE';
      if (k.indexname === undefined) {
        f.indexBuild = true;
        f.fullScan = true;
        if (!isNew) {
          f.hazard(k.contype === 'CONSTR_EXCLUSION' ? 'add-exclusion-builds-index' : 'add-unique-builds-index', rel,
            `ADD CONSTRAINT${named} ${what} builds an index on ${rel} under ACCESS EXCLUSIVE`);
        }
      }
      return 'AccessExclusiveLock';
    }
    case 'CONSTR_FOREIGN': {
      // Triggers go on both tables, so both take SHARE ROW EXCLUSIVE (as CREATE TRIGGER does).
      const referenced = relationOf(k.pktable);
      f.lock(referenced, 'ShareRowExclusiveLock');
      const columns = ((k.fk_attrs as Node[] | undefined) ?? []).map((n) => String(unwrap(n).body.sval));
      ctx.noteForeignKey(rel, name ?? foreignKeyName(rel.split('.').pop()!.replaceAll('"', ''), columns), referenced);
      if (validates) {
        f.fullScan = true;
        if (!isNew) {
          f.hazard('constraint-validates', rel, `ADD CONSTRAINT${named} FOREIGN KEY checks every row of ${rel} against ${referenced} while both are locked against writes`, 'ShareRowExclusiveLock');
        }
      }
      return 'ShareRowExclusiveLock';
    }
    case 'CONSTR_CHECK': {
      const column = notNullColumn(k.raw_expr);
      ctx.noteCheck(rel, name, column, validates);
      if (validates) {
        f.fullScan = true;
        if (!isNew) f.hazard('constraint-validates', rel, `ADD CONSTRAINT${named} CHECK scans all of ${rel} under ACCESS EXCLUSIVE`);
      }
      return 'AccessExclusiveLock';
    }
    case 'CONSTR_NOTNULL':
      if (validates) {
        f.fullScan = true;
        if (!isNew) f.hazard('set-not-null-scans', rel, `ADD CONSTRAINT${named} NOT NULL scans all of ${rel} under ACCESS EXCLUSIVE`);
      }
      return 'AccessExclusiveLock';
    default:
      return 'AccessExclusiveLock';
  }
}

/** `USING col` or `USING col::type`: the old value as it is. */
function usesColumnAsIs(expr: unknown, column: string): boolean {
  let { type, body } = unwrap(expr as Node);
  if (type === 'TypeCast') ({ type, body } = unwrap(body.arg as Node));
  return type === 'ColumnRef' && dottedName(body.fields as Node[]) === column;
}

/** The column of `CHECK (col IS NOT NULL)`, or undefined. */
function notNullColumn(expr: unknown): string | undefined {
  const { type, body } = unwrap(expr as Node);
  if (type !== 'NullTest' || body.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const arg = unwrap(body.arg as Node);
  if (arg.type !== 'ColumnRef') return undefined;
  return dottedName(arg.body.fields as Node[]).split('.').pop();
}

function attachPartition(part: Record<string, unknown>, rel: string, isNew: boolean, version: number, f: FactsBuilder): LockMode {
  const partition = relationOf(part.name);
  // The partition is locked ACCESS EXCLUSIVE and scanned to prove its rows fit the bound,
  // unless a validated CHECK constraint already proves it.
  f.lock(partition, 'AccessExclusiveLock');
  f.fullScan = true;
  if (!isNew) {
    f.hazard('attach-partition-scans', partition, `ATTACH PARTITION scans ${partition} under ACCESS EXCLUSIVE to check its rows fit the partition bound`);
  }
  return version >= 120000 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
}
