#!/bin/bash
# tests/rtl/run_iverilog.sh [BUILD] - PE-level self-checking tests under Icarus
# Verilog (the second simulator): for every PE type the RTL implements, every
# product (weight x zero point x activation code; w4a16: x 518 pre-aligned
# integers incl. the extremes) and a random group sequence through one OS PE with
# in-PE dequant (incl. AMXFP4 sign-split partial sums), against vectors of the
# golden model (tests/rtl/gen_pe_vectors.c); and the w4a16 edge pre-aligner
# mp_align on every finite fp16/bf16 code (tests/rtl/tb_align.sv).
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
D=$B/rtl-iverilog
mkdir -p "$D"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Imodel -Itraces -Isim -I. tests/rtl/gen_pe_vectors.c \
	"$B/lib/libmpsim.a" -lm -o "$D/gen_pe_vectors" || { echo "0 passed, 1 failed"; exit 1; }
srcs=$(sed 's#^#rtl/#' rtl/rtl.f)
. tests/rtl/pe_cases.sh
pass=0 fail=0
for c in "${pe_cases[@]}"; do
	IFS='|' read -r nf params <<<"$c"
	read -r name wfmt afmt amx <<<"$nf"
	"$D/gen_pe_vectors" prod "$wfmt" "$afmt" > "$D/prod_$name.txt"
	"$D/gen_pe_vectors" seq "$wfmt" "$afmt" "$amx" 3000 7 > "$D/seq_$name.txt"
	# shellcheck disable=SC2046
	if ! iverilog -g2012 -Wno-timescale -o "$D/tb_pe_$name.vvp" -s tb_pe $(pe_pflags $params) \
		tests/rtl/tb_pe.sv $srcs 2> "$D/tb_pe_$name.build.log"; then
		echo "FAIL tb_pe $name: iverilog failed:"; grep -v 'sorry: constant selects' "$D/tb_pe_$name.build.log"
		fail=$((fail + 1)); continue
	fi
	if out=$(vvp -n "$D/tb_pe_$name.vvp" +prod="$D/prod_$name.txt" +seq="$D/seq_$name.txt" 2>&1) &&
	   grep -q '^PASS' <<<"$out"; then
		pass=$((pass + 1)); echo "PASS tb_pe $name: $(grep '^PASS' <<<"$out")"
	else
		fail=$((fail + 1)); echo "FAIL tb_pe $name:"; echo "$out" | tail -12
	fi
done
for c in "${align_cases[@]}"; do
	read -r name afmt fmt bits <<<"$c"
	"$D/gen_pe_vectors" align "$fmt" "$bits" 5 > "$D/align_$name.txt"
	if ! iverilog -g2012 -Wno-timescale -o "$D/tb_align_$name.vvp" -s tb_align \
		-Ptb_align.ActFmt="$afmt" -Ptb_align.AlignBits="$bits" tests/rtl/tb_align.sv rtl/mp_align.sv \
		2> "$D/tb_align_$name.build.log"; then
		echo "FAIL tb_align $name: iverilog failed:"; cat "$D/tb_align_$name.build.log"
		fail=$((fail + 1)); continue
	fi
	if out=$(vvp -n "$D/tb_align_$name.vvp" +vec="$D/align_$name.txt" 2>&1) &&
	   grep -q '^PASS' <<<"$out"; then
		pass=$((pass + 1)); echo "PASS tb_align $name: $(grep '^PASS' <<<"$out")"
	else
		fail=$((fail + 1)); echo "FAIL tb_align $name:"; echo "$out" | tail -12
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
