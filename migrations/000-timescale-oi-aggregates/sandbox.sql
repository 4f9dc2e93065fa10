-- Sandbox world for runbook 000 (continuous aggregates with OI columns).
--
-- Builds what production looks like BEFORE migration 016:
--   * fo_option_strike_bars          1-minute option-chain bars per strike, a
--                                    hypertable, WITH call_oi_sum / put_oi_sum
--   * fo_option_strike_bars_5min     continuous aggregates WITHOUT the OI
--     fo_option_strike_bars_15min    columns, with their refresh policies
--   * fo_option_strike_bars_*_enriched  views that add OI back by joining
--                                    every aggregate row with the 1-minute
--                                    table (the slow path 016/017 remove)
--   * fo_expiry_metrics_5min/15min   per-expiry summaries read from the
--                                    enriched views (017 re-points them)
-- Data: NIFTY, 3 weekly expiries x 21 strikes, one bar a minute through the
-- trading session (09:15-15:30 IST = 03:45-10:00 UTC) for the last 10 days
-- (236,250 one-minute rows: enough history for the JOIN path to show its cost).
--
-- Without TimescaleDB on the server only the plain 1-minute table is built;
-- the runbook's prerequisites then stop and show how to install TimescaleDB.
--
-- The VACUUM ANALYZE statement makes the runner execute this file statement by
-- statement in autocommit, which the CALL refresh_continuous_aggregate inside
-- the DO blocks needs (it cannot run inside a transaction block).

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
  ELSE
    RAISE NOTICE 'TimescaleDB is not available on this server: building the plain 1-minute table only (the prerequisites will stop)';
  END IF;
END $$;

