#!/bin/bash
# scripts/syn/area.sh SVH OUTDIR RTLDIR - yosys area of one config's PE and
# column output unit (called by sim/area.c, which caches OUTDIR by a hash of
# the parameters, every RTL file, this script and MPS_SYN_ABC; docs/energy.md
# section 8).
#   SVH     the config's generated parameters (mpsim config CONFIG --emit-svh)
#   OUTDIR  gets area.ys, area.log, stat.json (and stat_lib.json with a liberty)
#   RTLDIR  the RTL tree (rtl/)
# mp_top is elaborated at Rows = Cols = 1 with every other parameter of the
# config and synthesized flattened except for the PE, its product unit and
# dequant unit, the column output unit and the w4a16 row pre-aligner
# (keep_hierarchy), so stat reports them as separate modules.
# async2sync and dffunmap come before the gate mapping so that every flop is a
# $_DFF_P_ (+ enable MUX) and `stat -tech cmos` has no '+' (toolchain.md 6).
#
# Gate mapping, MPS_SYN_ABC (docs/energy.md 8 gives the measured times and
# how far each mode is from the others):
#   bounded  (default) abc -g <gates> with ABC's own default script, except
#         that &fraig -x (SAT sweeping) may spend 1000 conflicts on a node
#         instead of 1000000: strash; &get -n; &fraig -x -C 1000; &put;
#         scorr; dc2; dretime; strash; &get -n; &dch -f; &nf; &put.
#   full  abc -g <gates>: ABC's default script unchanged.  Its &fraig -x
#         SAT-sweeps the wide exact multiplier of mp_fl32_scale without a
#         useful limit and did not finish in 17 minutes (nor, earlier, in 40).
#   dch   the default script without SAT sweeping (no &fraig, no scorr).
#   fast  abc -fast -g <gates>: "strash; dretime; map" (yosys's `synth`).
#   none  no ABC: yosys techmap gates only (synth -noabc), counted as they are.
# With MPS_LIBERTY=/path/cells.lib it also maps to that library
# (dfflibmap + abc -fast -liberty) and writes stat_lib.json with areas in um^2.
set -euo pipefail
svh=$1; out=$2; rtl=$3
YOSYS=${YOSYS:-yosys}
mode=${MPS_SYN_ABC:-bounded}
mkdir -p "$out"
# chparam cannot decode "-24": a negative value goes in as 32'sh<two's complement>
params=$(sed -n 's/^localparam int  *\([A-Za-z0-9_]*\) *= *\(-\{0,1\}[0-9][0-9]*\);.*/\1 \2/p' "$svh" \
  | awk '$1 != "Rows" && $1 != "Cols" {
      v = $2 + 0; if (v < 0) v = sprintf("32'"'"'sh%08X", 4294967296 + v)
      printf "-set %s %s ", $1, v}')
files=$(sed -e 's/#.*//' -e 's#//.*##' -e 's/^[ \t]*//' -e 's/[ \t]*$//' "$rtl/rtl.f" \
  | grep -v -e '^$' -e '^[-+]' | sed "s#^#$rtl/#" | tr '\n' ' ')
gates=AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX
case "$mode" in
  bounded) printf '%s\n' 'strash' '&get -n' '&fraig -x -C 1000' '&put' 'scorr' 'dc2' 'dretime' \
             'strash' '&get -n' '&dch -f' '&nf' '&put' > "$out/abc_bounded.script"
        map="abc -g $gates -script $out/abc_bounded.script" ;;
  full) map="abc -g $gates" ;;
  dch)  printf '%s\n' 'strash' 'dc2' 'dretime' 'strash' '&get -n' '&dch -f' '&nf' '&put' \
          > "$out/abc_dch.script"
        map="abc -g $gates -script $out/abc_dch.script" ;;
  fast) map="abc -fast -g $gates" ;;
  none) map="" ;;
  *) echo "area.sh: MPS_SYN_ABC must be bounded, full, dch, fast or none (got '$mode')" >&2; exit 2 ;;
esac
# Units reported separately keep their boundary; everything inside them is
# flattened, so constant parameters (e.g. the dequant exponent) propagate.
keep='mp_pe_os mp_pe_ws mp_pe_prod mp_pe_dq mp_dequant mp_align'
keep="$keep \$paramod*mp_pe_os \$paramod*mp_pe_ws \$paramod*mp_pe_prod \$paramod*mp_pe_dq"
keep="$keep \$paramod*mp_dequant \$paramod*mp_align"
{
  echo "read_verilog -sv $files"
  echo "chparam -set Rows 1 -set Cols 1 $params mp_top"
  echo "hierarchy -top mp_top"
  echo "setattr -mod -set keep_hierarchy 1 $keep"
  echo "synth -top mp_top -flatten -noabc"
  echo "async2sync"
  echo "dffunmap"
  [ -n "$map" ] && echo "$map"
  echo "opt_clean"
  echo "tee -q -o $out/stat.json.tmp stat -json -tech cmos"
  if [ -n "${MPS_LIBERTY:-}" ]; then
    echo "design -reset"
    echo "read_verilog -sv $files"
    echo "chparam -set Rows 1 -set Cols 1 $params mp_top"
    echo "hierarchy -top mp_top"
    echo "setattr -mod -set keep_hierarchy 1 $keep"
    echo "synth -top mp_top -flatten -noabc"
    echo "dfflibmap -liberty $MPS_LIBERTY"
    echo "abc -fast -liberty $MPS_LIBERTY"
    echo "opt_clean"
    echo "tee -q -o $out/stat_lib.json stat -json -liberty $MPS_LIBERTY"
  fi
} > "$out/area.ys"
# -t stamps every log line with the seconds since start and -d ends the log
# with the time per pass, so area.log shows where the time went.  tee'd files
# get the stamps too, and yosys 0.23 also logs the design hierarchy (lines
# without any JSON punctuation) into the middle of `stat -json`: the sed takes
# both off again.
"$YOSYS" -q -t -d -l "$out/area.log" -s "$out/area.ys"
clean() { sed -e 's/^\[[0-9.]*\] //' -e '/["{}]/!{/[][]/!d}' "$1"; }
if [ -f "$out/stat_lib.json" ]; then
  clean "$out/stat_lib.json" > "$out/stat_lib.json.tmp" && mv "$out/stat_lib.json.tmp" "$out/stat_lib.json"
fi
clean "$out/stat.json.tmp" > "$out/stat.json.tmp2"
rm -f "$out/stat.json.tmp"
mv "$out/stat.json.tmp2" "$out/stat.json"
