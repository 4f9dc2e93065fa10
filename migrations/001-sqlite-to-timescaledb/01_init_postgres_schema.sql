-- Phase 1 schema, part 1 (scripts/init_postgres_schema.sql of the guide):
-- the seven core tables copied from SQLite, the factor_scores table (a
-- hypertable from step 4 on) and three support tables. 11 of the 19 tables.
--
-- Idempotent (IF NOT EXISTS), so a failed installation can simply be re-run.
-- Every time-series table's primary key includes its time column (date):
-- TimescaleDB requires the partitioning column in every unique index.

CREATE TABLE IF NOT EXISTS tickers (
    ticker      TEXT        NOT NULL,
    region      TEXT        NOT NULL,
    name        TEXT,
    exchange    TEXT,
    currency    TEXT,
    asset_type  TEXT,
    is_active   BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (ticker, region)
);

CREATE TABLE IF NOT EXISTS ohlcv_data (
    ticker     TEXT             NOT NULL,
    region     TEXT             NOT NULL,
    date       DATE             NOT NULL,
    timeframe  TEXT             NOT NULL DEFAULT '1d',
    open       DOUBLE PRECISION,
    high       DOUBLE PRECISION,
    low        DOUBLE PRECISION,
    close      DOUBLE PRECISION,
    volume     BIGINT,
    PRIMARY KEY (ticker, region, date, timeframe),
    FOREIGN KEY (ticker, region) REFERENCES tickers (ticker, region)
);
CREATE INDEX IF NOT EXISTS idx_ohlcv_ticker_region_timeframe_date ON ohlcv_data (ticker, region, timeframe, date DESC);

CREATE TABLE IF NOT EXISTS stock_details (
    ticker             TEXT NOT NULL,
    region             TEXT NOT NULL,
    sector             TEXT,
    industry           TEXT,
    market_cap         DOUBLE PRECISION,
    shares_outstanding BIGINT,
    listing_date       DATE,
    PRIMARY KEY (ticker, region),
    FOREIGN KEY (ticker, region) REFERENCES tickers (ticker, region)
);

CREATE TABLE IF NOT EXISTS etf_details (
    ticker         TEXT NOT NULL,
    region         TEXT NOT NULL,
    issuer         TEXT,
    tracking_index TEXT,
    expense_ratio  DOUBLE PRECISION,
    aum            DOUBLE PRECISION,
    inception_date DATE,
    PRIMARY KEY (ticker, region),
    FOREIGN KEY (ticker, region) REFERENCES tickers (ticker, region)
);

CREATE TABLE IF NOT EXISTS etf_holdings (
    etf_ticker     TEXT NOT NULL,
    region         TEXT NOT NULL,
    holding_ticker TEXT NOT NULL,
    weight         DOUBLE PRECISION,
    shares         BIGINT,
    as_of_date     DATE NOT NULL,
    PRIMARY KEY (etf_ticker, region, holding_ticker, as_of_date),
    FOREIGN KEY (etf_ticker, region) REFERENCES tickers (ticker, region)
);

-- SQLite has no region here; the copy fills it from tickers ("region enhancement").
CREATE TABLE IF NOT EXISTS ticker_fundamentals (
    ticker         TEXT NOT NULL,
    region         TEXT NOT NULL,
    date           DATE NOT NULL,
    period_type    TEXT NOT NULL,
    pe_ratio       DOUBLE PRECISION,
    pb_ratio       DOUBLE PRECISION,
    roe            DOUBLE PRECISION,
    eps            DOUBLE PRECISION,
    dividend_yield DOUBLE PRECISION,
    market_cap     DOUBLE PRECISION,
    PRIMARY KEY (ticker, region, date, period_type),
    FOREIGN KEY (ticker, region) REFERENCES tickers (ticker, region)
);

CREATE TABLE IF NOT EXISTS technical_analysis (
    ticker      TEXT NOT NULL,
    region      TEXT NOT NULL,
    date        DATE NOT NULL,
    rsi_14      DOUBLE PRECISION,
    macd        DOUBLE PRECISION,
    macd_signal DOUBLE PRECISION,
    bb_upper    DOUBLE PRECISION,
    bb_lower    DOUBLE PRECISION,
    ma_20       DOUBLE PRECISION,
    ma_60       DOUBLE PRECISION,
    PRIMARY KEY (ticker, region, date),
    FOREIGN KEY (ticker, region) REFERENCES tickers (ticker, region)
);

CREATE TABLE IF NOT EXISTS factor_scores (
    ticker      TEXT             NOT NULL,
    region      TEXT             NOT NULL,
    date        DATE             NOT NULL,
    factor_name TEXT             NOT NULL,
    score       DOUBLE PRECISION,
    percentile  DOUBLE PRECISION,
    PRIMARY KEY (ticker, region, date, factor_name)
);
CREATE INDEX IF NOT EXISTS idx_factor_scores_factor_date ON factor_scores (factor_name, date DESC);

CREATE TABLE IF NOT EXISTS market_holidays (
    region  TEXT NOT NULL,
    date    DATE NOT NULL,
    name    TEXT,
    PRIMARY KEY (region, date)
);

CREATE TABLE IF NOT EXISTS data_collection_log (
    id           BIGSERIAL PRIMARY KEY,
    source       TEXT        NOT NULL,
    region       TEXT,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    finished_at  TIMESTAMPTZ,
    rows_written BIGINT,
    status       TEXT,
    message      TEXT
);

-- One row per table per run of migrate_from_sqlite.mjs.
CREATE TABLE IF NOT EXISTS migration_log (
    id            BIGSERIAL PRIMARY KEY,
    table_name    TEXT        NOT NULL,
    source_rows   BIGINT      NOT NULL,
    inserted_rows BIGINT      NOT NULL,
    skipped_rows  BIGINT      NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
