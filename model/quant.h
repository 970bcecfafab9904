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

#ifdef __cplusplus
}
#endif

#endif /* MPS_MODEL_QUANT_H */
