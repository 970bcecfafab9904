/* model/group.c - integer group quantization (GPTQ conventions), the
 * ZeroQuant-FP weight schemes M1/M2, per-row/per-tensor scaled int8 and e4m3,
 * and the plain fp16/bf16 casts (docs/numerics.md sections 2, 2.4, 2.5).
 *
 * Quotients x / s are evaluated in float64 and rounded once by the cast
 * (for FP32 x and s the float64 quotient rounds to an element format exactly
 * like the real quotient: 53 >= 2*24 + 2).
 */
#include <math.h>

#include "mpq.h"
#include "quant.h"

/* Round-to-nearest-even of a double (the default FP environment is RNE). */
static double rne(double v)
{
	return nearbyint(v);
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/* fp16 code of a positive scale; 0 (fp16 underflow) becomes the smallest
 * subnormal 2^-24 so that no division by zero occurs. */
static uint16_t fp16_scale(double s)
{
	uint32_t c = mpq_encode(MPQ_FP16, s, MPQ_RNE, MPQ_SAT, NULL);

	return (uint16_t)(c == 0 ? 1 : c);
}

void mpqi_quant_group(const float *x, mpq_qtensor_t *q)
{
	const size_t cols = q->cols, B = q->block;
	const bool int4 = q->scheme == MPQ_S_INT4, asym = q->zeros != NULL;
	const double qmax = asym ? (int4 ? 15.0 : 255.0) : (int4 ? 7.0 : 127.0);
	const double qmin = asym ? 0.0 : (int4 ? -8.0 : -127.0);
	const uint32_t mask = int4 ? 0xFu : 0xFFu;

	for (size_t r = 0; r < q->rows; r++) {
		for (size_t b = 0; b < q->nblk; b++) {
			size_t k0 = b * B, len = cols - k0 < B ? cols - k0 : B;
			const float *xb = x + r * cols + k0;
			uint16_t *cb = q->codes + r * cols + k0;
			double mn = 0.0, mx = 0.0, s, z = 0.0;
			uint16_t sc;

			for (size_t i = 0; i < len; i++) {
				mn = fmin(mn, (double)xb[i]);
				mx = fmax(mx, (double)xb[i]);
			}
			if (mn == 0.0 && mx == 0.0) {
				sc = 0x3C00; /* 1.0 */
				z = asym ? (qmax + 1.0) / 2.0 : 0.0;
			} else if (asym) {
				sc = fp16_scale((mx - mn) / qmax);
				s = mpq_decode(MPQ_FP16, sc);
				z = clampd(rne(-mn / s), 0.0, qmax);
			} else {
				sc = fp16_scale(fmax(-mn, mx) / qmax);
			}
			s = mpq_decode(MPQ_FP16, sc);
			q->scales[r * q->nblk + b] = sc;
			if (asym)
				q->zeros[r * q->nblk + b] = (uint8_t)z;
			for (size_t i = 0; i < len; i++) {
				double v = clampd(rne((double)xb[i] / s) + z, qmin, qmax);
				cb[i] = (uint16_t)((uint32_t)(int32_t)v & mask);
			}
		}
	}
}

/* Smallest integer k with a <= t * 2^k (a, t > 0 finite doubles), exact. */
static int ceil_log2_ratio(double a, double t)
{
	int k = ilogb(a) - ilogb(t) - 1;

	while (ldexp(t, k) < a)
		k++;
	return k;
}

void mpqi_quant_zqfp(const float *x, mpq_qtensor_t *q)
{
	const size_t cols = q->cols, B = q->block;
	const bool m2 = q->scheme == MPQ_S_ZQFP_M2;

	for (size_t r = 0; r < q->rows; r++) {
		const float *xr = x + r * cols;
		float arow = 0.0f, srow = 1.0f;

		for (size_t k = 0; k < cols; k++)
			arow = fmaxf(arow, fabsf(xr[k]));
		if (m2) {
			srow = arow / 6.0f;
			if (srow == 0.0f) /* zero row (or amax below 6 * 2^-150) */
				srow = 1.0f, arow = 0.0f;
			q->post[r] = srow;
		}
		for (size_t b = 0; b < q->nblk; b++) {
			size_t k0 = b * B, len = cols - k0 < B ? cols - k0 : B;
			uint16_t *cb = q->codes + r * cols + k0;
			float ag = 0.0f;
			int k = 0;

			for (size_t i = 0; i < len; i++)
				ag = fmaxf(ag, fabsf(xr[k0 + i]));
			if (ag > 0.0f && arow > 0.0f) {
				k = ceil_log2_ratio((double)ag, 6.0 * (double)srow);
				if (m2 && k > 0)
					k = 0;
				if (k < -127)
					k = -127;
			}
			q->scales[r * q->nblk + b] = (uint16_t)(k + 127);
			for (size_t i = 0; i < len; i++) {
				double v = m2 ? (double)(xr[k0 + i] / srow) : (double)xr[k0 + i];
				cb[i] = (uint16_t)mpq_encode(MPQ_E2M1, ldexp(v, -k),
				                             MPQ_RNE, MPQ_SAT, NULL);
			}
		}
	}
}

void mpqi_quant_rowscale(const float *x, mpq_qtensor_t *q)
{
	const size_t cols = q->cols, rows = q->rows;
	const bool i8 = q->scheme == MPQ_S_INT8_TOKEN;
	const bool tensor = q->scheme == MPQ_S_E4M3_TENSOR;
	const float div = i8 ? 127.0f : 448.0f;
	float tmax = 0.0f;

	if (tensor)
		for (size_t i = 0; i < rows * cols; i++)
			tmax = fmaxf(tmax, fabsf(x[i]));
	for (size_t r = 0; r < rows; r++) {
		const float *xr = x + r * cols;
		float amax = tmax, s;

		if (!tensor) {
			amax = 0.0f;
			for (size_t k = 0; k < cols; k++)
				amax = fmaxf(amax, fabsf(xr[k]));
		}
		s = amax / div;
		if (s == 0.0f) { /* zero row: codes 0, post 1.0 */
			q->post[r] = 1.0f;
			continue;
		}
		q->post[r] = s;
		for (size_t k = 0; k < cols; k++) {
			double v = (double)xr[k] / (double)s;
			if (i8)
				q->codes[r * cols + k] = (uint16_t)((uint32_t)(int32_t)
					clampd(rne(v), -127.0, 127.0) & 0xFFu);
			else
				q->codes[r * cols + k] = (uint16_t)mpq_encode(
					MPQ_E4M3, v, MPQ_RNE, MPQ_SAT, NULL);
		}
	}
}

void mpqi_quant_plain(const float *x, mpq_qtensor_t *q)
{
	for (size_t i = 0; i < q->rows * q->cols; i++)
		q->codes[i] = (uint16_t)mpq_encode(q->elem, (double)x[i], MPQ_RNE,
		                                   MPQ_SAT, NULL);
}
