#!/bin/bash
# scripts/build_dut.sh SVH OUTDIR RTLDIR [trace|notrace] - build the Verilated
# mp_top of one config into OUTDIR/libdut.so (called by sim/dut_build.c, which
# caches OUTDIR by a hash of SVH + every RTLDIR file + the options below;
# docs/verification.md).
#   SVH     the config's generated parameters (mpsim config CONFIG --emit-svh)
#   RTLDIR  the RTL tree (rtl/ or a mutated copy of it)
#   trace   compile FST tracing in (--trace-fst; default notrace: tracing is
#           about 40% of the model's C++ and only waveforms need it)
# Flags: verilator --cc -Wall --assert -fno-table, with rtl/shim/dut.vlt (the
# PEs stay modules: one copy of their code, not one per PE; -fno-table, because
# a case statement turned into a lookup table gets an index variable numbered
# per PE, which makes each PE's code differ); model at OPT_FAST=-O3 (or $MPSIM_VL_OPT,
# e.g. -O0 for the quickest regression builds); -fPIC.
set -euo pipefail
svh=$1; out=$2; rtl=$3; tr=${4:-notrace}
VERILATOR=${VERILATOR:-verilator}
CXX=${CXX:-g++}
mkdir -p "$out/obj"
gparams=$(sed -n 's/^localparam int  *\([A-Za-z0-9_]*\) *= *\(-\{0,1\}[0-9][0-9]*\);.*/-G\1=\2/p' "$svh")
get() { sed -n "s/^localparam int  *$1 *= *\(-\{0,1\}[0-9][0-9]*\);.*/\1/p" "$svh"; }
R=$(get Rows); C=$(get Cols); ACCW=$(get AccWidth); DF=$(get Dataflow)
WF=$(get WeightFmt); AF=$(get ActFmt)
width() { case $1 in 0|6|7) echo 4;; 1|2) echo 6;; 10|11|12) echo 16;; *) echo 8;; esac; }
AW=$(width "$AF"); WW=$(width "$WF")
# shellcheck disable=SC2086
vtrace=(); ctrace=(-DVM_TRACE=0 -DVM_TRACE_FST=0)
if [ "$tr" = trace ]; then vtrace=(--trace-fst); ctrace=(-DVM_TRACE=1 -DVM_TRACE_FST=1); fi
"$VERILATOR" --cc -Wall --assert "${vtrace[@]}" -O3 -fno-table --x-assign unique --x-initial unique \
  "$rtl/lint/verilator_waiver.vlt" "$rtl/shim/dut.vlt" -F "$rtl/rtl.f" --top-module mp_top --prefix Vmp_top \
  --Mdir "$out/obj" $gparams -CFLAGS -fPIC
jobs=$(nproc 2>/dev/null || echo 2)
OPT=${MPSIM_VL_OPT:--O3}   # C++ level of the model (sim/dut_build.c hashes it)
SLOW=-O1; [ "$OPT" = -O0 ] && SLOW=-O0   # the run-once initialisation code
make -s -j"$jobs" -C "$out/obj" -f Vmp_top.mk OPT_FAST="$OPT" OPT_SLOW="$SLOW" OPT_GLOBAL="$OPT" \
  Vmp_top__ALL.a >/dev/null
VINC=$("$VERILATOR" --getenv VERILATOR_ROOT)/include
# The Verilator runtime does not depend on the model: build it once per
# Verilator version, next to the model directories (flock: parallel builds).
rt="$(dirname "$out")/rt-$("$VERILATOR" --version | tr -c 'A-Za-z0-9.\n' '_' | head -1)"
mkdir -p "$rt"
(
  flock 9
  for u in verilated verilated_threads verilated_fst_c; do
    if [ ! -f "$rt/$u.o" ]; then
      "$CXX" -O2 -std=gnu++17 -faligned-new -fPIC -w \
        -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=0 -DVM_SC=0 \
        -I"$VINC" -I"$VINC/vltstd" -c "$VINC/$u.cpp" -o "$rt/$u.o.tmp"
      mv "$rt/$u.o.tmp" "$rt/$u.o"
    fi
  done
) 9>"$rt/lock"
"$CXX" -O1 -std=gnu++17 -faligned-new -fPIC -Wall -Wno-unused-parameter \
  "${ctrace[@]}" \
  -DMPS_DUT_ROWS="$R" -DMPS_DUT_COLS="$C" -DMPS_DUT_ACCW="$ACCW" -DMPS_DUT_DF="$DF" \
  -DMPS_DUT_AW="$AW" -DMPS_DUT_WW="$WW" \
  -I"$out/obj" -I"$VINC" -I"$VINC/vltstd" -I"$rtl/shim" -Imodel -Isim \
  -c "$rtl/shim/dut_vl.cpp" -o "$out/obj/dut_vl.o"
"$CXX" -shared -o "$out/libdut.so.tmp" "$out/obj/dut_vl.o" "$out/obj/Vmp_top__ALL.a" \
  "$rt/verilated.o" "$rt/verilated_threads.o" "$rt/verilated_fst_c.o" \
  -lz -pthread -latomic
mv "$out/libdut.so.tmp" "$out/libdut.so"
