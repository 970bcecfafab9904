#!/usr/bin/env bash
# check_traces.sh MPSIM [DIR] : verify every golden regression trace with
# "mpsim trace check" (CRCs, shapes, y.expected recomputed bit for bit).
# Closes with "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
mpsim=${1:-build/bin/mpsim} dir=${2:-traces/regress}
pass=0 fail=0
for f in "$dir"/*.safetensors; do
  [ -e "$f" ] || continue
  if out=$("$mpsim" trace check "$f" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $out"
  fi
done
[ $((pass + fail)) -gt 0 ] || { echo "no traces in $dir"; fail=1; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
