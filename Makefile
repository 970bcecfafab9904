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
	-Wmissing-prototypes -Wundef -Wcast-qual -D_POSIX_C_SOURCE=200809L \
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
	   || ! command -v $(YOSYS) >/dev/null || ! test -x build/venv/bin/python; then \
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
	$(Q)grep -ho 'CU_SuiteInfo mps_suite_[a-z0-9_]*' $(UNIT_SRC) | sed 's/CU_SuiteInfo //' | sort -u \
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

TEST_STEPS += test-unit
.PHONY: test-unit
test-unit: $(UNIT)
	$(Q)$(RUNTEST) unit $(UNIT)

.PHONY: test-start test-summary $(TEST_STEPS)
test-start:
	@rm -rf $(BUILD)/test-results && mkdir -p $(BUILD)/test-results
test: deps
	@$(MAKE) --no-print-directory test-start
	@$(MAKE) --no-print-directory -k $(TEST_STEPS) || true
	@bash scripts/test-summary.sh $(BUILD)/test-results

help:
	@sed -n '2,9p' Makefile | sed 's/^# \{0,1\}//'

clean:
	rm -rf build build-san

-include $(DEPS)
