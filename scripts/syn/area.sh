#!/bin/bash
# scripts/syn/area.sh SVH OUTDIR RTLDIR - yosys area of one config's PE and
# column output unit (called by sim/area.c, which caches OUTDIR by a hash of
# the parameters and every RTL file; docs/energy.md section 8).
#   SVH     the config's generated parameters (mpsim config CONFIG --emit-svh)
#   OUTDIR  gets area.ys, area.log, stat.json (and stat_lib.json with a liberty)
#   RTLDIR  the RTL tree (rtl/)
# mp_top is elaborated at Rows = Cols = 1 with every other parameter of the
# config and synthesized flattened except for the PE, its product unit and the
# output unit (keep_hierarchy), so stat reports them as separate modules.  async2sync and
# dffunmap come before abc so that every flop is a $_DFF_P_ (+ enable MUX)
# and `stat -tech cmos` has no '+' (toolchain.md 6).
# With MPS_LIBERTY=/path/cells.lib it also maps to that library
# (dfflibmap + abc -liberty) and writes stat_lib.json with areas in um^2.
set -euo pipefail
svh=$1; out=$2; rtl=$3
YOSYS=${YOSYS:-yosys}
mkdir -p "$out"
params=$(sed -n 's/^localparam int  *\([A-Za-z0-9_]*\) *= *\(-\{0,1\}[0-9][0-9]*\);.*/\1 \2/p' "$svh" \
  | awk '$1 != "Rows" && $1 != "Cols" {printf "-set %s %s ", $1, $2}')
files=$(sed -e 's/#.*//' -e 's#//.*##' -e 's/^[ \t]*//' -e 's/[ \t]*$//' "$rtl/rtl.f" \
  | grep -v -e '^$' -e '^[-+]' | sed "s#^#$rtl/#" | tr '\n' ' ')
gates=AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX
# Units reported separately keep their boundary; everything inside them is
# flattened, so constant parameters (e.g. the dequant exponent) propagate.
keep='mp_pe_os mp_pe_ws mp_pe_prod mp_dequant $paramod*mp_pe_os $paramod*mp_pe_ws $paramod*mp_pe_prod $paramod*mp_dequant'
{
  echo "read_verilog -sv $files"
  echo "chparam -set Rows 1 -set Cols 1 $params mp_top"
  echo "hierarchy -top mp_top"
  echo "setattr -mod -set keep_hierarchy 1 $keep"
  echo "synth -top mp_top -flatten"
  echo "async2sync"
  echo "dffunmap"
  echo "abc -g $gates"
  echo "opt_clean"
  echo "tee -q -o $out/stat.json.tmp stat -json -tech cmos"
  if [ -n "${MPS_LIBERTY:-}" ]; then
    echo "design -reset"
    echo "read_verilog -sv $files"
    echo "chparam -set Rows 1 -set Cols 1 $params mp_top"
    echo "synth -top mp_top -flatten"
    echo "dfflibmap -liberty $MPS_LIBERTY"
    echo "abc -liberty $MPS_LIBERTY"
    echo "opt_clean"
    echo "tee -q -o $out/stat_lib.json stat -json -liberty $MPS_LIBERTY"
  fi
} > "$out/area.ys"
"$YOSYS" -q -l "$out/area.log" -s "$out/area.ys"
mv "$out/stat.json.tmp" "$out/stat.json"
