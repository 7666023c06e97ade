#!/usr/bin/env bash
# Repeats, from a saved `npm test` log, what each failed nx task printed about its failure, so that the end of the
# log (often all that a CI page keeps) names the failing tests and their errors.
# Usage: tools/ci-failures.sh LOG
set -euo pipefail
log=$1
plain=$(mktemp)
trap 'rm -f "$plain"' EXIT
sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" >"$plain"
# nx lists them under "Failed tasks:" as "- project:target".
failed=$(awk '/^Failed tasks:/ { listing = 1; next } listing && /^- / { print $2 }' "$plain")
if [ -z "$failed" ]; then
  echo "ci-failures: no failed nx task is listed in $log; its last lines:"
  tail -n 40 "$plain"
  exit 0
fi
for task in $failed; do
  echo
  echo "=== $task failed; from its output ==="
  # The task's own section: from its "> nx run" header to the next task's.
  section=$(awk -v header="> nx run $task" '$0 == header || index($0, header " ") == 1 { inside = 1; next } inside && /^> nx run / { inside = 0 } inside' "$plain")
  # vitest sums up its failures under "Failed Suites" and "Failed Tests"; other commands end with their error.
  summary=$(printf '%s\n' "$section" | awk '/Failed (Suites|Tests) [0-9]+/ { found = 1 } found')
  if [ -n "$summary" ]; then printf '%s\n' "$summary" | head -n 150; else printf '%s\n' "$section" | tail -n 60; fi
done
