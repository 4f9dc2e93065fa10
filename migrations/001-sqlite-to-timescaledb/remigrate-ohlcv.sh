#!/usr/bin/env bash
# Rollback scenario 2, option B: re-migrate the OHLCV data from SQLite.
# Empties ohlcv_data (TRUNCATE, so its chunks are dropped too) and runs the
# copy again; the other tables keep their rows (the copy skips rows that are
# already there).
#   RUNBOOK_INPUT_RECOVERY_METHOD  backup | sqlite (backup: this step does nothing)
#   RUNBOOK_INPUT_SQLITE_PATH      the SQLite source
set -u
if [ "${RUNBOOK_INPUT_RECOVERY_METHOD:-sqlite}" != sqlite ]; then
  echo "recovery_method=${RUNBOOK_INPUT_RECOVERY_METHOD}: restored from a backup, not re-migrating"
  exit 0
fi
src="${RUNBOOK_INPUT_SQLITE_PATH:-}"
[ -r "$src" ] || { echo "cannot read the SQLite source: ${src:-<no sqlite_path input>}"; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
set -e
echo "+ TRUNCATE TABLE ohlcv_data CASCADE"
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "TRUNCATE TABLE ohlcv_data CASCADE"
echo "+ migrate_from_sqlite.mjs --source $src"
node "$here/migrate_from_sqlite.mjs" --source "$src"
