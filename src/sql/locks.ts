// The lock model: from a statement's parse tree and the server's version, the
// lock it takes on each relation, whether it rewrites or scans the table,
// whether it builds an index, and what that blocks. PostgreSQL's rules: the
// documentation's table-level lock list (explicit-locking.html) and, for
// ALTER TABLE, AlterTableGetLockLevel in tablecmds.c (see lock-alter-table.ts).
// What the model cannot see into (DO, CALL, user functions, extensions) is
// reported as not analysable — never as safe.

import type { Node } from 'libpg-query';
import { alterTable } from './lock-alter-table.js';
import { foreignKeyName, LockContext } from './lock-context.js';
import { FactsBuilder, type LockFacts } from './lock-facts.js';
import { functionName, isKnownFunction, walk } from './lock-functions.js';
import { lockModeOfNumber, lockRank, type LockMode } from './lock-modes.js';
import { relationOf, relationOfNames } from './lock-names.js';
import { columnType } from './lock-types.js';
import { defElems, optionOn, unwrap } from './tree.js';

export type { Hazard, LockFacts, RelationLock } from './lock-facts.js';
export type { LockMode } from './lock-modes.js';
export { LockContext } from './lock-context.js';
export { stateChangingCalls } from './lock-functions.js';
export { blocksOfMode, lockModeWords, lockRank, LOCK_MODES } from './lock-modes.js';

/**
 * The locks `node` takes on a server of version `serverVersionNum` (150004 for 15.4).
 * `context` carries what earlier statements of the same file created; it is
 * updated with what this statement creates.
 */
export function statementLocks(node: Node, serverVersionNum: number, context: LockContext = new LockContext()): LockFacts {
  // The statements of a long data fix share one parse tree per shape (split-shapes.ts): an INSERT's
  // facts depend on its tree, the version and what the context knows of views, triggers and foreign
  // keys (nothing here), and it changes no context.
  const cacheable = 'InsertStmt' in node && insertNeedsNoContext(context);
  const shared = cacheable ? insertFacts.get(node) : undefined;
  if (shared?.version === serverVersionNum) return shared.facts;
  const f = new FactsBuilder();
  analyse(node, serverVersionNum, context, f);
  const facts = f.build();
  if (cacheable) insertFacts.set(node, { version: serverVersionNum, facts });
  return facts;
}

/** Nothing in the context can change an INSERT's facts: no views (expanded when read), triggers or foreign keys (what a write may also lock). */
function insertNeedsNoContext(context: LockContext): boolean {
  return context.views.size === 0 && context.triggers.size === 0 && context.foreignKeys.size === 0 && context.referencedBy.size === 0;
}

const insertFacts = new WeakMap<Node, { version: number; facts: LockFacts }>();

/** The strongest lock the statement takes on any relation, or null when it locks none. */
export function strongestLock(facts: LockFacts): LockMode | null {
  let strongest: LockMode | null = null;
  for (const r of facts.relations) if (strongest === null || lockRank(r.mode) > lockRank(strongest)) strongest = r.mode;
  return strongest;
}

/** Statements that lock no relation and do nothing the model cannot see. */
const NO_RELATION_LOCKS = new Set([
  'TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'DiscardStmt', 'ListenStmt', 'UnlistenStmt', 'NotifyStmt',
  'DeallocateStmt', 'CheckPointStmt', 'ConstraintsSetStmt', 'CreateFunctionStmt', 'AlterFunctionStmt',
  'CreateEnumStmt', 'CreateDomainStmt', 'CompositeTypeStmt', 'CreateRangeStmt', 'DefineStmt', 'AlterEnumStmt',
  'CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt', 'GrantRoleStmt',
  'AlterDefaultPrivilegesStmt', 'CreateSeqStmt', 'AlterSystemStmt', 'CreatedbStmt', 'AlterDatabaseStmt',
  'AlterDatabaseSetStmt', 'CreateTableSpaceStmt', 'CreateCastStmt', 'CreateConversionStmt', 'CreateOpClassStmt',
  'CreateOpFamilyStmt', 'AlterOpFamilyStmt', 'CreatePLangStmt', 'AlterTSDictionaryStmt', 'AlterTSConfigurationStmt',
  'CreateFdwStmt', 'AlterFdwStmt', 'CreateForeignServerStmt', 'AlterForeignServerStmt', 'CreateUserMappingStmt',
  'AlterUserMappingStmt', 'DropUserMappingStmt', 'CreateEventTrigStmt', 'AlterEventTrigStmt', 'AlterStatsStmt',
  'CreateAmStmt', 'AlterCollationStmt', 'AlterOperatorStmt', 'AlterTypeStmt', 'AlterOwnerStmt', 'CreateTransformStmt',
  'CreateSubscriptionStmt', 'AlterSubscriptionStmt', 'DropSubscriptionStmt', 'ClosePortalStmt', 'FetchStmt',
  'LoadStmt', 'ImportForeignSchemaStmt', 'SecLabelStmt', 'AlterDatabaseRefreshCollStmt', 'DropTableSpaceStmt',
  'DropdbStmt', 'AlterTableSpaceOptionsStmt', 'CreateForeignTableStmt',
]);

