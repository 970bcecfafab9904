/* sim/lanes.h - the per-cycle interface of the PE array (docs/timing.md 4):
 * the unskewed input record of one stream step, the output record of one
 * cycle and the observable state of one PE.  The C cycle model
 * (sim/array.c, mps_array_step) and the RTL top (rtl/mp_pkg.sv, via the
 * Verilator shim) consume and produce exactly these fields; mpsim verify
 * compares them cycle by cycle.
 *
 * All arrays are caller-owned.  Row lanes have `rows` entries (R), column
 * lanes `cols` entries (C) of the array's config.  FP32 values travel as
 * their IEEE binary32 bit patterns (uint32_t); scales are decoded from their
 * codes at the array edge by the feeder (mps_feed_*), exactly as
 * numerics.md section 3.2 decodes them.
 *
 * What a step carries (s = stream step within the fold, docs/timing.md):
 *   OS  s = 0 .. K-1     : row r <- a[m0+r][k], column c <- w[n0+c][k], k = s
 *       s = K .. L_os-1  : valid = 0 (the array keeps draining)
 *   WS  s = 0 .. R-1     : load = 1, weight row load_row = s (k = k0+s) into
 *                          every column; flags describe that k
 *       s = R .. R+M-1   : row r <- a[m][k0+r], column c <- partial result
 *                          (pin_*) of (m, n0+c), m = s - R
 *       s = R+M .. L_ws-1: valid = 0
 * Rows beyond M (OS) / K (WS) and columns beyond N carry code 0 and
 * a_valid / w_valid = 0.
 */
#ifndef MPS_SIM_LANES_H
#define MPS_SIM_LANES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Step flags (mps_lanes_in_t.flags).  OS: they describe k = s and travel
 * through the skew with the operands.  WS load steps: they describe row
 * load_row's k and stay with that PE row for the fold; WS token steps use
 * only MPS_LF_LAST_KFOLD. */
#define MPS_LF_G_FIRST 0x01u    /* k is the first k of its dequant group */
#define MPS_LF_G_LAST 0x02u     /* k is the last k of its group (dequant now) */
#define MPS_LF_FOLD_FIRST 0x04u /* OS: k lies in the fold's first group (acc starts at +0.0) */
#define MPS_LF_K_FIRST 0x08u    /* OS: k == 0 */
#define MPS_LF_K_LAST 0x10u     /* OS: k == K-1 (post scales a_post/w_post are latched) */
#define MPS_LF_LAST_KFOLD 0x20u /* WS: this fold is the last k-fold of its n-fold:
                                 * the output unit applies the post scales */

/* Input of one cycle.  When en == 0 (a stall) nothing else is read. */
typedef struct {
	uint8_t en;          /* 1 = clock enable; 0 = stall: no register changes */
	uint8_t valid;       /* step carries data (OS: k < K; WS: a load step of a
	                      * row with k0+row < K, or a token step) */
	uint8_t load;        /* WS: 1 = weight-load step, 0 = token or idle step */
	uint8_t flags;       /* MPS_LF_* */
	uint16_t load_row;   /* WS load step: the PE row being loaded (= s) */
	uint32_t m_post;     /* WS token step: FP32 post scale of token m (1.0f if none) */

	/* row lanes [R] (activations) */
	uint16_t *a_code;    /* element code of the activation, right-aligned */
	uint8_t *a_valid;    /* 1 = real element (m < M for OS, k < K for WS) */
	uint32_t *a_scale;   /* FP32 bits of the activation block scale s_a of
	                      * (m, group of k); 1.0f if the scheme has none */
	int16_t *a_align;    /* accumulate = align: the group's max exponent E
	                      * (numerics.md 3.5); 0 otherwise */
	uint32_t *a_post;    /* OS: FP32 post scale of token m0+r (1.0f if none);
	                      * constant over a fold, latched at MPS_LF_K_LAST */

	/* column lanes [C] (weights; WS: only in load steps) */
	uint16_t *w_code;    /* element code of the weight */
	uint8_t *w_valid;    /* 1 = real element (n < N) */
	uint32_t *w_scale;   /* FP32 bits of the weight block scale s_w of (n, group);
	                      * AMXFP4: the positive scale sp; 1.0f if none */
	uint32_t *w_scale_n; /* AMXFP4: the negative scale sn; else unused (0) */
	uint8_t *w_zero;     /* zero point z of (n, group) (asym int groups), else 0 */
	uint32_t *w_post;    /* FP32 post scale of output channel n0+c (1.0f if none);
	                      * constant over a fold */

	/* column lanes [C], WS token steps: the partial result of (m, n0+c) read
	 * back from the output buffer ((0, 0, +0.0) on the first k-fold) */
	int64_t *pin_p;      /* exact group partial sum (AMXFP4: of the sign-0 weights) */
	int64_t *pin_pn;     /* AMXFP4: partial sum of the sign-1 weights; else 0 */
	uint32_t *pin_acc;   /* FP32 bits of the accumulator */
} mps_lanes_in_t;

/* Output of one cycle: at most one result per column (south edge, after
 * the column's output unit of latency Dq). */
typedef struct {
	uint8_t *valid;      /* [C] 1 = out_* of this column holds a result this cycle */
	uint16_t *row;       /* [C] OS: PE row r (output m0+r); WS: token m */
	uint8_t *final;      /* [C] 1 = y[m][n] (post scales applied); 0 = WS partial
	                      * result of a k-fold that is not the last */
	uint32_t *acc;       /* [C] FP32 bits: y if final, else the accumulator */
	int64_t *p;          /* [C] WS partial result: group partial sum (0 if final) */
	int64_t *pn;         /* [C] AMXFP4 negative partial sum (0 if final or not AMXFP4) */
} mps_lanes_out_t;

/* Observable state of PE (r, c) after a cycle (lockstep comparison).
 * OS: the PE's registers.  WS: the partial result the PE passes south. */
typedef struct {
	int64_t p;           /* exact group partial sum (AccWidth bits, sign-extended) */
	int64_t pn;          /* AMXFP4 sign-1 partial sum; 0 for other PE types */
	uint32_t acc;        /* FP32 bits of the accumulator */
} mps_pe_state_t;

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_LANES_H */
