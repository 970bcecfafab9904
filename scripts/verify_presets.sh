#!/bin/bash
# scripts/verify_presets.sh [PRESET.ini...] - mpsim verify --lockstep of every
# preset at its full array size (default: configs/*.ini), each on a synthetic
# trace made for it: the preset's own schemes, group, accumulate mode and
# scale rule, M = Rows + 3 and N = Cols + 5 (two m-folds and two n-folds, the
# second ones partial), K = two groups and a half (int8 per channel: 160).
# Not part of `make test`: one Verilator build per preset, about a minute at
# 32x32 and 4-5 minutes at 64x64 (docs/verification.md, "Presets at full size").
# `make verify-presets`; MPSIM_VL_OPT as for mpsim verify (default -O0 here).
# Prints "N passed, N failed" (a preset the RTL does not implement counts as
# failed: its message is printed).
set -u
cd "$(dirname "$0")/.."
M=${MPSIM:-build/bin/mpsim}
W=build/presets
export MPSIM_VL_OPT=${MPSIM_VL_OPT:--O0}
mkdir -p "$W"
pass=0 fail=0
key() { sed -n "s/^$1 *= *\([^ #;]*\).*/\1/p" "$2" | head -1; }
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(configs/*.ini)
t00=$(date +%s)
for p in "${presets[@]}"; do
	name=$(basename "$p" .ini)
	rows=$(key rows "$p"); cols=$(key cols "$p")
	ws=$(key wscheme "$p"); as=$(key ascheme "$p"); g=$(key group "$p")
	acc=$(key accumulate "$p"); ab=$(key align_bits "$p"); sr=$(key scale_rule "$p")
	asym=$(key asym "$p")
	opts=(--wscheme "$ws" --ascheme "$as")
	gg=$g
	case $ws in
	int4 | int8 | zqfp_m1 | zqfp_m2)
		[ "${g:-0}" = 0 ] && gg=64 # per channel: the whole K (below)
		;;
	esac
	[ "${gg:-0}" = 0 ] && gg=32
	k=$((gg * 2 + gg / 2))
	[ "$gg" -lt 16 ] && k=40 # float x float (group 1)
	case $ws in
	int4 | int8 | zqfp_m1 | zqfp_m2)
		if [ "${g:-0}" = 0 ]; then k=160; opts+=(--group $k); else opts+=(--group "$g"); fi
		;;
	esac
	[ -n "$acc" ] && opts+=(--accumulate "$acc")
	[ "$acc" = align ] && [ -n "$ab" ] && opts+=(--align-bits "$ab")
	[ -n "$sr" ] && opts+=(--scale-rule "$sr")
	[ "$asym" = true ] && opts+=(--asym)
	mm=$((rows + 3)) nn=$((cols + 5))
	tr=$W/$name.m${mm}k${k}n$nn.safetensors
	log=$W/$name.log
	t1=$(date +%s)
	if ! { [ -f "$tr" ] || "$M" trace make --gemm "$mm,$k,$nn" "${opts[@]}" -o "$tr" >"$log" 2>&1; }; then
		fail=$((fail + 1))
		echo "FAIL $name: cannot make its trace (${opts[*]}):"
		sed 's/^/    /' "$log"
		continue
	fi
	echo "  VERIFY  $name (${rows}x$cols, $(basename "$tr"))"
	"$M" verify "$p" --trace "$tr" --lockstep >"$log" 2>&1
	rc=$?
	dt=$(($(date +%s) - t1))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name ${rows}x$cols (${dt}s): $(grep -o 'model .*s)' "$log" | sed 's/.*(//; s/)//'), $(grep -o 'cycles rtl [0-9]*, sim [0-9]*' "$log"), $(grep -o '[0-9]* cycles compared' "$log")"
	else
		fail=$((fail + 1))
		echo "FAIL $name ${rows}x$cols (rc $rc, ${dt}s):"
		sed 's/^/    /' "$log"
	fi
done
echo "presets: $(($(date +%s) - t00)) s"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
