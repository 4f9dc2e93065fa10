-- Compare the live schema (public) with what Alembic revision 001 builds in
-- the scratch schema alembic_selftest: columns (type, length, precision,
-- nullability, default, identity), constraints (name and definition) and
-- indexes (name and definition). Every row returned is a difference; no
-- rows means revision 001 describes the live schema exactly, and stamping
-- the database at 001 is honest.
WITH objects AS (
    SELECT c.table_schema AS schema_name, 'column' AS kind, c.table_name, c.column_name AS name,
           concat_ws(' ', c.data_type,
                     '(' || coalesce(c.character_maximum_length::text, c.numeric_precision || ',' || c.numeric_scale) || ')',
                     CASE WHEN c.is_nullable = 'NO' THEN 'NOT NULL' END,
                     'DEFAULT ' || c.column_default,
                     CASE WHEN c.is_identity = 'YES' THEN 'IDENTITY ' || c.identity_generation END) AS definition
    FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema IN ('public', 'alembic_selftest')
      AND c.table_name NOT IN ('alembic_version')
  UNION ALL
    SELECT n.nspname, 'constraint', cl.relname, co.conname,
           replace(pg_get_constraintdef(co.oid), 'alembic_selftest.', '')
    FROM pg_constraint co
    JOIN pg_class cl ON cl.oid = co.conrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE n.nspname IN ('public', 'alembic_selftest')
      AND cl.relname NOT IN ('alembic_version')
  UNION ALL
    SELECT i.schemaname, 'index', i.tablename, i.indexname,
           replace(replace(i.indexdef, 'alembic_selftest.', ''), 'public.', '')
    FROM pg_indexes i
    WHERE i.schemaname IN ('public', 'alembic_selftest')
      AND i.tablename NOT IN ('alembic_version')
)
SELECT coalesce(live.kind, rev.kind) AS kind,
       coalesce(live.table_name, rev.table_name) AS table_name,
       coalesce(live.name, rev.name) AS name,
       live.definition AS in_database,
       rev.definition AS in_revision_001
FROM (SELECT * FROM objects WHERE schema_name = 'public') AS live
FULL JOIN (SELECT * FROM objects WHERE schema_name = 'alembic_selftest') AS rev
  ON rev.kind = live.kind AND rev.table_name = live.table_name AND rev.name = live.name
WHERE live.definition IS DISTINCT FROM rev.definition
ORDER BY 2, 1, 3;
