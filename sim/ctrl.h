/* sim/ctrl.h - tiling controller and memory model: fold order, double-buffered
 * IBUF/WBUF/OBUF, one DRAM channel, and the stall schedule both simulator
 * modes (and `mpsim verify`) replay.  docs/timing.md section 5 is the
 * specification; the code in ctrl.c (loop order, closed forms), buf.c (load
 * units and buffer halves) and dram.c (the channel and stall placement)
 * follows it rule by rule.
 *
 * Everything here is a pure function of (hardware, GEMM shape, operand sizes):
 * no values are needed, so a plan can be made before simulating.
 */
#ifndef MPS_SIM_CTRL_H
#define MPS_SIM_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "mpq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The hardware the plan depends on, in bytes and cycles (timing.md 5.1).
 * mps_ctrl_hw_from_cfg fills it from a config; tests fill it directly to
 * use buffers smaller than 1 KiB. */
typedef struct {
	unsigned rows;            /* R, PE rows */
	unsigned cols;            /* C, PE columns */
	mps_dataflow_t dataflow;  /* os | ws */
	unsigned dq_latency;      /* Dq, cycles (>= 1), timing.md 2.3 / 3.2 */
	unsigned dq_busy;         /* B, cycles a dequant unit is busy per group end
	                           * (timing.md 2.4, 3.4; mps_cfg_dq_busy); 0 or 1 = one
	                           * group end per cycle, no bubbles */
	uint64_t ibuf_bytes;      /* whole IBUF, bytes (two halves) */
	uint64_t wbuf_bytes;      /* whole WBUF, bytes (two halves) */
	uint64_t obuf_bytes;      /* whole OBUF, bytes (two halves) */
	uint64_t dram_bw;         /* DRAM channel, bytes per cycle, >= 1 */
	uint64_t dram_latency;    /* cycles from a request's start to its first byte */
} mps_ctrl_hw_t;

/* GEMM shape and operand storage sizes (timing.md 5.2).  A is M x K
 * (activations, scale blocks along K), W is K x N (weights, stored per output
 * channel n with blocks along K), Y is M x N.  Sizes are in bits so that
 * packed 4-bit codes (0.5 B) are exact; a load unit's size is rounded up to
 * whole bytes. */
typedef struct {
	uint64_t m, k, n;         /* GEMM dimensions, each >= 1 */
	unsigned group;           /* G, dequant group along K, elements (>= 1):
	                           * K-chunks are multiples of G */
	unsigned a_bits;          /* bits per activation code (4 = packed nibble) */
	unsigned a_block;         /* activation scale block along K, elements; 0 = whole K */
	unsigned a_scale_bits;    /* bits of scale per (token, block); 0 = none */
	unsigned a_post_bits;     /* bits of post scale per token m; 0 = none */
	unsigned w_bits;          /* bits per weight code */
	unsigned w_block;         /* weight scale block along K, elements; 0 = whole K */
	unsigned w_scale_bits;    /* bits of scale(s) per (block, n) (amxfp4: 2 scales) */
	unsigned w_zero_bits;     /* bits of zero point per (block, n); 0 = none */
	unsigned w_post_bits;     /* bits of post scale per output channel n; 0 = none */
	unsigned out_bits;        /* bits per output written back (FP32: 32) */
	unsigned partial_bits;    /* ws: bits per partial result (p, acc) held in the OBUF (64) */
} mps_ctrl_shape_t;

/* One entry of the stall schedule: insert n stall cycles (en = 0) before
 * compute-timeline cycle at.  at counts compute and tail cycles only,
 * from 0; at == timeline (one past the last tail cycle) means n stall
 * cycles at the end of the run, waiting for the last write-back. */
typedef struct {
	uint64_t at; /* compute-timeline cycle, 0-based */
	uint64_t n;  /* stall cycles inserted before it, >= 1 */
} mps_ctrl_stall_t;

/* One fold (timing.md 2, 3): the tile of the GEMM mapped onto the array. */
typedef struct {
	uint64_t m0, m_len;  /* tokens m0 .. m0+m_len-1 (ws: all M) */
	uint64_t n0, n_len;  /* output channels n0 .. n0+n_len-1 */
	uint64_t k0, k_len;  /* reduction k0 .. k0+k_len-1 (os: all K) */
	uint64_t start;      /* T_f, compute-timeline cycle of its first step */
	uint64_t len;        /* L_f, cycles (= stream steps) of the fold */
	/* bubbles (valid = 0 steps) for the dequant interval, timing.md 2.4, 3.4;
	 * all 0 (and stride 1) with interval 1 */
	uint64_t lead;       /* os: bubbles before k = 0; ws: before token 0 */
	uint64_t gap;        /* os: bubbles before each group g = 1 .. ngroups-2 */
	uint64_t gap_last;   /* os: bubbles before the last group (ngroups >= 2) */
	uint64_t stride;     /* ws: steps from one token to the next (>= 1) */
} mps_ctrl_fold_t;

