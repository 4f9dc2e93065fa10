-- Migration 001: add multi-pair support
--
-- Lets one market-making session trade several pairs:
--   sessions.pairs       JSONB array of the pairs a session trades (default [])
--   sessions.pair_count  number of pairs in `pairs`               (default 0)
--   orders.pair_index    which of the session's pairs an order is for (default 0)
-- and moves every existing single-pair session to the new format:
-- pairs = [symbol], pair_count = 1.
--
-- Non-disruptive: the columns have constant defaults, so on PostgreSQL 11+
-- adding them does not rewrite the tables. Existing sessions keep working.
-- No data loss: nothing is removed or renamed; `sessions.symbol` stays.
-- Safe to re-run: IF NOT EXISTS, and the back-fill only touches sessions
-- that have not been migrated yet.
--
-- Rollback (loses any multi-pair data written since):
--   ALTER TABLE sessions DROP COLUMN IF EXISTS pairs;
--   ALTER TABLE sessions DROP COLUMN IF EXISTS pair_count;
--   ALTER TABLE orders DROP COLUMN IF EXISTS pair_index;

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS pairs JSONB DEFAULT '[]'::jsonb;

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS pair_count INTEGER DEFAULT 0;

ALTER TABLE orders ADD COLUMN IF NOT EXISTS pair_index INTEGER DEFAULT 0;

-- Back-fill: every session that existed before this migration traded
-- exactly one pair, its `symbol`. Existing orders all belong to pair 0.
UPDATE sessions
   SET pairs = jsonb_build_array(symbol),
       pair_count = 1
 WHERE symbol IS NOT NULL
   AND (pairs IS NULL OR pairs = '[]'::jsonb);
