/* tests/unit/test_ctrl.c - tiling controller, buffers and DRAM channel
 * (sim/ctrl.c, buf.c, dram.c).
 *
 * Every expected schedule below was computed by hand from docs/timing.md
 * section 5 (the derivations are in the comments), never by the code under
 * test.  The properties at the end (monotonicity, fast closed forms) run over
 * many generated cases.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ctrl.h"

static mps_ctrl_hw_t hw_make(mps_dataflow_t df, unsigned r, unsigned c, uint64_t ibuf,
                             uint64_t wbuf, uint64_t obuf, uint64_t bw, uint64_t lat)
{
	mps_ctrl_hw_t h;
	memset(&h, 0, sizeof h);
	h.rows = r;
	h.cols = c;
	h.dataflow = df;
	h.dq_latency = 1;
	h.ibuf_bytes = ibuf;
	h.wbuf_bytes = wbuf;
	h.obuf_bytes = obuf;
	h.dram_bw = bw;
	h.dram_latency = lat;
	return h;
}

/* 8-bit codes, no scales: sizes are element counts. */
static mps_ctrl_shape_t shape8(uint64_t m, uint64_t k, uint64_t n, unsigned g)
{
	mps_ctrl_shape_t s;
	memset(&s, 0, sizeof s);
	s.m = m;
	s.k = k;
	s.n = n;
	s.group = g;
	s.a_bits = 8;
	s.w_bits = 8;
	s.out_bits = 32;
	s.partial_bits = 64;
	return s;
}

static void check_sched(const mps_ctrl_plan_t *p, const mps_ctrl_stall_t *want, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(p->nstalls, n);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(p->stalls[i].at, want[i].at);
		CU_ASSERT_EQUAL(p->stalls[i].n, want[i].n);
	}
}

/* os 4x4, M=4 K=8 N=8: 2 folds of L = 8+4+4-2 = 14, tail 4+1, timeline 33.
 * A (32 B) and W (2 x 32 B) resident; outputs 64 B per fold, ready after
 * cycles 13+5 = 18 and 27+5 = 32, both due at 33 (no fold f+2).  Each
 * request takes 1 cycle at 1000 B/cycle: A 0->1, W0 1->2, W1 2->3 (due 14),
 * O0 ready 18+2+1 = 21 -> 22, O1 ready 32+2+1 = 35 -> 36.  Stalls: 2 before
 * cycle 0 (A and W0 arrive at 2), 1 at the end (36 - (33 + 2)). */
static void test_ctrl_os_ample_bandwidth(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 4, 4, 1024, 1024, 1024, 1000, 0);
	mps_ctrl_shape_t s = shape8(4, 8, 8, 8);
	mps_ctrl_plan_t p;
	static const mps_ctrl_stall_t want[] = { { 0, 2 }, { 33, 1 } };

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.nfolds, 2);
	CU_ASSERT_EQUAL(p.fold_len, 14);
	CU_ASSERT_EQUAL(p.compute_cycles, 28);
	CU_ASSERT_EQUAL(p.tail, 5);
	CU_ASSERT_EQUAL(p.timeline, 33);
	check_sched(&p, want, 2);
	CU_ASSERT_EQUAL(p.stall_cycles, 3);
	CU_ASSERT_EQUAL(p.fill_stalls, 2);
	CU_ASSERT_EQUAL(p.drain_stalls, 1);
	CU_ASSERT_EQUAL(p.cycles, 36);
	CU_ASSERT(p.a_resident && p.w_resident);
	CU_ASSERT_EQUAL(p.dram_rd_a, 32);
	CU_ASSERT_EQUAL(p.dram_rd_w, 64);
	CU_ASSERT_EQUAL(p.dram_wr, 128);
	CU_ASSERT_EQUAL(p.dram_reqs, 5);
	CU_ASSERT_EQUAL(p.ibuf_rd, 64); /* A tile streamed by both folds */
	CU_ASSERT_EQUAL(p.dram_busy, 5);
	mps_ctrl_plan_free(&p);
}

/* Same case, latency 10: every request takes 11 cycles.  A 0->11, W0
 * 11->22, W1 22->33 (due 14 at real 14+22 = 36: in time); O0 ready
 * 18+22+1 = 41 -> 52; O1 ready 32+22+1 = 55 -> 66.  Stalls: 22 at 0, 11 at
 * the end (66 - 55); cycles = 66 = when the last write completes. */
