/* tests/unit/test_array.c - the cycle model (sim/array.c) and fast mode
 * (sim/fast.c): identical cycles, outputs and statistics on many random
 * configurations, outputs equal to model/'s mpq_gemm_ref, output timing
 * per docs/timing.md formulas, and a deliberately wrong PE being caught. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "array.h"
#include "dequant.h"
#include "run.h"
#include "trace.h"

typedef struct {
	mpq_scheme_t ws, as;
	bool asym;
	mpq_acc_t acc;
	mps_pe_kind_t kind;
	unsigned group;  /* 0: pick a random multiple of 8 / the fixed block */
} combo_t;

static const combo_t combos[] = {
	{ MPQ_S_INT4, MPQ_S_INT8_TOKEN, false, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 0 },
	{ MPQ_S_INT4, MPQ_S_INT8_TOKEN, true, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 0 },
	{ MPQ_S_MXFP4, MPQ_S_MXFP8_E4M3, false, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 32 },
	{ MPQ_S_AMXFP4, MPQ_S_MXFP8_E4M3, false, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 32 },
	{ MPQ_S_NVFP4, MPQ_S_E4M3_TENSOR, false, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 16 },
	{ MPQ_S_ZQFP_M2, MPQ_S_E4M3_TOKEN, false, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 0 },
	{ MPQ_S_INT4, MPQ_S_FP16, false, MPQ_ACC_ALIGN, MPS_PEK_SHIFT_ADD, 0 },
	{ MPQ_S_INT4, MPQ_S_BF16, false, MPQ_ACC_ALIGN, MPS_PEK_SHIFT_ADD, 0 },
	{ MPQ_S_INT8, MPQ_S_INT8_TOKEN, false, MPQ_ACC_FP32, MPS_PEK_MULTIPLIER, 0 },
	{ MPQ_S_MXFP8_E4M3, MPQ_S_MXFP8_E4M3, false, MPQ_ACC_FP32, MPS_PEK_MULTIPLIER, 32 },
	{ MPQ_S_FP16, MPQ_S_FP16, false, MPQ_ACC_FP32, MPS_PEK_MULTIPLIER, 1 },
	{ MPQ_S_MXFP4, MPQ_S_INT8_TOKEN, false, MPQ_ACC_EXACT, MPS_PEK_SHIFT_ADD, 32 },
	{ MPQ_S_MXFP4, MPQ_S_MXFP4, false, MPQ_ACC_FP32, MPS_PEK_SHIFT_ADD, 32 },
};
#define NCOMBO (sizeof combos / sizeof combos[0])

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) /* [0, n) */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static bool stats_equal(const mps_stats_t *a, const mps_stats_t *b)
{
	return a->cycles == b->cycles && a->compute_cycles == b->compute_cycles &&
	       a->tail_cycles == b->tail_cycles && a->stall_cycles == b->stall_cycles &&
	       a->macs == b->macs && a->nfolds == b->nfolds &&
	       memcmp(&a->ct, &b->ct, sizeof a->ct) == 0 && a->dram_rd == b->dram_rd &&
	       a->dram_wr == b->dram_wr && a->obuf_wr == b->obuf_wr;
}

