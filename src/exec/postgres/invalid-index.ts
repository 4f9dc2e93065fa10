// A CREATE INDEX CONCURRENTLY (or REINDEX ... CONCURRENTLY) that fails after
// its first phase leaves an INVALID index behind: it is committed, costs every
// write, and a retry of the same CREATE INDEX would fail on its name. Before a
// retry, the invalid indexes our statement left are found (pg_index.indisvalid,
// compared with those that were there before it ran), shown, and dropped with
// DROP INDEX CONCURRENTLY.
import type pg from 'pg';
import { quoteIdent } from '../../sql/quote.js';
import type { ConcurrentIndex } from './lock-class.js';

/** An INVALID index a failed CONCURRENTLY build left. */
export interface InvalidIndex {
  /** schema.name as PostgreSQL prints it (regclass). */
  name: string;
  table: string;
  dropped: boolean;
  /** Why the drop failed, when it did. */
  error?: string;
}

interface Row {
  oid: number;
  schema: string;
  name: string;
  regclass: string;
  table: string;
}

/** The table the build is on, as a bind value for to_regclass (quoted: as written, never as SQL). */
function relationText(target: ConcurrentIndex): string {
  return [target.relation.schema, target.relation.name].filter((p): p is string => Boolean(p)).map(quoteIdent).join('.');
}

const INVALID_SQL = `SELECT i.indexrelid::int AS oid, n.nspname AS schema, c.relname AS name, i.indexrelid::regclass::text AS regclass, i.indrelid::regclass::text AS "table"
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND i.indrelid = (CASE WHEN $2 THEN (SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass($1)) ELSE to_regclass($1) END)`;

async function invalidOn(client: pg.Client, target: ConcurrentIndex): Promise<Row[]> {
  return (await client.query(INVALID_SQL, [relationText(target), target.relationIsIndex])).rows as Row[];
}

/** The invalid indexes on the build's table before it runs (they are not ours to drop). */
export async function invalidBefore(client: pg.Client, target: ConcurrentIndex): Promise<Set<number>> {
  return new Set((await invalidOn(client, target)).map((r) => r.oid));
}

/** The invalid indexes the failed build left: new since `before`, and for a named CREATE INDEX only that name. */
export async function invalidLeft(client: pg.Client, target: ConcurrentIndex, before: Set<number>): Promise<Row[]> {
  return (await invalidOn(client, target)).filter((r) => !before.has(r.oid) && (target.indexName === undefined || r.name === target.indexName));
}

/** Drops each with DROP INDEX CONCURRENTLY (outside a transaction, as it must run); a failure is kept, not thrown. */
export async function dropInvalid(client: pg.Client, rows: Row[]): Promise<InvalidIndex[]> {
  const out: InvalidIndex[] = [];
  for (const r of rows) {
    try {
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(r.schema)}.${quoteIdent(r.name)}`);
      out.push({ name: r.regclass, table: r.table, dropped: true });
    } catch (err) {
      out.push({ name: r.regclass, table: r.table, dropped: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

export function dropStatement(index: InvalidIndex): string {
  return `DROP INDEX CONCURRENTLY ${index.name}`;
}
