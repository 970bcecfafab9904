#!/usr/bin/env bash
# smoke.sh FUZZER CORPUS_DIR : run every seed input once through the libFuzzer
# binary (-runs=0: execute the corpus, no mutation).  One "passed" per file
# when the whole corpus runs clean; otherwise each file is rerun alone to
# name the failing ones.  Closes with "N passed, N failed".
set -uo pipefail
fuzz=$1 dir=$2
n=$(find "$dir" -maxdepth 1 -type f | wc -l)
[ "$n" -gt 0 ] || { echo "0 passed, 1 failed"; echo "empty corpus $dir"; exit 1; }
if "$fuzz" -runs=0 "$dir" >/dev/null 2>&1; then
  echo "corpus $dir: $n inputs executed, no crash"
  echo "$n passed, 0 failed"; exit 0
fi
pass=0 fail=0
for f in "$dir"/*; do
  if "$fuzz" "$f" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $f"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
