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
		for (uint64_t s = 0; s < plan->fold_len; s++) {
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

/* ---- entry ----------------------------------------------------------------- */

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
	if (cfg->dq_place == MPS_DQ_EDGE && (f.G % cfg->rows != 0))
		rc = mps_err_set(err, MPS_ERR_INVAL, "dequant placement = edge needs the group "
		                 "(%u) to be a multiple of rows (%u)", f.G, cfg->rows);
	if (rc == MPS_OK && cfg->dataflow == MPS_DF_WS && f.K > cfg->rows &&
	    cfg->dq_latency + 1 >= cfg->rows + f.M)
		rc = mps_err_set(err, MPS_ERR_UNSUPPORTED, "ws: dequant latency %u is not "
		                 "below rows + M - 1 = %zu: a partial result would be read "
		                 "back before it is written (docs/timing.md 3.2)",
		                 cfg->dq_latency, cfg->rows + f.M - 1);
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
		st->M = f.M;
		st->K = f.K;
		st->N = f.N;
		st->gemms = 1;
		st->nfolds = plan.nfolds;
		st->compute_cycles = plan.compute_cycles;
		st->tail_cycles = plan.tail;
		st->stall_cycles = stalls;
		st->cycles = plan.timeline + stalls;
		st->macs = (uint64_t)f.M * f.N * f.K;
		st->ct = ct;
		st->ct.post_ops = post ? ct.outputs : 0;
		st->ibuf_rd = plan.ibuf_rd;
		st->ibuf_wr = plan.ibuf_wr;
		st->wbuf_rd = plan.wbuf_rd;
		st->wbuf_wr = plan.wbuf_wr;
		st->obuf_rd = plan.obuf_rd;
		st->obuf_wr = plan.obuf_wr;
		st->dram_rd = plan.dram_rd;
		st->dram_wr = plan.dram_wr;
		st->rows = cfg->rows;
		st->cols = cfg->cols;
		st->mhz = cfg->mhz;
	}
	mps_ctrl_plan_free(&plan);
	mps_feed_free(&f);
	return rc;
}
