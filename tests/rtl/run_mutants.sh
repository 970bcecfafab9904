#!/bin/bash
# tests/rtl/run_mutants.sh [BUILD] [N] [SEED] - "variants nobody wrote a test for":
# N random single-operator mutants of the PE RTL (mp_pe_w4a8.sv, mp_pe_os.sv),
# each in a copy of rtl/ under BUILD/mutants; each must be killed by the
# iverilog PE tests (tests/rtl/tb_pe.sv, all four PE formats) or, for the purely
# combinational mp_pe_w4a8, be proven equivalent to the original by a yosys SAT
# miter.  A surviving non-equivalent mutant fails.  Run after
# tests/rtl/run_iverilog.sh (reuses its vectors).  Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
N=${2:-8}
SEED=${3:-$(date +%s)}
D=$B/mutants
V=$B/rtl-iverilog
mkdir -p "$D"
echo "mutants: seed $SEED (rerun: tests/rtl/run_mutants.sh $B $N $SEED)"
RANDOM=$SEED
# mutation operators: sed expressions applied to ONE line
ops=('s/ + / - /' 's/ - / + /' 's/<<< 1/<<< 2/' 's/<<< 2/<<< 1/' 's/<<< 3/<<< 2/'
     's/w_i\[0\]/w_i[1]/' 's/neg ? /!neg ? /' 's/? '"'"'0 : /? 1 : /' 's/1'"'"'b1/1'"'"'b0/'
     's/2'"'"'d1:/2'"'"'d2:/' 's/\[2:1\]/[3:2]/' 's/== 7/== 6/' 's/ \^ / \& /')
files=(mp_pe_w4a8.sv mp_pe_os.sv)
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
for ((j = 0; j < N; j++)); do
	read -r f ln oi <<<"${sites[$((RANDOM % ${#sites[@]}))]}"
	m=$D/m$j
	rm -rf "$m"; cp -r rtl "$m"
	sed -i "${ln}${ops[$oi]}" "$m/$f"
	desc="$f:$ln '${ops[$oi]}': $(sed -n "${ln}p" "$m/$f" | sed 's/^ *//')"
	killed=0
	for c in "int4|0 6 0 4 12 24 0" "uint4|0 7 1 4 12 24 0" "e2m1|0 0 0 4 12 24 -1"; do
		IFS='|' read -r name params <<<"$c"
		read -r pt wf hz ww pw aw pe <<<"$params"
		if ! iverilog -g2012 -Wno-timescale -o "$m/tb.vvp" -s tb_pe -Ptb_pe.PeType="$pt" \
			-Ptb_pe.WeightFmt="$wf" -Ptb_pe.HasZero="$hz" -Ptb_pe.WW="$ww" -Ptb_pe.ProdW="$pw" \
			-Ptb_pe.AccWidth="$aw" -Ptb_pe.ProdExp="$pe" tests/rtl/tb_pe.sv \
			$(sed "s#^#$m/#" rtl/rtl.f) >/dev/null 2>&1; then
			killed=1; why="does not compile"; break
		fi
		if ! vvp -n "$m/tb.vvp" +prod="$V/prod_$name.txt" +seq="$V/seq_$name.txt" 2>&1 | grep -q '^PASS'; then
			killed=1; why="killed by tb_pe $name"; break
		fi
	done
	if [ $killed = 0 ] && [ "$f" = mp_pe_w4a8.sv ]; then
		eq=1
		for p in "6 0" "7 1" "0 0"; do
			read -r wf hz <<<"$p"
			sed 's/^module mp_pe_w4a8 /module mp_pe_w4a8_mut /' "$m/$f" > "$m/mut.sv"
			if ! yosys -q -p "read_verilog -sv rtl/mp_pe_w4a8.sv $m/mut.sv; \
				chparam -set WeightFmt $wf -set HasZero $hz mp_pe_w4a8 mp_pe_w4a8_mut; \
				proc; opt_clean; miter -equiv -flatten -make_assert mp_pe_w4a8 mp_pe_w4a8_mut miter; \
				hierarchy -top miter; flatten; sat -verify -prove-asserts miter" >/dev/null 2>&1; then
				eq=0
			fi
		done
		[ $eq = 1 ] && { killed=1; why="equivalent (yosys SAT miter)"; }
	fi
	if [ $killed = 1 ]; then
		pass=$((pass + 1)); echo "PASS mutant $j $desc: $why"
	else
		fail=$((fail + 1)); echo "FAIL mutant $j $desc: survived"
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
