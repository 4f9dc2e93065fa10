-- Migration 017: atomic cutover to the _v2 aggregates.
--
-- Runs as ONE transaction (the runbook step says transaction: always): the
-- renames, the view drops and the new views become visible together at
-- COMMIT, or not at all. Renaming a continuous aggregate only changes its
-- name; its data, refresh policy and internal tables stay as they are, so
-- the switch is instant whatever the data volume.
--
--   1. the production aggregates are renamed to *_old (kept as the rollback)
--   2. the _v2 aggregates take the production names (the application reads
--      fo_option_strike_bars_5min / _15min and now gets the OI columns)
--   3. the *_enriched views (the JOIN path) are dropped
--   4. the expiry metrics views are re-created on the new aggregates

DO $$
BEGIN
  IF to_regclass('fo_option_strike_bars_5min_v2') IS NULL OR to_regclass('fo_option_strike_bars_15min_v2') IS NULL THEN
    RAISE EXCEPTION 'V2 aggregates are missing: fo_option_strike_bars_5min_v2 and fo_option_strike_bars_15min_v2 must exist'
      USING HINT = CASE WHEN to_regclass('fo_option_strike_bars_5min_old') IS NOT NULL
                        THEN 'fo_option_strike_bars_5min_old exists: the cutover has already been done.'
                        ELSE 'Run migration 016 first.' END;
  END IF;
  IF to_regclass('fo_option_strike_bars_5min_old') IS NOT NULL OR to_regclass('fo_option_strike_bars_15min_old') IS NOT NULL THEN
    RAISE EXCEPTION 'A *_old aggregate already exists: a previous cutover was not cleanly rolled back'
      USING HINT = 'Inspect fo_option_strike_bars_5min_old / _15min_old by hand before going on.';
  END IF;
  RAISE NOTICE '✅ V2 aggregates exist';
END $$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM fo_option_strike_bars_5min_v2 WHERE call_oi_sum IS NOT NULL)
     OR NOT EXISTS (SELECT 1 FROM fo_option_strike_bars_15min_v2 WHERE call_oi_sum IS NOT NULL) THEN
    RAISE EXCEPTION 'V2 aggregates have no OI data: refusing to switch the application to them'
      USING HINT = 'See troubleshooting "V2 aggregates have no data": refresh them, then retry.';
  END IF;
  RAISE NOTICE '✅ V2 aggregates have OI data';
END $$;

DO $$ BEGIN RAISE NOTICE 'Backing up old aggregates...'; END $$;

ALTER MATERIALIZED VIEW fo_option_strike_bars_5min RENAME TO fo_option_strike_bars_5min_old;
ALTER MATERIALIZED VIEW fo_option_strike_bars_15min RENAME TO fo_option_strike_bars_15min_old;

DO $$ BEGIN RAISE NOTICE '⚡ ATOMIC CUTOVER IN PROGRESS...'; END $$;

ALTER MATERIALIZED VIEW fo_option_strike_bars_5min_v2 RENAME TO fo_option_strike_bars_5min;
ALTER MATERIALIZED VIEW fo_option_strike_bars_15min_v2 RENAME TO fo_option_strike_bars_15min;

DO $$ BEGIN RAISE NOTICE '✅ CUTOVER COMPLETE'; END $$;

-- The expiry metrics views read the enriched views: drop them first, re-create below.
DROP VIEW IF EXISTS fo_expiry_metrics_5min;
DROP VIEW IF EXISTS fo_expiry_metrics_15min;

DROP VIEW IF EXISTS fo_option_strike_bars_5min_enriched;
DO $$ BEGIN RAISE NOTICE '✅ Dropped fo_option_strike_bars_5min_enriched'; END $$;

DROP VIEW IF EXISTS fo_option_strike_bars_15min_enriched;
DO $$ BEGIN RAISE NOTICE '✅ Dropped fo_option_strike_bars_15min_enriched'; END $$;

CREATE VIEW fo_expiry_metrics_5min AS
SELECT bucket_time, symbol, expiry,
       sum(call_volume) AS total_call_volume, sum(put_volume) AS total_put_volume,
       sum(call_oi_sum) AS total_call_oi, sum(put_oi_sum) AS total_put_oi,
       sum(put_oi_sum) / nullif(sum(call_oi_sum), 0) AS pcr_oi
FROM fo_option_strike_bars_5min
GROUP BY bucket_time, symbol, expiry;

CREATE VIEW fo_expiry_metrics_15min AS
SELECT bucket_time, symbol, expiry,
       sum(call_volume) AS total_call_volume, sum(put_volume) AS total_put_volume,
       sum(call_oi_sum) AS total_call_oi, sum(put_oi_sum) AS total_put_oi,
       sum(put_oi_sum) / nullif(sum(call_oi_sum), 0) AS pcr_oi
FROM fo_option_strike_bars_15min
GROUP BY bucket_time, symbol, expiry;

DO $$ BEGIN RAISE NOTICE '✅ Updated fo_expiry_metrics_5min and fo_expiry_metrics_15min to read the OI columns directly'; END $$;
DO $$ BEGIN RAISE NOTICE '🎉 No more expensive JOINs!'; END $$;
DO $$ BEGIN RAISE NOTICE '🎉 MIGRATION 017 COMPLETE'; END $$;
