#!/bin/bash
# tests/xcheck/run_verify.sh - RTL regression: mpsim verify --lockstep on every
# PE type the RTL implements, both dataflows, six array sizes (4x4, 4x8, 8x4,
# 3x5, 5x3 and 6x10), on the regression traces; then every broken RTL variant must be
# caught (tests/xcheck/run_broken.sh).  Prints "N passed, N failed".
# Time budget (docs/verification.md): one Verilator build per case (a case's
# traces share it); MPSIM_VL_OPT (default -O0 here: the traces are short, so
# build time dominates) sets the model's C++ level.
set -u
cd "$(dirname "$0")/../.."
M=${MPSIM:-build/bin/mpsim}
W=build/xcheck
export MPSIM_VL_OPT=${MPSIM_VL_OPT:--O0}
. tests/xcheck/lib.sh
mkdir -p "$W/cfg" "$W/log"
mk_traces "$M" "$W/traces"
R=traces/regress
T=$W/traces
pass=0 fail=0 skip=0

# name | preset | rows cols dataflow group asym latency | traces...
cases=(
	"int4-os-4x4|configs/mixpe-w4a8.ini|4 4 os 0 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors $R/gemm_m8k128n12_int4g64-int8tok_fp32.safetensors"
	"int4-ws-4x4|configs/mixpe-w4a8.ini|4 4 ws 0 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"int4-ws-6x10|configs/mixpe-w4a8.ini|6 10 ws 128 false 1|$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"int4-os-3x5-dq3|configs/mixpe-w4a8.ini|3 5 os 32 false 3|$R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors"
	"uint4z-os-4x4|configs/mixpe-w4a8.ini|4 4 os 0 true 1|$R/gemm_m4k256n12_int4ag128-int8tok_fp32.safetensors $R/gemm_m8k96n12_int4ag32-int8tok_fp32.safetensors"
	"uint4z-ws-8x4|configs/mixpe-w4a8.ini|8 4 ws 32 true 1|$T/gemm_m7k70n9_int4ag32-int8tok_fp32.safetensors"
	"e2m1-os-8x4|configs/mixpe-w4a8-fp4.ini|8 4 os 32 false 1|$T/gemm_m5k100n13_mxfp4-int8tok_fp32.safetensors $R/gemm_m8k96n12_mxfp4-int8tok_fp32.safetensors"
	"e2m1-ws-4x4|configs/mixpe-w4a8-fp4.ini|4 4 ws 32 false 1|$T/gemm_m5k100n13_mxfp4-int8tok_fp32.safetensors"
	"int8-os-5x3|configs/int8-mac.ini|5 3 os 0 false 1|$T/gemm_m5k100n13_int8c-int8tok_fp32.safetensors $R/gemm_m8k96n12_int8g96-int8tok_fp32.safetensors"
	"int8-ws-4x8|configs/int8-mac.ini|4 8 ws 0 false 1|$T/gemm_m5k100n13_int8c-int8tok_fp32.safetensors"
	"fp16-os-4x4|configs/fp16-mac.ini|4 4 os 1 false 1|$R/gemm_m8k96n12_fp16-fp16_fp32.safetensors $R/gemm_m1k33n3_fp16-fp16_fp32.safetensors"
	"fp16-ws-4x4|configs/fp16-mac.ini|4 4 ws 1 false 1|$R/gemm_m8k96n12_fp16-fp16_fp32.safetensors $R/gemm_m1k33n3_fp16-fp16_fp32.safetensors"
	"int4-ws-edge-4x8-dq3|configs/ws-w4a8-edge.ini|4 8 ws 32 false 3|$R/gemm_m8k96n12_int4g32-int8tok_fp32.safetensors $R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors"
	# fp4fp8: e2m1 x e4m3 (mxfp4, nvfp4, zqfp weights; group 0 = derived from each
	# trace, so that one build serves every group size), AMXFP4 (Amx = 1) both
	# dataflows; fp4fp4 (nvfp4 x nvfp4); fp8 multiplier; w4a16 (accumulate = align,
	# edge pre-aligner) on fp16 and bf16, align_bits 16 and 12
	"fp4fp8-os-4x4|configs/fp4-fp8.ini|4 4 os 0 false 1|$R/gemm_m5k100n13_mxfp4-mxfp8e4m3_fp32.safetensors $R/gemm_m8k96n12_mxfp4-mxfp8e4m3_fp32ceil.safetensors $R/gemm_m5k100n13_nvfp4-e4m3ten_fp32.safetensors $R/gemm_m8k256n12_zqfpm2g128-e4m3tok_fp32.safetensors $R/gemm_m3k77n7_zqfpm2g32-e4m3tok_fp32.safetensors $R/gemm_m8k96n12_mxfp4-mxfp8e4m3_fp32.safetensors $R/gemm_m8k96n12_nvfp4-e4m3ten_fp32.safetensors $R/gemm_m8k256n12_zqfpm1g128-e4m3tok_fp32.safetensors $R/weights_minilm_l0attnout_m2k384n384_mxfp4-mxfp8e4m3_fp32.safetensors"
	"amxfp4-os-8x4|configs/amxfp4.ini|8 4 os 32 false 1|$R/gemm_m8k96n12_amxfp4-mxfp8e4m3_fp32.safetensors"
	"amxfp4-ws-4x4|configs/amxfp4.ini|4 4 ws 32 false 1|$R/gemm_m8k96n12_amxfp4-mxfp8e4m3_fp32.safetensors"
	"fp4fp4-os-4x8|configs/nvfp4.ini|4 8 os 16 false 1|ascheme=nvfp4|$R/gemm_m8k96n12_nvfp4-nvfp4_fp32.safetensors"
	"fp8-ws-4x4|configs/fp8-mac.ini|4 4 ws 32 false 1|$R/gemm_m8k96n12_mxfp8e4m3-mxfp8e4m3_fp32.safetensors"
	"w4a16-fp16-os-4x4|configs/mixpe-w4a16.ini|4 4 os 32 false 1|$R/gemm_m8k96n12_int4g32-fp16_align.safetensors"
	"w4a16-bf16-ws-8x4|configs/mixpe-w4a16-bf16.ini|8 4 ws 32 false 1|$R/gemm_m8k96n12_int4g32-bf16_align.safetensors $R/gemm_m5k100n13_int4g32-bf16_align.safetensors"
	"w4a16-bf16a12-os-4x8|configs/mixpe-w4a16-bf16.ini|4 8 os 32 false 1|align_bits=12|$R/gemm_m8k96n12_int4g32-bf16_align12.safetensors"
	# generic PE type (mp_pe_gen): int4 x e4m3 on a shift-add PE, int8 x e4m3 and
	# fp6 (e3m2) x e4m3 on a multiplier PE, uint4 + zero x fp16 (fp16 decoded in the
	# PE); int4 weights on the int8 multiplier; w4a16 with accumulate = fp32 (fp16's
	# fixed-point view at the edge) for int4 and e2m1; ws edge dequant with align and
	# with AMXFP4 (K = 100: partial last group and column fold)
	"generic-int4-e4m3-os-4x4|configs/mixpe-w4a8.ini|4 4 os 32 false 1|ascheme=mxfp8_e4m3|$T/gemm_m8k96n12_int4g32-mxfp8e4m3_fp32.safetensors"
	"generic-int8-e4m3-ws-4x8|configs/int8-mac.ini|4 8 ws 32 false 1|ascheme=e4m3_token|$T/gemm_m8k96n12_int8g32-e4m3tok_fp32.safetensors"
	"generic-e3m2-e4m3-ws-4x4|configs/fp8-mac.ini|4 4 ws 32 false 1|wscheme=mxfp6_e3m2|$T/gemm_m8k96n12_mxfp6e3m2-mxfp8e4m3_fp32.safetensors"
	"generic-uint4z-fp16-os-4x4|configs/int8-mac.ini|4 4 os 32 true 1|wscheme=int4,ascheme=fp16|$T/gemm_m8k96n12_int4ag32-fp16_fp32.safetensors"
	"int8-int4w-ws-4x4|configs/int8-mac.ini|4 4 ws 32 false 1|wscheme=int4|$R/gemm_m8k96n12_int4g32-int8tok_fp32.safetensors $R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors"
	"w4a16-fp32-os-4x4|configs/mixpe-w4a16.ini|4 4 os 32 false 1|accumulate=fp32|$R/gemm_m8k96n12_int4g32-fp16_fp32.safetensors"
	"w4a16-fp32-e2m1-ws-4x4|configs/mixpe-w4a16.ini|4 4 ws 32 false 1|accumulate=fp32,wscheme=mxfp4|$R/gemm_m8k96n12_mxfp4-fp16_fp32.safetensors"
	"w4a16-ws-edge-4x4-dq2|configs/mixpe-w4a16.ini|4 4 ws 32 false 2|placement=edge|$R/gemm_m8k96n12_int4g32-fp16_align.safetensors $T/gemm_m5k100n13_int4g32-fp16_align.safetensors"
	"amxfp4-ws-edge-4x4-dq2|configs/amxfp4.ini|4 4 ws 32 false 2|placement=edge|$R/gemm_m8k96n12_amxfp4-mxfp8e4m3_fp32.safetensors $T/gemm_m5k100n13_amxfp4-mxfp8e4m3_fp32.safetensors"
	# accumulate = exact (mp_xacc, os only; docs/xacc.md): group 0 = derived from
	# each trace so that one build serves several group sizes / schemes; the $T
	# K = 1024 traces are the ones whose exact result differs from fp32
	"int4-exact-os-4x4|configs/mixpe-w4a8.ini|4 4 os 0 false 1|accumulate=exact|$R/gemm_m4k256n12_int4g128-int8tok_exact.safetensors $R/gemm_m8k96n12_int4g32-int8tok_exact.safetensors $R/gemm_m8k128n12_int4g64-int8tok_exact.safetensors"
	"fp4fp8-exact-os-4x4|configs/fp4-fp8.ini|4 4 os 0 false 1|accumulate=exact|$R/gemm_m8k96n12_mxfp4-mxfp8e4m3_exact.safetensors $R/gemm_m8k96n12_nvfp4-e4m3ten_exact.safetensors $R/gemm_m8k256n12_zqfpm1g128-e4m3tok_exact.safetensors $R/gemm_m8k256n12_zqfpm2g128-e4m3tok_exact.safetensors $T/gemm_m8k1024n12_mxfp4-mxfp8e4m3_exact.safetensors"
	"amxfp4-exact-os-4x4|configs/amxfp4.ini|4 4 os 0 false 1|accumulate=exact|$R/gemm_m8k96n12_amxfp4-mxfp8e4m3_exact.safetensors $R/gemm_m5k100n13_amxfp4-mxfp8e4m3_exact.safetensors $T/gemm_m8k1024n12_amxfp4-mxfp8e4m3_exact.safetensors"
	"fp4fp4-exact-os-4x4|configs/nvfp4.ini|4 4 os 0 false 1|accumulate=exact,ascheme=nvfp4|$R/gemm_m8k96n12_nvfp4-nvfp4_exact.safetensors"
	"fp8-exact-os-4x4|configs/fp8-mac.ini|4 4 os 0 false 1|accumulate=exact|$R/gemm_m8k96n12_mxfp8e4m3-mxfp8e4m3_exact.safetensors $T/gemm_m8k1024n12_mxfp8e4m3-mxfp8e4m3_exact.safetensors"
	"int8-exact-os-4x4|configs/int8-mac.ini|4 4 os 0 false 1|accumulate=exact|$R/gemm_m8k96n12_int8g96-int8tok_exact.safetensors $T/gemm_m8k1024n12_int8g32-int8tok_exact.safetensors"
	"fp16-exact-os-4x4|configs/fp16-mac.ini|4 4 os 1 false 1|accumulate=exact|$R/gemm_m8k96n12_fp16-fp16_exact.safetensors"
	# exact on the w4a16 (fp16 fixed-point view) and generic (uint4 + zero x fp16
	# multiplier) types: these traces differ from fp32 in 31 and 33 of 96 outputs
	"w4a16-exact-os-4x4|configs/mixpe-w4a16.ini|4 4 os 32 false 1|accumulate=exact|$R/gemm_m8k96n12_int4g32-fp16_exact.safetensors"
	"generic-uint4z-fp16-exact-os-4x4|configs/int8-mac.ini|4 4 os 32 true 1|wscheme=int4,ascheme=fp16,accumulate=exact|$T/gemm_m8k96n12_int4ag32-fp16_exact.safetensors"
	# [dequant] interval > 1 (bubbles between group ends, timing.md 2.4 / 3.4): group
	# 8 so that the busy time B exceeds the group (os gaps) and ws token strides
	"int4-os-4x4-interval16|configs/mixpe-w4a8.ini|4 4 os 0 false 1|interval=16|$T/gemm_m6k40n7_int4g8-int8tok_fp32.safetensors"
	"int4-ws-4x4-interval3|configs/mixpe-w4a8.ini|4 4 ws 0 false 1|interval=3|$T/gemm_m6k40n7_int4g8-int8tok_fp32.safetensors"
	# uint8 weights with 8-bit zero points (int8 asym; the PE column bundle's zero
	# point is 8 bits wide, uint8 - z on the int8 multiplier via mp_pe_gen)
	"int8-uint8z-os-4x4|configs/int8-mac.ini|4 4 os 32 true 1|$T/gemm_m8k96n12_int8ag32-int8tok_fp32.safetensors"
	"int8-uint8z-ws-4x8|configs/int8-mac.ini|4 8 ws 32 true 1|$T/gemm_m8k96n12_int8ag32-int8tok_fp32.safetensors"
)
# Five more builds for the regression traces whose formats no case above builds
# (uint4 + zero and e2m1 x int8 with exact, e2m1 x fp16 / bf16 align, e2m1 x fp16
# exact), so every trace of traces/regress runs; VERIFY_EXTRA=0 skips them (they
# were outside the budget before verify builds kept the PEs as modules)
if [ "${VERIFY_EXTRA:-1}" = 1 ]; then
	cases+=(
	"uint4z-exact-os-4x4|configs/mixpe-w4a8.ini|4 4 os 0 true 1|accumulate=exact|$R/gemm_m4k256n12_int4ag128-int8tok_exact.safetensors $R/gemm_m5k100n13_int4ag64-int8tok_exact.safetensors $R/gemm_m8k96n12_int4ag32-int8tok_exact.safetensors"
	"e2m1-exact-os-4x4|configs/mixpe-w4a8-fp4.ini|4 4 os 0 false 1|accumulate=exact|$R/gemm_m8k96n12_mxfp4-int8tok_exact.safetensors"
	"w4a16-e2m1-fp16-align-os-4x4|configs/mixpe-w4a16.ini|4 4 os 32 false 1|wscheme=mxfp4|$R/gemm_m8k96n12_mxfp4-fp16_align.safetensors"
	"w4a16-e2m1-bf16-align-ws-4x4|configs/mixpe-w4a16-bf16.ini|4 4 ws 32 false 1|wscheme=mxfp4|$R/gemm_m8k96n12_mxfp4-bf16_align.safetensors"
	"w4a16-e2m1-fp16-exact-os-4x8|configs/mixpe-w4a16.ini|4 8 os 32 false 1|wscheme=mxfp4,accumulate=exact|$R/gemm_m8k96n12_mxfp4-fp16_exact.safetensors"
	)
