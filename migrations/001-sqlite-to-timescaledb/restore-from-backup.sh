#!/usr/bin/env bash
# Rollback scenario 2, option A: restore the database from a pg_dump backup
# (custom format, pg_dump -Fc), the TimescaleDB way: timescaledb_pre_restore()
# stops the background workers and puts the catalog in restore mode,
# timescaledb_post_restore() puts it back — without them a restore of
# hypertables and continuous aggregates is not consistent.
#   RUNBOOK_INPUT_RECOVERY_METHOD  backup | sqlite (sqlite: this step does nothing)
#   RUNBOOK_INPUT_BACKUP_FILE      the .dump file
set -u
if [ "${RUNBOOK_INPUT_RECOVERY_METHOD:-sqlite}" != backup ]; then
  echo "recovery_method=${RUNBOOK_INPUT_RECOVERY_METHOD:-sqlite}: not restoring from a backup (the next step re-migrates from SQLite)"
  exit 0
fi
file="${RUNBOOK_INPUT_BACKUP_FILE:-}"
[ -n "$file" ] || { echo "recovery_method=backup but no backup_file input was given"; exit 2; }
[ -r "$file" ] || { echo "cannot read the backup file: $file"; exit 2; }
command -v pg_restore >/dev/null || { echo "pg_restore is not installed (postgresql-client)"; exit 2; }
set -e
echo "+ SELECT timescaledb_pre_restore()"
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "SELECT timescaledb_pre_restore()"
echo "+ pg_restore --clean --if-exists --no-owner -d \$DATABASE_URL $file"
status=0
pg_restore --clean --if-exists --no-owner -d "$DATABASE_URL" "$file" || status=$?
echo "+ SELECT timescaledb_post_restore()"
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "SELECT timescaledb_post_restore()"
if [ "$status" -ne 0 ]; then
  echo "pg_restore reported errors (exit $status): read them above before trusting the data"
  exit "$status"
fi
echo "Restore complete from $file"
