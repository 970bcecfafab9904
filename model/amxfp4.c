/* model/amxfp4.c - AMXFP4 quantization (arXiv 2411.09909), the authors'
 * MX-QLLM quantize_mx_op asym branch with RNE (docs/numerics.md 2.3):
 *
 *   per block of 32: sp = fl32(max / 6) (signed max), sn = fl32(|min| / 6);
 *   a zero or negative sp/sn becomes 1.0; each is cast to e5m2 (RNE,
 *   saturating, subnormals kept; a result of 0 becomes 2^-16, code 0x01);
 *   element x uses S = (x > 0) ? sp : sn; code = e2m1_rne_sat(fl32(x / S)).
 *
 * scales[] holds (sp, sn) per block, in that order.
 */
#include <math.h>

#include "mpq.h"
#include "quant.h"

/* e5m2 code of a positive FP32 scale candidate (never 0). */
static uint16_t e5m2_scale(float s)
{
	uint32_t c;

	if (!(s > 0.0f))
		s = 1.0f;
	c = mpq_encode(MPQ_E5M2, (double)s, MPQ_RNE, MPQ_SAT, NULL);
	if (c == 0)
		c = 1; /* smallest subnormal 2^-16: no division by zero */
	return (uint16_t)c;
}

void mpqi_quant_amxfp4(const float *x, mpq_qtensor_t *q)
{
	const size_t cols = q->cols, B = q->block;

	for (size_t r = 0; r < q->rows; r++) {
		for (size_t b = 0; b < q->nblk; b++) {
			size_t k0 = b * B, len = cols - k0 < B ? cols - k0 : B;
			const float *xb = x + r * cols + k0;
			uint16_t *cb = q->codes + r * cols + k0;
			uint16_t *sc = q->scales + (r * q->nblk + b) * 2;
			float mx = xb[0], mn = xb[0], sp, sn;

			for (size_t i = 1; i < len; i++) {
				mx = xb[i] > mx ? xb[i] : mx;
				mn = xb[i] < mn ? xb[i] : mn;
			}
			sc[0] = e5m2_scale(mx / 6.0f);
			sc[1] = e5m2_scale(fabsf(mn) / 6.0f);
			sp = (float)mpq_decode(MPQ_E5M2, sc[0]);
			sn = (float)mpq_decode(MPQ_E5M2, sc[1]);
			for (size_t i = 0; i < len; i++) {
				float s = xb[i] > 0.0f ? sp : sn;
				cb[i] = (uint16_t)mpq_encode(MPQ_E2M1, (double)(xb[i] / s),
				                             MPQ_RNE, MPQ_SAT, NULL);
			}
		}
	}
}
