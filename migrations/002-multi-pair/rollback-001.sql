-- Rollback of migration 001 (columns; loses any multi-pair data).
ALTER TABLE sessions DROP COLUMN IF EXISTS pairs;
ALTER TABLE sessions DROP COLUMN IF EXISTS pair_count;
ALTER TABLE orders DROP COLUMN IF EXISTS pair_index;