/* The plan: stall schedule, cycle totals and traffic. */
typedef struct {
	mps_ctrl_hw_t hw;            /* copy of the hardware */
	mps_ctrl_shape_t shape;      /* copy of the shape */

	/* fold loop (os: for mf, for nf; ws: for nf, for kf) */
	uint64_t fm, fn, fk;         /* fold counts along M, N, K (os: fk = 1; ws: fm = 1) */
	uint64_t nfolds;             /* fm * fn * fk */
	uint64_t fold_len;           /* cycles per fold, L_os or L_ws; with a dequant
	                              * interval > 1 the longest fold (ws folds then
	                              * differ: mps_ctrl_fold gives each one's len) */
	uint64_t compute_cycles;     /* sum of the fold lengths (= SCALE-Sim + 1 at
	                              * interval 1, where it is nfolds * fold_len) */
	/* dequant-interval bubbles (timing.md 2.4, 3.4) */
	uint64_t os_lead, os_gap, os_gap_last; /* os: see mps_ctrl_fold_t */
	uint64_t ws_lead;            /* ws: bubbles before token 0 of a throttled fold */
	uint64_t ws_stride;          /* ws: token stride of a throttled fold (B) */
	uint64_t *ws_kstart;         /* ws, interval > 1 only: start of k-fold kf within
	                              * its n-fold, kf = 0 .. fk (fk + 1 entries; owned);
	                              * NULL when every fold has length fold_len */
	uint64_t tail;               /* os: R + Dq; ws: Dq + 1 */
	uint64_t timeline;           /* compute_cycles + tail */

	/* stall schedule, sorted by at, one entry per distinct at */
	mps_ctrl_stall_t *stalls;    /* owned; free with mps_ctrl_plan_free */
	size_t nstalls;              /* entries */
	uint64_t stall_cycles;       /* sum of n over the schedule */
	uint64_t fill_stalls;        /* part of stall_cycles at cycle 0 (initial load) */
	uint64_t drain_stalls;       /* part at the end (at == timeline, last write-back) */
	uint64_t cycles;             /* timeline + stall_cycles */

	/* buffer decisions (timing.md 5.3) */
	bool a_resident;             /* A fits in half the IBUF: each A tile loaded once */
	bool w_resident;             /* W fits in half the WBUF: each W tile loaded once */
	uint64_t a_chunk;            /* os: K-elements per A chunk; ws: tokens per A chunk
	                              * (== K or M when tiles are not split) */
	uint64_t w_chunk;            /* os: K-elements per W chunk (== K when not split); ws: R */

	/* traffic, bytes */
	uint64_t ibuf_rd, ibuf_wr;   /* IBUF: read by the array, written by DRAM fills */
	uint64_t wbuf_rd, wbuf_wr;   /* WBUF: same */
	uint64_t obuf_rd, obuf_wr;   /* OBUF: ws partial read-back + write-back reads;
	                              * array writes (outputs, ws partials) */
	uint64_t dram_rd_a;          /* DRAM bytes read for A (= ibuf_wr) */
	uint64_t dram_rd_w;          /* DRAM bytes read for W (= wbuf_wr) */
	uint64_t dram_rd;            /* dram_rd_a + dram_rd_w */
	uint64_t dram_wr;            /* DRAM bytes written (outputs, FP32) */
	uint64_t dram_reqs;          /* DRAM requests (one per load unit / write-back) */
	uint64_t dram_busy;          /* cycles the channel was busy (latency + transfer) */
} mps_ctrl_plan_t;

/* ---- closed forms (timing.md 2, 3; used by fast mode) ------------------ */

/* Cycles per fold: os K + R + C - 2; ws 2R + C + M - 2. */
uint64_t mps_ctrl_fold_cycles(mps_dataflow_t df, unsigned rows, unsigned cols,
                              uint64_t m, uint64_t k);

/* Number of folds: os ceil(M/R) ceil(N/C); ws ceil(K/R) ceil(N/C). */
uint64_t mps_ctrl_nfolds(mps_dataflow_t df, unsigned rows, unsigned cols,
                         uint64_t m, uint64_t k, uint64_t n);

