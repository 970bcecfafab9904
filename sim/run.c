/* sim/run.c - one GEMM on one config: plan (sim/ctrl.c), then either the
 * cycle model (sim/array.c, stepped every cycle with the plan's stall
 * cycles as en = 0 cycles) or the fast model (sim/fast.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "dequant.h"
#include "run.h"
#include "workloads.h"

static bool is_group_scheme(mpq_scheme_t s)
{
	return s == MPQ_S_INT4 || s == MPQ_S_INT8 || s == MPQ_S_ZQFP_M1 ||
	       s == MPQ_S_ZQFP_M2;
}

void mps_run_qparams(const mps_cfg_t *cfg, size_t K, mpq_qparams_t *wq,
                     mpq_qparams_t *aq, mpq_gemm_opts_t *o)
{
	*wq = cfg->wq;
	*aq = cfg->aq;
	if (is_group_scheme(wq->scheme))
		wq->block = cfg->group ? cfg->group : (unsigned)K;
	if (is_group_scheme(aq->scheme))
		aq->block = cfg->group ? cfg->group : (unsigned)K;
	memset(o, 0, sizeof *o);
	o->acc = cfg->accumulate;
	o->group = cfg->group;
	o->align_bits = cfg->align_bits;
}

int mps_run_make_operands(const mps_cfg_t *cfg, size_t M, size_t K, size_t N,
                          uint64_t seed, mpq_qtensor_t *a, mpq_qtensor_t *w,
                          mps_err_t *err)
{
	mpq_qparams_t wq, aq;
	mpq_gemm_opts_t o;
	float *af = malloc(M * K * sizeof *af), *wf = malloc(N * K * sizeof *wf);
	int rc;

	memset(a, 0, sizeof *a);
	memset(w, 0, sizeof *w);
	if (!af || !wf) {
		free(af);
		free(wf);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory for a %zux%zux%zu GEMM",
		                   M, K, N);
	}
	mps_run_qparams(cfg, K, &wq, &aq, &o);
	if (mps_wl_acts(seed, M, K, af) != MPS_OK) {
		free(af);
		free(wf);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	}
	mps_wl_weights(seed, N, K, wf);
	rc = mpq_quantize(af, M, K, &aq, a, NULL, err);
	if (rc == MPS_OK)
		rc = mpq_quantize(wf, N, K, &wq, w, NULL, err);
	if (rc != MPS_OK) {
		mpq_qtensor_free(a);
		mpq_qtensor_free(w);
	}
	free(af);
	free(wf);
	return rc;
}

/* ---- cycle mode ------------------------------------------------------------ */

typedef struct {
	mps_array_t *arr;
	mps_lanes_buf_t lb;
	const mps_ctrl_plan_t *plan;
	size_t si;          /* next stall schedule entry */
	uint64_t stalls;    /* stall cycles inserted */
	uint64_t tau;       /* compute-timeline cycle */
	/* output collection */
	uint64_t ofold;     /* fold whose outputs are arriving */
	uint64_t ocount;    /* outputs of that fold received */
	uint64_t oper;      /* outputs per fold (os R*C, ws M*C) */
	float *y;
	size_t M, N, C;
	int64_t *pp[2], *ppn[2];
	uint32_t *pacc[2];
	uint64_t outputs;
} drv_t;

static void do_stalls(drv_t *d)
{
	const mps_ctrl_plan_t *p = d->plan;

	while (d->si < p->nstalls && p->stalls[d->si].at == d->tau) {
		mps_lanes_in_t *in = &d->lb.in;
		in->en = 0;
		for (uint64_t i = 0; i < p->stalls[d->si].n; i++)
			mps_array_step(d->arr, in, &d->lb.out);
		d->stalls += p->stalls[d->si].n;
		d->si++;
	}
}

