/* sim/verify.h - run a trace through the Verilated RTL and compare it with
 * the trace's y.expected, the C simulator's cycle count and (lockstep) the
 * C cycle model's state every cycle.  docs/verification.md. */
#ifndef MPS_SIM_VERIFY_H
#define MPS_SIM_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *trace;     /* trace file */
	const char *rtl_dir;   /* RTL tree (NULL: rtl) */
	const char *wave;      /* waveform window file on a mismatch (NULL: build/verify/<trace>.fst) */
	bool lockstep;         /* run the C cycle model beside the RTL */
	unsigned wave_before;  /* cycles before the first divergence in the window (32) */
	unsigned wave_after;   /* cycles after it (8) */
} mps_verify_opts_t;

typedef struct {
	bool agree;                 /* everything agreed */
	/* build */
	char so[1100];              /* the model library */
	bool cached;                /* reused a cached build */
	double build_s, run_s;      /* wall seconds */
	/* run */
	uint64_t rtl_cycles;        /* cycles of the RTL run (last output + end stalls) */
	uint64_t sim_cycles;        /* the C simulator's (mpsim run) cycles */
	uint64_t outputs, out_mismatch, out_missing;
	uint64_t lockstep_cycles;   /* cycles compared in lockstep */
	/* first divergence (valid when !agree and have_first) */
	bool have_first;
	uint64_t cycle;             /* cycle (0-based, stalls included) */
	uint64_t tau;               /* compute-timeline cycle (stalls excluded) */
	int row, col;               /* PE row and column (-1: not a PE signal) */
	long long m, n;             /* output element (-1 if not an output) */
	char signal[48];            /* e.g. "pe.acc", "out.valid", "y" */
	char expected[80], got[80];
	char wave[1100];            /* waveform window written ("" if none) */
	uint64_t wave_from, wave_to;
	char wave_err[256];         /* why no waveform was written ("" if none) */
} mps_verify_result_t;

/* What the RTL does not implement for this config: NULL if supported, else a
 * short reason ("PE type fp4fp8", "dequant placement edge", ...). */
const char *mps_verify_unsupported(const mps_cfg_t *cfg);

/* Run the check.  Returns MPS_OK when the check ran (res->agree says the
 * verdict); errors: MPS_ERR_UNSUPPORTED (RTL lacks the config), MPS_ERR_INVAL
 * (trace and config do not fit), MPS_ERR_IO, MPS_ERR_DUT, MPS_ERR_NOMEM. */
int mps_verify_run(const mps_cfg_t *cfg, const mps_verify_opts_t *o,
                   mps_verify_result_t *res, mps_err_t *err);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_VERIFY_H */
