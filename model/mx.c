/* model/mx.c - OCP MX block quantization (mxfp4, mxfp6_*, mxfp8_*, mxint8).
 *
 * OCP Microscaling Formats (MX) v1.0, section 6.3 Algorithm 1, with the
 * golden-quantizer rules of docs/numerics.md section 2.1:
 *   e = E(amax) - emax_elem          E() read from the FP32 bits, never log2f
 *   ceil rule (NVIDIA RCEIL): e += 1 when amax > max_elem * 2^e
 *   e < -127 -> -127; e > 127 or non-finite amax -> NaN scale 0xFF
 *   element = cast(x * 2^-e), RNE, saturating, subnormals kept
 *   mxint8: clamp(RNE(x * 2^-e * 64), -127, 127)
 * A block with a NaN scale stores element codes 0 (they decode to NaN).
 *
 * mxfp4 has a hot path (quant_mxfp4_fast): amax by integer max over the bit
 * patterns, the power-of-two scaling as one exact FP32 multiply, and the
 * e2m1 RNE encode as a sum of threshold comparisons; the unit tests check it
 * bit for bit against the generic path (mpq_encode).
 */
#include <math.h>
#include <string.h>

#include "mpq.h"
#include "quant.h"

static uint32_t f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return u;
}

int mpqi_f32_exp(float a)
{
	return (int)((f32_bits(a) >> 23) & 0xFF) - 127;
}

static int emax_elem(mpq_fmt_t f)
{
	switch (f) {
	case MPQ_E2M1:
	case MPQ_E2M3:
		return 2;
	case MPQ_E3M2:
		return 4;
	case MPQ_E4M3:
		return 8;
	case MPQ_E5M2:
		return 15;
	default:
		return 0; /* int8 read as k/64 */
	}
}

/* Shared exponent of a block whose amax has FP32 bits abits (sign cleared).
 * Returns 128 for the NaN scale. */
static int shared_exp(uint32_t abits, int emax, double maxv, mpq_rule_t rule)
{
	int e;

	if (abits >= 0x7F800000u)
		return 128;
	e = (int)(abits >> 23) - 127 - emax;
	if (rule == MPQ_RULE_CEIL) {
		float a;
		memcpy(&a, &abits, sizeof a);
		if ((double)a > ldexp(maxv, e))
			e += 1;
	}
	if (e < -127)
		e = -127;
	return e > 127 ? 128 : e;
}

/* Generic block: any MX element format. */
static void block_generic(const float *x, size_t n, const mpq_qtensor_t *q,
                          uint16_t *codes, uint16_t *scale)
{
	const mpq_fmt_t f = q->elem;
	uint32_t amax = 0;
	int e;

	for (size_t i = 0; i < n; i++) {
		uint32_t b = f32_bits(x[i]) & 0x7FFFFFFFu;
		if (b > amax)
			amax = b;
	}
	e = shared_exp(amax, emax_elem(f), f == MPQ_INT8 ? 127.0 / 64.0 :
	               mpq_format(f)->max, q->params.rule);
	if (e == 128) {
		*scale = 0xFF;
		memset(codes, 0, n * sizeof *codes);
		return;
	}
	*scale = (uint16_t)(e + 127);
	for (size_t i = 0; i < n; i++) {
		if (f == MPQ_INT8) {
			uint32_t c = mpq_encode(MPQ_INT8, ldexp((double)x[i], 6 - e),
			                        MPQ_RNE, MPQ_SAT, NULL);
			codes[i] = (uint16_t)(c == 0x80 ? 0x81 : c);
		} else {
			codes[i] = (uint16_t)mpq_encode(f, ldexp((double)x[i], -e),
			                                MPQ_RNE, MPQ_SAT, NULL);
		}
	}
}

/* e2m1 RNE saturating encode of an FP32 value v whose magnitude needs no
 * scaling: the index of the nearest of {0, .5, 1, 1.5, 2, 3, 4, 6} is the
 * number of decision boundaries passed; a boundary that is a tie rounds to
 * the even code (0.25 -> 0, 0.75 -> 1, 1.25 -> 1, 1.75 -> 2, 2.5 -> 2,
 * 3.5 -> 4, 5 -> 4), hence the alternating > and >=. */
static inline uint16_t e2m1_rne(float v)
{
	float a = fabsf(v);
	unsigned idx = (unsigned)(a > 0.25f) + (unsigned)(a >= 0.75f) +
	               (unsigned)(a > 1.25f) + (unsigned)(a >= 1.75f) +
	               (unsigned)(a > 2.5f) + (unsigned)(a >= 3.5f) +
	               (unsigned)(a > 5.0f);

	return (uint16_t)(idx | ((f32_bits(v) >> 28) & 8u));
}

/* mxfp4 hot path for one block of n <= 32 elements.  Full blocks use
 * constant trip counts so that -O2 vectorizes both loops. */
static void block_mxfp4_fast(const float *x, size_t n, mpq_rule_t rule,
                             uint16_t *codes, uint16_t *scale)
{
	uint32_t amax = 0;
	float inv;
	int e;

	if (n == 32) {
		uint32_t bits[32];
		memcpy(bits, x, sizeof bits);
		for (int i = 0; i < 32; i++) {
			uint32_t b = bits[i] & 0x7FFFFFFFu;
			amax = b > amax ? b : amax;
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			uint32_t b = f32_bits(x[i]) & 0x7FFFFFFFu;
			amax = b > amax ? b : amax;
		}
	}
	e = shared_exp(amax, 2, 6.0, rule);
	if (e == 128) {
		*scale = 0xFF;
		memset(codes, 0, n * sizeof *codes);
		return;
	}
	*scale = (uint16_t)(e + 127);
	/* 2^-e with e in [-127, 126] is an FP32 value (2^127 at most; 2^-126 at
	 * least).  x * 2^-e is exact unless it falls below 2^-126, where it is
	 * far below the first e2m1 boundary 0.25 and still encodes as +-0. */
	{ /* inv = 2^-e, a normal FP32 (127 - e in [1, 254]) */
		uint32_t ib = (uint32_t)(127 - e) << 23;
		memcpy(&inv, &ib, sizeof inv);
	}
	if (n == 32)
		for (int i = 0; i < 32; i++)
			codes[i] = e2m1_rne(x[i] * inv);
	else
		for (size_t i = 0; i < n; i++)
			codes[i] = e2m1_rne(x[i] * inv);
}

void mpqi_quant_mx(const float *x, mpq_qtensor_t *q, bool fast)
{
	const size_t cols = q->cols, B = q->block;

	fast = fast && q->scheme == MPQ_S_MXFP4;
	for (size_t r = 0; r < q->rows; r++) {
		for (size_t b = 0; b < q->nblk; b++) {
			size_t k0 = b * B, n = cols - k0 < B ? cols - k0 : B;
			const float *xb = x + r * cols + k0;
			uint16_t *cb = q->codes + r * cols + k0;
			uint16_t *sb = q->scales + r * q->nblk + b;

			if (fast)
				block_mxfp4_fast(xb, n, q->params.rule, cb, sb);
			else
				block_generic(xb, n, q, cb, sb);
		}
	}
}
