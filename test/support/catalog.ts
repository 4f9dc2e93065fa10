// A snapshot of what a schema holds — tables, columns, indexes, views,
// constraints — to prove a rollback leaves the database as it was.
import type pg from 'pg';

export async function catalogSnapshot(client: pg.Client, schemas: string[] = ['public']): Promise<string[]> {
  const r = await client.query<{ line: string }>(
    `SELECT format('%s %s.%s', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'i' THEN 'index' WHEN 'v' THEN 'view'
                                 WHEN 'm' THEN 'matview' WHEN 'S' THEN 'sequence' WHEN 'p' THEN 'partitioned' ELSE c.relkind::text END,
                   n.nspname, c.relname) AS line
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1)
     UNION ALL
     SELECT format('column %s.%s.%s %s %s', table_schema, table_name, column_name, data_type, coalesce(column_default, ''))
       FROM information_schema.columns WHERE table_schema = ANY($1)
     UNION ALL
     SELECT format('index-def %s', indexdef) FROM pg_indexes WHERE schemaname = ANY($1)
     UNION ALL
     SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))
       FROM pg_constraint WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY($1))
     ORDER BY 1`,
    [schemas],
  );
  return r.rows.map((row) => row.line);
}

/** Lines only in `before` and only in `after`, for a readable assertion message. */
export function catalogDiff(before: string[], after: string[]): { removed: string[]; added: string[] } {
  const a = new Set(after);
  const b = new Set(before);
  return { removed: before.filter((l) => !a.has(l)), added: after.filter((l) => !b.has(l)) };
}
