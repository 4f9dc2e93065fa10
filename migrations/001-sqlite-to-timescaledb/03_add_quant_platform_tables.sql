-- Phase 1 schema, part 3 (scripts/add_quant_platform_tables.sql): the Quant
-- Platform tables — strategies, backtests, portfolios, walk-forward and
-- optimization results.
CREATE TABLE IF NOT EXISTS strategies (
    strategy_id  BIGSERIAL PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    description  TEXT,
    parameters   JSONB       NOT NULL DEFAULT '{}',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS backtest_results (
    backtest_id   BIGSERIAL PRIMARY KEY,
    strategy_id   BIGINT      NOT NULL REFERENCES strategies (strategy_id),
    start_date    DATE        NOT NULL,
    end_date      DATE        NOT NULL,
    total_return  DOUBLE PRECISION,
    sharpe_ratio  DOUBLE PRECISION,
    max_drawdown  DOUBLE PRECISION,
    metrics       JSONB       NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_backtest_results_strategy_created ON backtest_results (strategy_id, created_at DESC);

CREATE TABLE IF NOT EXISTS portfolio_holdings (
    portfolio_id TEXT             NOT NULL,
    ticker       TEXT             NOT NULL,
    region       TEXT             NOT NULL,
    quantity     DOUBLE PRECISION NOT NULL,
    avg_cost     DOUBLE PRECISION,
    updated_at   TIMESTAMPTZ      NOT NULL DEFAULT NOW(),
    PRIMARY KEY (portfolio_id, ticker, region)
);

CREATE TABLE IF NOT EXISTS portfolio_transactions (
    transaction_id BIGSERIAL PRIMARY KEY,
    portfolio_id   TEXT             NOT NULL,
    ticker         TEXT             NOT NULL,
    region         TEXT             NOT NULL,
    side           TEXT             NOT NULL CHECK (side IN ('BUY', 'SELL')),
    quantity       DOUBLE PRECISION NOT NULL,
    price          DOUBLE PRECISION NOT NULL,
    executed_at    TIMESTAMPTZ      NOT NULL
);

CREATE TABLE IF NOT EXISTS walk_forward_results (
    id           BIGSERIAL PRIMARY KEY,
    strategy_id  BIGINT NOT NULL REFERENCES strategies (strategy_id),
    window_start DATE   NOT NULL,
    window_end   DATE   NOT NULL,
    in_sample    JSONB  NOT NULL DEFAULT '{}',
    out_sample   JSONB  NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS optimization_history (
    id          BIGSERIAL PRIMARY KEY,
    strategy_id BIGINT      NOT NULL REFERENCES strategies (strategy_id),
    parameters  JSONB       NOT NULL,
    objective   DOUBLE PRECISION,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
