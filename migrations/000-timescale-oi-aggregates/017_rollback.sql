-- Rollback of migration 017: back to the old aggregates and the enriched
-- (JOIN) views. Safe at any time until migration 018 drops the *_old
-- aggregates. One transaction (the runbook says transaction: always).
--
--   * the new aggregates get their _v2 names back (data and policies kept,
--     so 017 can be run again later without redoing 016)
--   * the *_old aggregates get the production names back
--   * the enriched views and the expiry metrics views are re-created exactly
--     as they were before 017
--
-- Idempotent: on a database that is already on the old aggregates it changes
-- nothing and says so.

-- Give up after 5 s instead of queueing behind a long query (and blocking the
-- application's queries behind this transaction); just run it again.
SET LOCAL lock_timeout = '5s';

DO $$
BEGIN
  IF to_regclass('fo_option_strike_bars_5min_old') IS NULL OR to_regclass('fo_option_strike_bars_15min_old') IS NULL THEN
    IF to_regclass('fo_option_strike_bars_5min_enriched') IS NOT NULL AND to_regclass('fo_option_strike_bars_15min_enriched') IS NOT NULL THEN
      RAISE NOTICE 'Already on the old aggregates with enriched views: nothing to roll back';
      RETURN;
    END IF;
    RAISE EXCEPTION 'The *_old aggregates are gone: migration 018 (cleanup) has run, so 017 cannot be rolled back'
      USING HINT = 'Recreate the old aggregates from fo_option_strike_bars (see sandbox.sql for their definitions) or keep the new ones.';
  END IF;
  RAISE NOTICE 'Reverting to old aggregates with enriched views...';
END $$;

-- Every statement below is guarded, so it is a no-op when the DO block above
-- found nothing to roll back.
DO $$
BEGIN
  IF to_regclass('fo_option_strike_bars_5min_old') IS NULL THEN
    RETURN;
  END IF;
  DROP VIEW IF EXISTS fo_expiry_metrics_5min;
  DROP VIEW IF EXISTS fo_expiry_metrics_15min;
  ALTER MATERIALIZED VIEW fo_option_strike_bars_5min RENAME TO fo_option_strike_bars_5min_v2;
  ALTER MATERIALIZED VIEW fo_option_strike_bars_15min RENAME TO fo_option_strike_bars_15min_v2;
  ALTER MATERIALIZED VIEW fo_option_strike_bars_5min_old RENAME TO fo_option_strike_bars_5min;
  ALTER MATERIALIZED VIEW fo_option_strike_bars_15min_old RENAME TO fo_option_strike_bars_15min;
  RAISE NOTICE '✅ Old aggregates restored; new ones renamed back to _v2';

  CREATE VIEW fo_option_strike_bars_5min_enriched AS
  SELECT a.*, oi.call_oi_sum, oi.put_oi_sum
  FROM fo_option_strike_bars_5min a
  LEFT JOIN LATERAL (
      SELECT sum(b.call_oi_sum) AS call_oi_sum, sum(b.put_oi_sum) AS put_oi_sum
      FROM fo_option_strike_bars b
      WHERE b.symbol = a.symbol AND b.expiry = a.expiry AND b.strike = a.strike
        AND time_bucket(INTERVAL '5 minutes', b.bucket_time) = a.bucket_time
  ) oi ON true;

  CREATE VIEW fo_option_strike_bars_15min_enriched AS
  SELECT a.*, oi.call_oi_sum, oi.put_oi_sum
  FROM fo_option_strike_bars_15min a
  LEFT JOIN LATERAL (
      SELECT sum(b.call_oi_sum) AS call_oi_sum, sum(b.put_oi_sum) AS put_oi_sum
      FROM fo_option_strike_bars b
      WHERE b.symbol = a.symbol AND b.expiry = a.expiry AND b.strike = a.strike
        AND time_bucket(INTERVAL '15 minutes', b.bucket_time) = a.bucket_time
  ) oi ON true;
  RAISE NOTICE '✅ Re-created fo_option_strike_bars_5min_enriched and fo_option_strike_bars_15min_enriched (JOINs are back)';

  CREATE VIEW fo_expiry_metrics_5min AS
  SELECT bucket_time, symbol, expiry,
         sum(call_volume) AS total_call_volume, sum(put_volume) AS total_put_volume,
         sum(call_oi_sum) AS total_call_oi, sum(put_oi_sum) AS total_put_oi,
         sum(put_oi_sum) / nullif(sum(call_oi_sum), 0) AS pcr_oi
  FROM fo_option_strike_bars_5min_enriched
  GROUP BY bucket_time, symbol, expiry;

  CREATE VIEW fo_expiry_metrics_15min AS
  SELECT bucket_time, symbol, expiry,
         sum(call_volume) AS total_call_volume, sum(put_volume) AS total_put_volume,
         sum(call_oi_sum) AS total_call_oi, sum(put_oi_sum) AS total_put_oi,
         sum(put_oi_sum) / nullif(sum(call_oi_sum), 0) AS pcr_oi
  FROM fo_option_strike_bars_15min_enriched
  GROUP BY bucket_time, symbol, expiry;
  RAISE NOTICE '✅ ROLLBACK COMPLETE: the application reads the old aggregates through the enriched views again';
END $$;
