/* tests/unit/test_mx.c - OCP MX block quantization (docs/numerics.md 2.1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mpq.h"
#include "quant.h"

static double rnd_normal(uint64_t *s)
{
	double acc = 0.0;

	for (int j = 0; j < 6; j++) {
		*s = *s * 6364136223846793005ull + 1442695040888963407ull;
		acc += (double)(*s >> 11) * 0x1p-53;
	}
	return acc - 3.0;
}

static void quant(mpq_scheme_t s, mpq_rule_t rule, const float *x, size_t n,
                  mpq_qtensor_t *q)
{
	mpq_qparams_t p = { s, 0, rule, false };
	mps_err_t err;

	CU_ASSERT_FATAL(mpq_quantize(x, 1, n, &p, q, NULL, &err) == MPS_OK);
}

static void test_zero_block(void)
{
	static const mpq_scheme_t all[] = { MPQ_S_MXFP4, MPQ_S_MXFP6_E2M3,
		MPQ_S_MXFP6_E3M2, MPQ_S_MXFP8_E4M3, MPQ_S_MXFP8_E5M2, MPQ_S_MXINT8 };
	float x[64] = { 0 }, y[64];
	mpq_qtensor_t q;

	x[40] = 1.0f;
	for (size_t s = 0; s < sizeof all / sizeof all[0]; s++) {
		quant(all[s], MPQ_RULE_FLOOR, x, 64, &q);
		CU_ASSERT_EQUAL(q.scales[0], 0x00); /* 2^-127 */
		for (int i = 0; i < 32; i++)
			CU_ASSERT_EQUAL(q.codes[i], 0);
		mpq_dequantize(&q, y);
		for (int i = 0; i < 32; i++)
			CU_ASSERT(y[i] == 0.0f);
		CU_ASSERT_EQUAL(y[40], 1.0f);
		mpq_qtensor_free(&q);
	}
}

static void test_clamp(void)
{
	float x[32] = { 0 }, y[32];
	mpq_qtensor_t q;

	/* below: amax 2^-126 -> e = -128 -> clamped to -127 (code 0x00); the
	 * element 2^-126 / 2^-127 = 2 is still exact */
	x[0] = 0x1p-126f;
	x[1] = 0x1p-149f; /* FP32 subnormal */
	quant(MPQ_S_MXFP4, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 0x00);
	CU_ASSERT_EQUAL(q.codes[0], 0x4); /* 2.0 */
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[0], 0x1p-126f);
	mpq_qtensor_free(&q);
	/* only FP32-subnormal values: E = -127 */
	x[0] = 0x1p-130f;
	quant(MPQ_S_MXFP8_E4M3, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 0x00);
	CU_ASSERT_EQUAL(q.codes[0], 0x20); /* 2^-130 / 2^-127 = 1/8: e4m3 0.0100.000 */
	mpq_qtensor_free(&q);
	/* above: mxint8 (emax 0) amax 2^127 -> e = 127, code 0xFE */
	memset(x, 0, sizeof x);
	x[3] = 0x1p127f;
	quant(MPQ_S_MXINT8, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 0xFE);
	CU_ASSERT_EQUAL(q.codes[3], 64); /* 1.0 = 64/64 */
	mpq_qtensor_free(&q);
	/* ceil pushes e to 128: NaN scale, every element NaN */
	x[3] = 0x1.fffffep127f;
	quant(MPQ_S_MXINT8, MPQ_RULE_CEIL, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 0xFF);
	mpq_dequantize(&q, y);
	for (int i = 0; i < 32; i++)
		CU_ASSERT(isnan(y[i]));
	mpq_qtensor_free(&q);
	/* non-finite amax: NaN scale */
	x[3] = INFINITY;
	quant(MPQ_S_MXFP4, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 0xFF);
	mpq_qtensor_free(&q);
}

static void test_below_pow2(void)
{
	/* amax just below a power of two: E from the bits (log2f rounds these
	 * up to the next integer) */
	static const struct { float a; int E; } v[] = {
		{ 7.9999995f, 2 }, { 1023.99994f, 9 }, { 0.24999999f, -3 },
		{ 3.9999998f, 1 },
	};
	float x[32] = { 0 };
	mpq_qtensor_t q;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		x[0] = v[i].a;
		CU_ASSERT_EQUAL(mpqi_f32_exp(v[i].a), v[i].E);
		quant(MPQ_S_MXFP4, MPQ_RULE_FLOOR, x, 32, &q);
		CU_ASSERT_EQUAL(q.scales[0], v[i].E - 2 + 127);
		CU_ASSERT_EQUAL(q.codes[0], 0x7); /* clipped to 6 */
		mpq_qtensor_free(&q);
		quant(MPQ_S_MXFP8_E4M3, MPQ_RULE_FLOOR, x, 32, &q);
		CU_ASSERT_EQUAL(q.scales[0], v[i].E - 8 + 127);
		mpq_qtensor_free(&q);
	}
}

/* floor and ceil differ exactly on the blocks whose max clips under floor:
 * amax > 6 * 2^(E - 2), i.e. significand > 1.5 */