static void test_ctrl_os_latency_only(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 4, 4, 1024, 1024, 1024, 1000, 10);
	mps_ctrl_shape_t s = shape8(4, 8, 8, 8);
	mps_ctrl_plan_t p;
	static const mps_ctrl_stall_t want[] = { { 0, 22 }, { 33, 11 } };

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	check_sched(&p, want, 2);
	CU_ASSERT_EQUAL(p.cycles, 66);
	CU_ASSERT_EQUAL(p.dram_busy, 55);
	mps_ctrl_plan_free(&p);
}

/* Scarce bandwidth (1 B/cycle), os 2x2, M=2 K=4 N=6: 3 folds of L = 6,
 * tail 3, timeline 21.  A 8 B resident.  W = 3 tiles of 8 B, 24 B > half
 * the 32 B WBUF: reloaded, double-buffered; W2 may load after W0's last
 * read (cycle 3).  Outputs 16 B, ready after 6f+8; O0 due at fold 2's first
 * output E_2 + 1 + Dq = 19, O1 and O2 at 21.
 *   A 0->8, W0 8->16, W1 16->24.  W2: settle cycle 0 (8, then 8 more:
 *   16 stalls), ready 3+16+1 = 20, start 24 -> 32.  O0: settle cycle 6
 *   (real 22 < 24: 2 stalls), ready 8+18+1 = 27, start 32 -> 48.  O1:
 *   settle 12 (real 30 < 32: 2), ready 35, start 48 -> 64.  O2: settle 19
 *   (real 39 < 48: 9), ready 50, start 64 -> 80.  End: real 21+29 = 50 <
 *   64 (14), then 64 < 80 (16): 30 stalls at 21.  cycles = 80. */
static void test_ctrl_os_scarce_bandwidth(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 2, 2, 1024, 32, 1024, 1, 0);
	mps_ctrl_shape_t s = shape8(2, 4, 6, 4);
	mps_ctrl_plan_t p;
	static const mps_ctrl_stall_t want[] = { { 0, 16 }, { 6, 2 }, { 12, 2 }, { 19, 9 }, { 21, 30 } };

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.timeline, 21);
	CU_ASSERT(p.a_resident);
	CU_ASSERT(!p.w_resident);
	check_sched(&p, want, 5);
	CU_ASSERT_EQUAL(p.stall_cycles, 59);
	CU_ASSERT_EQUAL(p.cycles, 80);
	CU_ASSERT_EQUAL(p.dram_rd_a, 8);
	CU_ASSERT_EQUAL(p.dram_rd_w, 24);
	CU_ASSERT_EQUAL(p.dram_wr, 48);
	CU_ASSERT_EQUAL(p.dram_reqs, 7);
	CU_ASSERT_EQUAL(p.ibuf_rd, 24);
	CU_ASSERT_EQUAL(p.wbuf_rd, 24);
	CU_ASSERT_EQUAL(p.obuf_wr, 48);
	CU_ASSERT_EQUAL(p.obuf_rd, 48);
	mps_ctrl_plan_free(&p);
}

/* K-chunking: os 2x2, M=N=2, K=16, G=4, IBUF 16 B (half 8 B): the 32 B A
 * tile splits into 4 chunks of 4 K-steps (2 rows x 4 B), first used at
 * 0, 4, 8, 12; chunk 2 waits for chunk 0's last read (3), chunk 3 for
 * chunk 1's (7).  One fold, L = 18, tail 3, timeline 21.  W 32 B resident.
 *   A0 0->8, W 8->40, A1 40->48.  A2: settle 0 (8 + 32 = 40 stalls), ready
 *   44, start 48 -> 56.  A3: settle 4 (44 < 48: 4), ready 52, 56 -> 64.
 *   O (16 B): settle 8 (52 < 56: 4), 12 (60 < 64: 4); ready 20+52+1 = 73,
 *   -> 89; end: 16 stalls at 21.  cycles 89. */
static void test_ctrl_os_k_chunks(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 2, 2, 16, 1024, 1024, 1, 0);
	mps_ctrl_shape_t s = shape8(2, 16, 2, 4);
	mps_ctrl_plan_t p;
	static const mps_ctrl_stall_t want[] = { { 0, 40 }, { 4, 4 }, { 8, 4 }, { 12, 4 }, { 21, 16 } };

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.a_chunk, 4);
	CU_ASSERT(!p.a_resident);
	check_sched(&p, want, 5);
	CU_ASSERT_EQUAL(p.cycles, 89);
	CU_ASSERT_EQUAL(p.dram_reqs, 6);
	mps_ctrl_plan_free(&p);
}

