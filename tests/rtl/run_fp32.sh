#!/usr/bin/env bash
# tests/rtl/run_fp32.sh - bit-exact check of rtl/mp_fp32_add.sv and
# rtl/mp_fl32_scale.sv against the C model, under iverilog and Verilator.
#
#   bash tests/rtl/run_fp32.sh [--break trunc|tiesaway] [BUILD]
#
# 1. builds tests/rtl/gen_fp32_vectors.c against BUILD/lib/libmpsim.a (run `make`
#    first, or let `make test-rtl-fp32` do it) and writes BUILD/rtl-tests/*.vec;
# 2. replays every vector file through tests/rtl/tb_fp32.sv under iverilog -g2012
#    and a Verilator --binary build (mp_fl32_scale at PW/EW 64/12, 32/10, 25/10;
#    iverilog replays 1 in 4 of the 32/10 and 25/10 files, Verilator all of them);
# 3. negative control: two mutants of rtl/mp_fp32_round.sv generated under
#    BUILD/rtl-tests/mutants/ (rtl/ is never touched) - "trunc" (round toward zero:
#    MP_BREAK_ROUND) and "tiesaway" (ties away from zero) - must each report
#    mismatches on a sample of the vectors, for both modules;
# 4. ends with "rtl-fp32: N passed, N failed": one check per lint top, per
#    (simulator, file) run and per mutant detection; vector counts are printed above.
# Verilator -Wall lint of both tops (and mp_fl32_scale at PW 64/25/1) runs first.
# --break NAME instead runs the whole suite on that mutant, expecting it to fail.
set -uo pipefail
cd "$(dirname "$0")/../.."

brk=""
if [ "${1:-}" = "--break" ]; then
	brk=$2
	shift 2
fi
BUILD=${1:-build}
OUT=$BUILD/rtl-tests
LIB=$BUILD/lib/libmpsim.a
CC=${CC:-cc}
IVERILOG=${IVERILOG:-iverilog}
VERILATOR=${VERILATOR:-verilator}
RTL_FILES="rtl/mp_fp32_round.sv rtl/mp_fp32_add.sv rtl/mp_fl32_scale.sv"
mkdir -p "$OUT"
t0=$SECONDS
lint_pass=0 lint_fail=0

die() { echo "run_fp32: $*"; echo "rtl-fp32: 0 passed, 1 failed"; exit 1; }

[ -f "$LIB" ] || die "$LIB missing: run make first"

# ---- mutants of the rounding step (test-only copies) ----
ROUND_LINE='assign round_up = rnd & (stk | sig\[0\]);  // RNE'
make_mutant() { # NAME -> $OUT/mutants/NAME/mp_fp32_round.sv
	local name=$1 repl dir=$OUT/mutants/$1
	case $name in
	trunc) repl='assign round_up = 1'"'"'b0;  // MP_BREAK_ROUND: truncation' ;;
	tiesaway) repl='assign round_up = rnd;  // MP_BREAK_ROUND: ties away from zero' ;;
	*) die "unknown mutant $name" ;;
	esac
	mkdir -p "$dir"
	sed "s#$ROUND_LINE#$repl#" rtl/mp_fp32_round.sv > "$dir/mp_fp32_round.sv"
	grep -q "MP_BREAK_ROUND" "$dir/mp_fp32_round.sv" || die "mutant $name: rounding line not found in rtl/mp_fp32_round.sv"
}

VL_WARN=-Wall
if [ -n "$brk" ]; then
	make_mutant "$brk"
	VL_WARN="-Wall -Wno-UNUSEDSIGNAL" # the mutant leaves rnd / stk unused
	RTL_FILES="$OUT/mutants/$brk/mp_fp32_round.sv rtl/mp_fp32_add.sv rtl/mp_fl32_scale.sv"
	echo "run_fp32: --break $brk: running the suite on a broken rounding step (expect mismatches)"
fi