static void collect(drv_t *d)
{
	const mps_lanes_out_t *o = &d->lb.out;
	mps_ctrl_fold_t fd;
	bool ws = d->plan->hw.dataflow == MPS_DF_WS;

	for (size_t c = 0; c < d->C; c++) {
		if (!o->valid[c])
			continue;
		mps_ctrl_fold(d->plan, d->ofold, &fd);
		size_t m = ws ? o->row[c] : fd.m0 + o->row[c];
		size_t n = fd.n0 + c;
		if (ws && !o->final[c]) {
			unsigned kf = (unsigned)(fd.k0 / d->plan->hw.rows);
			size_t i = (size_t)o->row[c] * d->C + c;
			d->pp[kf & 1][i] = o->p[c];
			d->ppn[kf & 1][i] = o->pn[c];
			d->pacc[kf & 1][i] = o->acc[c];
		} else if (m < d->M && n < d->N && c < fd.n_len &&
		           (ws || o->row[c] < fd.m_len)) {
			d->y[m * d->N + n] = mps_f32_from_bits(o->acc[c]);
			d->outputs++;
		}
		if (++d->ocount == d->oper) {
			d->ocount = 0;
			d->ofold++;
		}
	}
}

static int run_cycle(const mps_cfg_t *cfg, mps_feed_t *f, const mps_ctrl_plan_t *plan,
                     const mps_run_opts_t *ro, float *y, mps_pe_counters_t *ct,
                     uint64_t *stalls, mps_err_t *err)
{
	drv_t d;
	const unsigned R = cfg->rows, C = cfg->cols;
	const bool ws = cfg->dataflow == MPS_DF_WS;
	int rc;

	memset(&d, 0, sizeof d);
	d.plan = plan;
	d.y = y;
	d.M = f->M;
	d.N = f->N;
	d.C = C;
	d.oper = ws ? (uint64_t)f->M * C : (uint64_t)R * C;
	rc = mps_array_new(cfg, ro->fault, &d.arr, err);
	if (rc != MPS_OK)
		return rc;
	if (mps_lanes_buf_init(&d.lb, R, C) != MPS_OK) {
		mps_array_free(d.arr);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	}
	if (ws) {
		for (int i = 0; i < 2; i++) {
			d.pp[i] = calloc(f->M * C, sizeof(int64_t));
			d.ppn[i] = calloc(f->M * C, sizeof(int64_t));
			d.pacc[i] = calloc(f->M * C, sizeof(uint32_t));
			if (!d.pp[i] || !d.ppn[i] || !d.pacc[i])
				rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
		}
	}
	for (uint64_t i = 0; rc == MPS_OK && i < plan->nfolds; i++) {
		mps_ctrl_fold_t fd;
		mps_ctrl_fold(plan, i, &fd);
		if (fd.start != d.tau) {
			rc = mps_err_set(err, MPS_ERR_INVAL, "internal: fold %llu starts at %llu, "
			                 "expected %llu", (unsigned long long)i,
			                 (unsigned long long)fd.start, (unsigned long long)d.tau);
			break;
		}
		bool lastk = !ws || fd.k0 + fd.k_len >= f->K;
		unsigned kf = ws ? (unsigned)(fd.k0 / R) : 0;
		const int64_t *pp = NULL, *ppn = NULL;
		const uint32_t *pacc = NULL;
		if (ws && kf > 0) {
			pp = d.pp[(kf - 1) & 1];
			ppn = d.ppn[(kf - 1) & 1];
			pacc = d.pacc[(kf - 1) & 1];
		}
		for (uint64_t s = 0; s < fd.len; s++) {
			do_stalls(&d);
			mps_feed_step(f, &fd, s, lastk, pp, ppn, pacc, &d.lb.in);
			mps_array_step(d.arr, &d.lb.in, &d.lb.out);
			collect(&d);
			d.tau++;
		}
		if (ro->progress)
			ro->progress(ro->progress_user, i + 1, plan->nfolds);
	}
	for (uint64_t j = 0; rc == MPS_OK && j < plan->tail; j++) {
		do_stalls(&d);
		mps_feed_idle(R, C, 1, &d.lb.in);
		mps_array_step(d.arr, &d.lb.in, &d.lb.out);
		collect(&d);
		d.tau++;
	}
	if (rc == MPS_OK) {
		do_stalls(&d); /* stalls at == timeline: the last write-back */
		mps_array_counters(d.arr, ct);
		ct->outputs = d.outputs;
		*stalls = d.stalls;
		if (d.outputs != (uint64_t)f->M * f->N)
			rc = mps_err_set(err, MPS_ERR_INVAL, "internal: %llu of %zu outputs "
			                 "left the array", (unsigned long long)d.outputs,
			                 f->M * f->N);
	}
	for (int i = 0; i < 2; i++) {
		free(d.pp[i]);
		free(d.ppn[i]);
		free(d.pacc[i]);
	}
	mps_lanes_buf_free(&d.lb);
	mps_array_free(d.arr);
	return rc;
}

