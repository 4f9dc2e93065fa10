-- Rollback scenario 1 (migration failure, incomplete): empty the target
-- database of everything this migration created, so the installation can be
-- run again from the top — the same end state as the guide's
-- `dropdb quant_platform && createdb quant_platform`, without dropping the
-- database this session is connected to. The timescaledb extension stays.
DROP MATERIALIZED VIEW IF EXISTS ohlcv_yearly CASCADE;
DROP MATERIALIZED VIEW IF EXISTS ohlcv_quarterly CASCADE;
DROP MATERIALIZED VIEW IF EXISTS ohlcv_monthly CASCADE;
-- One table per statement: TimescaleDB refuses to drop a hypertable together with other objects.
DROP TABLE IF EXISTS optimization_history CASCADE;
DROP TABLE IF EXISTS walk_forward_results CASCADE;
DROP TABLE IF EXISTS portfolio_transactions CASCADE;
DROP TABLE IF EXISTS portfolio_holdings CASCADE;
DROP TABLE IF EXISTS backtest_results CASCADE;
DROP TABLE IF EXISTS strategies CASCADE;
DROP TABLE IF EXISTS exchange_rate_history CASCADE;
DROP TABLE IF EXISTS global_market_indices CASCADE;
DROP TABLE IF EXISTS migration_log CASCADE;
DROP TABLE IF EXISTS data_collection_log CASCADE;
DROP TABLE IF EXISTS market_holidays CASCADE;
DROP TABLE IF EXISTS factor_scores CASCADE;
DROP TABLE IF EXISTS technical_analysis CASCADE;
DROP TABLE IF EXISTS ticker_fundamentals CASCADE;
DROP TABLE IF EXISTS etf_holdings CASCADE;
DROP TABLE IF EXISTS etf_details CASCADE;
DROP TABLE IF EXISTS stock_details CASCADE;
DROP TABLE IF EXISTS ohlcv_data CASCADE;
DROP TABLE IF EXISTS tickers CASCADE;
