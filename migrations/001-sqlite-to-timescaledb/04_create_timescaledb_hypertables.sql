-- Phase 1 (scripts/create_timescaledb_hypertables.sql): turn the two time
-- series tables into TimescaleDB hypertables, partitioned by `date` into
-- monthly chunks. Run on empty tables, before the data copy.
-- if_not_exists: re-running is harmless. migrate_data: should a table already
-- hold rows (a retry after a partial copy), they are moved into chunks.
SELECT create_hypertable('ohlcv_data', 'date',
    chunk_time_interval => INTERVAL '1 month', if_not_exists => TRUE, migrate_data => TRUE);
SELECT create_hypertable('factor_scores', 'date',
    chunk_time_interval => INTERVAL '1 month', if_not_exists => TRUE, migrate_data => TRUE);
