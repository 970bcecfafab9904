/* rtl/shim/dut.h - C API over the Verilated mp_top (the shim is the project's
 * one C++ file, rtl/shim/dut_vl.cpp, built per config into libdut.so and
 * loaded by mpsim with dlopen: sim/dut_build.c).
 *
 * One handle = one model with its own VerilatedContext.  Every entry point
 * catches C++ exceptions and returns MPS_ERR_DUT; nothing prints or exits.
 *
 * Cycle convention (docs/verification.md): mps_dut_step applies the lane
 * record of cycle t, evaluates, samples the output record of cycle t (the
 * registered outputs before the clock edge that ends cycle t), then applies
 * that rising edge.  mps_dut_state afterwards returns the PE state after
 * cycle t, exactly what the C cycle model reports after mps_array_step.
 */
#ifndef MPS_RTL_DUT_H
#define MPS_RTL_DUT_H

#include <stdint.h>

#include "err.h"
#include "lanes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mps_dut mps_dut_t;

/* What the caller expects the model to be; mps_dut_new checks it against the
 * parameters the library was built with (MPS_ERR_INVAL on a difference). */
typedef struct {
	unsigned rows, cols;
	unsigned acc_width; /* AccWidth */
	unsigned dataflow;  /* 0 os, 1 ws */
} mps_dut_cfg_t;

/* The parameters the library was built with. */
void mps_dut_built_cfg(mps_dut_cfg_t *cfg);

mps_dut_t *mps_dut_new(const mps_dut_cfg_t *cfg, mps_err_t *err);
void mps_dut_free(mps_dut_t *d);
/* Asynchronous reset: rst_ni 1 -> 0 (explicit edge: Verilator's reset
 * pitfall), `cycles` clocks with reset low, release; inputs idle (en = 0).
 * Resets the cycle counter to 0. */
int mps_dut_reset(mps_dut_t *d, unsigned cycles, mps_err_t *err);
/* Exactly one clock (see the convention above).  out may be NULL. */
int mps_dut_step(mps_dut_t *d, const mps_lanes_in_t *in, mps_lanes_out_t *out,
                 mps_err_t *err);
/* n steps; outs may be NULL (outputs dropped) or an array of n records. */
int mps_dut_run(mps_dut_t *d, unsigned long n, const mps_lanes_in_t *ins,
                mps_lanes_out_t *outs, mps_err_t *err);
/* Observable state of every PE after the last step: st[r * cols + c]. */
int mps_dut_state(mps_dut_t *d, mps_pe_state_t *st, mps_err_t *err);
/* Start an FST waveform from the current cycle on; mps_dut_trace_close ends
 * it (also done by mps_dut_free). */
int mps_dut_trace_open(mps_dut_t *d, const char *path, mps_err_t *err);
int mps_dut_trace_close(mps_dut_t *d, mps_err_t *err);

/* Function table filled by dlsym (sim/dut_build.c). */
typedef struct {
	void *so; /* dlopen handle */
	void (*built_cfg)(mps_dut_cfg_t *);
	mps_dut_t *(*new_)(const mps_dut_cfg_t *, mps_err_t *);
	void (*free_)(mps_dut_t *);
	int (*reset)(mps_dut_t *, unsigned, mps_err_t *);
	int (*step)(mps_dut_t *, const mps_lanes_in_t *, mps_lanes_out_t *, mps_err_t *);
	int (*run)(mps_dut_t *, unsigned long, const mps_lanes_in_t *, mps_lanes_out_t *,
	           mps_err_t *);
	int (*state)(mps_dut_t *, mps_pe_state_t *, mps_err_t *);
	int (*trace_open)(mps_dut_t *, const char *, mps_err_t *);
	int (*trace_close)(mps_dut_t *, mps_err_t *);
} mps_dut_api_t;

#ifdef __cplusplus
}
#endif

#endif /* MPS_RTL_DUT_H */
