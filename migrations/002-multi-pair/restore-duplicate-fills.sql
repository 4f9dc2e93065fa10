-- Undo remove-duplicate-fills.sql: put the removed copies back into fills.
-- The unique index idx_fills_unique_dedup must be gone first (roll back
-- migration 002 before this), or the first re-inserted copy fails with 23505.
INSERT INTO fills OVERRIDING SYSTEM VALUE
SELECT (jsonb_populate_record(NULL::fills, fill)).*
FROM fills_duplicates_removed
ORDER BY fill_id;

DROP TABLE fills_duplicates_removed;