/* ws 2x2, M=3 K=4 N=2: 2 k-folds of L = 4+2+3-2 = 7, tail Dq+1 = 2,
 * timeline 16.  W tiles 4 B (due 0, 7), A tiles 3 tokens x 2 B (due at
 * T+R: 2, 9), all resident; the 24 B of outputs are ready after
 * T_1 + L + Dq = 15, due 16.  1 cycle each: W0 0->1, A0 1->2, W1, A1; O:
 * settle 0 (1 stall), ready 15+1+1 = 17 -> 18: 1 stall at 16. */
static void test_ctrl_ws_small(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_WS, 2, 2, 1024, 1024, 1024, 1000, 0);
	mps_ctrl_shape_t s = shape8(3, 4, 2, 2);
	mps_ctrl_plan_t p;
	static const mps_ctrl_stall_t want[] = { { 0, 1 }, { 16, 1 } };

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.fk, 2);
	CU_ASSERT_EQUAL(p.fold_len, 7);
	CU_ASSERT_EQUAL(p.timeline, 16);
	check_sched(&p, want, 2);
	CU_ASSERT_EQUAL(p.cycles, 18);
	CU_ASSERT_EQUAL(p.wbuf_rd, 8);
	CU_ASSERT_EQUAL(p.ibuf_rd, 12);
	CU_ASSERT_EQUAL(p.obuf_wr, 48 + 24); /* k-fold 0 partials (8 B), final outputs (4 B) */
	CU_ASSERT_EQUAL(p.obuf_rd, 48 + 24); /* k-fold 1 reads partials; write-back */
	CU_ASSERT_EQUAL(p.dram_wr, 24);
	mps_ctrl_plan_free(&p);
}

/* Traffic = operand sizes x reuse, with 4-bit codes, scales, zeros and post
 * scales.  os 4x4, M=8 K=64 N=8, G=16, A blocks 32 with 8-bit scales, W
 * blocks 32 with 16-bit scales, 4-bit zeros, 32-bit post scale per channel.
 * A tile: 4 x (64*4 + 2*8) bits = 136 B > half IBUF (128 B).  At most 3
 * groups fit (4 x (192 + 16) = 104 B), so 2 chunks, balanced to 2 groups
 * each (4 x (128 + 8) = 68 B): 136 B per fold, reloaded for each of the 4
 * folds = 544 B.
 * W tile: 4 x (256 + 2*20 + 32) bits = 164 B, fits half the 400 B WBUF,
 * W = 328 B does not: reloaded per m-fold = 656 B.  Outputs 4 x 64 B. */
static void test_ctrl_traffic_reuse(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 4, 4, 256, 400, 1024, 16, 5);
	mps_ctrl_shape_t s;
	mps_ctrl_plan_t p;

	memset(&s, 0, sizeof s);
	s.m = 8, s.k = 64, s.n = 8, s.group = 16;
	s.a_bits = 4, s.a_block = 32, s.a_scale_bits = 8;
	s.w_bits = 4, s.w_block = 32, s.w_scale_bits = 16, s.w_zero_bits = 4, s.w_post_bits = 32;
	s.out_bits = 32, s.partial_bits = 64;
	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.a_chunk, 32);
	CU_ASSERT_EQUAL(p.w_chunk, 64);
	CU_ASSERT(!p.a_resident);
	CU_ASSERT(!p.w_resident);
	CU_ASSERT_EQUAL(p.dram_rd_a, 544);
	CU_ASSERT_EQUAL(p.ibuf_rd, 544);
	CU_ASSERT_EQUAL(p.dram_rd_w, 656);
	CU_ASSERT_EQUAL(p.wbuf_rd, 656);
	CU_ASSERT_EQUAL(p.dram_wr, 256);
	CU_ASSERT_EQUAL(p.dram_reqs, 8 + 4 + 4);
	CU_ASSERT_EQUAL(p.cycles, p.timeline + p.stall_cycles);
	mps_ctrl_plan_free(&p);
}

/* ws A split along M: M=10 tokens of 2 B, IBUF 8 B (half 4 B = 2 tokens):
 * 5 chunks per fold, every fold (no residency), 2 k-folds x 2 n-folds. */
