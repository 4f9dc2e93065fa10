#!/usr/bin/env bash
# Builds TimescaleDB from ../shared/vendor against Debian's PostgreSQL 15 pinned to 15.18,
# installs it, and starts a cluster of its own ("15/tsdb", port 5433) with the extension
# preloaded and settings a real deployment would have. Usable by hand and by .ci/run.
#
#   bash scripts/timescaledb.sh          # build (or reuse a build) and start the cluster
#   bash scripts/timescaledb.sh url      # print the cluster's URL
#
# A finished build is kept under $RUNBOOK_TSDB_CACHE (default /var/cache/runbook-timescaledb),
# keyed by the tarball's sha256: the same tarball on the same machine is installed again
# in seconds; a fresh machine builds it (5–11 minutes on 2 cores).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tarball="${RUNBOOK_TSDB_TARBALL:-$here/../shared/vendor/timescaledb-2.28.3.tar.gz}"
cache="${RUNBOOK_TSDB_CACHE:-/var/cache/runbook-timescaledb}"
port="${RUNBOOK_TSDB_PORT:-5433}"
cluster=tsdb
pin=15.18-0+deb12u1

if [ "${1:-}" = url ]; then echo "postgres://postgres@127.0.0.1:$port/postgres"; exit 0; fi

say() { echo "timescaledb: $*"; }

# 1. PostgreSQL 15 pinned to 15.18: on 15.20 every TimescaleDB 2.28.3 background job fails
#    ("cannot drop portal "" while it is being set up"). Headers from the same version.
need=()
for pkg in postgresql-15 postgresql-client-15 postgresql-server-dev-15; do
  v=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
  [ "$v" = "$pin" ] || need+=("$pkg=$pin")
done
for pkg in cmake gcc make libssl-dev libkrb5-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades "${need[@]}" >/dev/null
fi
apt-mark hold postgresql-15 postgresql-client-15 postgresql-server-dev-15 >/dev/null

# 2. Build once per tarball checksum; install from the kept tree.
[ -f "$tarball" ] || { say "no $tarball (the vendored source: ../shared/vendor next to the clone, or RUNBOOK_TSDB_TARBALL)"; exit 1; }
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
root="$cache/$sum/root"
if [ ! -f "$cache/$sum/done" ]; then
  say "building $(basename "$tarball") (sha256 ${sum:0:12}…) — 5–11 minutes on 2 cores"
  work=$(mktemp -d)
  # The release is a `git archive` of the tag: its files sit at the top, with no folder around them.
  src="$work/src"; mkdir -p "$src"
  tar -xzf "$tarball" -C "$src"
  start=$(date +%s)
  (cd "$src" && ./bootstrap -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF \
      -DGENERATE_DOWNGRADE_SCRIPT=OFF -DCMAKE_BUILD_TYPE=Release -DPG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null \
    && cd build && make -j"$(nproc)" >/dev/null && rm -rf "$root" && make install DESTDIR="$root" >/dev/null)
  touch "$cache/$sum/done"
  rm -rf "$work"
  say "built in $(( $(date +%s) - start )) s"
else
  say "reusing the build of sha256 ${sum:0:12}… from $cache"
fi
# Installed once per build: copying over the library a running server has loaded is not needed
# again, and a server that already runs this build need not restart (marker next to the library).
marker=/usr/lib/postgresql/15/lib/timescaledb.runbook-build
changed=0
if [ "$(cat "$marker" 2>/dev/null || true)" != "$sum" ]; then
  cp -a "$root/." /
  echo "$sum" > "$marker"
  changed=1
fi

# 3. A cluster of its own, with the extension preloaded and enough workers for the policies
#    runbook 001 creates in one burst (Debian's default max_worker_processes = 8 is too few).
if ! pg_lsclusters -h | awk -v c="$cluster" '$1=="15" && $2==c' | grep -q .; then
  say "creating cluster 15/$cluster on port $port"
  pg_createcluster 15 "$cluster" -p "$port" >/dev/null
fi
# Workers: every policy job runs in a background worker of its own, plus one scheduler per
# database with the extension (the tests run several at once) and the parallel query workers.
conf=/etc/postgresql/15/$cluster/conf.d/runbook-timescaledb.conf
want=$(cat <<CONF
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
max_worker_processes = 32
timescaledb.max_background_workers = 16
max_connections = 200
CONF
)
if [ "$(cat "$conf" 2>/dev/null || true)" != "$want" ]; then
  echo "$want" > "$conf"
  changed=1
fi
printf 'local all all peer\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' > /tmp/hba-tsdb.conf
url="postgres://postgres@127.0.0.1:$port/postgres"
if ! pg_lsclusters -h | awk -v c="$cluster" '$1=="15" && $2==c {print $4}' | grep -q online; then
  pg_ctlcluster 15 "$cluster" start -- -o "-c hba_file=/tmp/hba-tsdb.conf"
elif [ "$changed" = 1 ]; then
  say "restarting 15/$cluster: a new build or new settings"
  pg_ctlcluster 15 "$cluster" restart -- -o "-c hba_file=/tmp/hba-tsdb.conf"
else
  say "15/$cluster already runs this build with these settings"
fi
v=$(psql -X -At "$url" -c "SELECT current_setting('server_version')")
# Proof the extension loads: created and dropped again in a database of its own.
PGOPTIONS="-c client_min_messages=warning" psql -X -q "$url" -c "DROP DATABASE IF EXISTS runbook_tsdb_check" -c "CREATE DATABASE runbook_tsdb_check" >/dev/null
tv=$(psql -X -At -q "postgres://postgres@127.0.0.1:$port/runbook_tsdb_check" -c "CREATE EXTENSION timescaledb" -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'" | tail -1 || true)
psql -X -q "$url" -c "DROP DATABASE runbook_tsdb_check WITH (FORCE)" >/dev/null
[ -n "$tv" ] || { say "CREATE EXTENSION timescaledb failed on $url"; exit 1; }
say "PostgreSQL $v with TimescaleDB $tv on $url"
