-- Remove duplicate fills before the unique index idx_fills_unique_dedup is
-- built. "Duplicate" means the same key as the index:
--   (sessionid, orderid, symbol, timestamp, price, COALESCE(size, amount)).
-- The earliest copy (lowest id) of each fill is kept; every later copy is
-- moved, whole, as JSON, into fills_duplicates_removed, so that nothing is
-- lost and the removal can be undone (see restore-duplicate-fills.sql).
-- Runs in one transaction: either every duplicate is moved, or none is.

CREATE TABLE IF NOT EXISTS fills_duplicates_removed (
    fill_id    bigint      NOT NULL,
    removed_at timestamptz NOT NULL DEFAULT now(),
    fill       jsonb       NOT NULL
);

WITH ranked AS (
    SELECT id,
           row_number() OVER (
               PARTITION BY sessionid, orderid, symbol, "timestamp", price, COALESCE(size, amount)
               ORDER BY id
           ) AS copy
    FROM fills
), moved AS (
    DELETE FROM fills f
     USING ranked r
     WHERE f.id = r.id
       AND r.copy > 1
    RETURNING f.*
)
INSERT INTO fills_duplicates_removed (fill_id, fill)
SELECT moved.id, to_jsonb(moved) FROM moved;
