-- Migration 002: add symbol indexes for multi-pair queries
--
-- Nine indexes, each built with CREATE INDEX CONCURRENTLY so that reads and
-- writes on sessions, orders and fills carry on while they are built.
--
-- CONCURRENTLY cannot run inside a transaction block: run this file one
-- statement at a time in autocommit (the runbook does; `psql -f` does too;
-- `psql -1 -f` or a migration tool that wraps files in BEGIN/COMMIT does not).
--
-- IF NOT EXISTS makes the file safe to re-run after a partial failure, with
-- one catch: a CONCURRENTLY build that fails or is cancelled leaves an
-- INVALID index behind, and IF NOT EXISTS will then skip it. Check
-- pg_index.indisvalid after running this file, and drop invalid ones
-- (DROP INDEX CONCURRENTLY) before running it again.
--
-- idx_fills_unique_dedup is UNIQUE: it fails (SQLSTATE 23505) while duplicate
-- fills exist. Remove them first (see the runbook's duplicate-fill check).

-- Orders of one session for one pair (per-pair order book of a session).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_session_symbol
    ON orders (sessionid, symbol);

-- Fills of one session for one pair (per-pair P&L of a session).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_fills_session_symbol
    ON fills (sessionid, symbol);

-- Fills of one order of one session for one pair (order reconciliation).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_fills_session_order_symbol
    ON fills (sessionid, orderid, symbol);

-- Fill de-duplication: the exchange may replay a fill after a reconnect;
-- the same fill must never be stored twice. Older fills carry the quantity
-- in `amount`, newer ones in `size`, hence COALESCE(size, amount).
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx_fills_unique_dedup
    ON fills (sessionid, orderid, symbol, "timestamp", price, COALESCE(size, amount));

-- Sessions by number of pairs (find the multi-pair sessions).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_pair_count
    ON sessions (pair_count);

-- JSONB containment: sessions trading a given pair, pairs @> '["BTC/USD"]'.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_pairs_gin
    ON sessions USING GIN (pairs);

-- Settlement service: recent sessions that must settle and have not yet.
-- Partial: only the few unsettled sessions are in it, so it stays tiny.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_settlement_discovery
    ON sessions (startedat)
    WHERE settlesession = true AND (settledcomplete IS NULL OR settledcomplete = false);

-- Global orders by pair and status (all open BTC/USD orders, any session).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_symbol_status
    ON orders (symbol, status);

-- Fills by pair, newest first (trade history of one pair).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_fills_symbol_timestamp
    ON fills (symbol, "timestamp" DESC);
