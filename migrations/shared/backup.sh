#!/usr/bin/env bash
# Take a plain-SQL pg_dump of $DATABASE_URL before a migration, and prove the
# file is complete. Usage: backup.sh DIR [LABEL]
#
# Writes DIR/LABEL_YYYYmmdd_HHMMSS.sql (LABEL defaults to backup_pre_migration).
# Restore with:  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f FILE   (into an empty database)
#
# pg_dump refuses to dump a server newer than itself, so this picks the
# newest pg_dump installed (Debian keeps one per major version under
# /usr/lib/postgresql/N/bin) and says clearly when none is new enough.
# With RUNBOOK_INPUT_REQUIRE_BACKUP=false (the sandbox sets it: a throwaway
# database has nothing worth keeping) it warns and carries on instead.
set -euo pipefail

dir="${1:?usage: backup.sh DIR [LABEL]}"
label="${2:-backup_pre_migration}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
require="${RUNBOOK_INPUT_REQUIRE_BACKUP:-true}"

server_num=$(psql "$DATABASE_URL" -XAtq -c 'SHOW server_version_num')
server_major=$((server_num / 10000))

pg_dump_bin=""
best=0
for candidate in /usr/lib/postgresql/*/bin/pg_dump "$(command -v pg_dump || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major=$("$candidate" --version | grep -oE '[0-9]+' | head -n 1)
    if [ "$major" -ge "$server_major" ] && { [ "$best" -eq 0 ] || [ "$major" -lt "$best" ]; }; then
        pg_dump_bin="$candidate"
        best="$major"
    fi
done

if [ -z "$pg_dump_bin" ]; then
    echo "No pg_dump for PostgreSQL $server_major or newer is installed (the server is $server_major)." >&2
    echo "Install one (Debian: apt-get install postgresql-client-$server_major) and retry." >&2
    if [ "$require" = "false" ]; then
        echo "WARNING: require_backup=false, so going on WITHOUT a backup. Acceptable on a throwaway sandbox only."
        exit 0
    fi
    exit 1
fi

mkdir -p "$dir"
file="$dir/${label}_$(date +%Y%m%d_%H%M%S).sql"
echo "Dumping with $pg_dump_bin ($("$pg_dump_bin" --version)) to $file"
"$pg_dump_bin" --no-password --file="$file" "$DATABASE_URL"

# A plain dump that ran to the end finishes with this line; a dump cut short
# (disk full, connection lost, killed) does not.
if ! tail -n 5 "$file" | grep -q -- '-- PostgreSQL database dump complete'; then
    echo "The dump $file is incomplete (no 'dump complete' trailer)." >&2
    exit 1
fi
echo "Backup complete: $file ($(du -h "$file" | cut -f1))"