static void test_array_cycle_equals_fast(void)
{
	unsigned done = 0, tried = 0, os = 0, ws = 0, edge = 0, stalled = 0;

	while (done < 80 && tried < 400) {
		const combo_t *cb = &combos[rnd(NCOMBO)];
		mps_cfg_t c;
		mps_err_t err;
		mpq_qtensor_t a, w;
		mpq_qparams_t wq, aq;
		mpq_gemm_opts_t o;
		size_t M = 1 + rnd(20), K = 1 + rnd(100), N = 1 + rnd(20);
		float *y0, *y1, *yr;
		mps_stats_t s0, s1;

		tried++;
		mps_cfg_default(&c);
		c.rows = 1 + rnd(8);
		c.cols = 1 + rnd(8);
		c.dataflow = rnd(2) ? MPS_DF_WS : MPS_DF_OS;
		c.kind = cb->kind;
		c.wq.scheme = cb->ws;
		c.wq.asym = cb->asym;
		c.aq.scheme = cb->as;
		c.accumulate = cb->acc;
		c.group = cb->group ? cb->group : 8u << rnd(4);
		if (cb->ws == MPQ_S_NVFP4 || cb->ws == MPQ_S_MXFP4 || cb->ws == MPQ_S_AMXFP4 ||
		    cb->ws == MPQ_S_MXFP8_E4M3)
			c.group = cb->group >> rnd(2); /* a divisor of the block */
		if (cb->ws == MPQ_S_FP16)
			c.group = 1;
		c.dq_place = MPS_DQ_PE;
		c.dq_latency = 1 + rnd(4);
		if (c.dataflow == MPS_DF_WS) {
			if (c.group % c.rows == 0 && cb->ws != MPQ_S_FP16 && rnd(2))
				c.dq_place = MPS_DQ_EDGE;
			else
				c.dq_latency = 1;
		}
		if (rnd(3) == 0) { /* scarce memory: stalls */
			c.dram_bytes_per_cycle = 1 + rnd(8);
			c.dram_latency = rnd(50);
		}
		c.weight = MPQ_FP32; /* filled below from the quantized tensor */
		c.acc_width_set = false;
		mps_run_qparams(&c, K, &wq, &aq, &o);
		if (mps_run_make_operands(&c, M, K, N, tried, &a, &w, &err) != MPS_OK) {
			fprintf(stderr, "\n  operands: %s\n", err.msg);
			CU_FAIL("make operands");
			continue;
		}
		c.weight = w.elem;
		c.act = a.elem;
		if (mps_cfg_check(&c, &err) != MPS_OK) {
			mpq_qtensor_free(&a);
			mpq_qtensor_free(&w);
			continue; /* combination the config rules reject (e.g. exact + ws) */
		}
		y0 = calloc(M * N, 4);
		y1 = calloc(M * N, 4);
		yr = calloc(M * N, 4);
		mps_run_opts_t r0 = { MPS_MODE_CYCLE, MPS_FAULT_NONE, NULL, NULL };
		mps_run_opts_t r1 = { MPS_MODE_FAST, MPS_FAULT_NONE, NULL, NULL };
		int rc0 = mps_run_gemm(&c, &a, &w, &o, &r0, y0, &s0, &err);
		if (rc0 == MPS_ERR_RANGE || rc0 == MPS_ERR_UNSUPPORTED) {
			/* buffers too small for the tile / latency hazard: both modes agree */
			CU_ASSERT_EQUAL(mps_run_gemm(&c, &a, &w, &o, &r1, y1, &s1, &err), rc0);
		} else {
			if (rc0 != MPS_OK)
				fprintf(stderr, "\n  cycle: %s\n", err.msg);
			CU_ASSERT_EQUAL_FATAL(rc0, MPS_OK);
			CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &r1, y1, &s1, &err), MPS_OK);
			CU_ASSERT_EQUAL_FATAL(mpq_gemm_ref(&a, &w, &o, yr, &err), MPS_OK);
			bool same = memcmp(y0, y1, M * N * 4) == 0, ref = memcmp(y0, yr, M * N * 4) == 0;
			bool st = stats_equal(&s0, &s1);
			if (!same || !ref || !st)
				fprintf(stderr, "\n  case %u: %s x %s %ux%u %s dq %s/%u M%zu K%zu N%zu G%u: "
				        "cycle==fast %d, ==ref %d, stats %d (cyc %llu/%llu)\n", tried,
				        mpq_scheme_name(cb->ws), mpq_scheme_name(cb->as), c.rows, c.cols,
				        mps_cfg_dataflow_name(c.dataflow), mps_cfg_dq_name(c.dq_place),
				        c.dq_latency, M, K, N, c.group, same, ref, st,
				        (unsigned long long)s0.cycles, (unsigned long long)s1.cycles);
			CU_ASSERT(same);
			CU_ASSERT(ref);
			CU_ASSERT(st);
			/* closed forms (timing.md 2.3, 3.3) */
			uint64_t R = c.rows, C = c.cols, F, L;
			if (c.dataflow == MPS_DF_OS) {
				F = ((M + R - 1) / R) * ((N + C - 1) / C);
				L = K + R + C - 2;
				CU_ASSERT_EQUAL(s0.cycles - s0.stall_cycles, F * L + R + c.dq_latency);
				os++;
			} else {
				F = ((K + R - 1) / R) * ((N + C - 1) / C);
				L = 2 * R + C + M - 2;
				CU_ASSERT_EQUAL(s0.cycles - s0.stall_cycles, F * L + c.dq_latency + 1);
				ws++;
				edge += c.dq_place == MPS_DQ_EDGE;
			}
			CU_ASSERT_EQUAL(s0.compute_cycles, F * L);
			CU_ASSERT_EQUAL(s0.macs, (uint64_t)M * N * K);
			stalled += s0.stall_cycles > 0;
			done++;
		}
		free(y0);
		free(y1);
		free(yr);
		mpq_qtensor_free(&a);
		mpq_qtensor_free(&w);
	}
	CU_ASSERT(done >= 50);
	CU_ASSERT(os >= 10 && ws >= 10 && edge >= 3 && stalled >= 5);
}