/* ---- self-check (mps_run_check) ------------------------------------------- */

/* out <- rows idx[0..n-1] of q (codes, scales, zeros, post), same layout. */
static int qt_rows(const mpq_qtensor_t *q, const size_t *idx, size_t n, mpq_qtensor_t *out)
{
	const size_t K = q->cols, nb = q->nblk, ns = q->nscale ? q->nscale : 1;

	*out = *q;
	out->rows = n;
	out->codes = malloc(n * K * sizeof *out->codes);
	out->scales = q->scales ? malloc(n * nb * ns * sizeof *out->scales) : NULL;
	out->zeros = q->zeros ? malloc(n * nb * sizeof *out->zeros) : NULL;
	out->post = q->post ? malloc(n * sizeof *out->post) : NULL;
	if (!out->codes || (q->scales && !out->scales) || (q->zeros && !out->zeros) ||
	    (q->post && !out->post)) {
		mpq_qtensor_free(out);
		return MPS_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t r = idx[i];
		memcpy(out->codes + i * K, q->codes + r * K, K * sizeof *q->codes);
		if (q->scales)
			memcpy(out->scales + i * nb * ns, q->scales + r * nb * ns,
			       nb * ns * sizeof *q->scales);
		if (q->zeros)
			memcpy(out->zeros + i * nb, q->zeros + r * nb, nb * sizeof *q->zeros);
		if (q->post)
			out->post[i] = q->post[r];
	}
	return MPS_OK;
}

static uint64_t xs64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* k of 0 .. n-1 without repetition, sorted: 0 and n-1 first (edge folds),
 * the rest by a partial Fisher-Yates shuffle.  idx has n entries of room. */
static void pick(size_t n, size_t k, uint64_t *rng, size_t *idx)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (k >= n)
		return;
	/* 0 and n-1 first */
	idx[1] = n - 1;
	idx[n - 1] = 1;
	for (size_t i = 2; i < k; i++) {
		size_t j = i + (size_t)(xs64(rng) % (n - i));
		size_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	/* insertion sort of the k picked (k is small) */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
}

int mps_run_check(const mpq_qtensor_t *a, const mpq_qtensor_t *w, const mpq_gemm_opts_t *o,
                  const float *y, uint64_t budget, uint64_t seed, mps_check_t *out,
                  mps_err_t *err)
{
	const size_t M = a->rows, N = w->rows;
	size_t sm, sn, *im = NULL, *in = NULL;
	mpq_qtensor_t as, ws;
	float *yr = NULL;
	uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&as, 0, sizeof as);
	memset(&ws, 0, sizeof ws);
	if (budget == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "check: sample budget 0");
	out->total = (uint64_t)M * N;
	/* tokens x channels: as square as M and N allow, about budget outputs */
	if ((uint64_t)M * N <= budget) {
		sm = M;
		sn = N;
	} else {
		size_t side = 1;
		while ((uint64_t)(side + 1) * (side + 1) <= budget)
			side++;
		sm = M < side ? M : side;
		sn = (size_t)(budget / sm);
		sn = N < sn ? N : sn;
		if (sn == N)
			sm = (size_t)(budget / sn) < M ? (size_t)(budget / sn) : M;
	}
	im = malloc(M * sizeof *im);
	in = malloc(N * sizeof *in);
	yr = malloc(sm * sn * sizeof *yr);
	if (!im || !in || !yr) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "check: out of memory");
		goto out;
	}
	pick(M, sm, &rng, im);
	pick(N, sn, &rng, in);
	if (qt_rows(a, im, sm, &as) != MPS_OK || qt_rows(w, in, sn, &ws) != MPS_OK) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "check: out of memory");
		goto out;
	}
	/* the contract answer of the sampled block, by the reference itself */
	rc = mpq_gemm_ref(&as, &ws, o, yr, err);
	if (rc != MPS_OK)
		goto out;
	out->rows = sm;
	out->cols = sn;
	out->checked = (uint64_t)sm * sn;
	for (size_t i = 0; i < sm; i++)
		for (size_t j = 0; j < sn; j++) {
			float got = y[im[i] * N + in[j]], want = yr[i * sn + j];
			if (mps_f32_bits(got) != mps_f32_bits(want) && out->mismatches++ == 0) {
				out->first_m = im[i];
				out->first_n = in[j];
				out->expected = want;
				out->got = got;
			}
		}
