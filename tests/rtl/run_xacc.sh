#!/usr/bin/env bash
# tests/rtl/run_xacc.sh - bit- and cycle-exact check of rtl/mp_xacc.sv (the
# Kulisch accumulator of accumulate = exact, docs/xacc.md) against the C model
# (model/fl32.c mpq_xacc_*), under iverilog.
#
#   bash tests/rtl/run_xacc.sh [BUILD] [NRAND]
#
# 1. verilator -Wall lint of mp_xacc with the four parameter sets of the bench;
# 2. builds tests/rtl/gen_xacc_vectors.c against BUILD/lib/libmpsim.a (run `make`
#    first) and writes BUILD/rtl-tests/xacc_{int4,mx2,fp16,gen}.vec (NRAND cycles
#    each, default 10000): sequences of clears, stalls, updates with one or two
#    terms, NaN / Inf scales, exact cancellations, overflow to Inf, subnormal
#    results, and vectors outside the int4 instance's bounds (its safety net);
# 3. replays each file through tests/rtl/tb_xacc.sv (fl32(X) after every edge);
# 4. negative control: two mutants under BUILD/rtl-tests/mutants-xacc/ (rtl/ is
#    never touched) must each be caught on the gen and int4 files:
#    "trunc" (mp_fp32_round rounds toward zero) and "narrow" (the register 62
#    bits too narrow at the top: the sums then leave it, the safety net or a wrap
#    gives a wrong y).
# Ends with "rtl-xacc: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

BUILD=${1:-build}
NRAND=${2:-10000}
OUT=$BUILD/rtl-tests
LIB=$BUILD/lib/libmpsim.a
CC=${CC:-cc}
IVERILOG=${IVERILOG:-iverilog}
VERILATOR=${VERILATOR:-verilator}
mkdir -p "$OUT"
t0=$SECONDS
pass=0 fail=0
CFGS="int4 mx2 fp16 gen"

die() { echo "run_xacc: $*"; echo "rtl-xacc: $pass passed, $((fail + 1)) failed"; exit 1; }
[ -f "$LIB" ] || die "$LIB missing: run make first"

# ---- lint ----
for gp in "" "-GNT=2 -GPW=40 -GProdExp=-10 -GSumLog2=54 -GS1Lsb=-127 -GS1Max=127 -GS2Lsb=-127 -GS2Max=127" \
	"-GPW=28 -GSumLog2=43 -GS1Lsb=-24 -GS1Max=16 -GS2Lsb=-127 -GS2Max=127" \
	"-GPW=2 -GSumLog2=32 -GS1Lsb=-48 -GS1Max=32 -GS2Lsb=0 -GS2Max=0"; do
	# shellcheck disable=SC2086
	if $VERILATOR --lint-only -Wall -Irtl rtl/lint/verilator_waiver.vlt rtl/mp_pkg.sv \
		--top-module mp_xacc rtl/mp_xacc.sv $gp > "$OUT/lint-xacc.log" 2>&1; then
		echo "lint: mp_xacc $gp clean"
		pass=$((pass + 1))
	else
		cat "$OUT/lint-xacc.log"
		echo "lint: mp_xacc $gp FAILED"
		fail=$((fail + 1))
	fi
done

# ---- vectors ----
$CC -std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -D_POSIX_C_SOURCE=200809L -I. -Imodel \
	-o "$OUT/gen_xacc_vectors" tests/rtl/gen_xacc_vectors.c "$LIB" -lm ||
	die "cannot build the vector generator"
"$OUT/gen_xacc_vectors" "$OUT" "$NRAND" || die "vector generation failed"

# run_tb VVP CFG LOG: one bench run; prints the result line
run_tb() {
	vvp -n "$1" "+cfg=$2" "+vec=$OUT/xacc_$2.vec" > "$3" 2>&1
}

# ---- the real RTL: two runs at a time ----
$IVERILOG -g2012 -Wall -o "$OUT/tb_xacc.vvp" -s tb_xacc tests/rtl/tb_xacc.sv \
	rtl/mp_fp32_round.sv rtl/mp_xacc.sv || die "iverilog compile failed"
set -- $CFGS
while [ $# -gt 0 ]; do
	run_tb "$OUT/tb_xacc.vvp" "$1" "$OUT/iverilog-xacc-$1.log" &
	[ $# -gt 1 ] && run_tb "$OUT/tb_xacc.vvp" "$2" "$OUT/iverilog-xacc-$2.log" &
	wait
	shift; [ $# -gt 0 ] && shift
done
for c in $CFGS; do
	log=$OUT/iverilog-xacc-$c.log
	line=$(grep -E '^tb_xacc .* passed, [0-9]+ failed' "$log" | tail -1)
	grep -E '^MISMATCH' "$log" | head -3
	if [ -n "$line" ] && grep -q ': [1-9][0-9]* passed, 0 failed' <<<"$line"; then
		echo "iverilog: $line"
		pass=$((pass + 1))
	else
		echo "iverilog: $c FAILED: ${line:-$(tail -3 "$log")}"
		fail=$((fail + 1))
	fi
done

# ---- negative control: mutants must be caught ----
ROUND_LINE='assign round_up = rnd & (stk | sig\[0\]);  // RNE'
for m in trunc narrow; do
	d=$OUT/mutants-xacc/$m
	mkdir -p "$d"
	cp rtl/mp_fp32_round.sv rtl/mp_xacc.sv "$d/"
	case $m in
	trunc)
		sed -i "s#$ROUND_LINE#assign round_up = 1'b0 \& rnd \& stk \& sig[0];  // MP_BREAK#" \
			"$d/mp_fp32_round.sv" ;;
	narrow)
		sed -i 's#localparam int XW = ETop - ELo + 2#localparam int XW = ETop - ELo - 60  /* MP_BREAK */#' \
			"$d/mp_xacc.sv" ;;
	esac
	grep -q MP_BREAK "$d/mp_fp32_round.sv" "$d/mp_xacc.sv" || die "mutant $m: the patch did not apply"
	$IVERILOG -g2012 -o "$d/tb.vvp" -s tb_xacc tests/rtl/tb_xacc.sv "$d/mp_fp32_round.sv" \
		"$d/mp_xacc.sv" || die "mutant $m: compile failed"
	for c in gen int4; do
		run_tb "$d/tb.vvp" "$c" "$d/$c.log"
		line=$(grep -E '^tb_xacc .* passed, [0-9]+ failed' "$d/$c.log" | tail -1)
		nf=$(sed -nE 's/.*, ([0-9]+) failed/\1/p' <<<"$line")
		if [ -n "$nf" ] && [ "$nf" -gt 0 ]; then
			echo "mutant $m ($c): detected, ${line#*: }"
			pass=$((pass + 1))
		else
			echo "mutant $m ($c): NOT detected: ${line:-no result line}"
			fail=$((fail + 1))
		fi
	done
done

echo "run_xacc: $((SECONDS - t0)) s"
echo "rtl-xacc: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
