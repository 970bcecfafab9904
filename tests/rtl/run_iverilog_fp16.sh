#!/bin/bash
# tests/rtl/run_iverilog_fp16.sh [BUILD] - the fp16 PE's MAC (rtl/mp_pe_fp16.sv)
# under Icarus Verilog against the C cycle model's float arithmetic
# (tests/rtl/gen_fp16_vectors.c), for fp16 x fp16, bf16 x bf16 and both mixed
# pairs; then a negative control: a copy of the RTL (under BUILD, rtl/ is never
# touched) whose product drops the weight's sign must fail. Prints
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
D=$B/rtl-iverilog-fp16
mkdir -p "$D"
gcc -std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -Imodel tests/rtl/gen_fp16_vectors.c \
	"$B/lib/libmpsim.a" -lm -o "$D/gen_fp16_vectors" || { echo "0 passed, 1 failed"; exit 1; }
srcs="rtl/mp_pkg.sv rtl/mp_fp32_round.sv rtl/mp_fp32_add.sv rtl/mp_fl32_scale.sv rtl/mp_pe_fp16.sv"
pass=0 fail=0
fmtcode() { case $1 in fp16) echo 10;; bf16) echo 11;; esac; }
run() { # name wfmt afmt rtl-dir -> 0 if PASS
	local name=$1 wf=$2 af=$3 dir=$4
	"$D/gen_fp16_vectors" "$wf" "$af" 20000 7 > "$D/vec_${wf}_$af.txt" || return 1
	iverilog -g2012 -Wno-timescale -o "$D/tb_$name.vvp" -s tb_pe_fp16 \
		-Ptb_pe_fp16.WeightFmt="$(fmtcode "$wf")" -Ptb_pe_fp16.ActFmt="$(fmtcode "$af")" \
		tests/rtl/tb_pe_fp16.sv $(sed "s#rtl/#$dir/#g" <<<"$srcs") > "$D/tb_$name.build.log" 2>&1 ||
		{ out="iverilog failed: $(head -5 "$D/tb_$name.build.log")"; return 1; }
	out=$(vvp -n "$D/tb_$name.vvp" +vec="$D/vec_${wf}_$af.txt" 2>&1)
	grep -q '^PASS' <<<"$out"
}
for p in "fp16 fp16" "bf16 bf16" "fp16 bf16" "bf16 fp16"; do
	read -r wf af <<<"$p"
	if run "${wf}_$af" "$wf" "$af" rtl; then
		pass=$((pass + 1)); echo "PASS tb_pe_fp16 $wf x $af: $(grep '^PASS' <<<"$out")"
	else
		fail=$((fail + 1)); echo "FAIL tb_pe_fp16 $wf x $af:"; echo "$out" | tail -8
	fi
done
# negative control: the weight's sign dropped (as tests/xcheck/broken v_fp16_sign)
rm -rf "$D/broken"; mkdir -p "$D/broken"; cp rtl/*.sv "$D/broken/"
sed -i 's/: {w16\[15\], 3'"'"'d0, w16\[14:10\]/: {1'"'"'b0, 3'"'"'d0, w16[14:10]/' "$D/broken/mp_pe_fp16.sv"
if ! grep -q "{1'b0, 3'd0, w16" "$D/broken/mp_pe_fp16.sv"; then
	fail=$((fail + 1)); echo "FAIL tb_pe_fp16 negative control: the patch did not apply"
elif run broken fp16 fp16 "$D/broken"; then
	fail=$((fail + 1)); echo "FAIL tb_pe_fp16 negative control: the broken MAC passed"
else
	pass=$((pass + 1)); echo "PASS tb_pe_fp16 negative control: sign-dropping MAC caught ($(grep -m1 -o 'FAIL.*\|MISMATCH.*' <<<"$out"))"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
