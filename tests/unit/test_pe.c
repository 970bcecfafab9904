/* tests/unit/test_pe.c - PE datapaths (sim/pe.c): shift-add decompositions
 * against plain products, term counts, faults, and the counters of a hand
 * example run through both simulator modes. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "pe.h"
#include "run.h"

static void test_pe_shift_add_int4(void)
{
	/* every w_eff of int4 / uint4 - zero ([-15, 15]) x every int8 */
	for (int w = -15; w <= 15; w++)
		for (int a = -128; a <= 127; a++) {
			uint64_t terms = 0;
			int64_t p = mps_pe_product(MPS_PE_W4A8, w, a, MPS_FAULT_NONE, &terms);
			CU_ASSERT_EQUAL(p, (int64_t)w * a);
			unsigned pc = 0;
			for (int m = abs(w); m; m >>= 1)
				pc += (unsigned)(m & 1);
			CU_ASSERT_EQUAL(terms, a ? pc : 0);
		}
}

static void test_pe_e2m1_shift_add(void)
{
	/* 2 v a for every e2m1 code (2v in {0,1,2,3,4,6,8,12}) and int8 a */
	static const int twice[8] = { 0, 1, 2, 3, 4, 6, 8, 12 };
	for (uint32_t code = 0; code < 16; code++)
		for (int a = -128; a <= 127; a++) {
			int64_t want = (int64_t)twice[code & 7] * a * ((code & 8) ? -1 : 1);
			CU_ASSERT_EQUAL(mps_pe_e2m1_shift_add(code, a), want);
			CU_ASSERT_EQUAL(mpq_fixed(MPQ_E2M1, code) * a, want);
		}
	CU_ASSERT_EQUAL(mps_pe_terms(12), 2); /* 6.0: (a << 3) + (a << 2) */
	CU_ASSERT_EQUAL(mps_pe_terms(-3), 2);
	CU_ASSERT_EQUAL(mps_pe_terms(8), 1);
}

static void test_pe_faults(void)
{
	CU_ASSERT_EQUAL(mps_pe_product(MPS_PE_W4A8, -3, 5, MPS_FAULT_SIGN, NULL), 15);
	CU_ASSERT_EQUAL(mps_pe_product(MPS_PE_W4A8, 3, 5, MPS_FAULT_SIGN, NULL), 15);
	CU_ASSERT_EQUAL(mps_pe_product(MPS_PE_W4A8, 3, 5, MPS_FAULT_DROP_TERM, NULL), 10);
	CU_ASSERT_EQUAL(mps_pe_product(MPS_PE_W4A8, -6, 5, MPS_FAULT_DROP_TERM, NULL), -20);
	CU_ASSERT_EQUAL(mps_pe_product(MPS_PE_INT8, -100, 100, MPS_FAULT_NONE, NULL), -10000);
}

/* Hand example: int4 weights (group 4) x int8_token activations, M=1 K=4 N=1.
 * w = [1, -1, 0, 0.5]: amax 1, s = fp16(1/7), q = [7, -7, 0, 4] (3.5008 -> 4)
 * a = [2, 2, 2, 0]: s = 2/127, q = [127, 127, 127, 0]
 * mac_ops 4; mac_nonzero 2 (k0, k1); sa_terms popcount(7) + popcount(7) = 6;
 * one group: dequant_ops 1, acc_updates 1; post (a's row scale) 1. */
static void test_pe_counters_hand(void)
{
	float wf[4] = { 1.0f, -1.0f, 0.0f, 0.5f }, af[4] = { 2.0f, 2.0f, 2.0f, 0.0f };
	mpq_qparams_t wq = { MPQ_S_INT4, 4, MPQ_RULE_FLOOR, false };
	mpq_qparams_t aq = { MPQ_S_INT8_TOKEN, 0, MPQ_RULE_FLOOR, false };
	mpq_gemm_opts_t o = { MPQ_ACC_FP32, 4, 16 };
	mpq_qtensor_t a, w;
	mps_cfg_t c;
	mps_err_t err;
	float y[2], yr;

	CU_ASSERT_EQUAL_FATAL(mpq_quantize(wf, 1, 4, &wq, &w, NULL, &err), MPS_OK);
	CU_ASSERT_EQUAL_FATAL(mpq_quantize(af, 1, 4, &aq, &a, NULL, &err), MPS_OK);
	CU_ASSERT_EQUAL(w.codes[0], 7);
	CU_ASSERT_EQUAL(w.codes[1], 0x9); /* -7 */
	CU_ASSERT_EQUAL(w.codes[2], 0);
	CU_ASSERT_EQUAL(w.codes[3], 4);
	CU_ASSERT_EQUAL(a.codes[0], 127);
	CU_ASSERT_EQUAL(a.codes[3], 0);
	CU_ASSERT_EQUAL_FATAL(mpq_gemm_ref(&a, &w, &o, &yr, &err), MPS_OK);
	mps_cfg_default(&c);
	c.rows = 2;
	c.cols = 3;
	c.group = 4;
	for (int mode = 0; mode < 2; mode++) {
		mps_run_opts_t ro = { mode ? MPS_MODE_FAST : MPS_MODE_CYCLE, MPS_FAULT_NONE,
		                      NULL, NULL };
		mps_stats_t st;
		CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &ro, y, &st, &err), MPS_OK);
		CU_ASSERT_EQUAL(memcmp(&y[0], &yr, 4), 0);
		CU_ASSERT_EQUAL(st.ct.mac_ops, 4);
		CU_ASSERT_EQUAL(st.ct.mac_nonzero, 2);
		CU_ASSERT_EQUAL(st.ct.sa_terms, 6);
		CU_ASSERT_EQUAL(st.ct.dequant_ops, 1);
		CU_ASSERT_EQUAL(st.ct.acc_updates, 1);
		CU_ASSERT_EQUAL(st.ct.post_ops, 1);
		CU_ASSERT_EQUAL(st.ct.outputs, 1);
		/* os, one fold: L = K + R + C - 2 = 7, tail R + Dq = 3 */
		CU_ASSERT_EQUAL(st.compute_cycles, 7);
		CU_ASSERT_EQUAL(st.tail_cycles, 3);
	}
	mpq_qtensor_free(&a);
	mpq_qtensor_free(&w);
}

static CU_TestInfo tests[] = {
	{ "test_pe_shift_add_int4", test_pe_shift_add_int4 },
	{ "test_pe_e2m1_shift_add", test_pe_e2m1_shift_add },
	{ "test_pe_faults", test_pe_faults },
	{ "test_pe_counters_hand", test_pe_counters_hand },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_pe[] = {
	{ "pe", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
