#!/bin/bash
# scripts/bench_rtl.sh MPSIM [ROWS] - the C simulator (cycle and fast modes)
# against the Verilated RTL (OPT_FAST=-O3) on the same array and trace:
# W4A8 int4 g128 x int8_token, ROWSxROWS os (default 16), GEMM 64x512x64.
# Prints wall times, PE-cycles/s and the ratios; the first run builds the model
# (cached in build/vl/).  ARCHITECTURE.md: cycle mode >= 10x the Verilated RTL.
set -u
cd "$(dirname "$0")/.."
M=${1:-build/bin/mpsim}
N=${2:-16}
D=build/bench-rtl
mkdir -p "$D"
. tests/xcheck/lib.sh
unset MPSIM_VL_OPT
cfg=$D/w4a8-os-${N}x$N.ini
mk_cfg "$cfg" configs/mixpe-w4a8.ini "$N" "$N" os 128 false 1
tr=$D/gemm_m64k512n64_int4g128-int8tok_fp32.safetensors
[ -f "$tr" ] || "$M" trace make --gemm 64,512,64 --wscheme int4 --group 128 -o "$tr" >/dev/null
now() { date +%s.%N; }
t0=$(now); "$M" run "$cfg" --trace "$tr" --mode cycle >/dev/null || exit 1; t1=$(now)
"$M" run "$cfg" --trace "$tr" --mode fast >/dev/null || exit 1; t2=$(now)
out=$("$M" verify "$cfg" --trace "$tr" --json) || { echo "$out"; exit 1; }
get() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$out"; }
cyc=$(get rtl_cycles) rtl=$(get run_s) build=$(get build_s)
awk -v n="$N" -v cyc="$cyc" -v c="$(echo "$t1 - $t0" | bc -l)" -v f="$(echo "$t2 - $t1" | bc -l)" \
    -v r="$rtl" -v b="$build" 'BEGIN {
	pe = n * n * cyc;
	printf "bench-rtl: %dx%d os, %d cycles (%.3g PE-cycles), RTL build %.1f s (cached after the first run)\n", n, n, cyc, pe, b;
	printf "  C cycle mode  %8.3f s  %.3g PE-cycles/s\n", c, pe / c;
	printf "  C fast mode   %8.3f s  %.3g PE-cycles/s\n", f, pe / f;
	printf "  Verilated RTL %8.3f s  %.3g PE-cycles/s (-O3, no tracing)\n", r, pe / r;
	printf "  ratio cycle/RTL %.1fx (target >= 10x), fast/RTL %.1fx\n", r / c, r / f;
}'
