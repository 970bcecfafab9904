#!/bin/bash
# tests/rtl/run_mutants.sh [BUILD] [N] [SEED] - "variants nobody wrote a test for":
# N random single-operator mutants of the PE RTL (the product units mp_pe_w4a8,
# mp_pe_fp4, mp_pe_fp8, mp_pe_gen, the decoders mp_fp_fixed and mp_fixed_int, the
# w4a16 edge pre-aligner mp_align and the OS PE mp_pe_os), plus the directed mutants below (bugs a bench once missed),
# each in a copy of rtl/ under BUILD/mutants; each must be killed by the iverilog
# PE tests (tests/rtl/tb_pe.sv / tb_align.sv, the cases of tests/rtl/pe_cases.sh
# that reach the mutated file) or, for the purely combinational units, be proven
# equivalent to the original by a yosys SAT miter; a mutant that survives the
# benches but fails verilator --lint-only -Wall (the test-lint gate) counts as
# killed by lint.  A surviving non-equivalent
# mutant fails.  Run after tests/rtl/run_iverilog.sh (reuses its vectors).
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
N=${2:-8}
SEED=${3:-$(date +%s)}
D=$B/mutants
V=$B/rtl-iverilog
mkdir -p "$D"
. tests/rtl/pe_cases.sh
echo "mutants: seed $SEED (rerun: tests/rtl/run_mutants.sh $B $N $SEED)"
RANDOM=$SEED
# mutation operators: sed expressions applied to ONE line
ops=('s/ + / - /' 's/ - / + /' 's/<<< 1/<<< 2/' 's/<<< 2/<<< 1/' 's/<<< 3/<<< 2/'
     's/w_i\[0\]/w_i[1]/' 's/neg ? /!neg ? /' 's/? '"'"'0 : /? 1 : /' 's/1'"'"'b1/1'"'"'b0/'
     's/2'"'"'d1:/2'"'"'d2:/' 's/\[2:1\]/[3:2]/' 's/== 7/== 6/' 's/ \^ / \& /'
     's/<< 1)/<< 2)/' 's/<< 2)/<< 1)/' 's/<< 3)/<< 2)/' 's/ != / == /' 's/ >> / >>> /'
     's/sd127/sd126/' 's/sd149/sd148/' 's/w_i\[3\]/w_i[2]/' 's/ >= / > /' 's/ < / <= /')
files=(mp_pe_w4a8.sv mp_pe_fp4.sv mp_pe_fp8.sv mp_fp_fixed.sv mp_align.sv mp_pe_os.sv
       mp_pe_gen.sv mp_fixed_int.sv)
# directed mutants: "file|line regex|op"
directed=("mp_pe_os.sv|if (wneg) pn_sum = pn_sum + prod_ext|s/ + / - /")

