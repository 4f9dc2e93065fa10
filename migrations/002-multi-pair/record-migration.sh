#!/usr/bin/env bash
# Record an applied migration in the `migrations` history table, with the
# md5 checksum of the migration file as it was applied.
# Usage: record-migration.sh VERSION NAME FILE
#
#   not recorded yet          -> insert (version, name, checksum)
#   recorded, same checksum   -> nothing to do (re-running is safe)
#   recorded, other checksum  -> FAIL: the file was edited after it was
#                                applied; find out why before going on.
#
# Values reach SQL as psql variables (:'name'), never spliced into SQL text.
set -euo pipefail

version="${1:?usage: record-migration.sh VERSION NAME FILE}"
name="${2:?usage: record-migration.sh VERSION NAME FILE}"
file="${3:?usage: record-migration.sh VERSION NAME FILE}"
: "${DATABASE_URL:?DATABASE_URL is not set}"

checksum=$(md5sum "$file" | cut -d ' ' -f 1)
psql_() { psql "$DATABASE_URL" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

recorded=$(psql_ -v version="$version" <<'SQL'
SELECT checksum FROM migrations WHERE version = :'version';
SQL
)

if [ -z "$recorded" ]; then
    psql_ -v version="$version" -v name="$name" -v checksum="$checksum" <<'SQL'
INSERT INTO migrations (version, name, checksum) VALUES (:'version', :'name', :'checksum');
SQL
    echo "recorded migration $version ($name) with checksum $checksum"
elif [ "$recorded" = "$checksum" ]; then
    echo "migration $version ($name) already recorded with checksum $checksum"
else
    echo "CHECKSUM MISMATCH for migration $version: recorded $recorded, file $file is now $checksum." >&2
    echo "The file changed after it was applied. Compare it with the version that was deployed before going on." >&2
    exit 1
fi
