/* tests/unit/test_group.c - int4/int8 groups, ZeroQuant-FP M1/M2, per-row
 * schemes and metrics (numerics.md 2, 2.4, 2.5). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mpq.h"

static double rnd(uint64_t *s)
{
	double acc = 0.0;

	for (int j = 0; j < 6; j++) {
		*s = *s * 6364136223846793005ull + 1442695040888963407ull;
		acc += (double)(*s >> 11) * 0x1p-53;
	}
	return acc - 3.0;
}

static int qz(mpq_scheme_t s, unsigned block, bool asym, const float *x,
              size_t rows, size_t cols, mpq_qtensor_t *q)
{
	mpq_qparams_t p = { s, block, MPQ_RULE_FLOOR, asym };
	mps_err_t err;

	return mpq_quantize(x, rows, cols, &p, q, NULL, &err);
}

static void test_int4_hand(void)
{
	float x[4] = { 7.0f, -3.5f, 0.0f, 1.0f }, y[4];
	mpq_qtensor_t q;

	CU_ASSERT_FATAL(qz(MPQ_S_INT4, 4, false, x, 1, 4, &q) == MPS_OK);
	CU_ASSERT_EQUAL(q.scales[0], 0x3C00); /* s = 7/7 = 1 */
	CU_ASSERT_EQUAL(q.codes[0], 0x7);
	CU_ASSERT_EQUAL(q.codes[1], 0xC); /* -3.5 -> -4 (even) */
	CU_ASSERT_EQUAL(q.codes[3], 0x1);
	mpq_qtensor_free(&q);
	/* asym: s = fp16(10.5/15) = 0.7001953125, z = rint(4.9986) = 5 */
	CU_ASSERT_FATAL(qz(MPQ_S_INT4, 4, true, x, 1, 4, &q) == MPS_OK);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_FP16, q.scales[0]), 0.7001953125);
	CU_ASSERT_EQUAL(q.zeros[0], 5);
	CU_ASSERT_EQUAL(q.codes[0], 15);
	CU_ASSERT_EQUAL(q.codes[1], 0);
	CU_ASSERT_EQUAL(q.codes[2], 5);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[0], (float)(0.7001953125 * 10));
	CU_ASSERT_EQUAL(y[2], 0.0f);
	mpq_qtensor_free(&q);
}

/* Every element within s/2 (sym) or s (asym) of its input, all group sizes. */
static void test_int_groups(void)
{
	static const unsigned G[] = { 32, 64, 128, 100 };
	enum { R = 3, K = 300 };
	float x[R * K], y[R * K];
	uint64_t s = 5;

	for (int i = 0; i < R * K; i++)
		x[i] = (float)(rnd(&s) * (i % 7 == 0 ? 4.0 : 1.0));
	for (int sc = 0; sc < 2; sc++)
	for (int asym = 0; asym < 2; asym++)
	for (size_t g = 0; g < 4; g++) {
		mpq_qtensor_t q;
		mpq_scheme_t sch = sc ? MPQ_S_INT8 : MPQ_S_INT4;
		CU_ASSERT_FATAL(qz(sch, G[g], asym, x, R, K, &q) == MPS_OK);
		CU_ASSERT_EQUAL(q.nblk, (K + G[g] - 1) / G[g]);
		mpq_dequantize(&q, y);
		for (int i = 0; i < R * K; i++) {
			size_t b = (size_t)(i % K) / G[g], r = (size_t)i / K;
			double sv = mpq_decode(MPQ_FP16, q.scales[r * q.nblk + b]);
			double err = fabs((double)x[i] - (double)y[i]);
			CU_ASSERT(err <= (asym ? 1.0 : 0.5) * sv * (1 + 1e-3));
		}
		mpq_qtensor_free(&q);
	}
}