out:
	mpq_qtensor_free(&as);
	mpq_qtensor_free(&ws);
	free(im);
	free(in);
	free(yr);
	return rc;
}

/* ---- entry ----------------------------------------------------------------- */

/* Config x operand rules both engines and the timing-only path share. */
static int run_rules(const mps_cfg_t *cfg, unsigned G, size_t M, size_t K, mps_err_t *err)
{
	if (cfg->dq_place == MPS_DQ_EDGE && (G % cfg->rows != 0))
		return mps_err_set(err, MPS_ERR_INVAL, "dequant placement = edge needs the group "
		                   "(%u) to be a multiple of rows (%u)", G, cfg->rows);
	if (cfg->dataflow == MPS_DF_WS && K > cfg->rows && cfg->dq_latency + 1 >= cfg->rows + M)
		return mps_err_set(err, MPS_ERR_UNSUPPORTED, "ws: dequant latency %u is not "
		                   "below rows + M - 1 = %zu: a partial result would be read "
		                   "back before it is written (docs/timing.md 3.2)",
		                   cfg->dq_latency, cfg->rows + M - 1);
	return MPS_OK;
}

/* Everything of *st but the activity counters. */
static void fill_stats(mps_stats_t *st, const mps_cfg_t *cfg, const mps_ctrl_plan_t *plan,
                       size_t M, size_t K, size_t N, uint64_t stalls)
{
	st->M = M;
	st->K = K;
	st->N = N;
	st->gemms = 1;
	st->nfolds = plan->nfolds;
	st->compute_cycles = plan->compute_cycles;
	st->tail_cycles = plan->tail;
	st->stall_cycles = stalls;
	st->cycles = plan->timeline + stalls;
	st->macs = (uint64_t)M * N * K;
	st->ibuf_rd = plan->ibuf_rd;
	st->ibuf_wr = plan->ibuf_wr;
	st->wbuf_rd = plan->wbuf_rd;
	st->wbuf_wr = plan->wbuf_wr;
	st->obuf_rd = plan->obuf_rd;
	st->obuf_wr = plan->obuf_wr;
	st->dram_rd = plan->dram_rd;
	st->dram_wr = plan->dram_wr;
	st->rows = cfg->rows;
	st->cols = cfg->cols;
	st->mhz = cfg->mhz;
}

