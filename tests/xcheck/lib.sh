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
# e2m1 (mxfp4) weights, per-channel int8 weights, asym int4 and asym int8 (uint8
# weights, 8-bit zero points) with group 32, the generic PE type's pairs, two ws
# edge dequant shapes, and four accumulate = exact traces with K = 1024.
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
	# generic PE type pairs, ws edge dequant with align / AMXFP4 (K = 100: a
	# partial last group and a partial column fold)
	local g
	for g in "8,96,12|int4|mxfp8_e4m3|--group 32|gemm_m8k96n12_int4g32-mxfp8e4m3_fp32" \
	         "8,96,12|int8|e4m3_token|--group 32|gemm_m8k96n12_int8g32-e4m3tok_fp32" \
	         "8,96,12|mxfp6_e3m2|mxfp8_e4m3||gemm_m8k96n12_mxfp6e3m2-mxfp8e4m3_fp32" \
	         "8,96,12|int4|fp16|--group 32 --asym|gemm_m8k96n12_int4ag32-fp16_fp32" \
	         "5,100,13|int4|fp16|--group 32 --accumulate align --seed 5|gemm_m5k100n13_int4g32-fp16_align" \
	         "5,100,13|amxfp4|mxfp8_e4m3|--seed 5|gemm_m5k100n13_amxfp4-mxfp8e4m3_fp32" \
	         "8,96,12|int4|fp16|--group 32 --asym --accumulate exact|gemm_m8k96n12_int4ag32-fp16_exact" \
	         "6,40,7|int4|int8_token|--group 8|gemm_m6k40n7_int4g8-int8tok_fp32" \
	         "8,96,12|int8|int8_token|--group 32 --asym|gemm_m8k96n12_int8ag32-int8tok_fp32"; do
		IFS='|' read -r shape ws as opts name <<<"$g"
		# shellcheck disable=SC2086
		[ -f "$d/$name.safetensors" ] ||
			"$m" trace make --gemm "$shape" --wscheme "$ws" --ascheme "$as" $opts \
				-o "$d/$name.safetensors" >/dev/null
	done
	# accumulate = exact with K = 1024 (32 group terms): traces whose exact result
	# differs from fp32 accumulation (3, 18, 39, 20 of 96 outputs; the regress
	# _exact traces of these types equal their _fp32 twins)
	local x
	for x in "mxfp4-mxfp8e4m3|--wscheme mxfp4 --ascheme mxfp8_e4m3" \
	         "amxfp4-mxfp8e4m3|--wscheme amxfp4 --ascheme mxfp8_e4m3" \
	         "mxfp8e4m3-mxfp8e4m3|--wscheme mxfp8_e4m3 --ascheme mxfp8_e4m3" \
	         "int8g32-int8tok|--wscheme int8 --group 32"; do
		[ -f "$d/gemm_m8k1024n12_${x%%|*}_exact.safetensors" ] ||
			# shellcheck disable=SC2086
			"$m" trace make --gemm 8,1024,12 ${x#*|} --accumulate exact \
				-o "$d/gemm_m8k1024n12_${x%%|*}_exact.safetensors" >/dev/null
	done
}
