#!/bin/bash
# tests/xcheck/run_verify.sh - RTL regression: mpsim verify --lockstep on every
# PE type the RTL implements, both dataflows, four array sizes (4x4, 4x8, 8x4
# and 6x10), on the regression traces; then every broken RTL variant must be
# caught (tests/xcheck/run_broken.sh).  Prints "N passed, N failed".
# Time budget (docs/verification.md): one Verilator build per case (a case's
# traces share it); MPSIM_VL_OPT (default -O1 here) sets the model's C++ level.
set -u
cd "$(dirname "$0")/../.."
M=${MPSIM:-build/bin/mpsim}
W=build/xcheck
export MPSIM_VL_OPT=${MPSIM_VL_OPT:--O1}
. tests/xcheck/lib.sh
mkdir -p "$W/cfg" "$W/log"
mk_traces "$M" "$W/traces"
R=traces/regress
T=$W/traces
pass=0 fail=0 skip=0

# name | preset | rows cols dataflow group asym latency | traces...
cases=(
	"int4-os-4x4|configs/mixpe-w4a8.ini|4 4 os 128 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"int4-ws-4x4|configs/mixpe-w4a8.ini|4 4 ws 128 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"int4-os-4x8|configs/mixpe-w4a8.ini|4 8 os 128 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"int4-ws-6x10|configs/mixpe-w4a8.ini|6 10 ws 128 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"int4-os-6x10-dq3|configs/mixpe-w4a8.ini|6 10 os 32 false 3|$R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors"
	"uint4z-os-4x4|configs/mixpe-w4a8.ini|4 4 os 128 true 1|$R/gemm_m4k256n12_int4ag128-int8tok_fp32.safetensors"
	"uint4z-ws-8x4|configs/mixpe-w4a8.ini|8 4 ws 32 true 1|$T/gemm_m7k70n9_int4ag32-int8tok_fp32.safetensors"
	"e2m1-os-8x4|configs/mixpe-w4a8-fp4.ini|8 4 os 32 false 1|$T/gemm_m5k100n13_mxfp4-int8tok_fp32.safetensors"
	"e2m1-ws-4x4|configs/mixpe-w4a8-fp4.ini|4 4 ws 32 false 1|$T/gemm_m5k100n13_mxfp4-int8tok_fp32.safetensors"
	"int8-os-6x10|configs/int8-mac.ini|6 10 os 0 false 1|$T/gemm_m5k100n13_int8c-int8tok_fp32.safetensors"
	"int8-ws-4x8|configs/int8-mac.ini|4 8 ws 0 false 1|$T/gemm_m5k100n13_int8c-int8tok_fp32.safetensors"
	"fp16-os-4x4|configs/fp16-mac.ini|4 4 os 1 false 1|$R/gemm_m8k96n12_fp16-fp16_fp32.safetensors $R/gemm_m1k33n3_fp16-fp16_fp32.safetensors"
	"fp16-ws-4x4|configs/fp16-mac.ini|4 4 ws 1 false 1|$R/gemm_m8k96n12_fp16-fp16_fp32.safetensors $R/gemm_m1k33n3_fp16-fp16_fp32.safetensors"
	"int4-ws-edge-4x8-dq3|configs/ws-w4a8-edge.ini|4 8 ws 32 false 3|$R/gemm_m8k96n12_int4g32-int8tok_fp32.safetensors $R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors"
	# fp4fp8: e2m1 x e4m3 (mxfp4, nvfp4, zqfp weights; group 0 = derived from each
	# trace, so that one build serves every group size), AMXFP4 (Amx = 1) both
	# dataflows; fp4fp4 (nvfp4 x nvfp4); fp8 multiplier; w4a16 (accumulate = align,
	# edge pre-aligner) on fp16 and bf16, align_bits 16 and 12
	"fp4fp8-os-4x4|configs/fp4-fp8.ini|4 4 os 0 false 1|$R/gemm_m5k100n13_mxfp4-mxfp8e4m3_fp32.safetensors $R/gemm_m8k96n12_mxfp4-mxfp8e4m3_fp32ceil.safetensors $R/gemm_m5k100n13_nvfp4-e4m3ten_fp32.safetensors $R/gemm_m8k256n12_zqfpm2g128-e4m3tok_fp32.safetensors $R/gemm_m3k77n7_zqfpm2g32-e4m3tok_fp32.safetensors"
	"amxfp4-os-8x4|configs/amxfp4.ini|8 4 os 32 false 1|$R/gemm_m8k96n12_amxfp4-mxfp8e4m3_fp32.safetensors"
	"amxfp4-ws-4x4|configs/amxfp4.ini|4 4 ws 32 false 1|$R/gemm_m8k96n12_amxfp4-mxfp8e4m3_fp32.safetensors"
	"fp4fp4-os-4x8|configs/nvfp4.ini|4 8 os 16 false 1|ascheme=nvfp4|$R/gemm_m8k96n12_nvfp4-nvfp4_fp32.safetensors"
	"fp8-ws-4x4|configs/fp8-mac.ini|4 4 ws 32 false 1|$R/gemm_m8k96n12_mxfp8e4m3-mxfp8e4m3_fp32.safetensors"
	"w4a16-fp16-os-4x4|configs/mixpe-w4a16.ini|4 4 os 32 false 1|$R/gemm_m8k96n12_int4g32-fp16_align.safetensors"
	"w4a16-bf16-ws-8x4|configs/mixpe-w4a16-bf16.ini|8 4 ws 32 false 1|$R/gemm_m8k96n12_int4g32-bf16_align.safetensors $R/gemm_m5k100n13_int4g32-bf16_align.safetensors"
	"w4a16-bf16a12-os-4x8|configs/mixpe-w4a16-bf16.ini|4 8 os 32 false 1|align_bits=12|$R/gemm_m8k96n12_int4g32-bf16_align12.safetensors"
)

