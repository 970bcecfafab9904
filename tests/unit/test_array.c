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

/* compute_cycles under [dequant] interval, derived from timing.md 2.4 / 3.4's
 * rule itself (a dequant unit's group ends at least B = 1 + t (interval - 1)
 * cycles apart; bubbles go right before the group / token that would come
 * too early), not from sim/ctrl.c's closed forms. */
static uint64_t expect_compute(const mps_cfg_t *c, uint64_t M, uint64_t K, uint64_t N,
                               uint64_t G)
{
	uint64_t R = c->rows, C = c->cols;
	uint64_t t = mps_cfg_pe_type(c) == MPS_PE_FP16 ? 0 : c->wq.scheme == MPQ_S_AMXFP4 ? 2 : 1;
	uint64_t B = 1 + t * (c->dq_interval - 1), sum = 0;

	if (c->dataflow == MPS_DF_OS) {
		/* PE(0,0)'s stream: the previous fold's last group end lies
		 * R + C - 1 steps before this fold's step 0 */
		int64_t pos = 0, last = -(int64_t)(R + C - 1);
		for (uint64_t g = 0; g * G < K; g++) {
			uint64_t len = K - g * G < G ? K - g * G : G;
			int64_t end = pos + (int64_t)len - 1;
			if (end - last < (int64_t)B) {
				pos += (int64_t)B - (end - last);
				end = pos + (int64_t)len - 1;
			}
			last = end;
			pos += (int64_t)len;
		}
		return ((M + R - 1) / R) * ((N + C - 1) / C) * ((uint64_t)pos + R + C - 2);
	}
	for (uint64_t k0 = 0; k0 < K; k0 += R) {
		uint64_t kb = K - k0 < R ? K : k0 + R;
		bool gend = kb == K || kb / G > k0 / G;
		/* a throttled fold's token 0 is 2R + C - 1 + lead steps after the
		 * previous fold's last token at the same PE / edge unit */
		uint64_t lead = B > 2 * R + C - 1 ? B - (2 * R + C - 1) : 0;
		sum += (gend && B > 1) ? 2 * R + C - 1 + lead + (M - 1) * B : 2 * R + C + M - 2;
	}
	return sum * ((N + C - 1) / C);
}

static void test_array_cycle_equals_fast(void)
{
	unsigned done = 0, tried = 0, os = 0, ws = 0, edge = 0, stalled = 0, slowed = 0, os_gapped = 0;

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
		/* dequant interval: half the cases 1, the others 2 .. 16 */
		c.dq_interval = (rnd(2) || cb->ws == MPQ_S_FP16) ? 1 : 2 + rnd(15);
		if (c.dq_interval > 1 && c.dataflow == MPS_DF_OS) /* around G: bubbles or not */
			c.dq_interval = 2 + rnd(c.group + c.group / 2 > 62 ? 62 : c.group + c.group / 2);
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
			CU_ASSERT_EQUAL(mps_run_timing(&c, M, K, N, &s1, &err), rc0);
		} else {
			if (rc0 != MPS_OK)
				fprintf(stderr, "\n  cycle: %s\n", err.msg);
			CU_ASSERT_EQUAL_FATAL(rc0, MPS_OK);
			CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &r1, y1, &s1, &err), MPS_OK);
			CU_ASSERT_EQUAL_FATAL(mpq_gemm_ref(&a, &w, &o, yr, &err), MPS_OK);
			bool same = memcmp(y0, y1, M * N * 4) == 0, ref = memcmp(y0, yr, M * N * 4) == 0;
			bool st = stats_equal(&s0, &s1);
			if (!same || !ref || !st)
				fprintf(stderr, "\n  case %u: %s x %s %ux%u %s dq %s/%u/%u M%zu K%zu N%zu G%u: "
				        "cycle==fast %d, ==ref %d, stats %d (cyc %llu/%llu)\n", tried,
				        mpq_scheme_name(cb->ws), mpq_scheme_name(cb->as), c.rows, c.cols,
				        mps_cfg_dataflow_name(c.dataflow), mps_cfg_dq_name(c.dq_place),
				        c.dq_latency, c.dq_interval, M, K, N, c.group, same, ref, st,
				        (unsigned long long)s0.cycles, (unsigned long long)s1.cycles);
			CU_ASSERT(same);
			CU_ASSERT(ref);
			CU_ASSERT(st);
			/* timing only (no operands): the same cycles, traffic and
			 * data-independent counters; the data-dependent ones are left 0
			 * and flagged absent */
			{
				mps_stats_t s2, s0d = s0;
				CU_ASSERT_EQUAL_FATAL(mps_run_timing(&c, M, K, N, &s2, &err), MPS_OK);
				CU_ASSERT(s2.timing_only && !s0.timing_only);
				CU_ASSERT(s2.ct.mac_nonzero == 0 && s2.ct.sa_terms == 0);
				s0d.ct.mac_nonzero = 0;
				s0d.ct.sa_terms = 0;
				CU_ASSERT(stats_equal(&s0d, &s2));
				CU_ASSERT(s2.ibuf_rd == s0.ibuf_rd && s2.wbuf_rd == s0.wbuf_rd &&
				          s2.obuf_rd == s0.obuf_rd && s2.ibuf_wr == s0.ibuf_wr);
			}
			/* closed forms (timing.md 2.3, 3.3; 2.4, 3.4 with an interval) */
			uint64_t R = c.rows, C = c.cols, F, L, cc = expect_compute(&c, M, K, N, c.group);
			if (c.dataflow == MPS_DF_OS) {
				F = ((M + R - 1) / R) * ((N + C - 1) / C);
				L = K + R + C - 2;
				CU_ASSERT_EQUAL(s0.cycles - s0.stall_cycles, cc + R + c.dq_latency);
				os++;
			} else {
				F = ((K + R - 1) / R) * ((N + C - 1) / C);
				L = 2 * R + C + M - 2;
				CU_ASSERT_EQUAL(s0.cycles - s0.stall_cycles, cc + c.dq_latency + 1);
				ws++;
				edge += c.dq_place == MPS_DQ_EDGE;
			}
			CU_ASSERT_EQUAL(s0.compute_cycles, cc);
			if (c.dq_interval == 1)
				CU_ASSERT_EQUAL(s0.compute_cycles, F * L);
			CU_ASSERT(s0.compute_cycles >= F * L);
			slowed += s0.compute_cycles > F * L;
			os_gapped += c.dataflow == MPS_DF_OS && K > 2 * (uint64_t)c.group &&
			             s0.compute_cycles > F * L;
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
	CU_ASSERT(os >= 10 && ws >= 10 && edge >= 3 && stalled >= 5 && slowed >= 5 &&
	          os_gapped >= 3);
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

