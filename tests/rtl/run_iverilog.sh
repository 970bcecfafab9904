#!/bin/bash
# tests/rtl/run_iverilog.sh [BUILD] - PE-level self-checking tests under Icarus
# Verilog (the second simulator): for every PE type the RTL implements, every
# product (weight x zero point x int8 activation) and a random group sequence
# through one OS PE with in-PE dequant, against vectors of the golden model
# (tests/rtl/gen_pe_vectors.c).  Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
D=$B/rtl-iverilog
mkdir -p "$D"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Imodel -Itraces -Isim -I. tests/rtl/gen_pe_vectors.c \
	"$B/lib/libmpsim.a" -lm -o "$D/gen_pe_vectors" || { echo "0 passed, 1 failed"; exit 1; }
srcs=$(sed 's#^#rtl/#' rtl/rtl.f)
pass=0 fail=0
# name fmt | parameters (PeType WeightFmt HasZero WW ProdW AccWidth ProdExp)
for c in "int4 int4|0 6 0 4 12 24 0" "uint4 uint4|0 7 1 4 12 24 0" "e2m1 e2m1|0 0 0 4 12 24 -1" \
         "int8 int8|4 8 0 8 16 28 0"; do
	IFS='|' read -r nf params <<<"$c"
	read -r name fmt <<<"$nf"
	read -r pt wf hz ww pw aw pe <<<"$params"
	"$D/gen_pe_vectors" prod "$fmt" > "$D/prod_$name.txt"
	"$D/gen_pe_vectors" seq "$fmt" 3000 7 > "$D/seq_$name.txt"
	if ! iverilog -g2012 -Wno-timescale -o "$D/tb_pe_$name.vvp" -s tb_pe \
		-Ptb_pe.PeType="$pt" -Ptb_pe.WeightFmt="$wf" -Ptb_pe.HasZero="$hz" -Ptb_pe.WW="$ww" \
		-Ptb_pe.ProdW="$pw" -Ptb_pe.AccWidth="$aw" -Ptb_pe.ProdExp="$pe" \
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
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
