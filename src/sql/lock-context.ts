// What earlier statements of the same file tell the lock model about later
// ones: tables created here (new and empty, so locking them hurts nobody),
// column types (so a type change can be judged binary-coercible), validated
// CHECK (col IS NOT NULL) constraints (so SET NOT NULL skips its scan), and
// which table an index belongs to (so DROP INDEX names the table it locks),
// and what PostgreSQL locks beyond the relation a statement names: a table's
// partitions and inheritance children (CREATE INDEX and ALTER TABLE recurse
// into them), the relations a view or materialized view reads (REFRESH runs
// that query; a query on a view reads its tables), and the table a foreign
// key references (VALIDATE CONSTRAINT reads it).
//
// Filled from the SQL itself (earlier statements of the file, earlier steps
// of the runbook) and, at run time, from the target's catalog
// (src/exec/postgres/lock-catalog.ts), which knows what the file cannot.

import type { Node } from 'libpg-query';
import { columnType, type ColumnType } from './lock-types.js';
import { walk } from './lock-functions.js';
import { relationOf, relationOfNames } from './lock-names.js';
import { unwrap } from './tree.js';

export class LockContext {
  /** Relations created earlier in this file. */
  readonly created = new Set<string>();
  /** 'table.column' → its type. */
  readonly columns = new Map<string, ColumnType>();
  /** 'table.column' with a validated CHECK (column IS NOT NULL). */
  readonly notNullChecks = new Set<string>();
  /** Check constraint name on a table ('table.constraint') → the column it proves NOT NULL. */
  readonly pendingNotNull = new Map<string, string>();
  /** Index name → its table. */
  readonly indexTables = new Map<string, string>();
  /** Enum values added in this file, per type name. */
  readonly enumValuesAdded = new Map<string, Set<string>>();
  /** Partitioned tables (PARTITION BY). */
  readonly partitioned = new Set<string>();
  /** Parent → its direct partitions and inheritance children. */
  readonly children = new Map<string, Set<string>>();
  /** View or materialized view → the relations its query reads, and whether it is materialized. */
  readonly views = new Map<string, { reads: string[]; materialized: boolean }>();
  /** 'table.constraint' → the table a foreign key references. */
  readonly foreignKeys = new Map<string, string>();
  /**
   * The same foreign keys indexed both ways (table → what its keys reference; referenced → the tables
   * whose keys point at it): asked for every write of a file, a scan of foreignKeys made a 10,000-statement
   * migration's lint quadratic.
   */
  private readonly foreignKeysFrom = new Map<string, Set<string>>();
  private readonly foreignKeysTo = new Map<string, Set<string>>();
  /** Table → the names of its enabled user triggers (whose functions may lock anything). */
  readonly triggers = new Map<string, Set<string>>();
  /** Referenced table → the tables whose foreign keys point at it (the catalog's view; the SQL's is derived from foreignKeys). */
  readonly referencedBy = new Map<string, Set<string>>();

  /** A copy to judge one step with: what the step's statements teach it does not leak into the next attempt. */
  clone(): LockContext {
    const c = new LockContext();
    for (const r of this.created) c.created.add(r);
    for (const [k, v] of this.columns) c.columns.set(k, v);
    for (const r of this.notNullChecks) c.notNullChecks.add(r);
    for (const [k, v] of this.pendingNotNull) c.pendingNotNull.set(k, v);
    for (const [k, v] of this.indexTables) c.indexTables.set(k, v);
    for (const [k, v] of this.enumValuesAdded) c.enumValuesAdded.set(k, new Set(v));
    for (const r of this.partitioned) c.partitioned.add(r);
    for (const [k, v] of this.children) c.children.set(k, new Set(v));
    for (const [k, v] of this.views) c.views.set(k, { reads: [...v.reads], materialized: v.materialized });
    for (const [k, v] of this.foreignKeys) c.foreignKeys.set(k, v);
    for (const [k, v] of this.foreignKeysFrom) c.foreignKeysFrom.set(k, new Set(v));
    for (const [k, v] of this.foreignKeysTo) c.foreignKeysTo.set(k, new Set(v));
    for (const [k, v] of this.triggers) c.triggers.set(k, new Set(v));
    for (const [k, v] of this.referencedBy) c.referencedBy.set(k, new Set(v));
    return c;
  }

  isNew(relation: string): boolean {
    return this.created.has(key(relation));
  }

  columnType(relation: string, column: string): ColumnType | undefined {
    return this.columns.get(`${key(relation)}.${column}`);
  }

  setColumn(relation: string, column: string, type: ColumnType): void {
    this.columns.set(`${key(relation)}.${column}`, type);
  }

  hasNotNullCheck(relation: string, column: string): boolean {
    return this.notNullChecks.has(`${key(relation)}.${column}`);
  }

  noteCreated(relation: string, columns: Node[] = []): void {
    this.created.add(key(relation));
    for (const element of columns) {
      const { type, body } = unwrap(element);
      if (type === 'ColumnDef' && body.colname) this.setColumn(relation, String(body.colname), columnType(body.typeName));
    }
  }

  addChild(parent: string, child: string): void {
    const set = this.children.get(key(parent)) ?? new Set<string>();
    set.add(child);
    this.children.set(key(parent), set);
  }

  removeChild(parent: string, child: string): void {
    this.children.get(key(parent))?.delete(child);
  }

