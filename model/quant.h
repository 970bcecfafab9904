/* model/quant.h - internal interface between the block-scheme quantizers
 * (mx.c, nvfp4.c, amxfp4.c, group.c), the dispatcher (scheme.c) and the
 * reference GEMM (gemm.c).  Not part of the public API (see mpq.h).
 *
 * Every quantizer receives a tensor whose arrays scheme.c has already
 * allocated and zeroed (codes, scales, zeros, post as the scheme needs) and
 * fills them from the FP32 input x (q->rows x q->cols, row-major).  The
 * recipes are docs/numerics.md section 2.
 */
#ifndef MPS_MODEL_QUANT_H
#define MPS_MODEL_QUANT_H

#include <stdbool.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include "mpq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MX schemes (numerics.md 2.1).  fast selects the table-free mxfp4 hot path
 * (bit-identical to the generic path; tests compare them). */
void mpqi_quant_mx(const float *x, mpq_qtensor_t *q, bool fast);

/* Exponent E(amax) read from the FP32 bits (-127 for zero and subnormals). */
int mpqi_f32_exp(float a);

void mpqi_quant_nvfp4(const float *x, mpq_qtensor_t *q);
void mpqi_quant_amxfp4(const float *x, mpq_qtensor_t *q);

/* int4/int8 groups, zqfp_m1/m2, int8_token, e4m3_token/tensor, fp16/bf16. */
void mpqi_quant_group(const float *x, mpq_qtensor_t *q);
void mpqi_quant_zqfp(const float *x, mpq_qtensor_t *q);
void mpqi_quant_rowscale(const float *x, mpq_qtensor_t *q);
void mpqi_quant_plain(const float *x, mpq_qtensor_t *q);

/* Decoded block scale i (0, or 1 for the amxfp4 negative scale) of block b
 * of row r, as an FP32 value (1.0f if the tensor has no block scales; NaN
 * for the MX NaN scale 0xFF). */
float mpqi_block_scale(const mpq_qtensor_t *q, size_t r, size_t b, unsigned i);

/* Fast path of mpq_fl32_scale; why it is exact:  S = (double)s1 * (double)s2 is exact (two
 * 24-bit significands give <= 48 bits; exponents -298 .. 256 are normal in
 * binary64).  If bitlen|p| + (significant bits of S) <= 53, the integer
 * |p| * sig(S) is < 2^53, so p * S is exact in binary64; for |e| <= 600 the
 * value stays inside the binary64 normal range (|p * S| in
 * [2^-298, 2^319], times 2^e in [2^-898, 2^919]), so multiplying by the
 * exact power of two 2^e is exact too.  The single conversion to float is
 * then the only rounding: RNE, with FP32 subnormals and overflow to Inf,
 * exactly what round_pack_f32 does.  Signed zeros: (double)p * S * 2^e is
 * -0 iff sign(p) ^ sign(s1) ^ sign(s2) with p = 0 counted as +0, as in
 * prod_neg.  Non-finite scales or a bigger |e| take the integer path.
 * Returns false when the fast path does not apply. */
static inline bool mpqi_fl32_scale_fast(int64_t p, int e, float s1, float s2, float *out)
{
	double S, d, pe;
	uint64_t sb, ap, pb;
	int nb, sbits;

	if (!isfinite(s1) || !isfinite(s2) || e < -600 || e > 600)
		return false;
	S = (double)s1 * (double)s2;
	memcpy(&sb, &S, sizeof sb);
	/* significant bits of S: 53 minus the trailing zeros of its significand */
	sbits = 53 - __builtin_ctzll((sb & 0xFFFFFFFFFFFFFull) | (1ull << 52));
	ap = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
	nb = ap ? 64 - __builtin_clzll(ap) : 0;
	if (nb + sbits > 53)
		return false;
	pb = (uint64_t)(e + 1023) << 52; /* 2^e, e in -600 .. 600: a normal */
	memcpy(&pe, &pb, sizeof pe);
	d = (double)p * S;
	d = d * pe;
	*out = (float)d;
	return true;
}

/* mpq_fl32_scale's general integer path alone (no binary64 fast path), for
 * the tests that compare the two (tests/unit/test_perf_paths.c). */
float mpqi_fl32_scale_int(int64_t p, int e, float s1, float s2);

/* y[m * N + n] for every output of a prepared pair with accumulate = fp32
 * (or align): exactly mpq_gemm_ref's loop (n outer, m inner, groups in
 * increasing k, mpq_term_fl32 per term, then mpq_apply_post), with a fused
 * width-16 path that skips the per-term structs (same values, same order). */
void mpqi_gemm_fp32(const mpq_prep_t *pa, const mpq_prep_t *pw, float *y);

#ifdef __cplusplus
}
#endif

#endif /* MPS_MODEL_QUANT_H */
