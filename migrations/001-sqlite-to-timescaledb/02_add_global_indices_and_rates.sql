-- Phase 1 schema, part 2 (scripts/add_global_indices_and_rates.sql): global
-- market indices and exchange rates, the Phase 1 infrastructure tables.
CREATE TABLE IF NOT EXISTS global_market_indices (
    index_code  TEXT             NOT NULL,
    region      TEXT             NOT NULL,
    date        DATE             NOT NULL,
    open        DOUBLE PRECISION,
    high        DOUBLE PRECISION,
    low         DOUBLE PRECISION,
    close       DOUBLE PRECISION,
    volume      BIGINT,
    PRIMARY KEY (index_code, date)
);

CREATE TABLE IF NOT EXISTS exchange_rate_history (
    base_currency  TEXT             NOT NULL,
    quote_currency TEXT             NOT NULL,
    date           DATE             NOT NULL,
    rate           DOUBLE PRECISION NOT NULL,
    source         TEXT,
    PRIMARY KEY (base_currency, quote_currency, date)
);