fi

# run_case IDX CASE: one build, its traces; PASS/FAIL lines into $W/res/IDX.out
# and "PASSES FAILS" into $W/res/IDX.n.  Cases run VERIFY_JOBS at a time (default
# 3): verilator, the shim, the link and the lockstep run are single-threaded, so
# several builds side by side keep both cores busy (docs/verification.md, time
# budget).
run_case() {
	local idx=$1 c=$2 name base params f4 f5 kv traces rows cols df group asym lat
	local cfg k tr log t1 rc dt p=0 f=0
	# optional 4th field KEY=VALUE[,KEY=VALUE...]: config keys replaced (e.g. ascheme)
	IFS='|' read -r name base params f4 f5 <<<"$c"
	if [ -n "$f5" ]; then kv=$f4; traces=$f5; else kv=""; traces=$f4; fi
	read -r rows cols df group asym lat <<<"$params"
	cfg=$W/cfg/$name.ini
	mk_cfg "$cfg" "$base" "$rows" "$cols" "$df" "$group" "$asym" "$lat"
	for k in ${kv//,/ }; do
		if grep -q "^${k%%=*} *=" "$cfg"; then
			sed -i "s/^${k%%=*} *=.*/${k%%=*} = ${k#*=}/" "$cfg"
		else # a key the preset leaves at its default: after [dequant] latency
			sed -i "s/^latency *=.*/&\n${k%%=*} = ${k#*=}/" "$cfg"
		fi
	done
	for tr in $traces; do
		log=$W/log/$name.$(basename "$tr" .safetensors).log
		t1=$(date +%s)
		"$M" verify "$cfg" --trace "$tr" --lockstep >"$log" 2>&1
		rc=$?
		dt=$(( $(date +%s) - t1 ))
		if [ $rc -eq 0 ]; then
			p=$((p + 1))
			echo "PASS $name $(basename "$tr") (${dt}s): $(grep -o 'cycles rtl [0-9]*, sim [0-9]*' "$log")"
		else
			f=$((f + 1))
			echo "FAIL $name $(basename "$tr") (rc $rc, ${dt}s), log $log:"
			sed 's/^/    /' "$log"
		fi
	done >"$W/res/$idx.out"
	echo "$p $f" >"$W/res/$idx.n"
}

t0=$(date +%s)
jobs_max=${VERIFY_JOBS:-3}
rm -rf "$W/res"
mkdir -p "$W/res"
for i in "${!cases[@]}"; do
	run_case "$i" "${cases[$i]}" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
done
wait
for i in "${!cases[@]}"; do
	if [ -f "$W/res/$i.n" ]; then
		cat "$W/res/$i.out"
		read -r p f <"$W/res/$i.n"
		pass=$((pass + p))
		fail=$((fail + f))
	else
		fail=$((fail + 1))
		echo "FAIL ${cases[$i]%%|*}: the case did not finish"
	fi
done

# Configs the RTL does not implement must say so (exit 2), never pass silently:
# accumulate = align on a type other than w4a16 (int4 x fp16 on a multiplier PE:
# generic); the check precedes the trace, which need not match
mk_cfg "$W/cfg/generic-align-os-4x4.ini" configs/mixpe-w4a16.ini 4 4 os 32 false 1
sed -i 's/^kind *=.*/kind = multiplier/' "$W/cfg/generic-align-os-4x4.ini"
for c in "$W/cfg/generic-align-os-4x4.ini|$R/gemm_m8k96n12_int4g32-fp16_align.safetensors"; do
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
# A trace whose element formats the config's build does not decode (an mxfp4
# trace on an int4 config) is bad input: exit 2 naming both, never a run.
out=$("$M" verify "$W/cfg/int4-os-4x4.ini" \
	--trace "$R/gemm_m5k100n13_mxfp4-mxfp8e4m3_fp32.safetensors" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q 'do not fit the config' <<<"$out"; then
	pass=$((pass + 1))
	echo "PASS mismatched trace refused: $out"
else
	fail=$((fail + 1))
	echo "FAIL mismatched trace: expected exit 2 'do not fit the config', got rc $rc: $out"
fi
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
