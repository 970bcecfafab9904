# tests/rtl/pe_cases.sh - the PE-level cases shared by run_iverilog.sh and
# run_mutants.sh (sourced).  One entry per PE type / format pair the RTL
# implements: "name wfmt afmt amx|PeType WeightFmt ActFmt HasZero Amx WW AW ProdW
# AccWidth ProdExp ADec" (formats: tests/rtl/gen_pe_vectors.c; ProdExp = WLsb + ALsb,
# w4a16 aN: WLsb - (N - 2); mpq_fmt_t codes: docs/pe.md, rtl/mp_pkg.sv; ADec 1:
# the activation codes pass mp_fixed_int before the PE, tests/rtl/tb_pe.sv).
pe_cases=(
	"int4 int4 int8 0|0 6 8 0 0 4 8 12 24 0 0"
	"uint4 uint4 int8 0|0 7 8 1 0 4 8 12 24 0 0"
	"e2m1 e2m1 int8 0|0 0 8 0 0 4 8 12 24 -1 0"
	"amx-e2m1-int8 e2m1 int8 1|0 0 8 0 1 4 8 12 24 -1 0"
	"int8 int8 int8 0|4 8 8 0 0 8 8 16 28 0 0"
	"fp4fp8-e4m3 e2m1 e4m3 0|2 0 3 0 0 4 8 23 32 -10 0"
	"amx-e2m1-e4m3 e2m1 e4m3 1|2 0 3 0 1 4 8 23 32 -10 0"
	"fp4fp8-e5m2 e2m1 e5m2 0|2 0 4 0 0 4 8 38 44 -17 0"
	"fp4fp8-e2m3 e2m1 e2m3 0|2 0 1 0 0 4 6 12 20 -4 0"
	"fp4fp8-e3m2 e2m1 e3m2 0|2 0 2 0 0 4 6 15 22 -5 0"
	"fp4fp4 e2m1 e2m1 0|3 0 0 0 0 4 4 9 16 -2 0"
	"fp8-e4m3 e4m3 e4m3 0|5 3 3 0 0 8 8 37 44 -18 0"
	"fp8-e5m2-e4m3 e5m2 e4m3 0|5 4 3 0 0 8 8 52 58 -25 0"
	"fp8-e4m3-e2m1 e4m3 e2m1 0|5 3 0 0 0 8 4 23 32 -10 0"
	"fp8-e2m1-e3m2 e2m1 e3m2 0|5 0 2 0 0 4 6 15 22 -5 0"
	"w4a16-int4 int4 a16 0|1 6 10 0 0 4 16 20 28 -14 0"
	"w4a16-uint4 uint4 a16 0|1 7 10 1 0 4 16 20 28 -14 0"
	"w4a16-e2m1-a12 e2m1 a12 0|1 0 11 0 0 4 12 16 24 -11 0"
	# generic (7, mp_pe_gen: both codes decoded in the PE, one multiplier) and
	# int4 weights on the int8 multiplier (4); ProdW = the full product here
	"gen-int4-e4m3 int4 e4m3 0|7 6 3 0 0 4 8 23 30 -9 0"
	"gen-uint4-e5m2 uint4 e5m2 0|7 7 4 1 0 4 8 39 46 -16 0"
	"gen-int8-e4m3 int8 e4m3 0|7 8 3 0 0 8 8 27 34 -9 0"
	"gen-e4m3-int8 e4m3 int8 0|7 3 8 0 0 8 8 27 34 -9 0"
	"gen-e2m3-e3m2 e2m3 e3m2 0|7 1 2 0 0 6 6 17 24 -7 0"
	"gen-e5m2-int4 e5m2 int4 0|7 4 6 0 0 8 4 38 44 -16 0"
	"gen-int4-fp16 int4 fp16 0|7 6 10 0 0 4 16 46 52 -24 0"
	"gen-fp16-int8 fp16 int8 0|7 10 8 0 0 16 8 50 56 -24 0"
	"amx-gen-e2m1-int8 e2m1 int8 1|7 0 8 0 1 4 8 13 20 -1 0"
	"int8-int4w int4 int8 0|4 6 8 0 0 4 8 16 24 0 0"
	# uint8 weights with 8-bit zero points (int8 asym; ZW = 8): uint8 - z on the
	# int8 multiplier and on the generic type (mp_pe_gen, mp_fixed_int)
	"int8-uint8z uint8 int8 0|4 9 8 1 0 8 8 16 24 0 0"
	"gen-uint8z-e4m3 uint8 e4m3 0|7 9 3 1 0 8 8 28 34 -9 0"
	# w4a16 without align: fp16 codes -> mp_fixed_int (42-bit lane, ADec 1) ->
	# the w4a8 shift-add unit (mp_top's edge decoder, docs/pe.md)
	"w4a16f-int4 int4 fp16 0|1 6 10 0 0 4 42 46 52 -24 1"
	"w4a16f-uint4 uint4 fp16 0|1 7 10 1 0 4 42 46 52 -24 1"
	"w4a16f-e2m1 e2m1 fp16 0|1 0 10 0 0 4 42 46 52 -25 1"
)
# name ActFmt fmt AlignBits: the edge pre-aligner (tb_align)
align_cases=(
	"fp16-16 10 fp16 16"
	"bf16-16 11 bf16 16"
	"bf16-12 11 bf16 12"
	"fp16-10 10 fp16 10"
)
# pe_pflags PARAMS...: the iverilog -P flags of a case's parameter list
pe_pflags() {
	local n
	for n in PeType WeightFmt ActFmt HasZero Amx WW AW ProdW AccWidth ProdExp ADec; do
		printf -- '-Ptb_pe.%s=%s ' "$n" "$1"
		shift
	done
}
