/* sim/pe.h - PE datapath models (docs/pe.md has one section per type).
 *
 * Every PE type computes, per MAC, the exact product of the weight integer
 * after its zero point (w_eff = q - z) and the activation integer of the
 * contract's fixed-point view (numerics.md 3.1, 3.5), and adds it to the
 * exact group partial sum p (AccWidth bits); once per group it dequantizes
 * p into the FP32 accumulator (numerics.md 3.2-3.3).  The shift-add types
 * form the product from gated shifts of the activation, one term per set
 * bit of |w_eff| (mps_pe_product shows the decomposition term by term);
 * the array's inner loop uses the equal integer product.
 */
#ifndef MPS_SIM_PE_H
#define MPS_SIM_PE_H

#include <stdint.h>

#include "cfg.h"
#include "mpq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deliberately wrong datapaths, for the tests that prove the checks catch
 * a broken PE (never used by the CLI).  Passed as an argument, never global. */
typedef enum {
	MPS_FAULT_NONE = 0,
	MPS_FAULT_SIGN,      /* the PE ignores the weight's sign (uses |w_eff|) */
	MPS_FAULT_DROP_TERM  /* the shift-add drops its least significant term */
} mps_fault_t;

/* Activity counters (docs/pe.md "Counters").  Only pairs of real elements
 * (m < M, n < N, k < K) count; padding lanes never do. */
typedef struct {
	uint64_t mac_ops;      /* valid operand pairs (m, n, k) processed: M*N*K */
	uint64_t mac_nonzero;  /* pairs with a_int != 0 and w_eff != 0 */
	uint64_t sa_terms;     /* shift-add PEs: sum over pairs with a_int != 0 of
	                        * popcount(|w_eff|) (0 for multiplier PEs) */
	uint64_t acc_updates;  /* FP32 accumulator additions acc + d (one per
	                        * group term; fp16 MAC: one per pair) */
	uint64_t dequant_ops;  /* group terms dequantized fl32(P 2^e s_w s_a):
	                        * M*N*groups, x2 for AMXFP4; 0 for the fp16 MAC */
	uint64_t post_ops;     /* outputs scaled by post scales (0 if none) */
	uint64_t outputs;      /* final outputs y[m][n] delivered: M*N */
} mps_pe_counters_t;

/* Add b into a. */
void mps_pe_counters_add(mps_pe_counters_t *a, const mps_pe_counters_t *b);

/* The weight integer a faulty PE effectively uses in place of w_eff. */
int64_t mps_pe_fault_w(mps_fault_t fault, int64_t w_eff);

/* Product w_eff * a_int as the PE type's datapath forms it.  Shift-add
 * types: sign(w_eff) * sum over set bits i of |w_eff| of (a_int << i), the
 * number of terms (popcount |w_eff|) added to *terms when a_int != 0
 * (terms may be NULL).  Multiplier types: the plain product.  fault
 * applies mps_pe_fault_w's error. */
int64_t mps_pe_product(mps_pe_type_t t, int64_t w_eff, int64_t a_int,
                       mps_fault_t fault, uint64_t *terms);

/* Shift-add decomposition of an e2m1 code as in docs/pe.md:
 * 2|v| = [e >= 1] (1 << e) + m (1 << max(e - 1, 0)); returns the product
 * 2 v a = sign * ([e>=1] (a << e) + m (a << max(e-1,0))). */
int64_t mps_pe_e2m1_shift_add(uint32_t code, int64_t a);

/* Number of shift-add terms of a weight integer: popcount(|w_eff|). */
unsigned mps_pe_terms(int64_t w_eff);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_PE_H */
