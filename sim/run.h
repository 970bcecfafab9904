/* sim/run.h - simulate one quantized GEMM on one config, in cycle or fast
 * mode (identical cycles, outputs and statistics; docs/timing.md). */
#ifndef MPS_SIM_RUN_H
#define MPS_SIM_RUN_H

#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "mpq.h"
#include "pe.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	MPS_MODE_CYCLE = 0, /* step the array every cycle (sim/array.c) */
	MPS_MODE_FAST       /* tile level: model/ outputs, closed-form cycles */
} mps_mode_t;

/* Progress callback: done out of total units (folds); may be NULL. */
typedef void (*mps_progress_fn)(void *user, uint64_t done, uint64_t total);

typedef struct {
	mps_mode_t mode;
	mps_fault_t fault;         /* MPS_FAULT_NONE except in tests */
	mps_progress_fn progress;  /* may be NULL */
	void *progress_user;
} mps_run_opts_t;

/* Simulate y = a w^T (a: M x K, w: N x K, both quantized along K) with the
 * array, PE and memory of cfg and the numerics options o (accumulate,
 * group, align_bits).  y (M x N, caller-owned) receives the outputs, st the
 * statistics.  Errors: MPS_ERR_INVAL (operands that the contract or this
 * config cannot combine; message says which), MPS_ERR_RANGE (a buffer too
 * small for the tiling, from sim/ctrl.c), MPS_ERR_UNSUPPORTED, MPS_ERR_NOMEM. */
int mps_run_gemm(const mps_cfg_t *cfg, const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                 const mpq_gemm_opts_t *o, const mps_run_opts_t *ro, float *y,
                 mps_stats_t *st, mps_err_t *err);

/* Timing only: cycles, folds, stalls, traffic and the data-independent
 * activity counters (mac_ops, dequant_ops, acc_updates, outputs, post_ops) of
 * an M x K x N GEMM with cfg's schemes, without operands: no values, no
 * numerics.  Identical to mps_run_gemm's in both modes (the plan never looks
 * at values); st->timing_only is set, and the data-dependent counters
 * (mac_nonzero, sa_terms) are 0 and must be reported absent.  Errors: as
 * mps_run_gemm (MPS_ERR_INVAL, MPS_ERR_RANGE, MPS_ERR_UNSUPPORTED,
 * MPS_ERR_NOMEM). */
int mps_run_timing(const mps_cfg_t *cfg, size_t M, size_t K, size_t N, mps_stats_t *st,
                   mps_err_t *err);

/* The config's numerics options (accumulate, group, align_bits) and the
 * quantization parameters of both operands for a GEMM with reduction K
 * (group schemes with group 0 get block K). */
void mps_run_qparams(const mps_cfg_t *cfg, size_t K, mpq_qparams_t *wq,
                     mpq_qparams_t *aq, mpq_gemm_opts_t *o);

/* Quantize seeded synthetic operands (traces/workloads.h generators) of
 * shape M x K and N x K with the config's schemes.  *a and *w are
 * allocated (mpq_qtensor_free).  Errors: those of mpq_quantize. */
int mps_run_make_operands(const mps_cfg_t *cfg, size_t M, size_t K, size_t N,
                          uint64_t seed, mpq_qtensor_t *a, mpq_qtensor_t *w,
                          mps_err_t *err);

/* ---- self-check against the golden reference ------------------------------ */

/* Result of mps_run_check. */
typedef struct {
	uint64_t checked;     /* outputs compared with the reference */
	uint64_t total;       /* M * N */
	uint64_t mismatches;  /* of the checked outputs, bit patterns that differ */
	size_t rows, cols;    /* sampled tokens m and channels n (checked = rows * cols) */
	size_t first_m, first_n; /* first mismatch in row-major order, if any */
	float expected, got;  /* reference and simulated value there */
} mps_check_t;

/* Compare the simulated outputs y (M x N) of y = a w^T under o with the
 * contract answer, model/'s mpq_gemm_ref.  If M N <= budget every output is
 * checked; otherwise a seeded sample: a set of tokens m (always the first
 * and the last, the rest drawn without repetition with the seed) times a set
 * of channels n (likewise), about budget outputs, each recomputed by
 * mpq_gemm_ref on the selected rows of a and w (cost O(budget K)).  Bit
 * patterns must be equal.  a and w are read only.  Errors: those of
 * mpq_gemm_ref, MPS_ERR_NOMEM; budget 0 is MPS_ERR_INVAL. */
int mps_run_check(const mpq_qtensor_t *a, const mpq_qtensor_t *w, const mpq_gemm_opts_t *o,
                  const float *y, uint64_t budget, uint64_t seed, mps_check_t *out,
                  mps_err_t *err);

/* ---- internal: the two engines (run.c drives them) ------------------------ */

/* Fast mode outputs and counters of a prepared GEMM (sim/fast.c): y via
 * model/'s prepared-operand helpers, counters by formula over operand
 * statistics (docs/pe.md).  f's prepared weights are modified in place
 * when fault != MPS_FAULT_NONE. */
int mps_fast_gemm(void *feed, mps_fault_t fault, float *y, mps_pe_counters_t *ct,
                  mps_err_t *err);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_RUN_H */