/** Relation kinds DROP and RENAME lock directly. */
const RELATION_OBJECTS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX']);

function analyse(node: Node, version: number, ctx: LockContext, f: FactsBuilder): void {
  const { type, body: b } = unwrap(node);
  switch (type) {
    case 'AlterTableStmt':
      alterTable(b, version, ctx, f);
      return;
    case 'IndexStmt':
      return createIndex(b, ctx, f);
    case 'ReindexStmt':
      return reindex(b, ctx, f);
    case 'DropStmt':
      return drop(b, ctx, f);
    case 'RenameStmt':
      return rename(b, version, f);
    case 'CreateStmt':
      return createTable(b, ctx, f);
    case 'VacuumStmt':
      return vacuum(b, f);
    case 'ClusterStmt': {
      if (!b.relation) return f.cannotAnalyse('CLUSTER without a table reclusters every table clustered before, each under ACCESS EXCLUSIVE');
      const rel = relationOf(b.relation);
      f.lock(rel, 'AccessExclusiveLock');
      f.rewrite = f.fullScan = true;
      if (!ctx.isNew(rel)) f.hazard('table-rewrite', rel, `CLUSTER rewrites ${rel} in index order under ACCESS EXCLUSIVE`);
      return;
    }
    case 'RefreshMatViewStmt': {
      const rel = relationOf(b.relation);
      f.fullScan = true;
      // The view's query runs (unless WITH NO DATA) and reads its tables; which ones, only its definition knows.
      if (!b.skipData) for (const read of ctx.queryReads(rel) ?? []) if (read !== rel) f.lock(read, 'AccessShareLock');
      if (b.concurrent) {
        // CONCURRENTLY computes the new contents and applies the difference: reads go on, writes wait.
        f.lock(rel, 'ExclusiveLock');
        return;
      }
      f.lock(rel, 'AccessExclusiveLock');
      f.rewrite = true;
      if (!ctx.isNew(rel)) f.hazard('refresh-matview-non-concurrently', rel, `REFRESH MATERIALIZED VIEW ${rel} blocks every read of it until the query finishes`);
      return;
    }
    case 'TruncateStmt':
      for (const r of (b.relations as Node[] | undefined) ?? []) {
        const rel = relationOf(r);
        // TRUNCATE gives the table a new, empty file.
        f.lock(rel, 'AccessExclusiveLock');
        f.rewrite = true;
        if (!ctx.isNew(rel)) f.hazard('access-exclusive-lock', rel, `TRUNCATE takes ACCESS EXCLUSIVE on ${rel}`);
      }
      if (b.behavior === 'DROP_CASCADE') f.cannotAnalyse('TRUNCATE … CASCADE also truncates every table that references these, which the statement does not name');
      return;
    case 'LockStmt': {
      const mode = lockModeOfNumber(Number(b.mode ?? 8));
      for (const r of (b.relations as Node[] | undefined) ?? []) {
        const rel = relationOf(r);
        f.lock(rel, mode);
        if (lockRank(mode) >= lockRank('ShareLock')) f.hazard('explicit-lock', rel, `LOCK TABLE ${rel} takes ${mode} until the transaction ends`);
      }
      return;
    }
    case 'CreateTrigStmt': {
      // CREATE TRIGGER: SHARE ROW EXCLUSIVE (blocks writes, and other trigger changes, while it commits).
      f.lock(relationOf(b.relation), 'ShareRowExclusiveLock');
      if (b.constrrel) f.lock(relationOf(b.constrrel), 'AccessShareLock');
      if (b.trigname) ctx.noteTrigger(relationOf(b.relation), String(b.trigname));
      return;
    }
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      f.lock(relationOf(b.table), 'AccessExclusiveLock');
      return;
    case 'RuleStmt': {
      f.lock(relationOf(b.relation), 'AccessExclusiveLock');
      // The actions are parsed when the rule is stored: each opens its tables as the statement would (an INSERT's target ROW EXCLUSIVE), runs nothing.
      const actions = new FactsBuilder();
      for (const action of (b.actions as Node[] | undefined) ?? []) query(action, actions, ctx);
      for (const r of actions.build().relations) f.lock(r.relation, r.mode);
      return;
    }
    case 'GrantStmt':
      // PostgreSQL 18 locks each table of a GRANT/REVOKE ON TABLE in ACCESS SHARE while it changes the ACL (15 takes none; 16 and 17 not traced).
      if (version >= 180000 && b.targtype === 'ACL_TARGET_OBJECT' && (b.objtype === 'OBJECT_TABLE' || b.objtype === 'OBJECT_SEQUENCE')) {
        for (const o of (b.objects as Node[] | undefined) ?? []) f.lock(relationOf(o), 'AccessShareLock');
      }
      return;
    case 'CommentStmt':
      return comment(b, f);
    case 'CreateStatsStmt':
      for (const r of (b.relations as Node[] | undefined) ?? []) f.lock(relationOf(r), 'ShareUpdateExclusiveLock');
      return;
    case 'AlterSeqStmt':
      // ALTER SEQUENCE writes the sequence anew (a new relfilenode): a one-page file, nothing to warn about.
      f.lock(relationOf(b.sequence), 'ShareRowExclusiveLock');
      f.rewrite = true;
      return;
    case 'AlterObjectSchemaStmt':
      if (b.relation) f.lock(relationOf(b.relation), 'AccessExclusiveLock');
      return;
    case 'CreatePublicationStmt':
    case 'AlterPublicationStmt':
      for (const o of (b.pubobjects as Node[] | undefined) ?? []) {
        const spec = unwrap(o).body as { pubtable?: { relation?: unknown } };
        if (spec.pubtable?.relation) f.lock(relationOf(spec.pubtable.relation), 'ShareUpdateExclusiveLock');
      }
      return;
    case 'ViewStmt': {
      const view = relationOf(b.view);
      if (b.replace && !ctx.isNew(view)) f.lock(view, 'AccessExclusiveLock');
      query(b.query as Node, f, ctx);
      ctx.noteCreated(view);
      ctx.noteView(view, readRelations(b.query), false);
      return;
    }
    case 'CreateTableAsStmt': {
      const into = (b.into ?? {}) as { rel?: unknown };
      const rel = relationOf(into.rel);
      query(b.query as Node, f, ctx);
      ctx.noteCreated(rel);
      if (b.objtype === 'OBJECT_MATVIEW') ctx.noteView(rel, readRelations(b.query), true);
      return;
    }
    case 'SelectStmt':
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      if (type === 'SelectStmt' && b.intoClause) ctx.noteCreated(relationOf((b.intoClause as { rel?: unknown }).rel));
      return query(node, f, ctx);
    case 'CopyStmt':
      if (b.relation) f.lock(relationOf(b.relation), b.is_from ? 'RowExclusiveLock' : 'AccessShareLock');
      if (b.query) query(b.query as Node, f, ctx);
      if (b.is_program) f.cannotAnalyse('COPY … PROGRAM runs a shell command on the server');
      return;
    case 'ExplainStmt': {
      // EXPLAIN plans the statement, taking the same locks; ANALYZE also runs it.
      const inner = new FactsBuilder();
      analyse(b.query as Node, version, ctx, inner);
      const facts = inner.build();
      for (const r of facts.relations) f.lock(r.relation, r.mode);
      if (!facts.analysable) f.cannotAnalyse(facts.reason ?? 'the explained statement cannot be analysed');
      if (defElems(b.options as Node[] | undefined).some((o) => o.defname === 'analyze' && optionOn(o))) {
        f.rewrite = facts.rewrite;
        f.fullScan = facts.fullScan;
        f.indexBuild = facts.indexBuild;
        f.hazards.push(...facts.hazards);
      }
      return;
    }
    case 'PrepareStmt':
      return query(b.query as Node, f, ctx);
    case 'CreateSchemaStmt':
      for (const element of (b.schemaElts as Node[] | undefined) ?? []) analyse(element, version, ctx, f);
      return;
    case 'AlterDomainStmt':
      if (b.subtype === 'C' || b.subtype === 'O') {
        return f.cannotAnalyse('ALTER DOMAIN … ADD CONSTRAINT / SET NOT NULL checks every column of that domain, in tables the statement does not name');
      }
      return;
    case 'DoStmt':
      return f.cannotAnalyse('a DO block runs procedural code the lock model cannot see into');
    case 'CallStmt':
      return f.cannotAnalyse('CALL runs a procedure the lock model cannot see into');
    case 'ExecuteStmt':
      return f.cannotAnalyse('EXECUTE runs a prepared statement the lock model cannot see');
    case 'CreateExtensionStmt':
    case 'AlterExtensionStmt':
    case 'AlterExtensionContentsStmt':
      return f.cannotAnalyse('an extension’s script runs SQL the lock model cannot see');
    case 'DropOwnedStmt':
    case 'ReassignOwnedStmt':
      return f.cannotAnalyse(`${type === 'DropOwnedStmt' ? 'DROP' : 'REASSIGN'} OWNED locks every object the roles own, which the statement does not name`);
    case 'AlterTableMoveAllStmt':
      return f.cannotAnalyse('ALTER TABLE ALL IN TABLESPACE rewrites every table it moves, which the statement does not name');
  }
  if (NO_RELATION_LOCKS.has(type)) return;
  f.cannotAnalyse(`the lock model does not know ${type.replace(/Stmt$/, '')} statements`);
}