static void test_floor_vs_ceil(void)
{
	uint64_t s = 7;
	int differ = 0, same = 0;

	for (int t = 0; t < 400; t++) {
		float x[32], yf[32], yc[32];
		mpq_qtensor_t qf, qc;
		float amax = 0.0f;
		bool clips;

		for (int i = 0; i < 32; i++) {
			x[i] = (float)(rnd_normal(&s) * ldexp(1.0, (int)(s % 9) - 4));
			amax = fmaxf(amax, fabsf(x[i]));
		}
		clips = (double)amax > 6.0 * ldexp(1.0, mpqi_f32_exp(amax) - 2);
		quant(MPQ_S_MXFP4, MPQ_RULE_FLOOR, x, 32, &qf);
		quant(MPQ_S_MXFP4, MPQ_RULE_CEIL, x, 32, &qc);
		mpq_dequantize(&qf, yf);
		mpq_dequantize(&qc, yc);
		if (clips) {
			CU_ASSERT_EQUAL(qc.scales[0], qf.scales[0] + 1);
			differ++;
		} else {
			CU_ASSERT_EQUAL(qc.scales[0], qf.scales[0]);
			CU_ASSERT(memcmp(qf.codes, qc.codes, sizeof x / 2) == 0);
			same++;
		}
		mpq_qtensor_free(&qf);
		mpq_qtensor_free(&qc);
	}
	CU_ASSERT(differ > 50 && same > 50);
}

static void test_subnormal_elements(void)
{
	float x[32] = { 0 }, y[32];
	mpq_qtensor_t q;

	x[0] = 4.0f;     /* e = 0 */
	x[1] = 0.5f;     /* e2m1 subnormal 0x1 */
	x[2] = -0.5f;
	x[3] = 0.25f;    /* tie between 0 and 0.5 -> 0 (even) */
	x[4] = 0.2500001f;
	quant(MPQ_S_MXFP4, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.codes[1], 0x1);
	CU_ASSERT_EQUAL(q.codes[2], 0x9);
	CU_ASSERT_EQUAL(q.codes[3], 0x0);
	CU_ASSERT_EQUAL(q.codes[4], 0x1);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[1], 0.5f);
	mpq_qtensor_free(&q);
	x[0] = 256.0f;   /* e4m3: E = 8 -> e = 0 */
	x[1] = 0x1p-9f;  /* e4m3 smallest subnormal */
	x[2] = 0x3p-9f;
	quant(MPQ_S_MXFP8_E4M3, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 127);
	CU_ASSERT_EQUAL(q.codes[1], 0x01);
	CU_ASSERT_EQUAL(q.codes[2], 0x03);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[2], 0x3p-9f);
	mpq_qtensor_free(&q);
}

static void test_mxint8_range(void)
{
	float x[32] = { 0 }, y[32];
	mpq_qtensor_t q;

	x[0] = 1.999f;   /* E = 0, e = 0: 1.999 * 64 = 127.9 -> 128 -> 127 */
	x[1] = -1.999f;  /* -> -127 (0x81), never -128 */
	x[2] = 0.5f;
	x[3] = 1.5703125f; /* 100.5 / 64: tie -> 100 (even) */
	quant(MPQ_S_MXINT8, MPQ_RULE_FLOOR, x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 127);
	CU_ASSERT_EQUAL(q.codes[0], 0x7F);
	CU_ASSERT_EQUAL(q.codes[1], 0x81);
	CU_ASSERT_EQUAL(q.codes[2], 32);
	CU_ASSERT_EQUAL(q.codes[3], 100);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[0], 127.0f / 64.0f);
	CU_ASSERT_EQUAL(y[1], -127.0f / 64.0f);
	mpq_qtensor_free(&q);
}

/* The mxfp4 hot path equals the generic mpq_encode path bit for bit. */
static void test_fast_equals_generic(void)
{
	enum { R = 7, C = 32 * 9 + 5 }; /* partial last block */
	static const float ties[] = { 0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 6.0f };
	float *x = malloc(R * C * sizeof *x);
	uint64_t s = 99;
	mpq_qtensor_t a, b;

	CU_ASSERT_FATAL(x != NULL);
	for (int i = 0; i < R * C; i++) {
		double v = rnd_normal(&s);
		switch (i % 5) {
		case 0: v *= ldexp(1.0, (int)(s % 40) - 20); break;
		case 1: v = ties[s % 8] * ((s >> 8) & 1 ? -1 : 1) * ldexp(1.0, (int)(s % 5) - 2); break;
		case 2: v = v * 1e-39; break;
		case 3: v = 0.0 * v; break; /* +-0 */
		default: break;
		}
		x[i] = (float)v;
	}
	for (int rule = 0; rule < 2; rule++) {
		quant(MPQ_S_MXFP4, (mpq_rule_t)rule, x, (size_t)R * C, &a);
		quant(MPQ_S_MXFP4, (mpq_rule_t)rule, x, (size_t)R * C, &b);
		mpqi_quant_mx(x, &b, false);
		CU_ASSERT(memcmp(a.codes, b.codes, R * C * sizeof *a.codes) == 0);
		CU_ASSERT(memcmp(a.scales, b.scales, a.nblk * sizeof *a.scales) == 0);
		mpq_qtensor_free(&a);
		mpq_qtensor_free(&b);
	}
	free(x);
}

static CU_TestInfo tests[] = {
	{ "all-zero block: scale 0x00, codes 0", test_zero_block },
	{ "scale clamp -127, +127, NaN above", test_clamp },
	{ "amax just below a power of two", test_below_pow2 },
	{ "floor vs ceil differ exactly on clipping blocks", test_floor_vs_ceil },
	{ "subnormal elements kept", test_subnormal_elements },
	{ "mxint8 range +-127/64", test_mxint8_range },
	{ "mxfp4 fast path == generic path", test_fast_equals_generic },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_mx[] = {
	{ "mx", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
