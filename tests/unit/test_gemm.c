/* tests/unit/test_gemm.c - the reference GEMMs (numerics.md 3, 4). */
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

static void fill(float *x, size_t n, uint64_t seed, double scale)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(rnd(&seed) * scale);
}

static void qz(mpq_scheme_t s, unsigned block, bool asym, const float *x,
               size_t rows, size_t cols, mpq_qtensor_t *q)
{
	mpq_qparams_t p = { s, block, MPQ_RULE_FLOOR, asym };
	mps_err_t err;

	CU_ASSERT_FATAL(mpq_quantize(x, rows, cols, &p, q, NULL, &err) == MPS_OK);
}

enum { M = 3, N = 5, K = 256 };

/* exact mode == naive where numerics.md 4 says so: exact FP32 dequantized
 * operands, no post scales, exact float64 products and sums (narrow range). */
static void run_exact_vs_naive(mpq_scheme_t ws, unsigned wb, bool asym,
                               mpq_scheme_t as, unsigned ab)
{
	float a[M * K], w[N * K], y1[M * N], y2[M * N];
	mpq_qtensor_t qa, qw;
	mpq_gemm_opts_t o = { MPQ_ACC_EXACT, 0, 0 };
	mps_err_t err;

	fill(a, M * K, 1, 1.0);
	fill(w, N * K, 2, 0.5);
	qz(as, ab, false, a, M, K, &qa);
	qz(ws, wb, asym, w, N, K, &qw);
	CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &o, y1, &err) == MPS_OK);
	CU_ASSERT_FATAL(mpq_gemm_naive(&qa, &qw, y2, &err) == MPS_OK);
	CU_ASSERT(memcmp(y1, y2, sizeof y1) == 0);
	mpq_qtensor_free(&qa);
	mpq_qtensor_free(&qw);
}

static void test_exact_equals_naive(void)
{
	run_exact_vs_naive(MPQ_S_MXFP4, 0, false, MPQ_S_MXINT8, 0);
	run_exact_vs_naive(MPQ_S_MXFP4, 0, false, MPQ_S_MXFP8_E4M3, 0);
	run_exact_vs_naive(MPQ_S_INT4, 64, false, MPQ_S_MXINT8, 0);
	run_exact_vs_naive(MPQ_S_INT4, 128, true, MPQ_S_MXFP6_E2M3, 0); /* zero points */
	run_exact_vs_naive(MPQ_S_AMXFP4, 0, false, MPQ_S_MXINT8, 0);
	run_exact_vs_naive(MPQ_S_ZQFP_M1, 64, false, MPQ_S_FP16, 0);
	run_exact_vs_naive(MPQ_S_INT8, 32, true, MPQ_S_INT8, 32);
}

/* fp32 accumulation differs from exact by at most one rounding per group. */
static void test_fp32_vs_exact(void)
{
	float a[M * K], w[N * K], ye[M * N], yf[M * N], da[M * K], dw[N * K];
	mpq_qtensor_t qa, qw;
	mpq_gemm_opts_t oe = { MPQ_ACC_EXACT, 0, 0 }, of = { MPQ_ACC_FP32, 0, 0 };
	mps_err_t err;
	int differ = 0;

	fill(a, M * K, 3, 1.0);
	fill(w, N * K, 4, 1.0);
	qz(MPQ_S_NVFP4, 0, false, a, M, K, &qa);
	qz(MPQ_S_INT4, 32, false, w, N, K, &qw);
	CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &oe, ye, &err) == MPS_OK);
	CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &of, yf, &err) == MPS_OK);
	mpq_dequantize(&qa, da);
	mpq_dequantize(&qw, dw);
	for (int m = 0; m < M; m++)
		for (int n = 0; n < N; n++) {
			double sabs = 0.0;
			for (int k = 0; k < K; k++)
				sabs += fabs((double)da[m * K + k] * dw[n * K + k]);
			CU_ASSERT(fabs((double)ye[m * N + n] - yf[m * N + n]) <=
			          (K / 32 + 2) * 0x1p-23 * sabs);
			differ += ye[m * N + n] != yf[m * N + n];
		}
	CU_ASSERT(differ > 0); /* the modes are distinguishable here */
	mpq_qtensor_free(&qa);
	mpq_qtensor_free(&qw);
}

