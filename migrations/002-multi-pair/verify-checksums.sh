#!/usr/bin/env bash
# Compare every migration recorded in the `migrations` table with the md5 of
# its file in this directory (VERSION-NAME.sql). Prints one line per
# migration and exits 1 if any file is missing or differs from what was applied.
# Usage: verify-checksums.sh [DIR]   (DIR defaults to this script's directory)
set -euo pipefail

dir="${1:-$(dirname "$0")}"
: "${DATABASE_URL:?DATABASE_URL is not set}"

status=0
count=0
while IFS='|' read -r version name checksum; do
    [ -n "$version" ] || continue
    count=$((count + 1))
    file="$dir/$version-$name.sql"
    if [ ! -f "$file" ]; then
        echo "MISSING  $version $name: no file $file"
        status=1
        continue
    fi
    actual=$(md5sum "$file" | cut -d ' ' -f 1)
    if [ "$actual" = "$checksum" ]; then
        echo "OK       $version $name $checksum"
    else
        echo "MISMATCH $version $name: recorded $checksum, file is $actual"
        status=1
    fi
done < <(psql "$DATABASE_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c 'SELECT version, name, checksum FROM migrations ORDER BY version')

echo "$count migration(s) checked"
exit "$status"