int mps_run_gemm(const mps_cfg_t *cfg, const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                 const mpq_gemm_opts_t *o, const mps_run_opts_t *ro, float *y,
                 mps_stats_t *st, mps_err_t *err)
{
	static const mps_run_opts_t defro = { MPS_MODE_CYCLE, MPS_FAULT_NONE, NULL, NULL };
	mps_feed_t f;
	mps_ctrl_shape_t shape;
	mps_ctrl_plan_t plan;
	mps_pe_counters_t ct;
	uint64_t stalls = 0;
	int rc;

	if (!ro)
		ro = &defro;
	memset(st, 0, sizeof *st);
	if (cfg->accumulate == MPQ_ACC_EXACT && cfg->dataflow == MPS_DF_WS)
		return mps_err_set(err, MPS_ERR_INVAL, "accumulate = exact needs dataflow = os "
		                   "(a ws partial result carries an FP32 accumulator)");
	rc = mps_feed_init(&f, cfg, a, w, o, err);
	if (rc != MPS_OK)
		return rc;
	rc = run_rules(cfg, f.G, f.M, f.K, err);
	if (rc != MPS_OK) {
		mps_feed_free(&f);
		return rc;
	}
	mps_ctrl_shape_from_qt(a, w, f.G, &shape);
	rc = mps_ctrl_plan(cfg, &shape, &plan, err);
	if (rc != MPS_OK) {
		mps_feed_free(&f);
		return rc;
	}
	if (ro->mode == MPS_MODE_FAST) {
		rc = mps_fast_gemm(&f, ro->fault, y, &ct, err);
		stalls = plan.stall_cycles;
		if (ro->progress)
			ro->progress(ro->progress_user, plan.nfolds, plan.nfolds);
	} else {
		rc = run_cycle(cfg, &f, &plan, ro, y, &ct, &stalls, err);
	}
	if (rc == MPS_OK) {
		bool post = a->post || w->post;
		fill_stats(st, cfg, &plan, f.M, f.K, f.N, stalls);
		st->ct = ct;
		st->ct.post_ops = post ? ct.outputs : 0;
	}
	mps_ctrl_plan_free(&plan);
	mps_feed_free(&f);
	return rc;
}

int mps_run_timing(const mps_cfg_t *cfg, size_t M, size_t K, size_t N, mps_stats_t *st,
                   mps_err_t *err)
{
	mpq_qtensor_t a, w;
	mpq_qparams_t wq, aq;
	mpq_gemm_opts_t o;
	mpq_prep_t pa, pw;
	mps_ctrl_shape_t shape;
	mps_ctrl_plan_t plan;
	int rc;

	memset(st, 0, sizeof *st);
	memset(&plan, 0, sizeof plan);
	memset(&pa, 0, sizeof pa);
	memset(&pw, 0, sizeof pw);
	if (M == 0 || K == 0 || N == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "GEMM %zux%zux%zu has a zero dimension",
		                   M, K, N);
	if (cfg->accumulate == MPQ_ACC_EXACT && cfg->dataflow == MPS_DF_WS)
		return mps_err_set(err, MPS_ERR_INVAL, "accumulate = exact needs dataflow = os "
		                   "(a ws partial result carries an FP32 accumulator)");
	/* one token and one channel of the same K: the storage layout (formats,
	 * blocks, scales, zero points, post scales) and the group, which is all
	 * the plan needs (docs/timing.md 5: it never looks at values) */
	mps_run_qparams(cfg, K, &wq, &aq, &o);
	rc = mps_run_make_operands(cfg, 1, K, 1, 1, &a, &w, err);
	if (rc != MPS_OK)
		return rc;
	rc = mpq_prep_pair(&a, &w, &o, &pa, &pw, err);
	if (rc == MPS_OK)
		rc = run_rules(cfg, pa.group, M, K, err);
	if (rc == MPS_OK) {
		mps_ctrl_shape_from_qt(&a, &w, pa.group, &shape);
		shape.m = M;
		shape.n = N;
		rc = mps_ctrl_plan(cfg, &shape, &plan, err);
	}
	if (rc == MPS_OK) {
		/* the data-independent counters (docs/pe.md; fast.c's formulas) */
		bool ff = mps_cfg_pe_type(cfg) == MPS_PE_FP16;
		uint64_t outs = (uint64_t)M * N, nt = pw.ints_neg ? 2 : 1;
		fill_stats(st, cfg, &plan, M, K, N, plan.stall_cycles);
		st->timing_only = true;
		st->ct.mac_ops = outs * K;
		st->ct.dequant_ops = ff ? 0 : outs * pa.ngrp * nt;
		st->ct.acc_updates = ff ? st->ct.mac_ops : st->ct.dequant_ops;
		st->ct.outputs = outs;
		st->ct.post_ops = (a.post || w.post) ? outs : 0;
	}
	mps_ctrl_plan_free(&plan);
	mpq_prep_free(&pa);
	mpq_prep_free(&pw);
	mpq_qtensor_free(&a);
	mpq_qtensor_free(&w);
	return rc;
}
