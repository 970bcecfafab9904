/* tests/unit/test_amxfp4.c - AMXFP4 two-scale blocks (numerics.md 2.3). */
#include <math.h>

#include <CUnit/CUnit.h>

#include "mpq.h"

static void quant(const float *x, size_t n, mpq_qtensor_t *q)
{
	mpq_qparams_t p = { MPQ_S_AMXFP4, 0, MPQ_RULE_FLOOR, false };
	mps_err_t err;

	CU_ASSERT_FATAL(mpq_quantize(x, 1, n, &p, q, NULL, &err) == MPS_OK);
}

static void test_hand(void)
{
	float x[32] = { 0 }, y[32];
	mpq_qtensor_t q;

	x[0] = 6.0f;   /* sp = 1.0 (e5m2 0x3C) */
	x[1] = -1.5f;  /* sn = 0.25 (0x34); -1.5 / 0.25 = -6 */
	x[2] = 2.5f;   /* tie -> 2 */
	x[3] = -0.625f; /* / 0.25 = -2.5 -> -2 */
	quant(x, 32, &q);
	CU_ASSERT_EQUAL(q.nscale, 2);
	CU_ASSERT_EQUAL(q.scales[0], 0x3C);
	CU_ASSERT_EQUAL(q.scales[1], 0x34);
	CU_ASSERT_EQUAL(q.codes[0], 0x7);
	CU_ASSERT_EQUAL(q.codes[1], 0xF);
	CU_ASSERT_EQUAL(q.codes[2], 0x4);
	CU_ASSERT_EQUAL(q.codes[3], 0xC);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[1], -1.5f);
	CU_ASSERT_EQUAL(y[3], -0.5f);
	CU_ASSERT(y[4] == 0.0f);
	mpq_qtensor_free(&q);
}

static void test_all_positive(void)
{
	float x[32], y[32];
	mpq_qtensor_t q;

	for (int i = 0; i < 32; i++)
		x[i] = 3.0f + (float)i * 0.25f; /* min 3, max 10.75 */
	quant(x, 32, &q);
	/* sp = e5m2(10.75/6 = 1.79) = 1.75 (0x3F); sn = e5m2(3/6) = 0.5 (0x38) */
	CU_ASSERT_EQUAL(q.scales[0], 0x3F);
	CU_ASSERT_EQUAL(q.scales[1], 0x38);
	for (int i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(q.codes[i] & 8, 0);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[31], 6.0f * 1.75f); /* 10.75 / 1.75 = 6.14 -> 6 */
	mpq_qtensor_free(&q);
}

static void test_all_negative(void)
{
	float x[32], y[32];
	mpq_qtensor_t q;

	for (int i = 0; i < 32; i++)
		x[i] = -0.5f - (float)i * 0.125f; /* max -0.5, min -4.375 */
	quant(x, 32, &q);
	/* sp: max/6 < 0 -> 1.0 (0x3C); sn = e5m2(4.375/6 = 0.729) = 0.75 (0x3A) */
	CU_ASSERT_EQUAL(q.scales[0], 0x3C);
	CU_ASSERT_EQUAL(q.scales[1], 0x3A);
	for (int i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(q.codes[i] & 8, 8);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[0], -0.375f); /* -0.5 / 0.75 = -0.67 -> -0.5 */
	mpq_qtensor_free(&q);
}

static void test_tiny_scale(void)
{
	float x[32] = { 0 };
	mpq_qtensor_t q;

	x[0] = 1e-7f; /* sp = e5m2(1.7e-8) = 0 -> 2^-16 (0x01) */
	quant(x, 32, &q);
	CU_ASSERT_EQUAL(q.scales[0], 0x01);
	CU_ASSERT_EQUAL(q.scales[1], 0x3C); /* min 0 -> 1.0 */
	CU_ASSERT_EQUAL(q.codes[0], 0x0);   /* 1e-7 / 2^-16 = 0.0066 -> 0 */
	mpq_qtensor_free(&q);
}

static CU_TestInfo tests[] = {
	{ "hand example: sign selects the scale", test_hand },
	{ "all-positive block", test_all_positive },
	{ "all-negative block", test_all_negative },
	{ "e5m2 scale underflow becomes 2^-16", test_tiny_scale },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_amxfp4[] = {
	{ "amxfp4", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
