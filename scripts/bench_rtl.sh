#!/bin/bash
# scripts/bench_rtl.sh MPSIM [ROWS] - the C simulator (cycle and fast modes)
# against the Verilated RTL (OPT_FAST=-O3) on the same array and trace:
# W4A8 int4 g128 x int8_token, ROWSxROWS os (default 16), GEMM 64x512x64.
# Prints wall times, PE-cycles/s and the ratios; the first run builds the model
# (cached in build/vl/).  ARCHITECTURE.md: cycle mode >= 10x the Verilated RTL.
set -uo pipefail
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
# medians: C modes of 5 runs (wall, process start and trace load included),
# the RTL of 3 (verify's run_s: the Verilated run; the first call builds)
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
wall() { local t0; t0=$(now); "$M" run "$cfg" --trace "$tr" --mode "$1" >/dev/null || return 1; echo "$(now) - $t0" | bc -l; }
c=$(for i in 1 2 3 4 5; do wall cycle || exit 1; done | med) || exit 1
f=$(for i in 1 2 3 4 5; do wall fast || exit 1; done | med) || exit 1
get() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$out"; }
runs=()
for i in 1 2 3; do
	out=$("$M" verify "$cfg" --trace "$tr" --json) || { echo "$out"; exit 1; }
	[ "$i" = 1 ] && build=$(get build_s)
	runs+=("$(get run_s)")
done
cyc=$(get rtl_cycles) rtl=$(printf '%s\n' "${runs[@]}" | med)
awk -v n="$N" -v cyc="$cyc" -v c="$c" -v f="$f" \
    -v r="$rtl" -v b="$build" 'BEGIN {
	pe = n * n * cyc;
	printf "bench-rtl: %dx%d os, %d cycles (%.3g PE-cycles), RTL build %.1f s (cached after the first run)\n", n, n, cyc, pe, b;
	printf "  (medians: C modes of 5 runs, wall incl. start-up and trace load; RTL of 3)\n";
	printf "  C cycle mode  %8.3f s  %.3g PE-cycles/s\n", c, pe / c;
	printf "  C fast mode   %8.3f s  %.3g PE-cycles/s\n", f, pe / f;
	printf "  Verilated RTL %8.3f s  %.3g PE-cycles/s (-O3, no tracing)\n", r, pe / r;
	printf "  ratio cycle/RTL %.1fx (target >= 10x), fast/RTL %.1fx\n", r / c, r / f;
}'
