#!/usr/bin/env bash
# run-test.sh DIR NAME CMD... : run one test harness, keep its log in
# DIR/NAME.log and its counts in DIR/NAME.res ("passed failed").  Counts come
# from the harness's closing line: CUnit's "tests" Run Summary row, or a
# plain "N passed, N failed" line.  A harness that exits non-zero without a
# failure in its counts is recorded as one more failure.  Always exits 0 so
# that every step runs; scripts/test-summary.sh decides.
set -uo pipefail
dir=$1 name=$2; shift 2
mkdir -p "$dir"
log="$dir/$name.log"
echo "=== $name: $*"
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=0 failed=0
if grep -qE '^ +tests +[0-9]+ +[0-9]+ +[0-9n/a]+ +[0-9]+' "$log"; then
  read -r passed failed < <(grep -E '^ +tests +[0-9]+' "$log" | tail -1 | awk '{print $4, $5}')
elif grep -qE '([0-9]+) passed, ([0-9]+) failed' "$log"; then
  read -r passed failed < <(grep -oE '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | awk '{print $1, $3}')
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
  echo "=== $name: exit status $rc" | tee -a "$log"
fi
echo "$passed $failed" > "$dir/$name.res"
exit 0
