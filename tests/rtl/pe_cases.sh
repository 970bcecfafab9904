# tests/rtl/pe_cases.sh - the PE-level cases shared by run_iverilog.sh and
# run_mutants.sh (sourced).  One entry per PE type / format pair the RTL
# implements: "name wfmt afmt amx|PeType WeightFmt ActFmt HasZero Amx WW AW ProdW
# AccWidth ProdExp" (formats: tests/rtl/gen_pe_vectors.c; ProdExp = WLsb + ALsb,
# w4a16 aN: WLsb - (N - 2); mpq_fmt_t codes: docs/pe.md, rtl/mp_pkg.sv).
pe_cases=(
	"int4 int4 int8 0|0 6 8 0 0 4 8 12 24 0"
	"uint4 uint4 int8 0|0 7 8 1 0 4 8 12 24 0"
	"e2m1 e2m1 int8 0|0 0 8 0 0 4 8 12 24 -1"
	"amx-e2m1-int8 e2m1 int8 1|0 0 8 0 1 4 8 12 24 -1"
	"int8 int8 int8 0|4 8 8 0 0 8 8 16 28 0"
	"fp4fp8-e4m3 e2m1 e4m3 0|2 0 3 0 0 4 8 23 32 -10"
	"amx-e2m1-e4m3 e2m1 e4m3 1|2 0 3 0 1 4 8 23 32 -10"
	"fp4fp8-e5m2 e2m1 e5m2 0|2 0 4 0 0 4 8 38 44 -17"
	"fp4fp8-e2m3 e2m1 e2m3 0|2 0 1 0 0 4 6 12 20 -4"
	"fp4fp8-e3m2 e2m1 e3m2 0|2 0 2 0 0 4 6 15 22 -5"
	"fp4fp4 e2m1 e2m1 0|3 0 0 0 0 4 4 9 16 -2"
	"fp8-e4m3 e4m3 e4m3 0|5 3 3 0 0 8 8 37 44 -18"
	"fp8-e5m2-e4m3 e5m2 e4m3 0|5 4 3 0 0 8 8 52 58 -25"
	"fp8-e4m3-e2m1 e4m3 e2m1 0|5 3 0 0 0 8 4 23 32 -10"
	"fp8-e2m1-e3m2 e2m1 e3m2 0|5 0 2 0 0 4 6 15 22 -5"
	"w4a16-int4 int4 a16 0|1 6 10 0 0 4 16 20 28 -14"
	"w4a16-uint4 uint4 a16 0|1 7 10 1 0 4 16 20 28 -14"
	"w4a16-e2m1-a12 e2m1 a12 0|1 0 11 0 0 4 12 16 24 -11"
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
	for n in PeType WeightFmt ActFmt HasZero Amx WW AW ProdW AccWidth ProdExp; do
		printf -- '-Ptb_pe.%s=%s ' "$n" "$1"
		shift
	done
}