/* align == fp32 without truncation; hand-computed difference with it. */
static void test_align(void)
{
	float a[M * K], w[N * K], y1[M * N], y2[M * N];
	mpq_qtensor_t qa, qw;
	mpq_gemm_opts_t of = { MPQ_ACC_FP32, 0, 0 }, oa = { MPQ_ACC_ALIGN, 0, 0 };
	mps_err_t err;
	uint64_t s = 9;

	for (int i = 0; i < M * K; i++) /* within 4 binades: F - mbits = 14 - 10 */
		a[i] = (float)((1.0 + fabs(rnd(&s))) * ((i & 1) ? -1 : 1) * ((i % 3) ? 2.0 : 1.0));
	fill(w, N * K, 5, 1.0);
	qz(MPQ_S_FP16, 0, false, a, M, K, &qa);
	qz(MPQ_S_INT4, 128, false, w, N, K, &qw);
	CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &of, y1, &err) == MPS_OK);
	CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &oa, y2, &err) == MPS_OK);
	CU_ASSERT(memcmp(y1, y2, sizeof y1) == 0);
	mpq_qtensor_free(&qa);
	mpq_qtensor_free(&qw);

	/* K = 2, one group: a = [1024, 1 + 2^-10], w = [7, 7] (s = 1, q = 7).
	 * fp32: 7 * 1025.0009765625 = 7175.0068359375 exactly.
	 * align (F = 14, E = 10): a1 -> floor(16.015625) = 16 -> 1.0: 7175. */
	{
		float a2[2] = { 1024.0f, 1.0f + 0x1p-10f }, w2[2] = { 7.0f, 7.0f }, y;
		qz(MPQ_S_FP16, 0, false, a2, 1, 2, &qa);
		qz(MPQ_S_INT4, 2, false, w2, 1, 2, &qw);
		CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &of, &y, &err) == MPS_OK);
		CU_ASSERT_EQUAL(y, 7175.0068359375f);
		CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &oa, &y, &err) == MPS_OK);
		CU_ASSERT_EQUAL(y, 7175.0f);
		oa.align_bits = 24; /* F = 22: no truncation */
		CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &oa, &y, &err) == MPS_OK);
		CU_ASSERT_EQUAL(y, 7175.0068359375f);
		mpq_qtensor_free(&qa);
		mpq_qtensor_free(&qw);
	}
}

/* AMXFP4: per group d+ (sign 0, sp) then d- (sign 1, sn), in k order.
 * Expected values come from the dequantized operands in float64 (exact
 * here) and FP32 additions in the contract's order. */
static void test_amxfp4_order(void)
{
	enum { KK = 128 };
	int alt_differs = 0;

	for (uint64_t seed = 1; seed <= 40; seed++) {
		float a[KK], w[KK], da[KK], dw[KK], y;
		float acc = 0.0f, alt = 0.0f;
		mpq_qtensor_t qa, qw;
		mpq_gemm_opts_t of = { MPQ_ACC_FP32, 0, 0 };
		mps_err_t err;

		fill(a, KK, seed * 7, 1.0);
		for (int i = 0; i < KK; i++)
			a[i] *= (float)ldexp(1.0, (int)(seed + (uint64_t)i) % 13 - 6);
		fill(w, KK, seed * 13, 1.0);
		qz(MPQ_S_FP16, 0, false, a, 1, KK, &qa);
		qz(MPQ_S_AMXFP4, 0, false, w, 1, KK, &qw);
		mpq_dequantize(&qa, da);
		mpq_dequantize(&qw, dw);
		for (int g = 0; g < KK / 32; g++) {
			double sp = 0.0, sn = 0.0;
			for (int k = g * 32; k < g * 32 + 32; k++) {
				if (qw.codes[k] & 8)
					sn += (double)da[k] * dw[k];
				else
					sp += (double)da[k] * dw[k];
			}
			acc = acc + (float)sp;
			acc = acc + (float)sn;
			alt = alt + (float)(sp + sn);
		}
		CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &of, &y, &err) == MPS_OK);
		CU_ASSERT_EQUAL(y, acc);
		alt_differs += alt != acc;
		mpq_qtensor_free(&qa);
		mpq_qtensor_free(&qw);
	}
	CU_ASSERT(alt_differs > 0);
}

