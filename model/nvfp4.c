/* model/nvfp4.c - NVFP4 quantization in TensorRT-LLM's order of operations
 * (cvt_warp_fp16_to_fp4, docs/numerics.md section 2.2), on FP32 inputs:
 *
 *   g_enc = fl32(2688 / amax_tensor)     g_dec = fl32(amax_tensor / 2688)
 *   per block of 16: sf = e4m3_rne_sat(fl32(g_enc * fl32(vmax * fl32(1/6))))
 *                    s  = sf != 0 ? fl32(g_enc / sf) : 0
 *                    code = e2m1_rne_sat(fl32(x * s))
 *
 * Every fl32() is one FP32 operation in C (FLT_EVAL_METHOD 0 on the
 * supported targets, -ffp-contract=off).  amax_tensor = 0 stores zero codes,
 * scale codes 0x00 and the post scale 1.0.
 */
#include <math.h>

#include "mpq.h"
#include "quant.h"

void mpqi_quant_nvfp4(const float *x, mpq_qtensor_t *q)
{
	const size_t cols = q->cols, B = q->block, n = q->rows * cols;
	const float recip6 = 1.0f / 6.0f;
	float amax = 0.0f, g_enc, g_dec;

	for (size_t i = 0; i < n; i++)
		if (fabsf(x[i]) > amax)
			amax = fabsf(x[i]);
	if (amax == 0.0f) { /* codes and scales are already zero */
		for (size_t r = 0; r < q->rows; r++)
			q->post[r] = 1.0f;
		return;
	}
	g_enc = 2688.0f / amax;
	g_dec = amax / 2688.0f;
	for (size_t r = 0; r < q->rows; r++) {
		q->post[r] = g_dec;
		for (size_t b = 0; b < q->nblk; b++) {
			size_t k0 = b * B, len = cols - k0 < B ? cols - k0 : B;
			const float *xb = x + r * cols + k0;
			uint16_t *cb = q->codes + r * cols + k0;
			float vmax = 0.0f, sfv, sf, s;
			uint32_t sc;

			for (size_t i = 0; i < len; i++)
				if (fabsf(xb[i]) > vmax)
					vmax = fabsf(xb[i]);
			sfv = g_enc * (vmax * recip6);
			sc = mpq_encode(MPQ_E4M3, (double)sfv, MPQ_RNE, MPQ_SAT, NULL);
			sf = (float)mpq_decode(MPQ_E4M3, sc);
			s = sf != 0.0f ? g_enc / sf : 0.0f;
			q->scales[r * q->nblk + b] = (uint16_t)sc;
			for (size_t i = 0; i < len; i++)
				cb[i] = (uint16_t)mpq_encode(MPQ_E2M1, (double)(xb[i] * s),
				                             MPQ_RNE, MPQ_SAT, NULL);
		}
	}
}