/* One GEMM with [dequant] interval iv in both modes: compute_cycles and the
 * stall-free timeline must be the hand-derived values; outputs equal
 * mpq_gemm_ref and the interval-1 run (the interval moves time, not values);
 * cycles and statistics are identical in both modes. */
static void run_interval(mps_cfg_t c, unsigned iv, size_t M, size_t K, size_t N,
                         uint64_t want_compute, uint64_t want_timeline)
{
	mps_err_t err;
	mpq_qtensor_t a, w;
	mpq_qparams_t wq, aq;
	mpq_gemm_opts_t o;
	mps_stats_t s[3];
	float *y[3], *yr = calloc(M * N, 4);

	c.weight = MPQ_FP32;
	c.acc_width_set = false;
	mps_run_qparams(&c, K, &wq, &aq, &o);
	CU_ASSERT_EQUAL_FATAL(mps_run_make_operands(&c, M, K, N, 11, &a, &w, &err), MPS_OK);
	c.weight = w.elem;
	c.act = a.elem;
	for (int i = 0; i < 3; i++) {
		mps_run_opts_t ro = { i == 1 ? MPS_MODE_FAST : MPS_MODE_CYCLE, MPS_FAULT_NONE,
		                      NULL, NULL };
		c.dq_interval = i == 2 ? 1 : iv;
		CU_ASSERT_EQUAL_FATAL(mps_cfg_check(&c, &err), MPS_OK);
		y[i] = calloc(M * N, 4);
		if (mps_run_gemm(&c, &a, &w, &o, &ro, y[i], &s[i], &err) != MPS_OK)
			fprintf(stderr, "\n  %s\n", err.msg);
	}
	CU_ASSERT_EQUAL_FATAL(mpq_gemm_ref(&a, &w, &o, yr, &err), MPS_OK);
	CU_ASSERT_EQUAL(s[0].compute_cycles, want_compute);
	CU_ASSERT_EQUAL(s[0].cycles - s[0].stall_cycles, want_timeline);
	CU_ASSERT(stats_equal(&s[0], &s[1]));
	CU_ASSERT(memcmp(y[0], y[1], M * N * 4) == 0);
	CU_ASSERT(memcmp(y[0], yr, M * N * 4) == 0);
	CU_ASSERT(memcmp(y[0], y[2], M * N * 4) == 0);
	CU_ASSERT(memcmp(&s[0].ct, &s[2].ct, sizeof s[0].ct) == 0);
	for (int i = 0; i < 3; i++)
		free(y[i]);
	free(yr);
	mpq_qtensor_free(&a);
	mpq_qtensor_free(&w);
}

/* [dequant] interval N: a unit is busy B = 1 + t (N - 1) cycles per group
 * end (t = 2 AMXFP4 terms, else 1); timing.md 2.4 (os) and 3.4 (ws). */
