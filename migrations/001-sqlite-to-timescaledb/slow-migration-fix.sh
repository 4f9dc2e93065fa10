#!/usr/bin/env bash
# Troubleshooting "Slow migration performance": copy without the big OHLCV
# index, then rebuild it and refresh the planner statistics. Inserting into
# a table keeps every index up to date row by row; building the index once
# at the end is much cheaper for ~1M rows.
#   RUNBOOK_INPUT_SQLITE_PATH  the SQLite source
set -eu
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${RUNBOOK_INPUT_SQLITE_PATH:?no sqlite_path input}"
run() { echo "+ $*"; psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "$*"; }
run "DROP INDEX IF EXISTS idx_ohlcv_ticker_region_timeframe_date"
echo "+ migrate_from_sqlite.mjs --source $src"
node "$here/migrate_from_sqlite.mjs" --source "$src"
run "CREATE INDEX idx_ohlcv_ticker_region_timeframe_date ON ohlcv_data(ticker, region, timeframe, date DESC)"
run "ANALYZE ohlcv_data"
