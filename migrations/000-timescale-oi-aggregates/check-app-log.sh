#!/usr/bin/env bash
# Step 5 of the OI-aggregates migration: look for database errors and slow
# queries in the application log since the cutover.
#   RUNBOOK_INPUT_APP_LOG   the application log (e.g. logs/app.log); empty = not checked
#   RUNBOOK_INPUT_LOG_LINES how many of its last lines to read (default 5000)
# Exit 0: no "error", "exception" or "slow query" line; 1: some were found
# (they are printed); 2: the log cannot be read.
set -u
log="${RUNBOOK_INPUT_APP_LOG:-}"
lines="${RUNBOOK_INPUT_LOG_LINES:-5000}"
if [ -z "$log" ]; then
  echo "NOT CHECKED: no app_log input was given (a sandbox has no application); check the application log by hand."
  exit 0
fi
if [ ! -r "$log" ]; then
  echo "cannot read the application log: $log"
  exit 2
fi
errors=$(tail -n "$lines" "$log" | grep -iE 'error|exception' || true)
slow=$(tail -n "$lines" "$log" | grep -i 'slow query' || true)
n_errors=$(printf '%s' "$errors" | grep -c . || true)
n_slow=$(printf '%s' "$slow" | grep -c . || true)
echo "last $lines lines of $log: $n_errors error/exception line(s), $n_slow slow query line(s)"
if [ "$n_errors" -gt 0 ] || [ "$n_slow" -gt 0 ]; then
  printf '%s\n' "$errors" "$slow" | grep . | tail -n 20
  exit 1
fi
echo "no database errors or slow queries in the log"