static void test_ctrl_ws_m_chunks(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_WS, 2, 2, 8, 1024, 1024, 4, 3);
	mps_ctrl_shape_t s = shape8(10, 4, 4, 2);
	mps_ctrl_plan_t p;

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.nfolds, 4);
	CU_ASSERT_EQUAL(p.a_chunk, 2);
	CU_ASSERT_EQUAL(p.dram_rd_a, 4 * 20);
	CU_ASSERT_EQUAL(p.dram_rd_w, 4 * 4);
	CU_ASSERT_EQUAL(p.dram_reqs, 4 * 5 + 4 + 2);
	mps_ctrl_plan_free(&p);
}

static void test_ctrl_errors(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 4, 4, 4, 1024, 1024, 1, 0);
	mps_ctrl_shape_t s = shape8(4, 64, 4, 16);
	mps_ctrl_plan_t p;
	mps_err_t e;

	/* half IBUF = 2 B < one group (4 rows x 16 B) */
	CU_ASSERT_EQUAL(mps_ctrl_plan_hw(&h, &s, &p, &e), MPS_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "IBUF"));
	CU_ASSERT_PTR_NULL(p.stalls);
	h = hw_make(MPS_DF_OS, 4, 4, 1024, 1024, 64, 1, 0); /* 64 B outputs > 32 B */
	CU_ASSERT_EQUAL(mps_ctrl_plan_hw(&h, &s, &p, &e), MPS_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "OBUF"));
	h = hw_make(MPS_DF_WS, 4, 4, 1024, 1024, 1024, 1, 0);
	s = shape8(1000, 64, 4, 16); /* partials 1000 x 4 x 8 B > 512 B */
	CU_ASSERT_EQUAL(mps_ctrl_plan_hw(&h, &s, &p, &e), MPS_ERR_RANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "partial"));
	s.m = 0;
	CU_ASSERT_EQUAL(mps_ctrl_plan_hw(&h, &s, &p, &e), MPS_ERR_INVAL);
}

/* Closed forms against timing.md 2 and 3 (and peers.md 1.4's figures:
 * 32x32 os 256x256x128 -> 32 folds x 318; ws -> 32 x 350). */
static void test_ctrl_closed_forms(void)
{
	CU_ASSERT_EQUAL(mps_ctrl_fold_cycles(MPS_DF_OS, 32, 32, 256, 256), 318);
	CU_ASSERT_EQUAL(mps_ctrl_nfolds(MPS_DF_OS, 32, 32, 256, 256, 128), 32);
	CU_ASSERT_EQUAL(mps_ctrl_fold_cycles(MPS_DF_WS, 32, 32, 256, 256), 350);
	CU_ASSERT_EQUAL(mps_ctrl_nfolds(MPS_DF_WS, 32, 32, 256, 256, 128), 32);
	CU_ASSERT_EQUAL(mps_ctrl_tail(MPS_DF_OS, 32, 2), 34);
	CU_ASSERT_EQUAL(mps_ctrl_tail(MPS_DF_WS, 32, 2), 3);
}

/* Fold order: os m outer / n inner, ws n outer / k inner; partial folds. */
static void test_ctrl_fold_order(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 4, 4, 1 << 20, 1 << 20, 1 << 20, 64, 0);
	mps_ctrl_shape_t s = shape8(6, 8, 10, 8);
	mps_ctrl_plan_t p;
	mps_ctrl_fold_t f;

	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.nfolds, 6);
	mps_ctrl_fold(&p, 1, &f);
	CU_ASSERT(f.m0 == 0 && f.n0 == 4 && f.n_len == 4 && f.start == 14);
	mps_ctrl_fold(&p, 5, &f);
	CU_ASSERT(f.m0 == 4 && f.m_len == 2 && f.n0 == 8 && f.n_len == 2 && f.k_len == 8);
	mps_ctrl_plan_free(&p);
	h.dataflow = MPS_DF_WS;
	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.nfolds, 6); /* 2 k-folds x 3 n-folds */
	mps_ctrl_fold(&p, 1, &f);
	CU_ASSERT(f.n0 == 0 && f.k0 == 4 && f.m_len == 6);
	mps_ctrl_fold(&p, 2, &f);
	CU_ASSERT(f.n0 == 4 && f.k0 == 0 && f.start == 2 * p.fold_len);
	mps_ctrl_plan_free(&p);
}

/* [dequant] interval (docs/timing.md 2.4, 3.4), B = busy cycles per group
 * end; expected values derived by hand from the rules. */