/* Zero-point correction == dequantize then multiply (small exact case). */
static void test_zero_point(void)
{
	float a[8] = { 1, -2, 3, 0.5f, 4, -1, 2, 1 };
	float w[8] = { 0.5f, 1.5f, -0.25f, 2, 3, -3, 1, 0.125f };
	float y1, y2;
	mpq_qtensor_t qa, qw;
	mpq_gemm_opts_t o = { MPQ_ACC_EXACT, 0, 0 };
	mps_err_t err;

	qz(MPQ_S_INT8, 4, false, a, 1, 8, &qa);
	qz(MPQ_S_INT4, 4, true, w, 1, 8, &qw);
	CU_ASSERT(qw.zeros[0] != 0);
	CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, &o, &y1, &err) == MPS_OK);
	CU_ASSERT_FATAL(mpq_gemm_naive(&qa, &qw, &y2, &err) == MPS_OK);
	CU_ASSERT_EQUAL(y1, y2);
	mpq_qtensor_free(&qa);
	mpq_qtensor_free(&qw);
}

/* float x float group 1 == a sequential FP32 loop of fl32(a * w). */
static void test_float_float(void)
{
	float a[M * K], w[N * K], y[M * N], da[M * K], dw[N * K];
	mpq_qtensor_t qa, qw;
	mps_err_t err;

	fill(a, M * K, 21, 3.0);
	fill(w, N * K, 22, 0.01);
	for (int pair = 0; pair < 2; pair++) {
		qz(MPQ_S_FP16, 0, false, a, M, K, &qa);
		qz(pair ? MPQ_S_BF16 : MPQ_S_FP16, 0, false, w, N, K, &qw);
		CU_ASSERT_FATAL(mpq_gemm_ref(&qa, &qw, NULL, y, &err) == MPS_OK);
		mpq_dequantize(&qa, da);
		mpq_dequantize(&qw, dw);
		for (int m = 0; m < M; m++)
			for (int n = 0; n < N; n++) {
				float acc = 0.0f;
				for (int k = 0; k < K; k++)
					acc = acc + da[m * K + k] * dw[n * K + k];
				CU_ASSERT_EQUAL(y[m * N + n], acc);
			}
		mpq_qtensor_free(&qa);
		mpq_qtensor_free(&qw);
	}
}

static void test_errors(void)
{
	float a[64] = { 1 }, w[128] = { 1 }, y[4];
	mpq_qtensor_t qa, qw, qb;
	mpq_gemm_opts_t o = { MPQ_ACC_FP32, 0, 0 };
	mps_err_t err;

	qz(MPQ_S_MXINT8, 0, false, a, 1, 64, &qa);
	qz(MPQ_S_INT4, 32, false, w, 2, 64, &qw);
	o.group = 48;
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qa, &qw, &o, y, &err), MPS_ERR_INVAL);
	CU_ASSERT(strstr(err.msg, "does not divide") != NULL);
	o.group = 0;
	o.acc = MPQ_ACC_ALIGN;
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qa, &qw, &o, y, &err), MPS_ERR_INVAL);
	CU_ASSERT(strstr(err.msg, "align") != NULL);
	o.acc = MPQ_ACC_FP32;
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qw, &qw, &o, y, &err), MPS_OK);
	qz(MPQ_S_BF16, 0, false, a, 1, 64, &qb);
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qb, &qw, &o, y, &err), MPS_ERR_INVAL);
	CU_ASSERT(strstr(err.msg, "bf16") != NULL);
	o.acc = MPQ_ACC_ALIGN;
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qb, &qw, &o, y, &err), MPS_OK);
	mpq_qtensor_free(&qb);
	qz(MPQ_S_AMXFP4, 0, false, a, 1, 64, &qb);
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qb, &qw, NULL, y, &err), MPS_ERR_INVAL);
	mpq_qtensor_free(&qb);
	qz(MPQ_S_FP16, 0, false, a, 1, 32, &qb);
	CU_ASSERT_EQUAL(mpq_gemm_ref(&qb, &qw, NULL, y, &err), MPS_ERR_INVAL);
	CU_ASSERT(strstr(err.msg, "K mismatch") != NULL);
	mpq_qtensor_free(&qb);
	mpq_qtensor_free(&qa);
	mpq_qtensor_free(&qw);
}

static CU_TestInfo tests[] = {
	{ "exact mode == naive on exact cases", test_exact_equals_naive },
	{ "fp32 vs exact: bounded, distinguishable", test_fp32_vs_exact },
	{ "align == fp32 without truncation; hand case with", test_align },
	{ "amxfp4 sign-split term order", test_amxfp4_order },
	{ "zero-point correction == dequantize-multiply", test_zero_point },
	{ "float x float group 1 == sequential fp32 MAC", test_float_float },
	{ "incompatible operands: clear errors", test_errors },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_gemm[] = {
	{ "gemm", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