# the bench cases that reach a file (pe_cases names by PeType; align cases)
cases_for() {
	local c pt wf adec gen
	for c in "${pe_cases[@]}"; do
		read -r pt wf _ _ _ _ _ _ _ _ adec <<<"$(cut -d'|' -f2 <<<"$c")"
		# mp_pe_gen: generic, and int4 weights on the int8 multiplier
		gen=0; { [ "$pt" = 7 ] || { [ "$pt" = 4 ] && [ "$wf" != 8 ]; }; } && gen=1
		case $1 in
		mp_pe_w4a8.sv) [ "$pt" = 0 ] || [ "$pt" = 1 ] || continue;;
		mp_pe_fp4.sv) [ "$pt" = 2 ] || [ "$pt" = 3 ] || continue;;
		mp_pe_fp8.sv) [ "$pt" = 5 ] || continue;;
		mp_fp_fixed.sv) [ "$pt" = 2 ] || [ "$pt" = 3 ] || [ "$pt" = 5 ] || [ $gen = 1 ] ||
			[ "$adec" = 1 ] || continue;;
		mp_pe_gen.sv) [ $gen = 1 ] || continue;;
		mp_fixed_int.sv) [ $gen = 1 ] || [ "$adec" = 1 ] || continue;;
		mp_align.sv) continue;;
		esac
		echo "pe|$c"
	done
	if [ "$1" = mp_align.sv ]; then
		for c in "${align_cases[@]}"; do echo "align|$c"; done
	fi
}
# yosys parameter sets for the equivalence proof of a combinational file
eq_params() {
	case $1 in
	mp_pe_w4a8.sv) echo "WeightFmt=6,HasZero=0 WeightFmt=7,HasZero=1 WeightFmt=0,HasZero=0 WeightFmt=6,HasZero=0,AW=16,ProdW=20";;
	mp_pe_fp4.sv) echo "ActFmt=3,AW=8,ProdW=23 ActFmt=4,AW=8,ProdW=38 ActFmt=1,AW=6,ProdW=12 ActFmt=2,AW=6,ProdW=15 ActFmt=0,AW=4,ProdW=9";;
	mp_pe_fp8.sv) echo "WeightFmt=3,ActFmt=3,WW=8,AW=8,ProdW=37 WeightFmt=4,ActFmt=3,WW=8,AW=8,ProdW=52 WeightFmt=0,ActFmt=2,WW=4,AW=6,ProdW=15";;
	mp_fp_fixed.sv) echo "EB=2,MB=1 EB=2,MB=3 EB=3,MB=2 EB=4,MB=3 EB=5,MB=2";;
	mp_align.sv) echo "ActFmt=10,AlignBits=16 ActFmt=11,AlignBits=16 ActFmt=11,AlignBits=12 ActFmt=10,AlignBits=10";;
	# small formats only: a SAT miter of two wide multipliers does not finish
	mp_pe_gen.sv) echo "WeightFmt=6,ActFmt=1,WW=4,AW=6,ProdW=11 WeightFmt=7,ActFmt=0,HasZero=1,WW=4,AW=4,ProdW=10 WeightFmt=8,ActFmt=6,WW=8,AW=4,ProdW=12";;
	mp_fixed_int.sv) echo "Fmt=6,CW=4 Fmt=7,HasZero=1,CW=4 Fmt=8,CW=8 Fmt=0,CW=4 Fmt=3,CW=8 Fmt=10,CW=16";;
	esac
}

# killed M FILE: sets why; returns 0 when a bench kills the mutant in tree M
killed() {
	local m=$1 f=$2 kind name rest params
	while IFS= read -r c; do
		kind=${c%%|*}; rest=${c#*|}
		if [ "$kind" = align ]; then
			read -r name afmt _ bits <<<"$rest"
			if ! iverilog -g2012 -Wno-timescale -o "$m/tb.vvp" -s tb_align -Ptb_align.ActFmt="$afmt" \
				-Ptb_align.AlignBits="$bits" tests/rtl/tb_align.sv "$m/mp_align.sv" </dev/null >/dev/null 2>&1; then
				why="does not compile"; return 0
			fi
			if ! vvp -n "$m/tb.vvp" +vec="$V/align_$name.txt" </dev/null 2>&1 | grep -q '^PASS'; then
				why="killed by tb_align $name"; return 0
			fi
			continue
		fi
		IFS='|' read -r nf params <<<"$rest"
		name=${nf%% *}
		# shellcheck disable=SC2046,SC2086
		if ! iverilog -g2012 -Wno-timescale -o "$m/tb.vvp" -s tb_pe $(pe_pflags $params) \
			tests/rtl/tb_pe.sv $(sed "s#^#$m/#" rtl/rtl.f) </dev/null >/dev/null 2>&1; then
			why="does not compile"; return 0
		fi
		if ! vvp -n "$m/tb.vvp" +prod="$V/prod_$name.txt" +seq="$V/seq_$name.txt" </dev/null 2>&1 |
			grep -q '^PASS'; then
			why="killed by tb_pe $name"; return 0
		fi
	done < <(cases_for "$f")
	# the project's lint gate (scripts/lint_rtl.sh) would reject it (e.g. a width
	# formula that only pads a port with zeros, which Icarus accepts)
	if ! verilator --lint-only -Wall -I"$m" "$m/lint/verilator_waiver.vlt" "$m/mp_pkg.sv" \
		--top-module "${f%.sv}" "$m/$f" </dev/null >/dev/null 2>&1; then
		why="rejected by verilator --lint-only -Wall"; return 0
	fi
	# ... and in the modules that instantiate it, with their proof parameter sets:
	# a changed port width (e.g. a decoder's output width formula) shows only at
	# the connection, where Icarus truncates silently and the lint gate stops it
	local top ps p set
	for top in $(parents_of "$f"); do
		ps=$(eq_params "$top.sv")
		for p in $ps; do
			set=$(tr ',' '\n' <<<"$p" | sed 's/^\(.*\)=\(.*\)$/-G\1=\2/' | tr '\n' ' ')
			# shellcheck disable=SC2086
			if ! verilator --lint-only -Wall -I"$m" "$m/lint/verilator_waiver.vlt" \
				$(sed "s#^#$m/#" rtl/rtl.f) --top-module "$top" $set </dev/null >/dev/null 2>&1; then
				why="rejected by verilator --lint-only -Wall in $top ($p)"; return 0
			fi
		done
	done
	return 1
}

# parents_of FILE: the mutated files' modules that instantiate it
parents_of() {
	case $1 in
	mp_fixed_int.sv) echo mp_pe_gen;;
	mp_fp_fixed.sv) echo mp_pe_fp4 mp_pe_fp8 mp_pe_gen;;
	esac
}

