#!/usr/bin/env bash
# Install TimescaleDB 2.x for the PostgreSQL server the runbook targets, the
# way the migration guide does it, on THIS machine — so run it on the
# database server (a remote server: run this script there by hand).
#
# Debian/Ubuntu: the package is timescaledb-2-postgresql-<major>, from the
# Timescale apt repository (it is not in Debian's own archive); macOS:
# `brew install timescaledb`. Then timescaledb-tune adds
# shared_preload_libraries = 'timescaledb' and PostgreSQL is restarted.
# Needs sudo on Linux. Exit 0 when the extension is available afterwards.
set -u
say() { printf '%s\n' "$*"; }

major=$(psql "${DATABASE_URL:-}" -X -A -t -q -c "SELECT current_setting('server_version_num')::int / 10000" 2>/dev/null || true)
host="${PGHOST:-localhost}"
say "target server: ${host}:${PGPORT:-5432}, PostgreSQL ${major:-unknown}"
case "$host" in
  localhost|127.*|::1|/*) ;;
  *) say "The database server ($host) is not this machine: run this script on the server itself, or follow the commands below there."
     say "  Debian/Ubuntu: sudo apt-get install -y timescaledb-2-postgresql-${major:-15} && sudo timescaledb-tune --quiet --yes && sudo systemctl restart postgresql"
     say "  macOS:         brew install timescaledb && timescaledb-tune --quiet --yes && brew services restart postgresql@${major:-15}"
     exit 1 ;;
esac
[ -n "$major" ] || { say "cannot reach the database with psql to learn its version"; exit 1; }

if command -v brew >/dev/null 2>&1; then
  say "+ brew install timescaledb (or reinstall)"
  brew reinstall timescaledb || brew install timescaledb || exit 1
  timescaledb-tune --quiet --yes || exit 1
  brew services restart "postgresql@${major}" || exit 1
elif command -v apt-get >/dev/null 2>&1; then
  pkg="timescaledb-2-postgresql-${major}"
  if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    say "$pkg is not available from the configured apt sources. Add the Timescale repository first:"
    say "  echo \"deb https://packagecloud.io/timescale/timescaledb/debian/ \$(lsb_release -cs) main\" | sudo tee /etc/apt/sources.list.d/timescaledb.list"
    say "  wget --quiet -O - https://packagecloud.io/timescale/timescaledb/gpgkey | sudo gpg --dearmor -o /etc/apt/trusted.gpg.d/timescaledb.gpg"
    say "  (Ubuntu: sudo add-apt-repository ppa:timescale/timescaledb-ppa)"
    say "  sudo apt-get update && sudo apt-get install -y $pkg"
    say "then: sudo timescaledb-tune --quiet --yes && sudo systemctl restart postgresql"
    say "Without that repository (Debian 12, PostgreSQL 15, no network): this project's scripts/timescaledb.sh builds"
    say "TimescaleDB 2.28.3 from the vendored source (../shared/vendor) and starts a cluster of its own on port 5433."
    exit 1
  fi
  say "+ sudo apt-get install --reinstall -y $pkg"
  sudo apt-get install --reinstall -y "$pkg" || exit 1
  sudo timescaledb-tune --quiet --yes || exit 1
  sudo systemctl restart postgresql || exit 1
else
  say "no brew or apt-get here: install TimescaleDB 2.x for PostgreSQL $major as https://docs.timescale.com/ describes, then restart PostgreSQL"
  exit 1
fi

for _ in 1 2 3 4 5 6 7 8 9 10; do
  if psql "${DATABASE_URL:-}" -X -A -t -q -c "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'" 2>/dev/null | grep -q 1; then
    say "TimescaleDB is available: retry the check"
    exit 0
  fi
  sleep 2
done
say "TimescaleDB still is not available to the server: check shared_preload_libraries and the server log"
exit 1