function createIndex(b: Record<string, unknown>, ctx: LockContext, f: FactsBuilder): void {
  const rel = relationOf(b.relation);
  if (b.idxname) ctx.indexTables.set(String(b.idxname), rel);
  f.indexBuild = f.fullScan = true;
  const mode: LockMode = b.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock';
  // CONCURRENTLY builds without blocking writes, in several transactions (and not inside a block).
  f.lock(rel, mode);
  const only = (b.relation as { inh?: boolean }).inh !== true;
  if (ctx.isPartitioned(rel) && only) {
    // ON ONLY a partitioned table: an empty, invalid parent index, built nowhere (the safe pattern's first step).
    f.indexBuild = f.fullScan = false;
    return;
  }
  // On a partitioned table the index is built on every partition, each locked as the parent.
  const partitions = ctx.isPartitioned(rel) ? ctx.descendants(rel) : [];
  for (const p of partitions) f.lock(p, mode);
  if (b.concurrent) return;
  if (!ctx.isNew(rel)) {
    const also = partitions.length ? ` and its partition${partitions.length === 1 ? '' : 's'} ${partitions.join(', ')}` : '';
    f.hazard('create-index-non-concurrently', rel, `CREATE INDEX${b.idxname ? ` ${String(b.idxname)}` : ''} blocks writes to ${rel}${also} for the whole build`);
  }
}