/* Tail after the last fold, cycles: os R + Dq; ws Dq + 1. */
uint64_t mps_ctrl_tail(mps_dataflow_t df, unsigned rows, unsigned dq_latency);

/* ---- plan -------------------------------------------------------------- */

/* Fill *hw from a checked config (buffer KiB -> bytes). */
void mps_ctrl_hw_from_cfg(const mps_cfg_t *cfg, mps_ctrl_hw_t *hw);

/* Fill the storage sizes of *s from the two quantized operands (a: M x K
 * rows = tokens, w: N x K rows = output channels, both with blocks along K),
 * and set m, k, n and group (G; 0 picks the smaller of the two block sizes).
 * out_bits = 32, partial_bits = 64. */
void mps_ctrl_shape_from_qt(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                            unsigned group, mps_ctrl_shape_t *s);

/* Plan a GEMM on the hardware hw (timing.md 5).  On success *out owns the
 * stall schedule; release it with mps_ctrl_plan_free.
 * Errors: MPS_ERR_INVAL (zero dimension, group, bandwidth or Dq),
 * MPS_ERR_RANGE (a buffer half cannot hold the smallest unit: one group of
 * an A/W tile, one token, a WS weight tile, an OS fold's outputs or a WS
 * n-fold's partial results; the message names the buffer and both sizes),
 * MPS_ERR_NOMEM.  On error *out is zeroed. */
int mps_ctrl_plan_hw(const mps_ctrl_hw_t *hw, const mps_ctrl_shape_t *shape,
                     mps_ctrl_plan_t *out, mps_err_t *err);

/* Same, with the hardware taken from a checked config. */
int mps_ctrl_plan(const mps_cfg_t *cfg, const mps_ctrl_shape_t *shape,
                  mps_ctrl_plan_t *out, mps_err_t *err);

/* Release the schedule and zero *p.  NULL-safe. */
void mps_ctrl_plan_free(mps_ctrl_plan_t *p);

/* Fold number i (0 .. nfolds-1) in execution order. */
void mps_ctrl_fold(const mps_ctrl_plan_t *p, uint64_t i, mps_ctrl_fold_t *f);

/* T_f of fold i (compute-timeline cycle of its first step). */
uint64_t mps_ctrl_fold_start(const mps_ctrl_plan_t *p, uint64_t i);

/* os: stream step (from T_f) at which k enters the array (timing.md 2.4);
 * = k at interval 1. */
uint64_t mps_ctrl_os_pos(const mps_ctrl_plan_t *p, uint64_t k);

/* Stall cycles inserted before compute-timeline cycles 0 .. t-1 plus those
 * before t itself (binary search of the schedule). */
uint64_t mps_ctrl_stalls_upto(const mps_ctrl_plan_t *p, uint64_t t);

/* ---- internal units (buf.c, dram.c); exposed for tests ------------------ */

/* A DRAM request (timing.md 5.4).  A read fills a buffer half; a write
 * drains an OBUF half. */
typedef struct {
	int64_t ready_after;  /* may start once compute-timeline cycle ready_after
	                       * has executed; -1 = at time 0 */
	uint64_t deadline;    /* must complete before this compute-timeline cycle runs */
	uint64_t bytes;       /* bytes moved */
	uint64_t seq;         /* creation order, last tie-break */
} mps_dram_req_t;

/* A growable request list. */
typedef struct {
	mps_dram_req_t *v;
	size_t n, cap;
} mps_dram_list_t;

/* Append one request; MPS_ERR_NOMEM on failure. */
int mps_dram_push(mps_dram_list_t *l, int64_t ready_after, uint64_t deadline,
                  uint64_t bytes);
void mps_dram_list_free(mps_dram_list_t *l);

/* Serve the requests on one channel (timing.md 5.4, 5.5) and write the stall
 * schedule into p->stalls / nstalls / stall_cycles / fill_stalls /
 * drain_stalls / dram_busy.  Reorders l->v.  Errors: MPS_ERR_NOMEM. */
int mps_dram_serve(mps_dram_list_t *l, uint64_t bw, uint64_t latency,
                   mps_ctrl_plan_t *p, mps_err_t *err);

/* Generate the load and write-back requests of a plan whose fold geometry
 * (fm, fn, fk, fold_len, timeline) is set, and fill the buffer decisions and
 * traffic counters (timing.md 5.2, 5.3).  Errors: MPS_ERR_RANGE, MPS_ERR_NOMEM. */
int mps_buf_requests(mps_ctrl_plan_t *p, mps_dram_list_t *l, mps_err_t *err);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_CTRL_H */
