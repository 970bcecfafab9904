#!/bin/bash
# scripts/lint_rtl.sh MPSIM - verilator --lint-only -Wall on every RTL top of
# issue 6: each module alone with its default parameters, and mp_top with the
# parameters generated (mpsim config --emit-svh) from every implemented preset
# in both dataflows at 4x4 and 6x10.  Waivers only from rtl/lint/ (listed
# first: Verilator applies a .vlt only to files read after it).
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
M=${1:-build/bin/mpsim}
VERILATOR=${VERILATOR:-verilator}
D=build/lint
mkdir -p "$D"
pass=0 fail=0
lint() { # name, args...
	local name=$1; shift
	if out=$("$VERILATOR" --lint-only -Wall rtl/lint/verilator_waiver.vlt "$@" 2>&1); then
		pass=$((pass + 1)); echo "PASS lint $name"
	else
		fail=$((fail + 1)); echo "FAIL lint $name:"; echo "$out" | head -20
	fi
}
for t in mp_skew mp_pe_w4a8 mp_pe_int8 mp_fp_fixed mp_fixed_int mp_pe_fp4 mp_pe_fp8 mp_pe_gen \
         mp_align mp_pe_prod mp_pe_dq mp_pe_fp16 mp_pe_os mp_pe_ws mp_dequant mp_array_os mp_array_ws mp_top mp_xacc; do
	lint "$t" -Irtl rtl/mp_pkg.sv --top-module "$t" "rtl/$t.sv"
done
. tests/xcheck/lib.sh
for base in mixpe-w4a8 mixpe-w4a8-fp4 int8-mac fp4-fp8 amxfp4 nvfp4 zqfp-w4a8 fp8-mac \
            mixpe-w4a16 mixpe-w4a16-bf16 fp16-mac ws-w4a8-edge; do
	for asym in false true; do
		[ $asym = true ] && [ $base != mixpe-w4a8 ] && continue
		for df in os ws; do
			# edge dequant exists for ws only (the config rejects os + edge)
			[ $base = ws-w4a8-edge ] && [ $df = os ] && continue
			# edge dequant needs group % rows == 0: 8x4 instead of 6x10
			sizes=("4 4" "6 10")
			[ $base = ws-w4a8-edge ] && sizes=("4 4" "8 4")
			for size in "${sizes[@]}"; do
				read -r r c <<<"$size"
				n=$base-$df-${r}x$c$([ $asym = true ] && echo -asym)
				grp=$(sed -n 's/^group *= *//p' "configs/$base.ini")
				mk_cfg "$D/$n.ini" "configs/$base.ini" "$r" "$c" "$df" "$grp" "$asym" 1
				"$M" config "$D/$n.ini" --emit-svh "$D/$n.svh" >/dev/null ||
					{ fail=$((fail + 1)); echo "FAIL lint $n: config"; continue; }
				g=$(sed -n 's/^localparam int  *\([A-Za-z0-9_]*\) *= *\(-\{0,1\}[0-9]*\);.*/-G\1=\2/p' "$D/$n.svh")
				# shellcheck disable=SC2086
				lint "mp_top[$n]" -F rtl/rtl.f --top-module mp_top $g
			done
		done
	done
done
# pairs without a preset of their own: a preset with keys replaced ("name|preset|
# dataflows|key=value ..."): fp4fp4, fp8 e5m2, the generic PE type (shift-add and
# multiplier, fp6 weights, uint4 + zero x fp16), int4 weights on the int8
# multiplier, uint8 weights with 8-bit zero points (int8 asym: the int8 multiplier
# and the generic type), w4a16 with accumulate = fp32, ws edge dequant with align /
# AMXFP4
for v in "nvfp4-fp4fp4|nvfp4|os ws|ascheme=nvfp4" "fp8-mac-e5m2|fp8-mac|os ws|ascheme=mxfp8_e5m2" \
         "gen-int4-e4m3|mixpe-w4a8|os ws|ascheme=mxfp8_e4m3 group=32" \
         "gen-int8-e4m3|int8-mac|os ws|ascheme=e4m3_token" \
         "gen-e3m2-int8|fp8-mac|os|wscheme=mxfp6_e3m2 ascheme=int8_token" \
         "gen-uint4z-fp16|int8-mac|ws|wscheme=int4 ascheme=fp16 asym=true group=32" \
         "int8-int4w|int8-mac|os ws|wscheme=int4 group=32" \
         "int8-asym|int8-mac|os ws|wscheme=int8 asym=true group=32" \
         "gen-uint8z-e4m3|int8-mac|os|wscheme=int8 ascheme=e4m3_token asym=true group=32" \
         "w4a16-fp32|mixpe-w4a16|os ws|accumulate=fp32" \
         "w4a16-fp32-e2m1|mixpe-w4a16|os|accumulate=fp32 wscheme=mxfp4 group=32" \
         "edge-align|mixpe-w4a16|ws|placement=edge" "edge-amx|amxfp4|ws|placement=edge"; do
	IFS='|' read -r n base dfs kvs <<<"$v"
	for df in $dfs; do
		grp=$(sed -n 's/^group *= *//p' "configs/$base.ini")
		mk_cfg "$D/$n-$df.ini" "configs/$base.ini" 4 4 "$df" "$grp" false 1
		for kv in $kvs; do
			sed -i "s/^${kv%%=*} *=.*/${kv%%=*} = ${kv#*=}/" "$D/$n-$df.ini"
		done
		"$M" config "$D/$n-$df.ini" --emit-svh "$D/$n-$df.svh" >/dev/null ||
			{ fail=$((fail + 1)); echo "FAIL lint $n-$df: config"; continue; }
		g=$(sed -n 's/^localparam int  *\([A-Za-z0-9_]*\) *= *\(-\{0,1\}[0-9]*\);.*/-G\1=\2/p' "$D/$n-$df.svh")
		# shellcheck disable=SC2086
		lint "mp_top[$n-$df]" -F rtl/rtl.f --top-module mp_top $g
	done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