t0=$(date +%s)
for c in "${cases[@]}"; do
	# optional 4th field KEY=VALUE: one more config key replaced (e.g. ascheme)
	IFS='|' read -r name base params f4 f5 <<<"$c"
	if [ -n "$f5" ]; then kv=$f4; traces=$f5; else kv=""; traces=$f4; fi
	read -r rows cols df group asym lat <<<"$params"
	cfg=$W/cfg/$name.ini
	mk_cfg "$cfg" "$base" "$rows" "$cols" "$df" "$group" "$asym" "$lat"
	[ -n "$kv" ] && sed -i "s/^${kv%%=*} *=.*/${kv%%=*} = ${kv#*=}/" "$cfg"
	for tr in $traces; do
		log=$W/log/$name.$(basename "$tr" .safetensors).log
		t1=$(date +%s)
		"$M" verify "$cfg" --trace "$tr" --lockstep >"$log" 2>&1
		rc=$?
		dt=$(( $(date +%s) - t1 ))
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1))
			echo "PASS $name $(basename "$tr") (${dt}s): $(grep -o 'cycles rtl [0-9]*, sim [0-9]*' "$log")"
		else
			fail=$((fail + 1))
			echo "FAIL $name $(basename "$tr") (rc $rc, ${dt}s), log $log:"
			sed 's/^/    /' "$log"
		fi
	done
done

# Configs the RTL does not implement must say so (exit 2), never pass silently.
mk_cfg "$W/cfg/w4a8-exact-os-4x4.ini" configs/mixpe-w4a8.ini 4 4 os 128 false 1
sed -i 's/^accumulate *=.*/accumulate = exact/' "$W/cfg/w4a8-exact-os-4x4.ini"
# generic PE type (int4 x e4m3 on a shift-add PE) and w4a16 with accumulate = fp32
mk_cfg "$W/cfg/generic-os-4x4.ini" configs/mixpe-w4a8.ini 4 4 os 32 false 1
sed -i 's/^ascheme *=.*/ascheme = mxfp8_e4m3/' "$W/cfg/generic-os-4x4.ini"
mk_cfg "$W/cfg/w4a16-fp32-os-4x4.ini" configs/mixpe-w4a16.ini 4 4 os 32 false 1
sed -i 's/^accumulate *=.*/accumulate = fp32/' "$W/cfg/w4a16-fp32-os-4x4.ini"
for c in "$W/cfg/generic-os-4x4.ini|$R/gemm_m5k100n13_mxfp4-mxfp8e4m3_fp32.safetensors" \
         "$W/cfg/w4a16-fp32-os-4x4.ini|$R/gemm_m8k96n12_int4g32-fp16_fp32.safetensors" \
         "$W/cfg/w4a8-exact-os-4x4.ini|$R/gemm_m4k256n12_int4g128-int8tok_exact.safetensors"; do
	IFS='|' read -r cfg tr <<<"$c"
	out=$("$M" verify "$cfg" --trace "$tr" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'not implemented in RTL' <<<"$out"; then
		skip=$((skip + 1))
		echo "SKIP $(basename "$cfg"): $out"
	else
		fail=$((fail + 1))
		echo "FAIL $(basename "$cfg"): expected exit 2 'not implemented in RTL', got rc $rc: $out"
	fi
done
echo "verify regression: $(( $(date +%s) - t0 )) s, $skip configs not implemented in RTL (reported, exit 2)"

# The check must be able to fail: broken variants.
if [ "${XCHECK_NO_BROKEN:-0}" != 1 ]; then
	out=$(bash tests/xcheck/run_broken.sh)
	echo "$out" | grep -v ' passed, .* failed$'
	line=$(echo "$out" | tail -1)
	bp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$line")
	bf=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$line")
	pass=$((pass + ${bp:-0}))
	fail=$((fail + ${bf:-1}))
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