# ---- lint: verilator -Wall on both tops, mp_fl32_scale also at other widths ----
for g in "mp_fp32_add:" "mp_fl32_scale:" "mp_fl32_scale:-GPW=64 -GEW=12" "mp_fl32_scale:-GPW=25" \
	"mp_fl32_scale:-GPW=1 -GEW=2"; do
	top=${g%%:*} gp=${g#*:}
	# shellcheck disable=SC2086
	if $VERILATOR --lint-only -Wall -Irtl rtl/lint/verilator_waiver.vlt --top-module "$top" $gp \
		"rtl/$top.sv" > "$OUT/lint.log" 2>&1; then
		echo "lint: $top $gp clean"
		lint_pass=$((lint_pass + 1))
	else
		cat "$OUT/lint.log"
		echo "lint: $top $gp FAILED"
		lint_fail=$((lint_fail + 1))
	fi
done

# ---- vectors from the C model ----
$CC -std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -D_POSIX_C_SOURCE=200809L -I. -Imodel \
	-o "$OUT/gen_fp32_vectors" tests/rtl/gen_fp32_vectors.c "$LIB" -lm || die "cannot build the vector generator"
"$OUT/gen_fp32_vectors" "$OUT" || die "vector generation failed"

RUNS=("add:fp32_add.vec:64" "scale:fl32_scale.vec:64" "scale:fl32_scale_p32.vec:32" "scale:fl32_scale_p25.vec:25")

# ---- builds: iverilog (fast) and Verilator --binary (in the background) ----
$IVERILOG -g2012 -Wall -o "$OUT/tb_fp32.vvp" -s tb_fp32 tests/rtl/tb_fp32.sv $RTL_FILES \
	|| die "iverilog compile failed"
vl_dir=$OUT/verilator${brk:+-$brk}
(
	# shellcheck disable=SC2086
	$VERILATOR --binary $VL_WARN -j 2 -Irtl --top-module tb_fp32 -Mdir "$vl_dir" -o tb_fp32 \
		tests/rtl/tb_fp32.sv $RTL_FILES > "$OUT/verilator-build.log" 2>&1
) &
vl_pid=$!

# run_one SIM KIND FILE PW LOG: one testbench run, output to LOG
run_one() {
	local sim=$1 kind=$2 file=$3 pw=$4 log=$5
	if [ "$sim" = iverilog ]; then
		vvp -n "$OUT/tb_fp32.vvp" "+$kind=$file" "+pw=$pw" > "$log" 2>&1
	else
		"$vl_dir/tb_fp32" "+$kind=$file" "+pw=$pw" > "$log" 2>&1
	fi
}

# iverilog runs: two at a time (the Verilator build takes a core meanwhile)
pids=()
logs=()
for r in "${RUNS[@]}"; do
	IFS=: read -r kind file pw <<< "$r"
	log=$OUT/iverilog-${file%.vec}.log
	vec=$OUT/$file
	if [ "$pw" != 64 ]; then # secondary widths: every vector under Verilator, 1 in 4 here
		vec=$OUT/${file%.vec}.sample4.vec
		awk 'NR % 4 == 1' "$OUT/$file" > "$vec"
	fi
	run_one iverilog "$kind" "$vec" "$pw" "$log" &
	pids+=($!)
	logs+=("$log")
	if [ $(( ${#pids[@]} % 2 )) -eq 0 ]; then wait "${pids[-2]}" "${pids[-1]}"; fi
done
wait "${pids[@]}" 2>/dev/null
wait "$vl_pid" || { cat "$OUT/verilator-build.log"; die "verilator build failed"; }
for r in "${RUNS[@]}"; do
	IFS=: read -r kind file pw <<< "$r"
	log=$OUT/verilator-${file%.vec}.log
	run_one verilator "$kind" "$OUT/$file" "$pw" "$log"
	logs+=("$log")
done

checks_pass=$lint_pass checks_fail=$lint_fail vec_pass=0 vec_fail=0
for log in "${logs[@]}"; do
	sim=$(basename "$log" | cut -d- -f1)
	line=$(grep -E '^tb_fp32 .* passed, [0-9]+ failed' "$log" | tail -1)
	grep -E '^MISMATCH' "$log" | head -3
	if [ -z "$line" ]; then
		echo "$sim: $(basename "$log"): no result line"; tail -3 "$log"
		checks_fail=$((checks_fail + 1))
		continue
	fi
	p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/' <<< "$line")
	f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/' <<< "$line")
	echo "$sim: ${line#tb_fp32 }"
	vec_pass=$((vec_pass + p)) vec_fail=$((vec_fail + f))
	if [ "$f" -eq 0 ] && [ "$p" -gt 0 ]; then
		checks_pass=$((checks_pass + 1))
	else
		checks_fail=$((checks_fail + 1))
	fi
done

# ---- negative control: each mutant must be caught on a sample of the vectors ----
if [ -z "$brk" ]; then
	for f in fp32_add fl32_scale; do
		awk 'NR % 12 == 1' "$OUT/$f.vec" > "$OUT/$f.sample.vec"
	done
	for m in trunc tiesaway; do
		make_mutant "$m"
		$IVERILOG -g2012 -o "$OUT/mutants/$m/tb.vvp" -s tb_fp32 tests/rtl/tb_fp32.sv \
			"$OUT/mutants/$m/mp_fp32_round.sv" rtl/mp_fp32_add.sv rtl/mp_fl32_scale.sv \
			|| die "mutant $m: compile failed"
		for kind in add scale; do
			[ $kind = add ] && f=fp32_add || f=fl32_scale
			log=$OUT/mutants/$m/$kind.log
			vvp -n "$OUT/mutants/$m/tb.vvp" "+$kind=$OUT/$f.sample.vec" +pw=64 > "$log" 2>&1 &
		done
		wait
		for kind in add scale; do
			log=$OUT/mutants/$m/$kind.log
			rc_line=$(grep -E '^tb_fp32 .* passed, [0-9]+ failed' "$log" | tail -1)
			nf=$(sed -E 's/.*, ([0-9]+) failed/\1/' <<< "$rc_line")
			if grep -q "FATAL\|fatal" "$log" && [ -n "$nf" ] && [ "$nf" -gt 0 ]; then
				echo "mutant $m ($kind): detected, ${rc_line#*: } on the 1-in-12 sample"
				checks_pass=$((checks_pass + 1))
			else
				echo "mutant $m ($kind): NOT detected: ${rc_line:-no result line}"
				checks_fail=$((checks_fail + 1))
			fi
		done
	done
fi

echo "run_fp32: $vec_pass vectors matched, $vec_fail mismatched (iverilog + Verilator), $((SECONDS - t0)) s"
echo "rtl-fp32: $checks_pass passed, $checks_fail failed"
[ "$checks_fail" -eq 0 ]
