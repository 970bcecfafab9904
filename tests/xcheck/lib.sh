# tests/xcheck/lib.sh - helpers shared by the cross-check scripts (sourced).
# mk_cfg OUT BASE ROWS COLS DATAFLOW GROUP ASYM LATENCY: a copy of preset BASE
# with the array size, dataflow, group, asym and dequant latency replaced.
mk_cfg() {
	local out=$1 base=$2 rows=$3 cols=$4 df=$5 group=$6 asym=$7 lat=$8
	sed -e "s/^rows *=.*/rows = $rows/" -e "s/^cols *=.*/cols = $cols/" \
	    -e "s/^dataflow *=.*/dataflow = $df/" -e "s/^group *=.*/group = $group/" \
	    -e "s/^asym *=.*/asym = $asym/" -e "s/^latency *=.*/latency = $lat/" \
	    "$base" > "$out"
}

# Traces the regression needs beyond traces/regress/ (deterministic seeds):
# e2m1 (mxfp4) weights, per-channel int8 weights, asym int4 with group 32.
mk_traces() {
	local m=$1 d=$2
	mkdir -p "$d"
	[ -f "$d/gemm_m5k100n13_mxfp4-int8tok_fp32.safetensors" ] ||
		"$m" trace make --gemm 5,100,13 --wscheme mxfp4 --ascheme int8_token \
			-o "$d/gemm_m5k100n13_mxfp4-int8tok_fp32.safetensors" >/dev/null
	[ -f "$d/gemm_m5k100n13_int8c-int8tok_fp32.safetensors" ] ||
		"$m" trace make --gemm 5,100,13 --wscheme int8 --group 100 --ascheme int8_token \
			-o "$d/gemm_m5k100n13_int8c-int8tok_fp32.safetensors" >/dev/null
	[ -f "$d/gemm_m7k70n9_int4ag32-int8tok_fp32.safetensors" ] ||
		"$m" trace make --gemm 7,70,9 --wscheme int4 --group 32 --asym --seed 3 \
			-o "$d/gemm_m7k70n9_int4ag32-int8tok_fp32.safetensors" >/dev/null
}
