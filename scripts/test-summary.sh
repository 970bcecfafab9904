#!/usr/bin/env bash
# test-summary.sh DIR : total the counts written by run-test.sh and print the
# closing line CI reads.  Exits 1 if any step failed or none ran.
set -euo pipefail
dir=$1
tp=0 tf=0 n=0
for f in "$dir"/*.res; do
  [ -e "$f" ] || continue
  read -r p fl < "$f"
  name=$(basename "$f" .res)
  printf '  %-24s %6d passed, %d failed\n' "$name" "$p" "$fl"
  tp=$((tp + p)); tf=$((tf + fl)); n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "0 passed, 1 failed"; echo "no test step ran" >&2; exit 1; }
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ]