function reindex(b: Record<string, unknown>, ctx: LockContext, f: FactsBuilder): void {
  const concurrent = defElems(b.params as Node[] | undefined).some((o) => o.defname === 'concurrently' && optionOn(o));
  const kind = String(b.kind);
  f.indexBuild = f.fullScan = true;
  if (kind === 'REINDEX_OBJECT_INDEX') {
    const index = relationOf(b.relation);
    const table = ctx.indexTables.get(index);
    if (concurrent) {
      // The old index is dropped at the end under ACCESS EXCLUSIVE, once no transaction can be using it.
      f.lock(index, 'ShareUpdateExclusiveLock');
      f.lock(index, 'AccessExclusiveLock', true);
      if (table) f.lock(table, 'ShareUpdateExclusiveLock');
      return;
    }
    // The index is locked ACCESS EXCLUSIVE (queries that would use it wait), its table SHARE (writes wait).
    if (table) f.lock(table, 'ShareLock');
    f.lock(index, 'AccessExclusiveLock');
    if (!(table && ctx.isNew(table))) f.hazard('reindex-non-concurrently', index, `REINDEX INDEX ${index} blocks writes to its table and every query that would use the index`);
    return;
  }
  if (kind === 'REINDEX_OBJECT_TABLE') {
    const rel = relationOf(b.relation);
    f.lock(rel, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock');
    // CONCURRENTLY drops each old index at the end under ACCESS EXCLUSIVE (the indexes the model knows of).
    if (concurrent) for (const [index, table] of ctx.indexTables) if (table === rel) f.lock(index, 'AccessExclusiveLock', true);
    if (!concurrent && !ctx.isNew(rel)) f.hazard('reindex-non-concurrently', rel, `REINDEX TABLE ${rel} blocks writes to it, and queries that use its indexes, while every index is rebuilt`);
    return;
  }
  f.cannotAnalyse(`REINDEX ${kind.replace('REINDEX_OBJECT_', '')} locks every table it reindexes, which the statement does not name`);
}

function drop(b: Record<string, unknown>, ctx: LockContext, f: FactsBuilder): void {
  const removeType = String(b.removeType);
  const objects = ((b.objects as Node[] | undefined) ?? []).map((o) => {
    const { type, body } = unwrap(o);
    return type === 'List' ? (body.items as Node[]) : [o];
  });
  if (removeType === 'OBJECT_INDEX') {
    for (const names of objects) {
      const index = relationOfNames(names);
      const table = ctx.indexTables.get(index);
      // DROP INDEX locks the index and its table ACCESS EXCLUSIVE; CONCURRENTLY waits instead, under SHARE UPDATE
      // EXCLUSIVE, and takes ACCESS EXCLUSIVE on the index only at the end, once no transaction can be using it.
      const mode: LockMode = b.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
      if (table) f.lock(table, mode);
      f.lock(index, mode);
      if (b.concurrent) f.lock(index, 'AccessExclusiveLock', true);
      if (!b.concurrent && !(table && ctx.isNew(table))) {
        f.hazard('drop-index-non-concurrently', index, `DROP INDEX ${index} takes ACCESS EXCLUSIVE on the index and its table`);
      }
    }
    return;
  }
  if (RELATION_OBJECTS.has(removeType)) {
    for (const names of objects) f.lock(relationOfNames(names), 'AccessExclusiveLock');
    if (b.behavior === 'DROP_CASCADE') f.cannotAnalyse('DROP … CASCADE also drops objects that depend on these, which the statement does not name');
    return;
  }
  if (['OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE'].includes(removeType)) {
    // The name list is [schema.]table.name: the table is locked.
    for (const names of objects) f.lock(relationOfNames(names.slice(0, -1)), 'AccessExclusiveLock');
    return;
  }
  if (b.behavior === 'DROP_CASCADE' && ['OBJECT_SCHEMA', 'OBJECT_TYPE', 'OBJECT_DOMAIN', 'OBJECT_FUNCTION', 'OBJECT_EXTENSION'].includes(removeType)) {
    f.cannotAnalyse('DROP … CASCADE also drops tables, columns or views that depend on it, which the statement does not name');
  }
}

function rename(b: Record<string, unknown>, version: number, f: FactsBuilder): void {
  const renameType = String(b.renameType);
  if (!b.relation) return;
  const rel = relationOf(b.relation);
  // ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE since PostgreSQL 12; every other rename of a relation, ACCESS EXCLUSIVE.
  const mode: LockMode = renameType === 'OBJECT_INDEX' && version >= 120000 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
  f.lock(rel, mode);
  if (RELATION_OBJECTS.has(renameType) || renameType === 'OBJECT_COLUMN') {
    if (mode === 'AccessExclusiveLock') f.hazard('rename-breaks-clients', rel, `renaming ${renameType === 'OBJECT_COLUMN' ? `column ${String(b.subname)} of ${rel}` : rel} breaks every query and application version still using the old name`);
  }
}

function createTable(b: Record<string, unknown>, ctx: LockContext, f: FactsBuilder): void {
  const rel = relationOf(b.relation);
  const parents = ((b.inhRelations as Node[] | undefined) ?? []).map(relationOf);
  // PARTITION OF locks the parent ACCESS EXCLUSIVE; plain INHERITS, SHARE UPDATE EXCLUSIVE.
  for (const parent of parents) f.lock(parent, b.partbound ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock');
  walk(b.tableElts, (type, body) => {
    if (type === 'Constraint' && body.contype === 'CONSTR_FOREIGN') f.lock(relationOf(body.pktable), 'ShareRowExclusiveLock');
    if (type === 'TableLikeClause') f.lock(relationOf(body.relation), 'AccessShareLock');
  });
  ctx.noteCreated(rel, (b.tableElts as Node[] | undefined) ?? []);
  for (const parent of parents) ctx.addChild(parent, rel);
  if (b.partspec) ctx.partitioned.add(rel);
  noteKeys(rel, b.tableElts, ctx);
}

/**
 * What CREATE TABLE's keys tell later statements, in one pass over its columns and constraints: the foreign
 * keys it declares, by name (PostgreSQL's default name when none is given), for a later VALIDATE; and the
 * indexes PRIMARY KEY and UNIQUE make, by PostgreSQL's default names (table_pkey, table_col_key), for a
 * later REINDEX or DROP.
 */
function noteKeys(rel: string, elements: unknown, ctx: LockContext): void {
  const schema = rel.includes('.') ? `${rel.slice(0, rel.lastIndexOf('.'))}.` : '';
  const table = rel.split('.').pop()!.replaceAll('"', '');
  for (const element of (elements as Node[] | undefined) ?? []) {
    const { type, body } = unwrap(element);
    const constraints = type === 'ColumnDef' ? ((body.constraints as Node[] | undefined) ?? []).map((c) => unwrap(c).body) : type === 'Constraint' ? [body] : [];
    for (const k of constraints) {
      if (k.contype === 'CONSTR_FOREIGN') {
        const columns = type === 'ColumnDef' ? [String(body.colname)] : names(k.fk_attrs);
        ctx.noteForeignKey(rel, k.conname ? String(k.conname) : foreignKeyName(table, columns), relationOf(k.pktable));
      } else if (k.contype === 'CONSTR_PRIMARY' || k.contype === 'CONSTR_UNIQUE') {
        const columns = type === 'ColumnDef' ? [String(body.colname)] : names(k.keys);
        const name = k.conname ? String(k.conname) : k.contype === 'CONSTR_PRIMARY' ? `${table}_pkey` : `${table}_${columns.join('_')}_key`;
        ctx.indexTables.set(`${schema}${name}`, rel);
      }
    }
  }
}

function names(list: unknown): string[] {
  return ((list as Node[] | undefined) ?? []).map((n) => unwrap(n)).filter((n) => n.type === 'String').map((n) => String(n.body.sval));
}

function vacuum(b: Record<string, unknown>, f: FactsBuilder): void {
  const options = defElems(b.options as Node[] | undefined);
  const full = b.is_vacuumcmd === true && options.some((o) => o.defname === 'full' && optionOn(o));
  const rels = ((b.rels as Node[] | undefined) ?? []).map((r) => relationOf(unwrap(r).body.relation));
  if (full && rels.length === 0) return f.cannotAnalyse('VACUUM FULL without a table rewrites every table of the database under ACCESS EXCLUSIVE');
  for (const rel of rels) {
    if (full) {
      f.lock(rel, 'AccessExclusiveLock');
      f.rewrite = f.fullScan = true;
      f.hazard('table-rewrite', rel, `VACUUM FULL rewrites ${rel} under ACCESS EXCLUSIVE`);
    } else {
      // VACUUM and ANALYZE: SHARE UPDATE EXCLUSIVE — reads and writes go on.
      f.lock(rel, 'ShareUpdateExclusiveLock');
      if (b.is_vacuumcmd) f.fullScan = true;
    }
  }
}

function comment(b: Record<string, unknown>, f: FactsBuilder): void {
  const objtype = String(b.objtype);
  const { type, body } = unwrap(b.object as Node);
  const names = type === 'List' ? (body.items as Node[]) : [];
  // COMMENT ON a relation or one of its columns/constraints/triggers takes SHARE UPDATE EXCLUSIVE on the relation.
  if (RELATION_OBJECTS.has(objtype)) f.lock(relationOfNames(names), 'ShareUpdateExclusiveLock');
  else if (objtype === 'OBJECT_COLUMN') f.lock(relationOfNames(names.slice(0, -1)), 'ShareUpdateExclusiveLock');
}

/**
 * SELECT, INSERT, UPDATE, DELETE, MERGE: the target of a write takes ROW
 * EXCLUSIVE, FOR UPDATE/SHARE takes ROW SHARE, everything read ACCESS SHARE.
 * Functions PostgreSQL does not ship may do anything: not analysable.
 */
function query(node: Node, f: FactsBuilder, ctx: LockContext): void {
  const targets: [string, LockMode][] = [];
  /** A name in FROM may be a WITH query of the statement, not a relation. */
  const cteNames = new Set<string>();
  const rangeVars: Record<string, unknown>[] = [];
  const calls: Record<string, unknown>[] = [];
  // One walk of the tree gathers what each question below reads (it was a walk per question, and a lint
  // asks them of every statement), in the order each walk found it.
  walk(node, (type, body) => {
    switch (type) {
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'MergeStmt':
        targets.push([relationOf(body.relation), 'RowExclusiveLock']);
        break;
      case 'SelectStmt':
        if (body.lockingClause) for (const rv of fromRelations(body.fromClause)) targets.push([rv, 'RowShareLock']);
        break;
      case 'CommonTableExpr':
        cteNames.add(String(body.ctename));
        break;
      case 'RangeVar':
        rangeVars.push(body);
        break;
      case 'FuncCall':
        calls.push(body);
        break;
    }
  });
  const top = unwrap(node);
  if (['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(top.type)) targets.push([relationOf(top.body.relation), 'RowExclusiveLock']);
  for (const [rel, mode] of targets) if (mode === 'RowExclusiveLock') writeEffects(rel, ctx, f);
  for (const body of rangeVars) {
    if (body.schemaname === undefined && cteNames.has(String(body.relname))) continue;
    const rel = relationOf(body);
    f.lock(rel, 'AccessShareLock');
    // A view is replaced by its query when the statement is planned: its tables are read too.
    for (const read of ctx.viewExpansion(rel)) f.lock(read, 'AccessShareLock');
  }
  for (const [rel, mode] of targets) f.lock(rel, mode);
  // The calls the walk found are the calls functionCalls(node) finds (the same walk, in the same order).
  for (const call of calls) {
    if (!isKnownFunction(call)) f.cannotAnalyse(`it calls ${functionName(call)}(), a function the lock model cannot see into`);
  }
  if (top.type === 'UpdateStmt' && !top.body.whereClause) {
    const rel = relationOf(top.body.relation);
    f.fullScan = true;
    f.hazard('unbatched-update', rel, `UPDATE without WHERE changes every row of ${rel} in one transaction`);
  }
}

/** The relations a query reads (its WITH queries' names left out), as written, each once. */
export function readRelations(node: unknown): string[] {
  const cteNames = new Set<string>();
  walk(node, (type, body) => {
    if (type === 'CommonTableExpr') cteNames.add(String(body.ctename));
  });
  const found = new Set<string>();
  walk(node, (type, body) => {
    if (type === 'RangeVar' && !(body.schemaname === undefined && cteNames.has(String(body.relname)))) found.add(relationOf(body));
  });
  return [...found];
}

/**
 * What writing `rel` may lock besides it, which depends on the rows and code
 * and so cannot be predicted: its triggers' functions (anything), its foreign
 * keys' checks (the referenced tables, FOR KEY SHARE), and the checks or
 * actions of foreign keys that reference it (the referencing tables).
 */
function writeEffects(rel: string, ctx: LockContext, f: FactsBuilder): void {
  const triggers = ctx.triggersOn(rel);
  if (triggers.length) f.mayLock(null, `trigger${triggers.length === 1 ? '' : 's'} ${triggers.join(', ')} on ${rel} run${triggers.length === 1 ? 's' : ''} a function whose locks cannot be known before it runs`);
  const referenced = ctx.referencedFrom(rel);
  if (referenced.length) f.mayLock(referenced, `foreign keys of ${rel} check the rows written against ${referenced.join(', ')} (ROW SHARE, when a row has a key)`);
  const referencing = ctx.referencing(rel);
  if (referencing.length) f.mayLock(referencing, `foreign keys of ${referencing.join(', ')} reference ${rel}: a deleted or changed key is checked or acted on there`);
}

function fromRelations(from: unknown): string[] {
  const found: string[] = [];
  walk(from, (type, body) => {
    if (type === 'RangeVar') found.push(relationOf(body));
  });
  return found;
}


export { columnType };