static void test_zqfp(void)
{
	enum { R = 4, K = 256 };
	float x[R * K], y[R * K];
	uint64_t s = 11;
	mpq_qtensor_t q;

	for (int i = 0; i < R * K; i++)
		x[i] = (float)(rnd(&s) * ldexp(1.0, (int)(s % 12) - 6));
	CU_ASSERT_FATAL(qz(MPQ_S_ZQFP_M1, 64, false, x, R, K, &q) == MPS_OK);
	for (int i = 0; i < R * K; i++) {
		size_t b = (size_t)(i % K) / 64, r = (size_t)i / K;
		int k = (int)q.scales[r * q.nblk + b] - 127;
		CU_ASSERT(fabs(ldexp((double)x[i], -k)) <= 6.0); /* no clipping */
	}
	mpq_dequantize(&q, y);
	for (int i = 0; i < R * K; i++) /* e2m1: relative half-spacing 1/4 above 1 */
		CU_ASSERT(fabs((double)x[i] - (double)y[i]) <=
		          fmax(0.25 * fabs((double)x[i]), ldexp(0.25, (int)q.scales[(i / K) * q.nblk + (i % K) / 64] - 127)));
	mpq_qtensor_free(&q);
	CU_ASSERT_FATAL(qz(MPQ_S_ZQFP_M2, 64, false, x, R, K, &q) == MPS_OK);
	for (int i = 0; i < R * K; i++) {
		size_t b = (size_t)(i % K) / 64, r = (size_t)i / K;
		int k = (int)q.scales[r * q.nblk + b] - 127;
		CU_ASSERT(k <= 0);
		CU_ASSERT(fabs(ldexp((double)(x[i] / q.post[r]), -k)) <= 6.0);
	}
	mpq_qtensor_free(&q);
}

static void test_rowscale(void)
{
	float x[8] = { 127.0f, -254.0f, 1.0f, 0.0f, 0, 0, 0, 0 }, y[8];
	mpq_qtensor_t q;

	CU_ASSERT_FATAL(qz(MPQ_S_INT8_TOKEN, 0, false, x, 2, 4, &q) == MPS_OK);
	CU_ASSERT_EQUAL(q.post[0], 2.0f);
	CU_ASSERT_EQUAL(q.post[1], 1.0f); /* zero row */
	CU_ASSERT_EQUAL(q.codes[1], 0x81); /* -127 */
	CU_ASSERT_EQUAL(q.codes[2], 0x00); /* 0.5 -> 0 (even) */
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[0], 128.0f); /* 64 * 2 (63.5 -> 64) */
	mpq_qtensor_free(&q);
	CU_ASSERT_FATAL(qz(MPQ_S_E4M3_TENSOR, 0, false, x, 2, 4, &q) == MPS_OK);
	CU_ASSERT_EQUAL(q.post[0], 254.0f / 448.0f);
	CU_ASSERT_EQUAL(q.post[1], 254.0f / 448.0f);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[1], -254.0f * 1.0f + 0.0f * y[1]);
	mpq_qtensor_free(&q);
}

static void test_metrics(void)
{
	const float ref[4] = { 1, 2, 3, 4 }, got[4] = { 1, 2, 3, 5 };
	mpq_metrics_t m;

	mpq_metrics(ref, got, 4, &m);
	CU_ASSERT_EQUAL(m.n, 4);
	CU_ASSERT_DOUBLE_EQUAL(m.mse, 0.25, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(m.max_abs, 1.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(m.sqnr_db, 10 * log10(30.0), 1e-12);
	mpq_metrics(ref, ref, 4, &m);
	CU_ASSERT(isinf(m.sqnr_db) && m.mse == 0.0);
}

static void test_errors(void)
{
	float x[4] = { 1, 2, NAN, 4 };
	mpq_qtensor_t q;
	mps_err_t err;
	mpq_scheme_t s;

	CU_ASSERT_EQUAL(qz(MPQ_S_INT4, 4, false, x, 1, 4, &q), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(qz(MPQ_S_MXFP4, 0, true, x, 1, 4, &q), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(mpq_scheme_lookup("nope", &s, &err), MPS_ERR_INVAL);
	CU_ASSERT(strstr(err.msg, "zqfp_m2") != NULL);
	CU_ASSERT_EQUAL(mpq_scheme_lookup("zqfp_m2", &s, &err), MPS_OK);
	CU_ASSERT_EQUAL(s, MPQ_S_ZQFP_M2);
}

static CU_TestInfo tests[] = {
	{ "int4 sym/asym hand example", test_int4_hand },
	{ "int4/int8 sym/asym, groups 32/64/128/100, K 300", test_int_groups },
	{ "zqfp M1/M2: no element overflow", test_zqfp },
	{ "int8_token / e4m3_tensor", test_rowscale },
	{ "metrics on a hand example", test_metrics },
	{ "errors: non-finite, --asym misuse, unknown scheme", test_errors },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_group[] = {
	{ "group", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
