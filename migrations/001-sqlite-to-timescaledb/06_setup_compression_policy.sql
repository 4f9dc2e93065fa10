-- Phase 1 (scripts/setup_compression_policy.sql): native compression for the
-- two hypertables and the three continuous aggregates — 5 policies.
-- Chunks are compressed by a background job once they are older than the
-- threshold: 365 days for the raw tables (recent data stays writable and
-- fast to update), longer for the aggregates (they must lie outside their
-- refresh window).
ALTER TABLE ohlcv_data SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'ticker, region, timeframe',
    timescaledb.compress_orderby = 'date DESC');
SELECT add_compression_policy('ohlcv_data', compress_after => INTERVAL '365 days', if_not_exists => TRUE);

ALTER TABLE factor_scores SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'ticker, region, factor_name',
    timescaledb.compress_orderby = 'date DESC');
SELECT add_compression_policy('factor_scores', compress_after => INTERVAL '365 days', if_not_exists => TRUE);

ALTER MATERIALIZED VIEW ohlcv_monthly SET (timescaledb.compress = true);
SELECT add_compression_policy('ohlcv_monthly', compress_after => INTERVAL '2 years', if_not_exists => TRUE);

ALTER MATERIALIZED VIEW ohlcv_quarterly SET (timescaledb.compress = true);
SELECT add_compression_policy('ohlcv_quarterly', compress_after => INTERVAL '2 years', if_not_exists => TRUE);

ALTER MATERIALIZED VIEW ohlcv_yearly SET (timescaledb.compress = true);
SELECT add_compression_policy('ohlcv_yearly', compress_after => INTERVAL '5 years', if_not_exists => TRUE);