static void test_array_dequant_interval(void)
{
	mps_cfg_t c;

	/* os, 2x2, int4 x int8_token, G = 8, K = 16 (two groups), M = 4, N = 2:
	 * F = 2 m-folds.  N = 12, t = 1 -> B = 12.  Group 0 (8 steps) would end
	 * 8 + (R + C - 2) = 10 steps after the previous fold's last group end:
	 * lead = 12 - 10 = 2 bubbles.  Group 1 (8 steps) needs 12 - 8 = 4 bubbles
	 * before it.  Stream S = 2 + 8 + 4 + 8 = 22, L = S + R + C - 2 = 24,
	 * compute = 2 x 24 = 48, tail R + Dq = 3, timeline 51.
	 * (Interval 1: L = 16 + 2 = 18, compute 36.) */
	mps_cfg_default(&c);
	c.rows = 2;
	c.cols = 2;
	c.group = 8;
	run_interval(c, 12, 4, 16, 2, 48, 51);
	/* the same with N = 8 = G: group 1 needs 0 bubbles, lead 8 - 10 < 0:
	 * nothing changes, L = 18, compute 36, timeline 39 */
	run_interval(c, 8, 4, 16, 2, 36, 39);

	/* os, 2x2, AMXFP4 x MXFP8 (e4m3), G = 8, K = 16, M = N = 2 (one fold).
	 * N = 5: t = 2 -> B = 1 + 2 x 4 = 9 > G: group 1 needs 9 - 8 = 1 bubble;
	 * lead = 9 - 8 - 2 < 0 -> 0.  S = 17, L = 19, tail 3, timeline 22.
	 * The same interval with MXFP4 weights (t = 1, B = 5 <= 8) costs nothing:
	 * L = 18, timeline 21. */
	mps_cfg_default(&c);
	c.rows = 2;
	c.cols = 2;
	c.kind = MPS_PEK_SHIFT_ADD;
	c.wq.scheme = MPQ_S_AMXFP4;
	c.aq.scheme = MPQ_S_MXFP8_E4M3;
	c.group = 8;
	run_interval(c, 5, 2, 16, 2, 19, 22);
	c.wq.scheme = MPQ_S_MXFP4;
	run_interval(c, 5, 2, 16, 2, 18, 21);

	/* ws edge, 2x2, int4 x int8_token, G = 4 (= 2 rows), K = 8 -> 4 k-folds,
	 * M = 3, N = 2 (one n-fold), latency Dq = 2, N = 3 -> B = 3.  k-folds 1
	 * and 3 end a group (k = 3, k = 7): their column edge unit dequantizes
	 * every token, so tokens go B = 3 steps apart; lead = max(0, 3 -
	 * (2R + C - 1 = 5)) = 0; L = 2R + C - 1 + (M - 1) B = 5 + 6 = 11.
	 * k-folds 0 and 2 only add partial sums: L = 2R + C + M - 2 = 7.
	 * compute = 7 + 11 + 7 + 11 = 36, tail Dq + 1 = 3, timeline 39
	 * (interval 1: 4 x 7 = 28). */
	mps_cfg_default(&c);
	c.rows = 2;
	c.cols = 2;
	c.dataflow = MPS_DF_WS;
	c.dq_place = MPS_DQ_EDGE;
	c.dq_latency = 2;
	c.group = 4;
	run_interval(c, 3, 3, 8, 2, 36, 39);

	/* ws, placement pe, 4x1, G = 2, K = 8 -> 2 k-folds, both hold group
	 * ends (rows 1 and 3), M = 2, N = 1, N = 2 -> B = 2: the PE at a group
	 * end dequantizes each token, tokens 2 apart; lead = max(0, 2 - 8) = 0;
	 * L = 2R + C - 1 + (M - 1) B = 8 + 2 = 10 (interval 1: 9); compute 20,
	 * tail Dq + 1 = 2, timeline 22. */
	mps_cfg_default(&c);
	c.rows = 4;
	c.cols = 1;
	c.dataflow = MPS_DF_WS;
	c.group = 2;
	run_interval(c, 2, 2, 8, 1, 20, 22);

	/* ws, 1x1, G = 1, K = 2, M = 2, N = 1, N = 9 -> B = 9: lead = 9 - (2 +
	 * 1 - 1) = 7 (the fold's first token must come 9 steps after the
	 * previous fold's last at the same PE); L = 2R + C - 1 + 7 + (M - 1) 9
	 * = 2 + 7 + 9 = 18 per k-fold, compute 36, timeline 38. */
	mps_cfg_default(&c);
	c.rows = 1;
	c.cols = 1;
	c.dataflow = MPS_DF_WS;
	c.group = 1;
	run_interval(c, 9, 2, 2, 1, 36, 38);
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

/* mpsim run's self-check (mps_run_check, --gemm / --workload): against
 * mpq_gemm_ref, sampled (about 64 of 40 x 36 outputs) and full, it passes
 * the correct PE and catches both deliberately wrong PEs (MPS_FAULT_SIGN,
 * MPS_FAULT_DROP_TERM) in both modes and dataflows. */
static void test_array_run_check_catches_fault(void)
{
	const size_t M = 40, K = 96, N = 36;
	mps_cfg_t c;
	mps_err_t err;
	mpq_qparams_t wq, aq;
	mpq_gemm_opts_t o;
	float *y = calloc(M * N, 4);

	mps_cfg_default(&c);
	c.rows = 8;
	c.cols = 8;
	c.group = 32;
	CU_ASSERT_EQUAL_FATAL(mps_cfg_check(&c, &err), MPS_OK);
	mps_run_qparams(&c, K, &wq, &aq, &o);
	for (int df = 0; df < 2; df++) {
		c.dataflow = df ? MPS_DF_WS : MPS_DF_OS;
		for (int f = 0; f < 3; f++) {
			for (int mode = 0; mode < 2; mode++) {
				mps_run_opts_t ro = { mode ? MPS_MODE_FAST : MPS_MODE_CYCLE,
				                      (mps_fault_t)f, NULL, NULL };
				mpq_qtensor_t a, w;
				mps_stats_t st;
				mps_check_t ck, full;
				CU_ASSERT_EQUAL_FATAL(mps_run_make_operands(&c, M, K, N, 5, &a, &w, &err),
				                      MPS_OK);
				CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &ro, y, &st, &err), MPS_OK);
				CU_ASSERT_EQUAL_FATAL(mps_run_check(&a, &w, &o, y, 64, 3, &ck, &err), MPS_OK);
				CU_ASSERT_EQUAL_FATAL(mps_run_check(&a, &w, &o, y, M * N, 3, &full, &err),
				                      MPS_OK);
				CU_ASSERT(ck.checked > 0 && ck.checked <= 64 && ck.checked < M * N);
				CU_ASSERT_EQUAL(ck.checked, (uint64_t)ck.rows * ck.cols);
				CU_ASSERT_EQUAL(ck.total, (uint64_t)M * N);
				CU_ASSERT_EQUAL(full.checked, (uint64_t)M * N);
				CU_ASSERT_EQUAL(ck.mismatches == 0, f == MPS_FAULT_NONE);
				CU_ASSERT_EQUAL(full.mismatches == 0, f == MPS_FAULT_NONE);
				if (full.mismatches) {
					/* first mismatch: the row-major first differing output */
					size_t i = full.first_m * N + full.first_n;
					CU_ASSERT(mps_f32_bits(y[i]) == mps_f32_bits(full.got));
					CU_ASSERT(mps_f32_bits(full.got) != mps_f32_bits(full.expected));
				}
				mpq_qtensor_free(&a);
				mpq_qtensor_free(&w);
			}
		}
	}
	/* a wrong output anywhere in the sampled block is found: flip one bit
	 * of an output in the last row and column (always sampled) */
	{
		mpq_qtensor_t a, w;
		mps_stats_t st;
		mps_check_t ck;
		mps_run_opts_t ro = { MPS_MODE_FAST, MPS_FAULT_NONE, NULL, NULL };
		CU_ASSERT_EQUAL_FATAL(mps_run_make_operands(&c, M, K, N, 9, &a, &w, &err), MPS_OK);
		CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &ro, y, &st, &err), MPS_OK);
		y[(M - 1) * N + (N - 1)] = mps_f32_from_bits(mps_f32_bits(y[(M - 1) * N + (N - 1)]) ^ 1u);
		CU_ASSERT_EQUAL(mps_run_check(&a, &w, &o, y, 16, 1, &ck, &err), MPS_OK);
		CU_ASSERT_EQUAL(ck.mismatches, 1);
		CU_ASSERT(ck.first_m == M - 1 && ck.first_n == N - 1);
		CU_ASSERT_EQUAL(mps_run_check(&a, &w, &o, y, 0, 1, &ck, &err), MPS_ERR_INVAL);
		mpq_qtensor_free(&a);
		mpq_qtensor_free(&w);
	}
	free(y);
}

static CU_TestInfo tests[] = {
	{ "test_array_cycle_equals_fast", test_array_cycle_equals_fast },
	{ "test_array_output_timing", test_array_output_timing },
	{ "test_array_wrong_pe_caught", test_array_wrong_pe_caught },
	{ "test_array_dequant_interval", test_array_dequant_interval },
	{ "test_array_run_check_catches_fault", test_array_run_check_catches_fault },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_array[] = {
	{ "array", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
