#!/usr/bin/env bash
# scripts/demo.sh - the main job end to end on the default preset:
# quantize a sample tensor with every scheme (error metrics), make a trace of
# a Llama-2-7B layer GEMM, inspect it, simulate it cycle by cycle on
# configs/default.ini and check the outputs bit for bit.  Scratch files go to
# build/demo/.  usage: scripts/demo.sh [MPSIM]
set -euo pipefail
MPSIM=${1:-build/bin/mpsim}
PY=${PYTHON:-build/venv/bin/python}
OUT=build/demo
CFG=configs/default.ini
mkdir -p "$OUT"

echo "== 1. quantize: 256 samples of a heavy-tailed tensor, every scheme"
"$PY" - > "$OUT/sample.txt" <<'PYEOF'
import random
random.seed(5)
for i in range(256):
    v = random.gauss(0, 1) * (8.0 if i % 61 == 0 else 1.0)
    print(repr(v))
PYEOF
printf '  %-12s %s\n' scheme "error metrics (stderr of mpsim quantize)"
for s in mxfp4 mxfp6_e2m3 mxfp6_e3m2 mxfp8_e4m3 mxfp8_e5m2 mxint8 nvfp4 amxfp4 \
         int4 int8 zqfp_m1 zqfp_m2 int8_token e4m3_token e4m3_tensor fp16 bf16; do
	m=$("$MPSIM" quantize --scheme "$s" < "$OUT/sample.txt" 2>&1 >/dev/null | sed "s/^mpsim quantize: //" | tr "\n" " ")
	printf '  %-12s %s\n' "$s" "$m"
done

echo
echo "== 2. config: $CFG"
"$MPSIM" config "$CFG"
W=$(sed -n 's/^wscheme *= *//p' "$CFG")
A=$(sed -n 's/^ascheme *= *//p' "$CFG")

echo
echo "== 3. trace: Llama-2-7B decode (batch 16) attention output projection, $W x $A"
"$MPSIM" trace make --workload llama2-7b:decode:16 --layer o --wscheme "$W" --ascheme "$A" \
	-o "$OUT/llama2-7b-o.safetensors"
"$MPSIM" trace info "$OUT/llama2-7b-o.safetensors"

echo
echo "== 4. simulate (cycle mode: every PE, every cycle) and compare with y.expected"
"$MPSIM" run "$CFG" --trace "$OUT/llama2-7b-o.safetensors" --mode cycle

echo
echo "== 5. the same in fast mode (tile level): identical cycles and outputs"
"$MPSIM" run "$CFG" --trace "$OUT/llama2-7b-o.safetensors" --mode fast | tail -n +2

echo
echo "== 6. a whole decoder layer (qkv, o, gate_up, down), fast mode"
"$MPSIM" run "$CFG" --workload llama2-7b:decode:16 --mode fast

echo
echo "== 7. RTL cross-check: the Verilated RTL of a 4x4 W4A8 shift-add array, in lockstep with"
echo "      the C cycle model (every PE, every cycle), outputs and cycles compared"
RCFG=configs/rtl-w4a8-4x4.ini
"$MPSIM" trace make --gemm 8,256,12 --wscheme int4 --ascheme int8_token --group 128 \
	--seed 7 -o "$OUT/rtl-w4a8.safetensors"
"$MPSIM" verify "$RCFG" --trace "$OUT/rtl-w4a8.safetensors" --lockstep

echo
echo "== 8. energy, area and throughput report of that layer (docs/energy.md); the PE and"
echo "      array area come from yosys on the RTL (about a minute the first time, then"
echo "      cached in build/syn/)"
MPSIM_PYTHON="$PY" "$MPSIM" report "$CFG" --workload llama2-7b:decode:16 --area yosys --out "$OUT/report"
echo "   open $OUT/report/report.md (plots: $OUT/report/*.png)"
