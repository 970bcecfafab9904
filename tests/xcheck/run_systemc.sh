#!/bin/bash
# tests/xcheck/run_systemc.sh - SystemC co-simulation (docs/systemc.md): the C
# cycle model (sim/sc/mps_sc.h) and the Verilator --sc model of mp_top in one
# SystemC kernel on one clock, on regression traces of the 4x4 W4A8 array, OS
# (configs/rtl-w4a8-4x4.ini) and WS (the same with dataflow = ws).  Each run must
# agree every cycle (outputs and all 16 PE states) and match y.expected.
# Negative controls: the C model with a broken PE (--fault sign) must be caught
# (exit 1) at the PE and cycle the trace predicts (os) and at a PE (ws), and a
# binary given a config it was not built for must refuse it (exit 2).  Two
# Verilator --sc builds, cached in build/sc/.  Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
export MPSIM=${MPSIM:-build/bin/mpsim}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
W=build/xcheck/systemc
mkdir -p "$W"
R=traces/regress
pass=0 fail=0
t0=$(date +%s)

cfg_os=configs/rtl-w4a8-4x4.ini
cfg_ws=$W/rtl-w4a8-4x4-ws.ini
sed 's/^dataflow *=.*/dataflow = ws/' "$cfg_os" >"$cfg_ws"

# build CONFIG: path of the co-simulation binary (cached), or "" on failure.
# The two builds run in parallel (scripts/build_sc.sh locks what they share).
build() {
	local log=$W/build-$(basename "$1" .ini).log b
	if b=$(bash scripts/build_sc.sh "$1" 2>"$log" | tail -1) && [ -x "$b" ]; then
		echo "$b"
	else
		echo "FAIL build $1 (log $log):" >&2
		sed 's/^/    /' "$log" >&2
	fi
}

# cosim NAME BIN CONFIG TRACE...: every trace must agree (exit 0, one PASS each)
cosim() {
	local name=$1 bin=$2 cfg=$3; shift 3
	local out rc t1 n=$#
	t1=$(date +%s)
	out=$("$bin" "$cfg" "$@" 2>&1)
	rc=$?
	local np
	np=$(grep -c '^PASS ' <<<"$out")
	if [ $rc -eq 0 ] && [ "$np" -eq "$n" ] && grep -q "^$n passed, 0 failed$" <<<"$out"; then
		pass=$((pass + n))
		echo "PASS $name ($(( $(date +%s) - t1 ))s):"
		grep '^PASS \|^SystemC time' <<<"$out" | sed 's/^/    /'
	else
		fail=$((fail + n))
		echo "FAIL $name (rc $rc):"
		sed 's/^/    /' <<<"$out"
	fi
}

# int4 x int8_token, groups 128 / 64 / 32; M, N and (ws) K not multiples of 4
os_traces=("$R/gemm_m4k256n12_int4g128-int8tok_fp32.safetensors"
	"$R/gemm_m8k128n12_int4g64-int8tok_fp32.safetensors"
	"$R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors")
ws_traces=("$R/gemm_m8k128n12_int4g64-int8tok_fp32.safetensors"
	"$R/gemm_m5k100n13_int4g32-int8tok_fp32.safetensors")

build "$cfg_os" >"$W/bin-os" &
build "$cfg_ws" >"$W/bin-ws" &
wait
bin_os=$(cat "$W/bin-os")
bin_ws=$(cat "$W/bin-ws")
echo "builds: $(( $(date +%s) - t0 ))s"

if [ -n "$bin_os" ]; then
	cosim "os-4x4" "$bin_os" "$cfg_os" "${os_traces[@]}"
