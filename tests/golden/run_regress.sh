#!/usr/bin/env bash
# tests/golden/run_regress.sh - every regression trace through `mpsim run`,
# in cycle and fast mode, outputs bit-exact against y.expected.
#
# A trace carries its own quantization; the config supplies the array, PE
# kind, dequant, memory and clock (mpsim help run).  Config per trace: a
# 4-bit weight (int4/uint4/e2m1 schemes) runs on configs/default.ini (the
# 32x32 os shift-add array) and on configs/ws-w4a8-edge.ini when that fits
# (ws, edge dequant); every other weight on configs/fp8-mac.ini (multiplier).
# usage: run_regress.sh [MPSIM] [TRACE_DIR]
set -euo pipefail
MPSIM=${1:-build/bin/mpsim}
DIR=${2:-traces/regress}
pass=0
fail=0
shopt -s nullglob
traces=("$DIR"/*.safetensors)
if [ ${#traces[@]} -eq 0 ]; then
	echo "run_regress: no traces in $DIR" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
check() { # trace config mode
	local out rc=0
	out=$("$MPSIM" run "$2" --trace "$1" --mode "$3" 2>&1) || rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$1") on $2 ($3 mode), exit $rc:"
		echo "$out" | grep -E 'MISMATCH|mpsim' | sed 's/^/    /'
	fi
}
for t in "${traces[@]}"; do
	b=$(basename "$t")
	case "$b" in
	*_int4*|*_mxfp4-*|*_nvfp4-*|*_amxfp4-*|*_zqfp*) cfgs=(configs/default.ini) ;;
	*) cfgs=(configs/fp8-mac.ini) ;;
	esac
	for c in "${cfgs[@]}"; do
		check "$t" "$c" cycle
		check "$t" "$c" fast
	done
	# the ws/edge array where the trace's group is a multiple of 32 rows
	if [[ "$b" == *_int4*g128* || "$b" == *_int4*g64* || "$b" == *_int4*g32* ]] &&
	   [[ "$b" != *_exact* ]]; then
		check "$t" configs/ws-w4a8-edge.ini cycle
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
