-- Rollback of migration 002 (indexes only, fast; no data is touched).
-- DROP INDEX CONCURRENTLY cannot run in a transaction block: run these one
-- at a time in autocommit. (`psql -c "...all nine..."` sends them as ONE
-- transaction and fails with "cannot run inside a transaction block";
-- use `psql -f rollback-002.sql` instead.)
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_session_symbol;
DROP INDEX CONCURRENTLY IF EXISTS idx_fills_session_symbol;
DROP INDEX CONCURRENTLY IF EXISTS idx_fills_session_order_symbol;
DROP INDEX CONCURRENTLY IF EXISTS idx_fills_unique_dedup;
DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_pair_count;
DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_pairs_gin;
DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_settlement_discovery;
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_symbol_status;
DROP INDEX CONCURRENTLY IF EXISTS idx_fills_symbol_timestamp;
