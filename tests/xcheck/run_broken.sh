#!/bin/bash
# tests/xcheck/run_broken.sh - the check must be able to fail: each broken RTL
# variant (tests/xcheck/broken/variants.sh, applied to a copy of rtl/ under
# build/) must make "mpsim verify --lockstep" exit 1 at the right PE and cycle:
#   acc_sign  pe.acc of PE(r,c) at compute cycle G-1+r+c (its first group end)
#   shift     pe.p, at or after the PE's first MAC (compute cycle >= r+c)
#   dq_round  pe.acc at a group end of that PE ((tau-r-c+1) % G == 0), or out.y
#             of output row r in its output cycle E_f + (R-r) + Dq (the broken
#             mp_fl32_scale also does the output unit's post scale; in this
#             trace most group terms P*s_w are exact, the post scale never is)
#   skew      a PE of row 1 (the skewed row) first
#   fp16_sign (fp16 MAC, os 4x4, fp16 trace) pe.acc of PE(r,c) at a MAC cycle
#             T_f + k + r + c whose pair has a negative non-zero weight and a
#             non-zero activation (the first product whose sign flips)
#   xacc_round (accumulate = exact, int8 x int8 g32 os 4x4, M = N = 4: one fold)
#             pe.acc of PE(r,c) at one of its group ends, tau = g*32 + 31 + r + c
#             (the first exact sum that is not an FP32 value); never p, never
#             out.y first.  (The int4 x int8_token regression traces cannot catch
#             it: all their exact sums are FP32 values, exact = fp32 there.)
# A variant that is not caught counts as failed.  Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
M=${MPSIM:-build/bin/mpsim}
W=build/xcheck/broken
export MPSIM_VL_OPT=${MPSIM_VL_OPT:--O0}
. tests/xcheck/lib.sh
. tests/xcheck/broken/variants.sh
mkdir -p "$W"
G=128 R=4 DQ=1 L=$((256 + 4 + 4 - 2))   # trace K = 256; L = K + R + C - 2
cfg_w4=$W/os-4x4.ini
mk_cfg "$cfg_w4" configs/mixpe-w4a8.ini 4 4 os $G false 1
tr_w4=traces/regress/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors
# fp16 MAC: os 4x4 on M = 8, K = 96, N = 12 (3 n-folds per m-fold)
K16=96 C16=4 NF16=3 L16=$((96 + 4 + 4 - 2))
cfg_f16=$W/fp16-os-4x4.ini
mk_cfg "$cfg_f16" configs/fp16-mac.ini 4 4 os 1 false 1
tr_f16=traces/regress/gemm_m8k96n12_fp16-fp16_fp32.safetensors
# accumulate = exact: int8 x int8 g32 (group 0 = derived from the trace), os 4x4,
# a generated one-fold trace (K = 512: 16 group terms per output)
GX=32 KX=512 LX=$((512 + 4 + 4 - 2))
cfg_x=$W/exact-os-4x4.ini
mk_cfg "$cfg_x" configs/int8-mac.ini 4 4 os 0 false 1
sed -i 's/^accumulate *=.*/accumulate = exact/' "$cfg_x"
tr_x=$W/gemm_m4k512n4_int8g32-int8tok_exact.safetensors
[ -f "$tr_x" ] || "$M" trace make --gemm 4,$KX,4 --wscheme int8 --group $GX \
	--accumulate exact -o "$tr_x" >/dev/null
pass=0 fail=0

# fp16_pair_flips TAU ROW COL: 0 if the os MAC of PE(ROW,COL) at compute cycle
# TAU multiplies a negative non-zero weight code by a non-zero activation code.
fp16_pair_flips() {
	local f=$(($1 / L16)) k m n
	k=$(($1 - f * L16 - $2 - $3))
	[ "$k" -ge 0 ] && [ "$k" -lt $K16 ] || return 1
	m=$(( (f / NF16) * R + $2 )) n=$(( (f % NF16) * C16 + $3 ))
	local dump ac wc
	dump=$("$M" trace dump "$tr_f16") || return 1
	ac=$(awk -v key="a.codes[$m,$k]" '$1 == key { print $2 }' <<<"$dump")
	wc=$(awk -v key="w.codes[$n,$k]" '$1 == key { print $2 }' <<<"$dump")
	[ -n "$ac" ] && [ -n "$wc" ] || return 1
	[ $((wc & 0x8000)) -ne 0 ] && [ $((wc & 0x7fff)) -ne 0 ] && [ $((ac & 0x7fff)) -ne 0 ]
}

