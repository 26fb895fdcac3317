#!/usr/bin/env bash
# The suite beside two CPU-bound processes (issue 18: it must pass three times in a row on a busy machine).
# Usage: scripts/loaded-suite.sh [runs=3]. Builds once, then runs `vitest run` N times while two busy loops
# spin; prints each run's result and time, and exits non-zero if any run failed. The loops end with it.
set -u
runs=${1:-3}
cd "$(dirname "$0")/.."
npm run build >/dev/null || exit 1
busy=()
for _ in 1 2; do node -e 'for (;;) {}' & busy+=($!); done
trap 'kill "${busy[@]}" 2>/dev/null' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if npx vitest run >"/tmp/reelctl-loaded-suite-$i.log" 2>&1; then r=passed; else r=FAILED; failed=1; fi
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "/tmp/reelctl-loaded-suite-$i.log" | grep -E '^\s*(Tests|Test Files)' | tr -s ' ' | paste -sd';')
  echo "run $i: $r in $(( $(date +%s) - start )) s ($summary) — log /tmp/reelctl-loaded-suite-$i.log"
done
exit $failed