# equivalent M FILE: yosys SAT miter of the mutated combinational module
equivalent() {
	local m=$1 f=$2 mod=${2%.sv} ps p set dep=rtl/mp_fp_fixed.sv
	ps=$(eq_params "$f")
	[ -n "$ps" ] || return 1
	[ "$f" = mp_fp_fixed.sv ] && dep=""
	[ "$f" = mp_pe_gen.sv ] && dep="rtl/mp_fp_fixed.sv rtl/mp_fixed_int.sv"
	sed "s/^module $mod /module ${mod}_mut /" "$m/$f" > "$m/mut.sv"
	for p in $ps; do
		set=$(tr ',' '\n' <<<"$p" | sed 's/^\(.*\)=\(.*\)$/-set \1 \2/' | tr '\n' ' ')
		if ! yosys -q -p "read_verilog -sv $dep rtl/$f $m/mut.sv; \
			chparam $set $mod ${mod}_mut; \
			proc; opt_clean; miter -equiv -flatten -make_assert $mod ${mod}_mut miter; \
			hierarchy -top miter; flatten; sat -verify -prove-asserts miter" </dev/null >/dev/null 2>&1; then
			return 1
		fi
	done
	return 0
}

# candidate sites: (file, line, op) where the op changes the line
sites=()
for f in "${files[@]}"; do
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in *//*) line=${line%%//*};; esac
		for i in "${!ops[@]}"; do
			[ "$(sed "${ops[$i]}" <<<"$line")" != "$line" ] && sites+=("$f $n $i")
		done
	done < "rtl/$f"
done
pass=0 fail=0
[ ${#sites[@]} -gt 0 ] || { echo "0 passed, 1 failed"; exit 1; }
todo=()
for ((j = 0; j < N; j++)); do
	read -r f ln oi <<<"${sites[$((RANDOM % ${#sites[@]}))]}"
	todo+=("$f|$ln|${ops[$oi]}")
done
for d in "${directed[@]}"; do
	IFS='|' read -r f re op <<<"$d"
	ln=$(grep -nF -- "$re" "rtl/$f" | head -1 | cut -d: -f1)
	if [ -z "$ln" ]; then
		fail=$((fail + 1)); echo "FAIL directed mutant $f '$re': line not found"; continue
	fi
	todo+=("$f|$ln|$op")
done
j=0
for t in "${todo[@]}"; do
	IFS='|' read -r f ln op <<<"$t"
	m=$D/m$j
	rm -rf "$m"; cp -r rtl "$m"
	sed -i "${ln}${op}" "$m/$f"
	desc="$f:$ln '$op': $(sed -n "${ln}p" "$m/$f" | sed 's/^ *//')"
	why=""
	if cmp -s "rtl/$f" "$m/$f"; then
		fail=$((fail + 1)); echo "FAIL mutant $j $desc: the operator does not apply"
	elif killed "$m" "$f" || { equivalent "$m" "$f" && why="equivalent (yosys SAT miter)"; }; then
		pass=$((pass + 1)); echo "PASS mutant $j $desc: $why"
	else
		fail=$((fail + 1)); echo "FAIL mutant $j $desc: survived"
	fi
	j=$((j + 1))
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