# one_variant V: build, run and judge one variant; prints PASS/FAIL lines (the
# variants run VERIFY_JOBS at a time, default 3, like run_verify.sh)
one_variant() {
	local v=$1 cfg tr d what out rc tau row col sig cyc ok
	cfg=$cfg_w4 tr=$tr_w4
	[ $v = fp16_sign ] && cfg=$cfg_f16 tr=$tr_f16
	[ $v = xacc_round ] && cfg=$cfg_x tr=$tr_x
	d=$W/$v/rtl
	rm -rf "$W/$v"
	mkdir -p "$W/$v"
	cp -r rtl "$d"
	if ! what=$("v_$v" "$d"); then
		echo "FAIL broken/$v: the patch did not apply (RTL changed?)"
		return 1
	fi
	out=$("$M" verify "$cfg" --trace "$tr" --lockstep --json --rtl "$d" \
		--wave "$W/$v/window.fst" 2>&1)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL broken/$v ($what): verify exited $rc, expected 1: $out"
		return 1
	fi
	get() { sed -n "s/.*\"first\":{[^}]*\"$1\":\"\{0,1\}\([^,\"]*\).*/\1/p" <<<"$out"; }
	tau=$(get tau) row=$(get row) col=$(get col) sig=$(get signal) cyc=$(get cycle)
	ok=0
	case $v in
	acc_sign) [ "$sig" = pe.acc ] && [ "$tau" -eq $((G - 1 + row + col)) ] && ok=1 ;;
	shift)    [ "$sig" = pe.p ] && [ "$tau" -ge $((row + col)) ] && ok=1 ;;
	dq_round) # a group dequant in a PE, or the post scale of output row r of a
	          # fold, valid at compute cycle E_f + (R - r) + Dq (timing.md 2.3)
	          { [ "$sig" = pe.acc ] && [ $(( (tau - row - col + 1) % G )) -eq 0 ]; } ||
	          { [ "$sig" = out.y ] && [ $(( (tau - (R - row) - DQ + 1) % L )) -eq 0 ]; } && ok=1 ;;
	skew)     [ "$row" = 1 ] && ok=1 ;;
	fp16_sign) [ "$sig" = pe.acc ] && fp16_pair_flips "$tau" "$row" "$col" && ok=1 ;;
	xacc_round) [ "$sig" = pe.acc ] && [ "$tau" -lt $LX ] && [ "$tau" -ge $((GX - 1 + row + col)) ] &&
	          [ $(( (tau - row - col + 1) % GX )) -eq 0 ] && ok=1 ;;
	esac
	[ -s "$W/$v/window.fst" ] || ok=0
	if [ $ok = 1 ]; then
		echo "PASS broken/$v ($what): caught at cycle $cyc (compute $tau), PE($row,$col), $sig; window $W/$v/window.fst"
	else
		echo "FAIL broken/$v ($what): caught at the wrong place: $out"
		return 1
	fi
}
variants=(acc_sign shift dq_round skew fp16_sign xacc_round)
for v in "${variants[@]}"; do
	mkdir -p "$W/res"
	{ one_variant "$v" >"$W/res/$v.out" 2>&1; echo $? >"$W/res/$v.rc"; } &
	while [ "$(jobs -rp | wc -l)" -ge "${VERIFY_JOBS:-3}" ]; do wait -n; done
done
wait
for v in "${variants[@]}"; do
	cat "$W/res/$v.out"
	if [ "$(cat "$W/res/$v.rc" 2>/dev/null)" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