static void test_ctrl_dq_interval(void)
{
	mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 2, 2, 1 << 20, 1 << 20, 1 << 20, 1000000, 100);
	mps_ctrl_shape_t s = shape8(2, 24, 2, 8);
	mps_ctrl_plan_t p;
	mps_ctrl_fold_t f;

	/* os 2x2, K = 24 = 3 groups of 8, B = 12: lead = 12 - 8 - 2 = 2, 4
	 * bubbles before group 1 (gap) and group 2 (gap_last): k = 0 -> step 2,
	 * 7 -> 9, 8 -> 14, 16 -> 26, 23 -> 33; S = 34, L = 36. */
	h.dq_busy = 12;
	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT(p.os_lead == 2 && p.os_gap == 4 && p.os_gap_last == 4);
	CU_ASSERT_EQUAL(mps_ctrl_os_pos(&p, 0), 2);
	CU_ASSERT_EQUAL(mps_ctrl_os_pos(&p, 7), 9);
	CU_ASSERT_EQUAL(mps_ctrl_os_pos(&p, 8), 14);
	CU_ASSERT_EQUAL(mps_ctrl_os_pos(&p, 16), 26);
	CU_ASSERT_EQUAL(mps_ctrl_os_pos(&p, 23), 33);
	CU_ASSERT_EQUAL(p.fold_len, 36);
	CU_ASSERT_EQUAL(p.compute_cycles, 36);
	/* the data is first needed at step pos(0) = 2, not 0: A (48 B) is done
	 * at 100 + 1 = 101 and W (48 B) at 202 (one channel, FIFO); settled at
	 * cycle 2: 101 - 2 = 99, then 202 - 101 = 101 more: (2, 200), nothing
	 * at 0 (5.5) */
	CU_ASSERT_FATAL(p.nstalls >= 1);
	CU_ASSERT_EQUAL(p.stalls[0].at, 2);
	CU_ASSERT_EQUAL(p.stalls[0].n, 200);
	CU_ASSERT_EQUAL(p.fill_stalls, 0);
	mps_ctrl_plan_free(&p);
	/* interval 1 (B = 1 or 0): the same stalls at cycle 0, L = 24 + 2 */
	h.dq_busy = 1;
	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT(p.os_lead == 0 && p.os_gap == 0 && p.os_gap_last == 0);
	CU_ASSERT_EQUAL(p.fold_len, 26);
	CU_ASSERT(p.stalls[0].at == 0 && p.stalls[0].n == 202);
	mps_ctrl_plan_free(&p);

	/* ws 2x2, K = 8 (4 k-folds), G = 4, M = 3, B = 3: k-folds 1 and 3 hold
	 * a group end (k = 3, 7): tokens 3 apart, lead max(0, 3 - 5) = 0,
	 * L = 5 + 2 x 3 = 11; k-folds 0 and 2: L = 4 + 2 + 3 - 2 = 7.  Starts
	 * 0, 7, 18, 25; compute 36. */
	h = hw_make(MPS_DF_WS, 2, 2, 1 << 20, 1 << 20, 1 << 20, 64, 0);
	h.dq_busy = 3;
	s = shape8(3, 8, 2, 4);
	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	CU_ASSERT_EQUAL(p.compute_cycles, 36);
	CU_ASSERT_EQUAL(p.fold_len, 11);
	{
		static const uint64_t start[] = { 0, 7, 18, 25 }, len[] = { 7, 11, 7, 11 };
		for (unsigned i = 0; i < 4; i++) {
			mps_ctrl_fold(&p, i, &f);
			CU_ASSERT_EQUAL(f.start, start[i]);
			CU_ASSERT_EQUAL(f.len, len[i]);
			CU_ASSERT_EQUAL(f.stride, i % 2 ? 3 : 1);
			CU_ASSERT_EQUAL(f.lead, 0);
		}
	}
	mps_ctrl_plan_free(&p);
	/* ws 1x1, G = 1, K = 2, M = 2, B = 9: lead = 9 - (2 + 1 - 1) = 7,
	 * L = 2 + 7 + 9 = 18, starts 0, 18 */
	h = hw_make(MPS_DF_WS, 1, 1, 1 << 20, 1 << 20, 1 << 20, 64, 0);
	h.dq_busy = 9;
	s = shape8(2, 2, 1, 1);
	CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
	mps_ctrl_fold(&p, 1, &f);
	CU_ASSERT(f.start == 18 && f.len == 18 && f.lead == 7 && f.stride == 9);
	CU_ASSERT_EQUAL(p.compute_cycles, 36);
	mps_ctrl_plan_free(&p);
}

