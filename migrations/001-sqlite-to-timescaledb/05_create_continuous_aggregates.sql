-- Phase 1 (scripts/create_continuous_aggregates.sql): monthly, quarterly and
-- yearly OHLCV bars, maintained by TimescaleDB from ohlcv_data's daily bars.
-- Created WITH NO DATA (so this runs inside a transaction and is instant):
-- they are filled after the data copy, and kept current by refresh policies.
CREATE MATERIALIZED VIEW IF NOT EXISTS ohlcv_monthly WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 month', date) AS month,
       ticker, region,
       first(open, date) AS open, max(high) AS high, min(low) AS low, last(close, date) AS close,
       sum(volume) AS volume, count(*) AS trading_days
FROM ohlcv_data
WHERE timeframe = '1d'
GROUP BY time_bucket(INTERVAL '1 month', date), ticker, region
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS ohlcv_quarterly WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '3 months', date) AS quarter,
       ticker, region,
       first(open, date) AS open, max(high) AS high, min(low) AS low, last(close, date) AS close,
       sum(volume) AS volume, count(*) AS trading_days
FROM ohlcv_data
WHERE timeframe = '1d'
GROUP BY time_bucket(INTERVAL '3 months', date), ticker, region
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS ohlcv_yearly WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 year', date) AS year,
       ticker, region,
       first(open, date) AS open, max(high) AS high, min(low) AS low, last(close, date) AS close,
       sum(volume) AS volume, count(*) AS trading_days
FROM ohlcv_data
WHERE timeframe = '1d'
GROUP BY time_bucket(INTERVAL '1 year', date), ticker, region
WITH NO DATA;

-- Refresh policies: each looks back far enough to cover two buckets (a
-- TimescaleDB requirement) and runs daily (monthly/quarterly) or weekly (yearly).
SELECT add_continuous_aggregate_policy('ohlcv_monthly',
    start_offset => INTERVAL '3 months', end_offset => INTERVAL '1 day',
    schedule_interval => INTERVAL '1 day', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('ohlcv_quarterly',
    start_offset => INTERVAL '9 months', end_offset => INTERVAL '1 day',
    schedule_interval => INTERVAL '1 day', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('ohlcv_yearly',
    start_offset => INTERVAL '3 years', end_offset => INTERVAL '1 day',
    schedule_interval => INTERVAL '7 days', if_not_exists => TRUE);

-- Their first run is one interval from now, not at once (TimescaleDB's
-- default), whether the policy is new or was already there (if_not_exists
-- kept it): the aggregates are empty until the copy, which is followed by a
-- full refresh of each (step 2c), and a refresh started now deadlocks with
-- step 6's ALTERs of the same aggregates — PostgreSQL then stops one side, and
-- when it picks the job, the job is left 'Failed' until its next run (seen on
-- the real extension). In this transaction, so the scheduler never sees them
-- due at once.
SELECT hypertable_name AS aggregate,
       (alter_job(job_id, next_start => now() + schedule_interval)).next_start AS first_refresh
FROM timescaledb_information.jobs
WHERE proc_name = 'policy_refresh_continuous_aggregate'
  AND hypertable_name IN ('ohlcv_monthly', 'ohlcv_quarterly', 'ohlcv_yearly')
ORDER BY hypertable_name;