else
	fail=$((fail + ${#os_traces[@]}))
fi
if [ -n "$bin_ws" ]; then
	cosim "ws-4x4" "$bin_ws" "$cfg_ws" "${ws_traces[@]}"
else
	fail=$((fail + ${#ws_traces[@]}))
fi

# Negative control: the C model ignores the weight's sign (MPS_FAULT_SIGN).  The
# first divergence must be the pe.p of the first MAC, in time, with a negative
# weight and a non-zero activation: OS fold 0 multiplies a[r][k] by w[c][k] in
# PE(r,c) at compute cycle k + r + c (docs/timing.md 2), so the trace alone
# predicts the cycle, and the reported PE must hold such a pair there.
first_flip() { # first_flip TRACE ROWS COLS: the earliest such compute cycle
	"$MPSIM" trace dump "$1" | awk -v R="$2" -v C="$3" '
		function ix(s) { sub(/^[aw]\.codes\[/, "", s); sub(/\]$/, "", s); return s }
		$1 ~ /^a\.codes\[/ { a[ix($1)] = $3 }
		$1 ~ /^w\.codes\[/ { w[ix($1)] = $3 }
		$1 == "meta" && $2 == "K" { K = $4 }
		END {
			best = -1
			for (r = 0; r < R; r++) for (c = 0; c < C; c++) for (k = 0; k < K; k++)
				if (w[c "," k] < 0 && a[r "," k] != 0 && (best < 0 || k + r + c < best))
					best = k + r + c
			print best
		}'
}
pair_flips() { # pair_flips TRACE R C K: w[C][K] < 0 and a[R][K] != 0
	"$MPSIM" trace dump "$1" | awk -v key_a="a.codes[$2,$4]" -v key_w="w.codes[$3,$4]" '
		$1 == key_a { av = $3 } $1 == key_w { wv = $3 }
		END { exit !(wv < 0 && av != 0) }'
}
if [ -n "$bin_os" ]; then
	tr=${os_traces[0]}
	out=$("$bin_os" --fault sign "$cfg_os" "$tr" 2>&1)
	rc=$?
	line=$(grep '^FAIL ' <<<"$out")
	re='compute ([0-9]+)\), PE\(([0-9]+),([0-9]+)\), pe\.p:'
	ok=0
	if [ $rc -eq 1 ] && grep -q '^0 passed, 1 failed$' <<<"$out" && [[ $line =~ $re ]]; then
		tau=${BASH_REMATCH[1]} r=${BASH_REMATCH[2]} c=${BASH_REMATCH[3]}
		want=$(first_flip "$tr" 4 4)
		[ "$tau" = "$want" ] && pair_flips "$tr" "$r" "$c" $((tau - r - c)) && ok=1
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "PASS negative control (C model --fault sign) caught where predicted (compute $want): ${line#FAIL }"
	else
		fail=$((fail + 1))
		echo "FAIL negative control (C model --fault sign) not caught as predicted (rc $rc, first flip at compute ${want:-?}):"
		sed 's/^/    /' <<<"$out"
	fi
else
	fail=$((fail + 1))
fi

# The same fault under ws (weights held in the PEs, partial results fed back):
# caught by the lockstep comparison too (exit 1, a PE's pe.p).
if [ -n "$bin_ws" ]; then
	out=$("$bin_ws" --fault sign "$cfg_ws" "${ws_traces[0]}" 2>&1)
	rc=$?
	line=$(grep '^FAIL ' <<<"$out")
	if [ $rc -eq 1 ] && grep -q '^0 passed, 1 failed$' <<<"$out" &&
		grep -Eq 'PE\([0-9]+,[0-9]+\), pe\.p:' <<<"$line"; then
		pass=$((pass + 1))
		echo "PASS negative control ws (C model --fault sign) caught: ${line#FAIL }"
	else
		fail=$((fail + 1))
		echo "FAIL negative control ws (C model --fault sign) not caught (rc $rc):"
		sed 's/^/    /' <<<"$out"
	fi
else
	fail=$((fail + 1))
fi

# A binary refuses a config it was not built for (exit 2), never runs it.
if [ -n "$bin_os" ]; then
	out=$("$bin_os" "$cfg_ws" "${ws_traces[0]}" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'built for other parameters' <<<"$out"; then
		pass=$((pass + 1))
		echo "PASS wrong config refused: $out"
	else
		fail=$((fail + 1))
		echo "FAIL wrong config: expected exit 2, got rc $rc: $out"
	fi
else
	fail=$((fail + 1))
fi

echo "systemc co-simulation: $(( $(date +%s) - t0 ))s"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
