// What the target's catalog tells the lock model that a step's SQL cannot:
// the partitions and inheritance children of the tables it names (CREATE
// INDEX and ALTER TABLE go down to them), what a view or materialized view
// reads (REFRESH runs that query), which table a foreign key references
// (VALIDATE reads it), an index's table and a table's indexes, the columns'
// types (a varchar → text change does not rewrite) and validated
// CHECK (col IS NOT NULL) constraints (SET NOT NULL skips its scan), and what
// a write may also lock that no prediction can settle: the tables' user
// triggers, and the foreign keys that point at them. Read in
// one query, before the step runs, only for the relations its statements name.
import type pg from 'pg';
import type { Node } from 'libpg-query';
import { relationsNamed } from '../../sql/lock-context.js';
import type { LockContext } from '../../sql/locks.js';
import type { ColumnType } from '../../sql/lock-types.js';
import { unwrap } from '../../sql/tree.js';

/** Schema changes whose locks depend on what the catalog knows (a query on a view too, but only a trace cares about that). */
const SCHEMA_CHANGES = new Set(['AlterTableStmt', 'IndexStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'DropStmt']);

/** Whether the catalog is worth a round trip before the step: a traced step always; a guarded one when it changes the schema. */
export function needsCatalog(nodes: Node[], traced: boolean): boolean {
  return nodes.length > 0 && (traced || nodes.some((n) => SCHEMA_CHANGES.has(unwrap(n).type)));
}

const QUERY = `
WITH RECURSIVE named AS (
  SELECT n.name, to_regclass(n.name) AS oid FROM unnest($1::text[]) AS n(name)
), down(parent, child) AS (
  SELECT named.name, i.inhrelid FROM named JOIN pg_inherits i ON i.inhparent = named.oid
  UNION
  SELECT d.child::regclass::text, i.inhrelid FROM down d JOIN pg_inherits i ON i.inhparent = d.child
), reads(viewname, view, read) AS (
  SELECT named.name, named.oid, d.refobjid FROM named
    JOIN pg_class c ON c.oid = named.oid AND c.relkind IN ('v', 'm')
    JOIN pg_rewrite r ON r.ev_class = c.oid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
  UNION
  SELECT rd.read::regclass::text, rd.read, d.refobjid FROM reads rd
    JOIN pg_class c ON c.oid = rd.read AND c.relkind = 'v'
    JOIN pg_rewrite r ON r.ev_class = c.oid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
), tables AS (
  SELECT named.name, named.oid FROM named
  UNION
  SELECT down.child::regclass::text, down.child FROM down
)
SELECT 'partitioned' AS kind, t.name AS a, NULL AS b, NULL AS c, NULL::int AS d FROM tables t JOIN pg_class c ON c.oid = t.oid AND c.relkind = 'p'
UNION ALL SELECT 'child', down.parent, down.child::regclass::text, NULL, NULL FROM down
UNION ALL SELECT 'reads', reads.viewname, reads.read::regclass::text, v.relkind::text, NULL FROM reads
  JOIN pg_class v ON v.oid = reads.view JOIN pg_class r ON r.oid = reads.read AND r.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL SELECT 'fk', named.name, con.conname::text, con.confrelid::regclass::text, NULL FROM named JOIN pg_constraint con ON con.conrelid = named.oid AND con.contype = 'f'
UNION ALL SELECT 'index-of', named.name, i.indrelid::regclass::text, NULL, NULL FROM named JOIN pg_index i ON i.indexrelid = named.oid
UNION ALL SELECT 'index', i.indexrelid::regclass::text, named.name, NULL, NULL FROM named JOIN pg_index i ON i.indrelid = named.oid
UNION ALL SELECT 'column', named.name, a.attname::text, CASE WHEN t.typcategory = 'A' THEN '[]' || e.typname ELSE t.typname END, a.atttypmod
  FROM named JOIN pg_attribute a ON a.attrelid = named.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = t.typelem
UNION ALL SELECT 'trigger', named.name, tg.tgname::text, NULL, NULL FROM named
  JOIN pg_trigger tg ON tg.tgrelid = named.oid AND NOT tg.tgisinternal AND tg.tgenabled <> 'D'
UNION ALL SELECT 'referenced-by', named.name, con.conrelid::regclass::text, NULL, NULL FROM named
  JOIN pg_constraint con ON con.confrelid = named.oid AND con.contype = 'f'
UNION ALL SELECT 'not-null-check', named.name, pg_get_constraintdef(con.oid), NULL, NULL FROM named
  JOIN pg_constraint con ON con.conrelid = named.oid AND con.contype = 'c' AND con.convalidated`;

interface Row {
  kind: string;
  a: string;
  b: string | null;
  c: string | null;
  d: number | null;
}

/**
 * Adds what the catalog knows about the relations `nodes` name to `ctx`.
 * Relations the SQL itself already described (made earlier in the run) keep
 * that description; the catalog fills in the rest.
 */
export async function addCatalogContext(client: pg.Client, nodes: Node[], ctx: LockContext): Promise<void> {
  const names = [...new Set(nodes.flatMap((n) => relationsNamed(n)))];
  if (names.length === 0) return;
  const { rows } = await client.query<Row>(QUERY, [names]);
  const viewReads = new Map<string, { reads: string[]; materialized: boolean }>();
  for (const r of rows) {
    switch (r.kind) {
      case 'partitioned':
        ctx.partitioned.add(r.a);
        break;
      case 'child':
        if (r.b) ctx.addChild(r.a, r.b);
        break;
      case 'reads': {
        const v = viewReads.get(r.a) ?? { reads: [], materialized: r.c === 'm' };
        if (r.b) v.reads.push(r.b);
        viewReads.set(r.a, v);
        break;
      }
      case 'fk':
        if (r.b && r.c && ctx.foreignKeyTarget(r.a, r.b) === undefined) ctx.noteForeignKey(r.a, r.b, r.c);
        break;
      case 'index-of':
        if (r.b && !ctx.indexTables.has(r.a)) ctx.indexTables.set(r.a, r.b);
        break;
      case 'index':
        if (r.b && !ctx.indexTables.has(r.a)) ctx.indexTables.set(r.a, r.b);
        break;
      case 'column':
        if (r.b && r.c && ctx.columnType(r.a, r.b) === undefined) ctx.setColumn(r.a, r.b, catalogType(r.c, r.d ?? -1));
        break;
      case 'trigger':
        if (r.b) ctx.noteTrigger(r.a, r.b);
        break;
      case 'referenced-by':
        if (r.b) ctx.noteReferencedBy(r.a, r.b);
        break;
      case 'not-null-check': {
        const column = /^CHECK \(\(("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*) IS NOT NULL\)\)$/.exec(r.b ?? '')?.[1];
        if (column) ctx.noteCheck(r.a, undefined, column.startsWith('"') ? column.slice(1, -1).replaceAll('""', '"') : column, true);
        break;
      }
    }
  }
  for (const [view, v] of viewReads) if (!ctx.views.has(view)) ctx.noteView(view, v.reads, v.materialized);
}

/** pg_type's name and the column's typmod → the lock model's column type. */
export function catalogType(typname: string, typmod: number): ColumnType {
  const array = typname.startsWith('[]');
  const name = array ? typname.slice(2) : typname;
  let mods: number[] = [];
  if (typmod >= 0) {
    if (name === 'varchar' || name === 'bpchar') mods = [typmod - 4];
    else if (name === 'numeric') mods = [((typmod - 4) >> 16) & 0xffff, (typmod - 4) & 0xffff];
    else if (['varbit', 'bit', 'timestamp', 'timestamptz', 'time', 'timetz'].includes(name)) mods = [typmod];
  }
  return { name, mods, array };
}
