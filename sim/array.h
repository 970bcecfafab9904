/* sim/array.h - the cycle model of one R x C PE array (docs/timing.md 2-4):
 * skew registers, PEs (sim/pe.h datapaths), the OS drain chain, the WS
 * partial-result chain, the column output / edge dequant units of latency
 * Dq, and clock enable.  One call of mps_array_step is exactly one clock.
 *
 * Also the feeder, which turns a prepared GEMM into the per-cycle input
 * records of sim/lanes.h fold by fold, in the fold order of sim/ctrl.h.
 */
#ifndef MPS_SIM_ARRAY_H
#define MPS_SIM_ARRAY_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "ctrl.h"
#include "err.h"
#include "lanes.h"
#include "mpq.h"
#include "pe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mps_array mps_array_t;

/* Create the array of a checked config.  fault selects a deliberately
 * wrong PE datapath (MPS_FAULT_NONE for the real one; tests only).
 * Errors: MPS_ERR_INVAL (config not supported by the cycle model, e.g.
 * accumulate = exact with ws), MPS_ERR_NOMEM. */
int mps_array_new(const mps_cfg_t *cfg, mps_fault_t fault, mps_array_t **out,
                  mps_err_t *err);

/* Free everything; NULL-safe. */
void mps_array_free(mps_array_t *a);

/* Reset: every register (PE state, skew, drain and edge pipelines, counters)
 * to 0 / +0.0, cycle counter to 0. */
void mps_array_reset(mps_array_t *a);

/* Exactly one clock.  in: this cycle's record (lanes.h); out: this cycle's
 * outputs (caller-owned lane arrays of C entries; may be NULL).  With
 * in->en == 0 nothing changes and no output is valid. */
void mps_array_step(mps_array_t *a, const mps_lanes_in_t *in, mps_lanes_out_t *out);

/* Observable state of PE (r, c) after the last step (lanes.h). */
void mps_array_pe_state(const mps_array_t *a, unsigned r, unsigned c,
                        mps_pe_state_t *st);

/* Activity counters accumulated since the last reset (pe.h definitions;
 * only pairs of real elements count). */
void mps_array_counters(const mps_array_t *a, mps_pe_counters_t *ct);

/* Enabled cycles stepped since reset. */
uint64_t mps_array_cycles(const mps_array_t *a);

/* ---- feeder ------------------------------------------------------------- */

/* Lane buffers sized for one config (R row lanes, C column lanes). */
typedef struct {
	mps_lanes_in_t in;
	mps_lanes_out_t out;
	void *mem; /* owned storage */
} mps_lanes_buf_t;

int mps_lanes_buf_init(mps_lanes_buf_t *b, unsigned rows, unsigned cols);
void mps_lanes_buf_free(mps_lanes_buf_t *b);

/* A GEMM prepared for feeding: the operands (borrowed: a, w must outlive
 * the feeder) and their datapath view (mpq_prep_pair). */
typedef struct {
	const mps_cfg_t *cfg;        /* borrowed */
	const mpq_qtensor_t *a, *w;  /* borrowed: M x K, N x K */
	mpq_gemm_opts_t opts;        /* accumulate, group, align_bits */
	mpq_prep_t pa, pw;           /* owned */
	size_t M, K, N;
	unsigned G;                  /* dequant group */
	int F;                       /* align: align_bits - 2 */
} mps_feed_t;

/* Prepare.  Errors: those of mpq_prep_pair (MPS_ERR_INVAL naming the
 * operand), MPS_ERR_NOMEM. */
int mps_feed_init(mps_feed_t *f, const mps_cfg_t *cfg, const mpq_qtensor_t *a,
                  const mpq_qtensor_t *w, const mpq_gemm_opts_t *o, mps_err_t *err);
void mps_feed_free(mps_feed_t *f);

/* Fill *in (en = 1) with step s of fold fd (timing.md 2.1 / 3.1).
 * last_kfold (ws): the fold is the last k-fold of its n-fold.  pin (ws):
 * the partial results of the fold's tokens, indexed [m * C + c] (p, pn,
 * acc bits), read for token steps; NULL = (0, 0, +0.0). */
void mps_feed_step(const mps_feed_t *f, const mps_ctrl_fold_t *fd, uint64_t s,
                   bool last_kfold, const int64_t *pin_p, const int64_t *pin_pn,
                   const uint32_t *pin_acc, mps_lanes_in_t *in);

/* A record with en = 1 and nothing valid (tail cycles), or en = 0 (stall). */
void mps_feed_idle(unsigned rows, unsigned cols, uint8_t en, mps_lanes_in_t *in);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_ARRAY_H */