/* Less bandwidth or more latency never gives fewer stalls; the schedule is
 * sorted, merged, and sums to stall_cycles; cycles is the last write's end. */
static void test_ctrl_monotone(void)
{
	static const uint64_t bws[] = { 256, 64, 16, 7, 2, 1 };
	unsigned seed = 12345;
	int bad = 0;

	for (int c = 0; c < 60; c++) {
		uint64_t prev = 0;
		mps_ctrl_shape_t s;
		unsigned r, cl;
		mps_dataflow_t df;

		seed = seed * 1103515245u + 12345u;
		r = 1 + (seed >> 16) % 8;
		seed = seed * 1103515245u + 12345u;
		cl = 1 + (seed >> 16) % 8;
		df = (seed >> 8) & 1 ? MPS_DF_WS : MPS_DF_OS;
		seed = seed * 1103515245u + 12345u;
		s = shape8(1 + (seed >> 16) % 20, 4 * (1 + (seed >> 8) % 12), 1 + (seed >> 4) % 20, 4);
		for (size_t b = 0; b < sizeof bws / sizeof bws[0]; b++) {
			for (uint64_t lat = 0; lat <= 40; lat += 20) {
				mps_ctrl_hw_t h = hw_make(df, r, cl, 96, 160, 4096, bws[b], lat);
				mps_ctrl_plan_t p;
				uint64_t sum = 0;
				if (mps_ctrl_plan_hw(&h, &s, &p, NULL) != MPS_OK) {
					bad++;
					continue;
				}
				for (size_t i = 0; i < p.nstalls; i++) {
					sum += p.stalls[i].n;
					if (p.stalls[i].n == 0 || (i > 0 && p.stalls[i].at <= p.stalls[i - 1].at) ||
					    p.stalls[i].at > p.timeline)
						bad++;
				}
				if (sum != p.stall_cycles || p.cycles != p.timeline + sum)
					bad++;
				if (lat == 0 && p.stall_cycles < prev)
					bad++;
				if (lat == 0)
					prev = p.stall_cycles;
				if (p.drain_stalls == 0) /* the last write always extends the run */
					bad++;
				mps_ctrl_plan_free(&p);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_ctrl_latency_monotone(void)
{
	mps_ctrl_shape_t s = shape8(13, 40, 11, 4);
	uint64_t prev = 0;

	for (uint64_t lat = 0; lat < 200; lat += 7) {
		mps_ctrl_hw_t h = hw_make(MPS_DF_OS, 4, 3, 64, 64, 1024, 3, lat);
		mps_ctrl_plan_t p;
		CU_ASSERT_EQUAL_FATAL(mps_ctrl_plan_hw(&h, &s, &p, NULL), MPS_OK);
		CU_ASSERT(p.stall_cycles >= prev);
		prev = p.stall_cycles;
		CU_ASSERT_EQUAL(mps_ctrl_stalls_upto(&p, p.timeline), p.stall_cycles);
		CU_ASSERT_EQUAL(mps_ctrl_stalls_upto(&p, 0), p.fill_stalls);
		mps_ctrl_plan_free(&p);
	}
}

static CU_TestInfo tests[] = {
	{ "test_ctrl_os_ample_bandwidth", test_ctrl_os_ample_bandwidth },
	{ "test_ctrl_os_latency_only", test_ctrl_os_latency_only },
	{ "test_ctrl_os_scarce_bandwidth", test_ctrl_os_scarce_bandwidth },
	{ "test_ctrl_os_k_chunks", test_ctrl_os_k_chunks },
	{ "test_ctrl_ws_small", test_ctrl_ws_small },
	{ "test_ctrl_traffic_reuse", test_ctrl_traffic_reuse },
	{ "test_ctrl_ws_m_chunks", test_ctrl_ws_m_chunks },
	{ "test_ctrl_errors", test_ctrl_errors },
	{ "test_ctrl_closed_forms", test_ctrl_closed_forms },
	{ "test_ctrl_fold_order", test_ctrl_fold_order },
	{ "test_ctrl_dq_interval", test_ctrl_dq_interval },
	{ "test_ctrl_monotone", test_ctrl_monotone },
	{ "test_ctrl_latency_monotone", test_ctrl_latency_monotone },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_ctrl[] = {
	{ "ctrl", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