  /** Every partition and inheritance child below `relation`, depth first (a cycle cannot loop). */
  descendants(relation: string): string[] {
    // Asked of every ALTER TABLE without ONLY: most files and catalogs know no children at all.
    if (this.children.size === 0) return [];
    const found: string[] = [];
    const seen = new Set([key(relation)]);
    const visit = (rel: string) => {
      for (const child of this.children.get(key(rel)) ?? []) {
        if (seen.has(key(child))) continue;
        seen.add(key(child));
        found.push(child);
        visit(child);
      }
    };
    visit(relation);
    return found;
  }

  isPartitioned(relation: string): boolean {
    return this.partitioned.has(key(relation));
  }

  noteView(view: string, reads: string[], materialized: boolean): void {
    this.views.set(key(view), { reads, materialized });
  }

  /** What reading `relation` reads besides it: a view is expanded into its relations (recursively); a table or materialized view reads nothing else. */
  viewExpansion(relation: string, seen = new Set<string>()): string[] {
    const view = this.views.get(key(relation));
    if (!view || view.materialized || seen.has(key(relation))) return [];
    seen.add(key(relation));
    return view.reads.flatMap((r) => [r, ...this.viewExpansion(r, seen)]);
  }

  /** What the query of a view or materialized view reads (views in it expanded), or undefined when unknown. */
  queryReads(relation: string): string[] | undefined {
    const view = this.views.get(key(relation));
    if (!view) return undefined;
    const seen = new Set([key(relation)]);
    return view.reads.flatMap((r) => [r, ...this.viewExpansion(r, seen)]);
  }

  noteForeignKey(relation: string, constraint: string, referenced: string): void {
    this.foreignKeys.set(`${key(relation)}.${constraint}`, referenced);
    addTo(this.foreignKeysFrom, key(relation), referenced);
    addTo(this.foreignKeysTo, key(referenced), key(relation));
  }

  noteTrigger(relation: string, name: string, present = true): void {
    const set = this.triggers.get(key(relation)) ?? new Set<string>();
    if (present) set.add(name);
    else set.delete(name);
    this.triggers.set(key(relation), set);
  }

  triggersOn(relation: string): string[] {
    const set = this.triggers.get(key(relation));
    return set ? [...set] : [];
  }

  noteReferencedBy(relation: string, referencing: string): void {
    const set = this.referencedBy.get(key(relation)) ?? new Set<string>();
    set.add(referencing);
    this.referencedBy.set(key(relation), set);
  }

  /** The tables `relation`'s foreign keys reference. */
  referencedFrom(relation: string): string[] {
    const set = this.foreignKeysFrom.get(key(relation));
    return set ? [...set] : [];
  }

  /** The tables whose foreign keys reference `relation`. */
  referencing(relation: string): string[] {
    const fromCatalog = this.referencedBy.get(key(relation));
    const fromSql = this.foreignKeysTo.get(key(relation));
    // Asked for every write: most tables are referenced by nothing.
    if (!fromCatalog && !fromSql) return [];
    return [...new Set([...(fromCatalog ?? []), ...(fromSql ?? [])])];
  }

  foreignKeyTarget(relation: string, constraint: string): string | undefined {
    return this.foreignKeys.get(`${key(relation)}.${constraint}`);
  }

  noteCheck(relation: string, name: string | undefined, column: string | undefined, validated: boolean): void {
    if (!column) return;
    if (validated) this.notNullChecks.add(`${key(relation)}.${column}`);
    else if (name) this.pendingNotNull.set(`${key(relation)}.${name}`, column);
  }

  noteValidated(relation: string, name: string): void {
    const column = this.pendingNotNull.get(`${key(relation)}.${name}`);
    if (column) this.notNullChecks.add(`${key(relation)}.${column}`);
  }
}

/** The name PostgreSQL gives an unnamed foreign key: table_col1_col2_fkey (ChooseConstraintName, without its truncation to 63 bytes). */
export function foreignKeyName(table: string, columns: string[]): string {
  return `${table}_${columns.join('_')}_fkey`;
}

/** The relations a statement names (tables, views, indexes), as the lock model writes them: what to ask the catalog about. */
export function relationsNamed(node: Node): string[] {
  const found = new Set<string>();
  // A RangeVar is wrapped in lists (FROM) and bare in fields (relation, pktable, a partition's name): any object with a relname.
  const visit = (tree: unknown): void => {
    if (Array.isArray(tree)) return tree.forEach(visit);
    if (tree === null || typeof tree !== 'object') return;
    if (typeof (tree as { relname?: unknown }).relname === 'string') found.add(relationOf(tree));
    for (const value of Object.values(tree)) if (value !== null && typeof value === 'object') visit(value);
  };
  visit(node);
  walk(node, (type, body) => {
    if (type === 'DropStmt' && (body.removeType === 'OBJECT_INDEX' || body.removeType === 'OBJECT_TABLE')) {
      for (const o of (body.objects as Node[] | undefined) ?? []) {
        const { type: t, body: b } = unwrap(o);
        found.add(relationOfNames(t === 'List' ? (b.items as Node[]) : [o]));
      }
    }
  });
  found.delete('');
  return [...found];
}

/** The same table written with or without public. is one table. */
export function key(relation: string): string {
  return relation.startsWith('public.') ? relation.slice('public.'.length) : relation;
}

function addTo(index: Map<string, Set<string>>, at: string, value: string): void {
  const set = index.get(at);
  if (set) set.add(value);
  else index.set(at, new Set([value]));
}
