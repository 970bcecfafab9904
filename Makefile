# mpsim - top-level Makefile.  Everything is built under $(BUILD)/.
#   make            build build/bin/mpsim
#   make test       every test (unit, golden, cross-checks); ends with "N passed, N failed"
#   make demo       the main job end to end on the default config
#   make bench      performance figures beside their targets
#   make SAN=1 ...  ASan + UBSan build in build-san/
#   make V=1 ...    print commands
.DEFAULT_GOAL := all
SHELL := /bin/bash

ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1
else
BUILD ?= build
SANFLAGS :=
OPT ?= -O2
endif

CC ?= cc
CXX ?= g++
VERILATOR ?= verilator
YOSYS ?= yosys
IVERILOG ?= iverilog
PYTHON ?= build/venv/bin/python

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKGS := libcjson inih zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS := -std=c11 $(OPT) -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wundef -Wcast-qual -ffp-contract=off -D_POSIX_C_SOURCE=200809L \
	-I. -Imodel -Itraces -Isim -I$(BUILD)/gen $(PKG_CFLAGS) $(SANFLAGS) $(EXTRA_CFLAGS)
DEPFLAGS = -MMD -MP
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS := $(PKG_LIBS) -ldl -lm

# ---- sources -------------------------------------------------------------
MODEL_SRC := $(wildcard model/*.c)
TRACES_SRC := $(wildcard traces/*.c traces/workloads/*.c)
SIM_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_SRC := $(MODEL_SRC) $(TRACES_SRC) $(SIM_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/sim/main.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)
DEPS := $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

LIB := $(BUILD)/lib/libmpsim.a
BIN := $(BUILD)/bin/mpsim
UNIT := $(BUILD)/bin/mpsim-unit

# A stamp of the flags: changing them rebuilds everything (redis .make-settings).
SETTINGS := $(BUILD)/.make-settings
SETTINGS_TXT := $(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
$(shell mkdir -p $(BUILD); echo '$(SETTINGS_TXT)' | cmp -s - $(SETTINGS) || echo '$(SETTINGS_TXT)' > $(SETTINGS))

.PHONY: all clean setup help test demo bench deps
all: deps $(BIN)

# Call scripts/setup.sh when a dependency is missing (it is idempotent).
DEPS_OK := $(BUILD)/.deps-ok
deps: $(DEPS_OK)
$(DEPS_OK): scripts/setup.sh
	$(Q)if ! pkg-config --exists $(PKGS) cunit || ! command -v $(VERILATOR) >/dev/null \
	   || ! command -v $(YOSYS) >/dev/null || ! command -v sbatch >/dev/null \
	   || ! test -x build/venv/bin/python; then \
	   bash scripts/setup.sh; fi
	$(Q)mkdir -p $(@D) && touch $@
setup:
	bash scripts/setup.sh

$(BUILD)/obj/%.o: %.c $(SETTINGS) | $(DEPS_OK)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LDLIBS)

# ---- unit tests (CUnit) --------------------------------------------------
# Every tests/unit/test_<m>.c exports "CU_SuiteInfo mps_suite_<m>[]"; the list
# of suites is generated, so adding a test file needs no other edit.
$(BUILD)/gen/unit_suites.h: $(UNIT_SRC)
	@mkdir -p $(@D)
	$(Q)grep -ho 'CU_SuiteInfo mps_suite_[a-z0-9_]\+\[' $(UNIT_SRC) | sed 's/CU_SuiteInfo //; s/\[//' | sort -u \
	  | awk '{print "SUITE(" $$1 ")"}' > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/tests/unit/main.o: $(BUILD)/gen/unit_suites.h
$(UNIT): $(UNIT_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB) $(LDLIBS) -lcunit

# ---- tests ---------------------------------------------------------------
# Each step runs through scripts/run-test.sh, which records its pass/fail
# counts in $(BUILD)/test-results/; test-summary prints the total and fails
# if anything failed.  Sections below append to TEST_STEPS.
RUNTEST := bash scripts/run-test.sh $(BUILD)/test-results
TEST_STEPS :=
# Benchmarks print timings beside their targets and never assert them;
# sections append to BENCH_STEPS.
BENCH_STEPS :=

TEST_STEPS += test-unit
.PHONY: test-unit
test-unit: $(UNIT)
	$(Q)$(RUNTEST) unit $(UNIT)

TEST_STEPS += test-xcheck-cast
.PHONY: test-xcheck-cast
test-xcheck-cast: $(BIN)
	$(Q)$(RUNTEST) xcheck-cast $(PYTHON) tests/xcheck/cast_mldtypes.py --mpsim $(BIN)

TEST_STEPS += test-xcheck-quant
.PHONY: test-xcheck-quant
test-xcheck-quant: $(BIN)
	$(Q)$(RUNTEST) xcheck-quant $(PYTHON) tests/xcheck/quant_oracles.py --mpsim $(BIN)

TEST_STEPS += test-xcheck-scalesim
.PHONY: test-xcheck-scalesim
test-xcheck-scalesim: $(BIN)
	$(Q)$(RUNTEST) xcheck-scalesim $(PYTHON) tests/xcheck/scalesim_cycles.py --mpsim $(BIN)

# ---- benchmarks ----------------------------------------------------------
BENCH_STEPS += bench-sim
.PHONY: bench-sim
bench-sim: $(BIN)
	$(Q)$(PYTHON) scripts/bench_sim.py --mpsim $(BIN)

BENCH_STEPS += bench-quant
.PHONY: bench-quant
$(BUILD)/bin/bench_quant: $(BUILD)/obj/tests/bench/bench_quant.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
bench-quant: $(BUILD)/bin/bench_quant
	$(Q)$(BUILD)/bin/bench_quant

.PHONY: test-start test-summary $(TEST_STEPS)
test-start:
	@rm -rf $(BUILD)/test-results && mkdir -p $(BUILD)/test-results
test: deps
	@$(MAKE) --no-print-directory test-start
	@$(MAKE) --no-print-directory -k $(TEST_STEPS) || \
	  { echo "make test: a test prerequisite failed to build (see above)"; echo "0 1" > $(BUILD)/test-results/build.res; }
	@bash scripts/test-summary.sh $(BUILD)/test-results

bench: deps
	@$(MAKE) --no-print-directory -k $(BENCH_STEPS)

# ---- install, header hygiene, sanitizer rerun ----------------------------
PREFIX ?= /usr/local
.PHONY: install check-headers test-san
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mpsim

# Every public header compiles on its own (STYLE 3).
PUB_HEADERS := $(wildcard model/*.h traces/*.h sim/*.h)
check-headers: | $(DEPS_OK)
	$(Q)for h in $(PUB_HEADERS); do \
	  echo "#include \"$$h\"" | $(CC) $(CFLAGS) -x c -fsyntax-only - || exit 1; done; \
	  echo "check-headers: $(words $(PUB_HEADERS)) headers compile alone"

# The unit suites again under ASan + UBSan (separate build-san/ tree).
TEST_STEPS += test-san
test-san:
	$(Q)$(RUNTEST) unit-asan-ubsan bash -c '$(MAKE) --no-print-directory SAN=1 build-san/bin/mpsim-unit >/dev/null && build-san/bin/mpsim-unit'

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

clean:
	rm -rf build build-san

-include $(DEPS)

# ---- traces: golden regressions, Python interop, reader fuzzing ---------
# traces/regress/ changes only through "make traces-update" (reviewed via
# its dump-diff summary); tests only read it.
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_trace
FUZZ_SRC := tests/fuzz/fuzz_trace.c traces/trace.c $(MODEL_SRC)
FUZZ_TIME ?= 60

# The config parser (inih + sim/cfg.c checks) has its own target.
FUZZ_CFG_BIN := $(FUZZ_DIR)/fuzz_cfg
FUZZ_CFG_SRC := tests/fuzz/fuzz_cfg.c sim/cfg.c sim/energy.c $(MODEL_SRC)

TEST_STEPS += test-golden test-xcheck-trace test-fuzz-smoke test-fuzz-cfg-smoke
.PHONY: test-golden test-xcheck-trace test-fuzz-smoke test-fuzz-cfg-smoke fuzz fuzz-cfg traces-update
test-golden: $(BIN)
	$(Q)$(RUNTEST) golden bash tests/golden/check_traces.sh $(BIN) traces/regress
test-xcheck-trace: $(BIN)
	$(Q)$(RUNTEST) xcheck-trace $(PYTHON) tests/xcheck/trace_python.py --mpsim $(BIN) --tmp $(BUILD)/xcheck-trace
test-fuzz-smoke: $(FUZZ_BIN)
	$(Q)$(RUNTEST) fuzz-smoke bash tests/fuzz/smoke.sh $(FUZZ_BIN) tests/fuzz/corpus/trace
test-fuzz-cfg-smoke: $(FUZZ_CFG_BIN)
	$(Q)$(RUNTEST) fuzz-cfg-smoke bash tests/fuzz/smoke.sh $(FUZZ_CFG_BIN) tests/fuzz/corpus/cfg
$(FUZZ_CFG_BIN): $(FUZZ_CFG_SRC) $(wildcard model/*.h sim/cfg.h sim/energy.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Imodel -Itraces -Isim $(PKG_CFLAGS) $(FUZZ_CFG_SRC) \
	  -o $@ $(PKG_LIBS) -lm
fuzz-cfg: $(FUZZ_CFG_BIN)
	@mkdir -p $(FUZZ_DIR)/cfg-corpus
	$(FUZZ_CFG_BIN) -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 $(FUZZ_DIR)/cfg-corpus tests/fuzz/corpus/cfg

$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard model/*.h traces/*.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Imodel -Itraces $(PKG_CFLAGS) $(FUZZ_SRC) -o $@ $(PKG_LIBS) -lm
# New inputs go to build/fuzz/corpus (the checked-in seeds are read only).
fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -max_len=16384 -timeout=10 $(FUZZ_DIR)/corpus tests/fuzz/corpus/trace

traces-update: $(BIN)
	bash scripts/traces_update.sh $(BIN)

# ---- simulator: trace regressions, demo ---------------------------------
TEST_STEPS += test-golden-sim
.PHONY: test-golden-sim
test-golden-sim: $(BIN)
	$(Q)$(RUNTEST) golden-sim bash tests/golden/run_regress.sh $(BIN) traces/regress

demo: all
	$(Q)PYTHON=$(PYTHON) bash scripts/demo.sh $(BIN)

BENCH_STEPS += bench-sim-modes
.PHONY: bench-sim-modes
$(BUILD)/bin/bench_sim_modes: $(BUILD)/obj/tests/bench/bench_sim_modes.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
bench-sim-modes: $(BUILD)/bin/bench_sim_modes
	$(Q)$(BUILD)/bin/bench_sim_modes configs/mixpe-w4a8-32.ini 16

# ---- RTL FP32 units: bit-exact check, lint, area --------------------------
# tests/rtl/run_fp32.sh: C-model vectors through mp_fp32_add / mp_fl32_scale under
# iverilog and Verilator --binary, plus a broken-rounding negative control.
TEST_STEPS += test-rtl-fp32
.PHONY: test-rtl-fp32
test-rtl-fp32: $(LIB)
	$(Q)$(RUNTEST) rtl-fp32 bash tests/rtl/run_fp32.sh $(BUILD)

# verilator --lint-only -Wall with each module of LINT_TOPS as top (rtl/<top>.sv).
LINT_TOPS += mp_fp32_add mp_fl32_scale
.PHONY: lint
lint:
	$(Q)for t in $(LINT_TOPS); do echo "  LINT    $$t"; \
	  $(VERILATOR) --lint-only -Wall -Irtl rtl/lint/verilator_waiver.vlt $(wildcard rtl/mp_pkg.sv) \
	    --top-module $$t rtl/$$t.sv || exit 1; done

# yosys area of each SYN_TOPS module: scripts/syn/<top>.ys writes build/syn/<top>.{v,stat,log}.
SYN_TOPS += mp_fp32_add mp_fl32_scale
.PHONY: syn
syn:
	@mkdir -p build/syn
	$(Q)for t in $(SYN_TOPS); do echo "  YOSYS   $$t"; \
	  $(YOSYS) -q -l build/syn/$$t.log -s scripts/syn/$$t.ys || exit 1; \
	  grep -E 'Number of cells|transistors' build/syn/$$t.stat | tail -2; done

# ---- sweeps (docs/sweep.md) ---------------------------------------------------
# test-sweep: a local sweep equals direct runs; bad sweep files fail clearly; the
# same sweep as a Slurm job array on a private single-node Slurm gives the same CSV
TEST_STEPS += test-sweep
.PHONY: test-sweep
test-sweep: $(BIN)
	$(Q)$(RUNTEST) sweep env MPSIM=$(BIN) MPSIM_PYTHON=$(PYTHON) bash tests/xcheck/run_sweep.sh

# ---- energy, area and throughput reports (issue 7; docs/energy.md) -----------
# test-report: one small `mpsim report` end to end; the plots are valid PNGs with
# content, totals are sums of their parts, TOPS = 2 MACs / time.
TEST_STEPS += test-report
.PHONY: test-report mixpe-study
test-report: $(BIN)
	$(Q)$(RUNTEST) report $(PYTHON) tests/xcheck/report_png.py --mpsim $(BIN) --tmp $(BUILD)/xcheck-report
# test-area: `mpsim area` (yosys) on configs/rtl-w4a8-4x4.ini and variants: JSON
# fields, counts > 0, cmos sums, area grows with rows, cols and the accumulator
# width, cache hits, no-RTL configs (docs/energy.md 8).  About 2 minutes on a cold
# build/syn cache (three yosys runs), seconds when cached.
TEST_STEPS += test-area
.PHONY: test-area
test-area: $(BIN)
	$(Q)$(RUNTEST) area $(PYTHON) tests/xcheck/area_check.py --mpsim $(BIN) --tmp $(BUILD)/xcheck-area
# The MixPE comparison (docs/reports/mixpe.md).  It runs `mpsim area` on every
# design first (one yosys at a time, minutes each unless cached in build/syn/);
# MIXPE_FLAGS=--reuse rebuilds the page from the reports of an earlier run,
# MIXPE_FLAGS=--area-cached never starts yosys.
mixpe-study: $(BIN)
	$(Q)MPSIM_PYTHON=$(PYTHON) $(PYTHON) scripts/mixpe_study.py --mpsim $(BIN) $(MIXPE_FLAGS)

# ---- RTL arrays, Verilator shim, mpsim verify (issue 6; docs/verification.md) ----
LINT_TOPS += mp_skew mp_pe_w4a8 mp_pe_int8 mp_fp_fixed mp_fixed_int mp_pe_fp4 mp_pe_fp8 mp_pe_gen \
	mp_align mp_pe_prod mp_pe_dq mp_pe_fp16 mp_pe_os mp_pe_ws mp_dequant mp_array_os mp_array_ws mp_top mp_xacc
SYN_TOPS += mp_pe_w4a8 mp_pe_int8 mp_top
# mp_top is synthesized for build/syn/syn.ini (a 2x2 W4A8 os array; SYN_CONFIG=FILE
# for another): read via rtl/rtl.f, chparam from the generated parameters.
SYN_CONFIG ?= build/syn/syn.ini
syn: build/syn/rtl_read.ys build/syn/mp_top_params.ys
build/syn/rtl_read.ys: rtl/rtl.f
	@mkdir -p $(@D)
	$(Q)sed 's#^\(.*\.sv\)$$#read_verilog -sv rtl/\1#' $< > $@
build/syn/syn.ini: configs/mixpe-w4a8.ini
	@mkdir -p $(@D)
	$(Q)sed -e 's/^rows *=.*/rows = 2/' -e 's/^cols *=.*/cols = 2/' $< > $@
build/syn/mp_top_params.ys: $(SYN_CONFIG) $(BIN)
	@mkdir -p $(@D)
	$(Q)$(BIN) config $(SYN_CONFIG) --emit-svh build/syn/mp_top.svh >/dev/null
	$(Q)sed -n 's/^localparam int  *\([A-Za-z0-9_]*\) *= *\(-\{0,1\}[0-9]*\);.*/\1 \2/p' \
	  build/syn/mp_top.svh | awk '{ v = $$2 + 0; if (v < 0) v = sprintf("32'"'"'sh%08x", v + 4294967296); \
	  print "chparam -set " $$1 " " v " mp_top" }' > $@

TEST_STEPS += test-lint test-rtl-iverilog test-rtl-iverilog-fp16 test-rtl-xacc test-rtl-mutants \
	test-xcheck-verify
.PHONY: test-lint test-rtl-iverilog test-rtl-iverilog-fp16 test-rtl-mutants test-xcheck-verify bench-rtl
# every top alone + mp_top with generated parameters of every implemented preset
test-lint: $(BIN)
	$(Q)$(RUNTEST) lint bash scripts/lint_rtl.sh $(BIN)
# PE-level self-checking tests under Icarus Verilog (second simulator)
test-rtl-iverilog: $(LIB)
	$(Q)$(RUNTEST) rtl-iverilog bash tests/rtl/run_iverilog.sh $(BUILD)
# the fp16 MAC PE under Icarus against the C model's float arithmetic (+ a broken copy)
test-rtl-iverilog-fp16: $(LIB)
	$(Q)$(RUNTEST) rtl-iverilog-fp16 bash tests/rtl/run_iverilog_fp16.sh $(BUILD)
# the exact (Kulisch) accumulator mp_xacc under Icarus against model/'s mpq_xacc_*
# (four parameter sets, 10k cycles each, + two broken copies; docs/xacc.md)
.PHONY: test-rtl-xacc
test-rtl-xacc: $(LIB)
	$(Q)$(RUNTEST) rtl-xacc bash tests/rtl/run_xacc.sh $(BUILD)
# 6 random operator mutants of the PE RTL: killed by the iverilog PE tests or
# proven equivalent (yosys miter). The default seed is a checksum of rtl/*.sv, so a
# given RTL tree always draws the same mutants (CI = local); MUTANT_SEED=N draws others
MUTANT_SEED ?= $(shell cat rtl/*.sv | cksum | cut -d' ' -f1)
test-rtl-mutants: test-rtl-iverilog
	$(Q)$(RUNTEST) rtl-mutants bash tests/rtl/run_mutants.sh $(BUILD) 6 $(MUTANT_SEED)
# mpsim verify --lockstep regression + broken variants (about 15 Verilator builds,
# cached in build/vl/; time budget in docs/verification.md)
test-xcheck-verify: $(BIN)
	$(Q)$(RUNTEST) xcheck-verify env MPSIM=$(BIN) bash tests/xcheck/run_verify.sh
# every preset at its full array size (not in `make test`: one Verilator build per
# preset, about a minute at 32x32, 4-5 min at 64x64; PRESETS="configs/a.ini ..." for a subset)
.PHONY: verify-presets
verify-presets: $(BIN)
	$(Q)MPSIM=$(BIN) bash scripts/verify_presets.sh $(PRESETS)

# ---- SystemC co-simulation (docs/systemc.md) ------------------------------------
# The C cycle model (sim/sc/, C++17, never in libmpsim.a) and the Verilator --sc
# mp_top in one SystemC kernel, lockstep on regression traces, 4x4 os + ws (two
# --sc builds cached in build/sc/ by scripts/build_sc.sh) + negative controls.
TEST_STEPS += test-systemc
.PHONY: test-systemc
test-systemc: $(BIN)
	$(Q)$(RUNTEST) systemc env MPSIM=$(BIN) bash tests/xcheck/run_systemc.sh

BENCH_STEPS += bench-rtl
bench-rtl: $(BIN)
	$(Q)bash scripts/bench_rtl.sh $(BIN) 16