/* Output timing of one fold, stepping the array directly: OS output (r, c)
 * is valid in cycle E + (R - r) + Dq, E = K + R + C - 3 (timing.md 2.3);
 * WS output (m, c) in cycle 2R + m + c + Dq (timing.md 3.2). */
static void run_timing(mps_dataflow_t df, unsigned R, unsigned C, size_t M, size_t K,
                       size_t N, unsigned Dq)
{
	mps_cfg_t c;
	mps_err_t err;
	mpq_qtensor_t a, w;
	mpq_qparams_t wq, aq;
	mpq_gemm_opts_t o;
	mps_feed_t f;
	mps_array_t *arr;
	mps_lanes_buf_t lb;
	mps_ctrl_fold_t fd;
	unsigned seen = 0, bad = 0;

	mps_cfg_default(&c);
	c.rows = R;
	c.cols = C;
	c.dataflow = df;
	c.dq_latency = Dq;
	c.group = 32;
	CU_ASSERT_EQUAL_FATAL(mps_cfg_check(&c, &err), MPS_OK);
	mps_run_qparams(&c, K, &wq, &aq, &o);
	CU_ASSERT_EQUAL_FATAL(mps_run_make_operands(&c, M, K, N, 7, &a, &w, &err), MPS_OK);
	CU_ASSERT_EQUAL_FATAL(mps_feed_init(&f, &c, &a, &w, &o, &err), MPS_OK);
	CU_ASSERT_EQUAL_FATAL(mps_array_new(&c, MPS_FAULT_NONE, &arr, &err), MPS_OK);
	CU_ASSERT_EQUAL_FATAL(mps_lanes_buf_init(&lb, R, C), MPS_OK);
	memset(&fd, 0, sizeof fd);
	fd.m_len = M;
	fd.n_len = N;
	fd.k_len = K;
	uint64_t L = df == MPS_DF_OS ? K + R + C - 2 : 2 * R + C + M - 2;
	for (uint64_t t = 0; t < L + R + Dq + 2; t++) {
		if (t < L)
			mps_feed_step(&f, &fd, t, true, NULL, NULL, NULL, &lb.in);
		else
			mps_feed_idle(R, C, 1, &lb.in);
		if (t == 3) { /* a stall freezes everything: shifts nothing */
			mps_lanes_in_t st = lb.in;
			mps_pe_state_t before, after;
			memset(&before, 0, sizeof before);
			memset(&after, 0, sizeof after);
			st.en = 0;
			mps_array_pe_state(arr, 0, 0, &before);
			mps_array_step(arr, &st, &lb.out);
			mps_array_pe_state(arr, 0, 0, &after);
			CU_ASSERT(before.p == after.p && before.pn == after.pn && before.acc == after.acc);
			for (unsigned cc = 0; cc < C; cc++)
				CU_ASSERT_EQUAL(lb.out.valid[cc], 0);
		}
		mps_array_step(arr, &lb.in, &lb.out);
		for (unsigned cc = 0; cc < C; cc++) {
			if (!lb.out.valid[cc])
				continue;
			uint64_t want = df == MPS_DF_OS ? (K + R + C - 3) + (R - lb.out.row[cc]) + Dq
			                                : 2 * R + lb.out.row[cc] + cc + Dq;
			bad += want != t;
			seen++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(seen, df == MPS_DF_OS ? R * C : (unsigned)M * C);
	CU_ASSERT_EQUAL(mps_array_cycles(arr), L + R + Dq + 2);
	mps_lanes_buf_free(&lb);
	mps_array_free(arr);
	mps_feed_free(&f);
	mpq_qtensor_free(&a);
	mpq_qtensor_free(&w);
}

static void test_array_output_timing(void)
{
	run_timing(MPS_DF_OS, 4, 3, 4, 10, 3, 1);
	run_timing(MPS_DF_OS, 5, 2, 3, 7, 1, 3);  /* partial fold */
	run_timing(MPS_DF_WS, 4, 3, 6, 4, 3, 1);
	run_timing(MPS_DF_WS, 6, 4, 2, 5, 2, 1);  /* partial fold */
}

/* A deliberately wrong PE (sign ignored / a shift-add term dropped) must be
 * caught by the trace comparison, in both modes. */
static void test_array_wrong_pe_caught(void)
{
	const char *path = "traces/regress/gemm_m8k96n12_int4g32-int8tok_fp32.safetensors";
	mps_trc_t t;
	mps_cfg_t c;
	mps_err_t err;
	float *y;

	if (mps_trc_read(path, &t, &err) != MPS_OK) {
		fprintf(stderr, "\n  %s\n", err.msg);
		CU_FAIL_FATAL("regression trace missing");
	}
	mps_cfg_default(&c);
	c.rows = 4;
	c.cols = 5;
	c.group = t.opts.group ? t.opts.group : (unsigned)t.w.block;
	c.wq = t.w.params;
	c.aq = t.a.params;
	c.weight = t.w.elem;
	c.act = t.a.elem;
	c.accumulate = t.opts.acc;
	CU_ASSERT_EQUAL_FATAL(mps_cfg_check(&c, &err), MPS_OK);
	y = calloc(t.M * t.N, 4);
	for (int df = 0; df < 2; df++) {
		c.dataflow = df ? MPS_DF_WS : MPS_DF_OS;
		for (int f = 0; f < 3; f++) {
			for (int mode = 0; mode < 2; mode++) {
				mps_run_opts_t ro = { mode ? MPS_MODE_FAST : MPS_MODE_CYCLE,
				                      (mps_fault_t)f, NULL, NULL };
				mps_stats_t st;
				mps_trc_t t2;
				/* fast mode edits its prepared weights: fresh operands each run */
				CU_ASSERT_EQUAL_FATAL(mps_trc_read(path, &t2, &err), MPS_OK);
				CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &t2.a, &t2.w, &t2.opts, &ro, y,
				                                   &st, &err), MPS_OK);
				bool match = memcmp(y, t.y_expected, t.M * t.N * 4) == 0;
				CU_ASSERT_EQUAL(match, f == MPS_FAULT_NONE);
				mps_trc_free(&t2);
			}
		}
	}
	free(y);
	mps_trc_free(&t);
}

static CU_TestInfo tests[] = {
	{ "test_array_cycle_equals_fast", test_array_cycle_equals_fast },
	{ "test_array_output_timing", test_array_output_timing },
	{ "test_array_wrong_pe_caught", test_array_wrong_pe_caught },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_array[] = {
	{ "array", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
