-- Migration 016: create the _v2 continuous aggregates WITH the OI columns,
-- next to the existing ones (blue-green: nothing the application reads changes).
--
--   fo_option_strike_bars_5min_v2   5-minute buckets, refreshed every minute
--   fo_option_strike_bars_15min_v2  15-minute buckets, refreshed every 5 minutes
--
-- The columns are those of the current aggregates plus call_oi_sum and
-- put_oi_sum, summed over the bucket exactly as the *_enriched views compute
-- them today, so the application sees the same numbers after the cutover.
--
-- Re-runnable: IF NOT EXISTS / if_not_exists, so after a failure part-way
-- (the refresh cannot run in a transaction, so the file runs statement by
-- statement) running it again finishes the job.

DO $$ BEGIN RAISE NOTICE 'Creating fo_option_strike_bars_5min_v2...'; END $$;

CREATE MATERIALIZED VIEW IF NOT EXISTS fo_option_strike_bars_5min_v2
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '5 minutes', b.bucket_time) AS bucket_time,
       b.symbol, b.expiry, b.strike,
       last(b.underlying_close, b.bucket_time) AS underlying_close,
       avg(b.call_iv_avg) AS call_iv_avg, avg(b.put_iv_avg) AS put_iv_avg,
       avg(b.call_delta_avg) AS call_delta_avg, avg(b.put_delta_avg) AS put_delta_avg,
       avg(b.call_gamma_avg) AS call_gamma_avg, avg(b.put_gamma_avg) AS put_gamma_avg,
       sum(b.call_volume) AS call_volume, sum(b.put_volume) AS put_volume,
       sum(b.call_count) AS call_count, sum(b.put_count) AS put_count,
       sum(b.call_oi_sum) AS call_oi_sum, sum(b.put_oi_sum) AS put_oi_sum
FROM fo_option_strike_bars b
GROUP BY time_bucket(INTERVAL '5 minutes', b.bucket_time), b.symbol, b.expiry, b.strike
WITH NO DATA;

SELECT add_continuous_aggregate_policy('fo_option_strike_bars_5min_v2',
    start_offset => INTERVAL '2 hours',
    end_offset => INTERVAL '1 minute',
    schedule_interval => INTERVAL '1 minute',
    if_not_exists => true);

DO $$ BEGIN RAISE NOTICE 'Added refresh policy for fo_option_strike_bars_5min_v2'; END $$;

DO $$ BEGIN RAISE NOTICE 'Creating fo_option_strike_bars_15min_v2...'; END $$;

CREATE MATERIALIZED VIEW IF NOT EXISTS fo_option_strike_bars_15min_v2
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '15 minutes', b.bucket_time) AS bucket_time,
       b.symbol, b.expiry, b.strike,
       last(b.underlying_close, b.bucket_time) AS underlying_close,
       avg(b.call_iv_avg) AS call_iv_avg, avg(b.put_iv_avg) AS put_iv_avg,
       avg(b.call_delta_avg) AS call_delta_avg, avg(b.put_delta_avg) AS put_delta_avg,
       avg(b.call_gamma_avg) AS call_gamma_avg, avg(b.put_gamma_avg) AS put_gamma_avg,
       sum(b.call_volume) AS call_volume, sum(b.put_volume) AS put_volume,
       sum(b.call_count) AS call_count, sum(b.put_count) AS put_count,
       sum(b.call_oi_sum) AS call_oi_sum, sum(b.put_oi_sum) AS put_oi_sum
FROM fo_option_strike_bars b
GROUP BY time_bucket(INTERVAL '15 minutes', b.bucket_time), b.symbol, b.expiry, b.strike
WITH NO DATA;

SELECT add_continuous_aggregate_policy('fo_option_strike_bars_15min_v2',
    start_offset => INTERVAL '6 hours',
    end_offset => INTERVAL '1 minute',
    schedule_interval => INTERVAL '5 minutes',
    if_not_exists => true);

DO $$ BEGIN RAISE NOTICE 'Added refresh policy for fo_option_strike_bars_15min_v2'; END $$;

-- Initial refresh: materialize the whole history (NULL = from the first bar).
-- The policies only ever look back 2 h / 6 h, so without this the new
-- aggregates would hold only the latest hours.
DO $$ BEGIN RAISE NOTICE 'Starting initial refresh...'; END $$;

CALL refresh_continuous_aggregate('fo_option_strike_bars_5min_v2', NULL, NOW());
CALL refresh_continuous_aggregate('fo_option_strike_bars_15min_v2', NULL, NOW());

DO $$
DECLARE
  n5 bigint;
  n15 bigint;
BEGIN
  SELECT count(*) INTO n5 FROM fo_option_strike_bars_5min_v2;
  RAISE NOTICE 'fo_option_strike_bars_5min_v2: % rows', n5;
  SELECT count(*) INTO n15 FROM fo_option_strike_bars_15min_v2;
  RAISE NOTICE 'fo_option_strike_bars_15min_v2: % rows', n15;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM fo_option_strike_bars_5min_v2 WHERE call_oi_sum IS NOT NULL OR put_oi_sum IS NOT NULL)
     AND EXISTS (SELECT 1 FROM fo_option_strike_bars_15min_v2 WHERE call_oi_sum IS NOT NULL OR put_oi_sum IS NOT NULL) THEN
    RAISE NOTICE '✅ SUCCESS: New aggregates have OI data';
  ELSE
    RAISE EXCEPTION '❌ FAILED: New aggregates have no OI data'
      USING HINT = 'The initial refresh found no OI values: check that fo_option_strike_bars.call_oi_sum / put_oi_sum are filled, then refresh the _v2 aggregates (troubleshooting: "V2 aggregates have no data").';
  END IF;
END $$;
