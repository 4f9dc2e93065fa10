#!/usr/bin/env bash
# Step 5 of the OI-aggregates migration: time the two API endpoints that read
# the aggregates. After the cutover each should answer in 50-200 ms (it was
# 200-800 ms through the enriched views).
#   RUNBOOK_INPUT_API_URL     base URL of the API (e.g. http://localhost:8000); empty = not checked
#   RUNBOOK_INPUT_API_SYMBOL  symbol to ask for (default NIFTY50)
#   RUNBOOK_INPUT_API_EXPIRY  expiry for the strike distribution (YYYY-MM-DD; optional)
#   RUNBOOK_INPUT_API_MAX_MS  the latency target in ms (default 200)
# Exit 0: both answered 2xx within the target; 1: slower; 2: an error.
set -u
base="${RUNBOOK_INPUT_API_URL:-}"
symbol="${RUNBOOK_INPUT_API_SYMBOL:-NIFTY50}"
expiry="${RUNBOOK_INPUT_API_EXPIRY:-}"
max_ms="${RUNBOOK_INPUT_API_MAX_MS:-200}"
if [ -z "$base" ]; then
  echo "NOT CHECKED: no api_url input was given (a sandbox has no API); time the endpoints by hand."
  exit 0
fi
command -v curl >/dev/null || { echo "curl is not installed"; exit 2; }
status=0
check() {
  local name="$1" url="$2" out code secs ms
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 "$url" 2>&1) || { echo "✗ $name: $out"; status=2; return; }
  code=${out%% *}; secs=${out##* }
  ms=$(awk -v s="$secs" 'BEGIN { printf "%d", s * 1000 }')
  if [ "${code:0:1}" != 2 ]; then
    echo "✗ $name: HTTP $code in ${ms} ms ($url)"; status=2
  elif [ "$ms" -gt "$max_ms" ]; then
    echo "✗ $name: ${ms} ms, slower than the ${max_ms} ms target ($url)"; [ $status -eq 0 ] && status=1
  else
    echo "✓ $name: ${ms} ms (target < ${max_ms} ms)"
  fi
}
dist="$base/fo/strike-distribution?symbol=$symbol&timeframe=5min&indicator=iv"
[ -n "$expiry" ] && dist="$dist&expiry=$expiry"
check "strike distribution" "$dist"
check "moneyness series" "$base/fo/moneyness-series?symbol=$symbol&timeframe=5min&indicator=delta"
exit $status