CREATE TABLE fo_option_strike_bars (
    bucket_time      TIMESTAMPTZ      NOT NULL,
    symbol           TEXT             NOT NULL,
    expiry           DATE             NOT NULL,
    strike           NUMERIC(12, 2)   NOT NULL,
    underlying_close DOUBLE PRECISION,
    call_iv_avg      DOUBLE PRECISION,
    put_iv_avg       DOUBLE PRECISION,
    call_delta_avg   DOUBLE PRECISION,
    put_delta_avg    DOUBLE PRECISION,
    call_gamma_avg   DOUBLE PRECISION,
    put_gamma_avg    DOUBLE PRECISION,
    call_volume      DOUBLE PRECISION,
    put_volume       DOUBLE PRECISION,
    call_count       INTEGER,
    put_count        INTEGER,
    call_oi_sum      DOUBLE PRECISION,
    put_oi_sum       DOUBLE PRECISION,
    PRIMARY KEY (symbol, expiry, strike, bucket_time)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    PERFORM create_hypertable('fo_option_strike_bars', 'bucket_time', chunk_time_interval => INTERVAL '1 day');
  END IF;
END $$;

INSERT INTO fo_option_strike_bars
SELECT t.bucket_time, 'NIFTY', e.expiry, s.strike,
       u.spot,
       0.12 + abs(s.strike - u.spot) / 40000 + e.n * 0.01,
       0.13 + abs(s.strike - u.spot) / 38000 + e.n * 0.01,
       greatest(0.01, least(0.99, 0.5 - (s.strike - u.spot) / 1000)),
       greatest(-0.99, least(-0.01, -0.5 - (s.strike - u.spot) / 1000)),
       0.002, 0.002,
       floor(50 + 400 * random()), floor(50 + 400 * random()),
       1 + floor(20 * random())::int, 1 + floor(20 * random())::int,
       floor(1000 + 9000 * random()), floor(1000 + 9000 * random())
FROM generate_series(current_date - 10, current_date - 1, INTERVAL '1 day') AS d(day)
CROSS JOIN LATERAL generate_series(d.day + INTERVAL '3 hours 45 minutes', d.day + INTERVAL '9 hours 59 minutes', INTERVAL '1 minute') AS t(bucket_time)
CROSS JOIN LATERAL (SELECT 24000 + 150 * sin(extract(epoch FROM t.bucket_time) / 7200.0) AS spot) AS u
CROSS JOIN (SELECT n, current_date + 7 * n AS expiry FROM generate_series(1, 3) AS n) AS e
CROSS JOIN (SELECT 23500 + 50 * k AS strike FROM generate_series(0, 20) AS k) AS s;

-- The existing aggregates: everything but open interest.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN;
  END IF;
  EXECUTE $sql$
    CREATE MATERIALIZED VIEW fo_option_strike_bars_5min WITH (timescaledb.continuous) AS
    SELECT time_bucket(INTERVAL '5 minutes', b.bucket_time) AS bucket_time,
           b.symbol, b.expiry, b.strike,
           last(b.underlying_close, b.bucket_time) AS underlying_close,
           avg(b.call_iv_avg) AS call_iv_avg, avg(b.put_iv_avg) AS put_iv_avg,
           avg(b.call_delta_avg) AS call_delta_avg, avg(b.put_delta_avg) AS put_delta_avg,
           avg(b.call_gamma_avg) AS call_gamma_avg, avg(b.put_gamma_avg) AS put_gamma_avg,
           sum(b.call_volume) AS call_volume, sum(b.put_volume) AS put_volume,
           sum(b.call_count) AS call_count, sum(b.put_count) AS put_count
    FROM fo_option_strike_bars b
    GROUP BY time_bucket(INTERVAL '5 minutes', b.bucket_time), b.symbol, b.expiry, b.strike
    WITH NO DATA $sql$;
  EXECUTE $sql$
    CREATE MATERIALIZED VIEW fo_option_strike_bars_15min WITH (timescaledb.continuous) AS
    SELECT time_bucket(INTERVAL '15 minutes', b.bucket_time) AS bucket_time,
           b.symbol, b.expiry, b.strike,
           last(b.underlying_close, b.bucket_time) AS underlying_close,
           avg(b.call_iv_avg) AS call_iv_avg, avg(b.put_iv_avg) AS put_iv_avg,
           avg(b.call_delta_avg) AS call_delta_avg, avg(b.put_delta_avg) AS put_delta_avg,
           avg(b.call_gamma_avg) AS call_gamma_avg, avg(b.put_gamma_avg) AS put_gamma_avg,
           sum(b.call_volume) AS call_volume, sum(b.put_volume) AS put_volume,
           sum(b.call_count) AS call_count, sum(b.put_count) AS put_count
    FROM fo_option_strike_bars b
    GROUP BY time_bucket(INTERVAL '15 minutes', b.bucket_time), b.symbol, b.expiry, b.strike
    WITH NO DATA $sql$;
  PERFORM add_continuous_aggregate_policy('fo_option_strike_bars_5min',
      start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
  PERFORM add_continuous_aggregate_policy('fo_option_strike_bars_15min',
      start_offset => INTERVAL '6 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '5 minutes');
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    CALL refresh_continuous_aggregate('fo_option_strike_bars_5min', NULL, NOW());
    CALL refresh_continuous_aggregate('fo_option_strike_bars_15min', NULL, NOW());
  END IF;
END $$;

-- The enriched views: open interest added back by a JOIN with the 1-minute
-- table for every aggregate row, matching on time_bucket() of the 1-minute
-- rows (which no index serves). 3 expiries x 21 strikes = 63 such joins for
-- one "latest strikes" request: the cost migration 016/017 removes.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN;
  END IF;
  EXECUTE $sql$
    CREATE VIEW fo_option_strike_bars_5min_enriched AS
    SELECT a.*, oi.call_oi_sum, oi.put_oi_sum
    FROM fo_option_strike_bars_5min a
    LEFT JOIN LATERAL (
        SELECT sum(b.call_oi_sum) AS call_oi_sum, sum(b.put_oi_sum) AS put_oi_sum
        FROM fo_option_strike_bars b
        WHERE b.symbol = a.symbol AND b.expiry = a.expiry AND b.strike = a.strike
          AND time_bucket(INTERVAL '5 minutes', b.bucket_time) = a.bucket_time
    ) oi ON true $sql$;
  EXECUTE $sql$
    CREATE VIEW fo_option_strike_bars_15min_enriched AS
    SELECT a.*, oi.call_oi_sum, oi.put_oi_sum
    FROM fo_option_strike_bars_15min a
    LEFT JOIN LATERAL (
        SELECT sum(b.call_oi_sum) AS call_oi_sum, sum(b.put_oi_sum) AS put_oi_sum
        FROM fo_option_strike_bars b
        WHERE b.symbol = a.symbol AND b.expiry = a.expiry AND b.strike = a.strike
          AND time_bucket(INTERVAL '15 minutes', b.bucket_time) = a.bucket_time
    ) oi ON true $sql$;
  EXECUTE $sql$
    CREATE VIEW fo_expiry_metrics_5min AS
    SELECT bucket_time, symbol, expiry,
           sum(call_volume) AS total_call_volume, sum(put_volume) AS total_put_volume,
           sum(call_oi_sum) AS total_call_oi, sum(put_oi_sum) AS total_put_oi,
           sum(put_oi_sum) / nullif(sum(call_oi_sum), 0) AS pcr_oi
    FROM fo_option_strike_bars_5min_enriched
    GROUP BY bucket_time, symbol, expiry $sql$;
  EXECUTE $sql$
    CREATE VIEW fo_expiry_metrics_15min AS
    SELECT bucket_time, symbol, expiry,
           sum(call_volume) AS total_call_volume, sum(put_volume) AS total_put_volume,
           sum(call_oi_sum) AS total_call_oi, sum(put_oi_sum) AS total_put_oi,
           sum(put_oi_sum) / nullif(sum(call_oi_sum), 0) AS pcr_oi
    FROM fo_option_strike_bars_15min_enriched
    GROUP BY bucket_time, symbol, expiry $sql$;
END $$;

VACUUM ANALYZE fo_option_strike_bars;
