/* tests/unit/test_nvfp4.c - NVFP4, TensorRT-LLM order (numerics.md 2.2). */
#include <math.h>

#include <CUnit/CUnit.h>

#include "mpq.h"

static void quant(const float *x, size_t rows, size_t cols, mpq_qtensor_t *q)
{
	mpq_qparams_t p = { MPQ_S_NVFP4, 0, MPQ_RULE_FLOOR, false };
	mps_err_t err;

	CU_ASSERT_FATAL(mpq_quantize(x, rows, cols, &p, q, NULL, &err) == MPS_OK);
}

static void test_zero_blocks(void)
{
	float x[48] = { 0 }, y[48];
	mpq_qtensor_t q;

	x[20] = 6.0f; /* block 1 non-zero; blocks 0 and 2 all zero */
	quant(x, 1, 48, &q);
	CU_ASSERT_EQUAL(q.nblk, 3);
	CU_ASSERT_EQUAL(q.scales[0], 0x00);
	CU_ASSERT_EQUAL(q.scales[2], 0x00);
	CU_ASSERT_EQUAL(q.scales[1], 0x7E); /* 448 = g_enc * 6 / 6 */
	CU_ASSERT_EQUAL(q.codes[20], 0x7);
	CU_ASSERT_EQUAL(q.post[0], 6.0f / 2688.0f);
	mpq_dequantize(&q, y);
	for (int i = 0; i < 48; i++)
		if (i != 20)
			CU_ASSERT(y[i] == 0.0f);
	/* fl32(fl32(6 * 448) * fl32(6/2688)) */
	CU_ASSERT_EQUAL(y[20], (float)(2688.0 * (double)(6.0f / 2688.0f)));
	mpq_qtensor_free(&q);
}

static void test_zero_tensor(void)
{
	float x[40] = { 0 }, y[40];
	mpq_qtensor_t q;

	quant(x, 2, 20, &q);
	for (int i = 0; i < 40; i++)
		CU_ASSERT_EQUAL(q.codes[i], 0);
	for (size_t i = 0; i < 2 * q.nblk; i++)
		CU_ASSERT_EQUAL(q.scales[i], 0);
	CU_ASSERT_EQUAL(q.post[0], 1.0f);
	CU_ASSERT_EQUAL(q.post[1], 1.0f);
	mpq_dequantize(&q, y);
	for (int i = 0; i < 40; i++)
		CU_ASSERT(y[i] == 0.0f);
	mpq_qtensor_free(&q);
}

/* A hand example: amax_tensor 12, block max 3 -> g_enc = 224,
 * sf = e4m3(224 * fl32(3 * fl32(1/6))) = e4m3(112) = 112 (0x70... exact),
 * s = 224 / 112 = 2, x * 2 then e2m1. */
static void test_hand(void)
{
	float x[32] = { 0 }, y[32];
	mpq_qtensor_t q;

	x[0] = 3.0f;
	x[1] = -1.25f; /* * 2 = -2.5: tie -> -2 */
	x[2] = 0.375f; /* * 2 = 0.75: tie -> 1 */
	x[16] = 12.0f;
	quant(x, 1, 32, &q);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, q.scales[0]), 112.0);
	CU_ASSERT_EQUAL(q.codes[0], 0x7);
	CU_ASSERT_EQUAL(q.codes[1], 0xC);
	CU_ASSERT_EQUAL(q.codes[2], 0x2);
	mpq_dequantize(&q, y);
	CU_ASSERT_EQUAL(y[1], (float)((double)(-2.0f * 112.0f) * (double)(12.0f / 2688.0f)));
	mpq_qtensor_free(&q);
}

static void test_fixed_block(void)
{
	mpq_qparams_t p = { MPQ_S_NVFP4, 32, MPQ_RULE_FLOOR, false };
	float x[32] = { 1.0f };
	mpq_qtensor_t q;
	mps_err_t err;

	CU_ASSERT_EQUAL(mpq_quantize(x, 1, 32, &p, &q, NULL, &err), MPS_ERR_INVAL);
}

static CU_TestInfo tests[] = {
	{ "all-zero blocks in a non-zero tensor", test_zero_blocks },
	{ "all-zero tensor: post 1.0, zero codes and scales", test_zero_tensor },
	{ "hand example with element ties", test_hand },
	{ "block size is fixed at 16", test_fixed_block },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_nvfp4[] = {
	{ "nvfp4", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
