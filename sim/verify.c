/* sim/verify.c - mpsim verify: the RTL against y.expected, the C simulator's
 * cycles and (lockstep) the C cycle model, cycle by cycle. */
#include "verify.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "array.h"
#include "ctrl.h"
#include "dequant.h"
#include "dut_build.h"
#include "run.h"
#include "trace.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *mps_verify_unsupported(const mps_cfg_t *cfg)
{
	mps_pe_type_t t = mps_cfg_pe_type(cfg);

	if (t != MPS_PE_W4A8 && t != MPS_PE_INT8 && t != MPS_PE_FP16 && t != MPS_PE_FP4FP8 &&
	    t != MPS_PE_FP4FP4 && t != MPS_PE_FP8 && t != MPS_PE_W4A16 && t != MPS_PE_GENERIC)
		return mps_pe_type_name(t);
	/* w4a16 (mp_top): pre-aligned (mp_align) or, without align, fp16 on its
	 * fixed-point view (mp_fixed_int); the generic PE type has no aligner */
	if (t != MPS_PE_W4A16 && cfg->accumulate == MPQ_ACC_ALIGN)
		return "accumulate = align";
	/* uint8 weights (int8 asym): the PE column bundle carries the 8-bit zero
	 * point (mp_top ZW = 8), uint8 - z in mp_fixed_int (mp_pe_gen) */
	/* [dequant] interval > 1 needs nothing of the RTL: the controller spaces
	 * the group ends (docs/timing.md 2.4, 3.4) and the lanes carry the bubbles */
	/* accumulate = exact: mp_xacc in mp_pe_os (os only: the config rejects ws),
	 * verified on every PE type */
	if (cfg->rows > 64 || cfg->cols > 64)
		return "arrays larger than 64x64 (verification builds)";
	return NULL;
}

/* Equal FP32 bit patterns, or both NaN (payloads are not compared). */
static bool f32_same(uint32_t a, uint32_t b)
{
	bool an = (a & 0x7f800000u) == 0x7f800000u && (a & 0x7fffffu);
	bool bn = (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu);
	return an || bn ? (an && bn) : a == b;
}

static void f32_str(char *s, size_t n, uint32_t b)
{
	snprintf(s, n, "0x%08x (%.9g)", (unsigned)b, (double)mps_f32_from_bits(b));
}

typedef struct {
	const mps_cfg_t *cfg;
	const mps_trc_t *trc;
	mps_feed_t *feed;
	const mps_ctrl_plan_t *plan;
	const mps_dut_api_t *api;
	mps_dut_t *dut;
	mps_array_t *arr;        /* lockstep only */
	mps_lanes_buf_t lb, cb;  /* lb: input + RTL outputs; cb: C outputs */
	mps_pe_state_t *srtl, *sc;
	/* run state */
	uint64_t cycle, tau;
	size_t si;
	uint64_t ofold, ocount, oper;
	int64_t *pp[2], *ppn[2];
	uint32_t *pacc[2];
	uint32_t *y;             /* RTL outputs, bits */
	uint8_t *seen;
	uint64_t last_out;       /* cycle of the last output + 1 */
	/* control */
	bool lockstep, stop;
	uint64_t stop_at;        /* stop after this cycle (UINT64_MAX: run all) */
	uint64_t wave_from;      /* open the waveform at this cycle (UINT64_MAX: never) */
	const char *wave_path;
	mps_verify_result_t *res;
	mps_err_t *err;
	int rc;
} vctx_t;

static void diverge(vctx_t *v, int row, int col, long long m, long long n, const char *sig,
                    const char *exp, const char *got)
{
	mps_verify_result_t *r = v->res;

	r->agree = false;
	if (r->have_first)
		return;
	r->have_first = true;
	r->cycle = v->cycle;
	r->tau = v->tau;
	r->row = row;
	r->col = col;
	r->m = m;
	r->n = n;
	snprintf(r->signal, sizeof r->signal, "%s", sig);
	snprintf(r->expected, sizeof r->expected, "%s", exp);
	snprintf(r->got, sizeof r->got, "%s", got);
}

static void lockstep_compare(vctx_t *v, const mps_lanes_out_t *ro, const mps_lanes_out_t *co)
{
	const unsigned R = v->cfg->rows, C = v->cfg->cols;
	char e[80], g[80];

	for (unsigned c = 0; c < C; c++) {
		int rr = co->valid[c] ? co->row[c] : -1;
		if (ro->valid[c] != co->valid[c]) {
			snprintf(e, sizeof e, "%u", co->valid[c]);
			snprintf(g, sizeof g, "%u", ro->valid[c]);
			diverge(v, -1, (int)c, -1, -1, "out.valid", e, g);
			return;
		}
		if (!co->valid[c])
			continue;
		if (ro->row[c] != co->row[c] || ro->final[c] != co->final[c]) {
			snprintf(e, sizeof e, "row %u final %u", co->row[c], co->final[c]);
			snprintf(g, sizeof g, "row %u final %u", ro->row[c], ro->final[c]);
			diverge(v, rr, (int)c, -1, -1, "out.row/final", e, g);
			return;
		}
		if (!f32_same(ro->acc[c], co->acc[c])) {
			f32_str(e, sizeof e, co->acc[c]);
			f32_str(g, sizeof g, ro->acc[c]);
			diverge(v, rr, (int)c, -1, -1, co->final[c] ? "out.y" : "out.acc", e, g);
			return;
		}
		if (ro->p[c] != co->p[c] || ro->pn[c] != co->pn[c]) {
			snprintf(e, sizeof e, "p %lld pn %lld", (long long)co->p[c], (long long)co->pn[c]);
			snprintf(g, sizeof g, "p %lld pn %lld", (long long)ro->p[c], (long long)ro->pn[c]);
			diverge(v, rr, (int)c, -1, -1, "out.p", e, g);
			return;
		}
	}
	if (v->api->state(v->dut, v->srtl, v->err)) {
		v->rc = v->err->code;
		return;
	}
	for (unsigned r = 0; r < R; r++)
		for (unsigned c = 0; c < C; c++) {
			size_t i = (size_t)r * C + c;
			mps_array_pe_state(v->arr, r, c, &v->sc[i]);
			if (v->srtl[i].p != v->sc[i].p) {
				snprintf(e, sizeof e, "%lld", (long long)v->sc[i].p);
				snprintf(g, sizeof g, "%lld", (long long)v->srtl[i].p);
				diverge(v, (int)r, (int)c, -1, -1, "pe.p", e, g);
				return;
			}
			if (v->srtl[i].pn != v->sc[i].pn) {
				snprintf(e, sizeof e, "%lld", (long long)v->sc[i].pn);
				snprintf(g, sizeof g, "%lld", (long long)v->srtl[i].pn);
				diverge(v, (int)r, (int)c, -1, -1, "pe.pn", e, g);
				return;
			}
			if (!f32_same(v->srtl[i].acc, v->sc[i].acc)) {
				f32_str(e, sizeof e, v->sc[i].acc);
				f32_str(g, sizeof g, v->srtl[i].acc);
				diverge(v, (int)r, (int)c, -1, -1, "pe.acc", e, g);
				return;
			}
		}
}

/* The RTL's outputs of this cycle: write-back (WS partials) and y. */
static void collect(vctx_t *v)
{
	const mps_lanes_out_t *o = &v->lb.out;
	const bool ws = v->cfg->dataflow == MPS_DF_WS;
	const size_t M = v->trc->M, N = v->trc->N, C = v->cfg->cols;
	mps_ctrl_fold_t fd;
	char e[80], g[80];

	for (size_t c = 0; c < C; c++) {
		if (!o->valid[c])
			continue;
		/* the run ends with the cycle the last output (padding lanes included)
		 * leaves the array (timing.md 1) */
		v->last_out = v->cycle + 1;
		if (v->ofold >= v->plan->nfolds) {
			diverge(v, -1, (int)c, -1, -1, "out.valid", "0 (all folds done)", "1");
			continue;
		}
		mps_ctrl_fold(v->plan, v->ofold, &fd);
		size_t m = ws ? o->row[c] : fd.m0 + o->row[c];
		size_t n = fd.n0 + c;
		if (ws && !o->final[c]) {
			unsigned kf = (unsigned)(fd.k0 / v->cfg->rows);
			size_t i = (size_t)o->row[c] * C + c;
			if (o->row[c] < M) {
				v->pp[kf & 1][i] = o->p[c];
				v->ppn[kf & 1][i] = o->pn[c];
				v->pacc[kf & 1][i] = o->acc[c];
			}
		} else if (m < M && n < N && c < fd.n_len && (ws || o->row[c] < fd.m_len)) {
			uint32_t want = mps_f32_bits(v->trc->y_expected[m * N + n]);
			v->y[m * N + n] = o->acc[c];
			v->seen[m * N + n] = 1;
			v->res->outputs++;
			if (!f32_same(o->acc[c], want)) {
				v->res->out_mismatch++;
				f32_str(e, sizeof e, want);
				f32_str(g, sizeof g, o->acc[c]);
				diverge(v, ws ? -1 : (int)o->row[c], (int)c, (long long)m, (long long)n,
				        "y", e, g);
			}
		}
		if (++v->ocount == v->oper) {
			v->ocount = 0;
			v->ofold++;
		}
	}
}

/* One clock of the RTL (and the C model in lockstep). */
static void cycle(vctx_t *v, const mps_lanes_in_t *in)
{
	if (v->stop || v->rc)
		return;
	if (v->cycle == v->wave_from && v->wave_path) {
		int rc = v->api->trace_open(v->dut, v->wave_path, v->err);
		if (rc) {
			v->rc = rc;
			return;
		}
	}
	if (v->api->step(v->dut, in, &v->lb.out, v->err)) {
		v->rc = v->err->code ? v->err->code : MPS_ERR_DUT;
		return;
	}
	if (v->lockstep) {
		mps_array_step(v->arr, in, &v->cb.out);
		v->res->lockstep_cycles++;
		if (!v->res->have_first)
			lockstep_compare(v, &v->lb.out, &v->cb.out);
	}
	if (in->en)
		collect(v);
	if (v->lockstep && v->res->have_first && v->stop_at == UINT64_MAX &&
	    v->wave_path == NULL)
		v->stop = true; /* first pass: stop at the first divergence */
	if (v->cycle >= v->stop_at)
		v->stop = true;
	v->cycle++;
}

static void stalls(vctx_t *v)
{
	const mps_ctrl_plan_t *p = v->plan;

	while (v->si < p->nstalls && p->stalls[v->si].at == v->tau) {
		mps_lanes_in_t *in = &v->lb.in;
		in->en = 0;
		for (uint64_t i = 0; i < p->stalls[v->si].n; i++)
			cycle(v, in);
		v->si++;
	}
}

/* One pass over the whole trace (or up to stop_at). */
static int pass(vctx_t *v)
{
	const unsigned R = v->cfg->rows, C = v->cfg->cols;
	const bool ws = v->cfg->dataflow == MPS_DF_WS;
	int rc;

	v->cycle = v->tau = 0;
	v->si = 0;
	v->ofold = v->ocount = 0;
	v->last_out = 0;
	v->stop = false;
	v->rc = 0;
	memset(v->seen, 0, v->trc->M * v->trc->N);
	if ((rc = v->api->reset(v->dut, 2, v->err)))
		return rc;
	if (v->arr)
		mps_array_reset(v->arr);
	for (uint64_t i = 0; i < v->plan->nfolds && !v->stop && !v->rc; i++) {
		mps_ctrl_fold_t fd;
		mps_ctrl_fold(v->plan, i, &fd);
		bool lastk = !ws || fd.k0 + fd.k_len >= v->trc->K;
		unsigned kf = ws ? (unsigned)(fd.k0 / R) : 0;
		const int64_t *pp = NULL, *ppn = NULL;
		const uint32_t *pacc = NULL;
		if (ws && kf > 0) {
			pp = v->pp[(kf - 1) & 1];
			ppn = v->ppn[(kf - 1) & 1];
			pacc = v->pacc[(kf - 1) & 1];
		}
		for (uint64_t s = 0; s < fd.len && !v->stop && !v->rc; s++) {
			stalls(v);
			mps_feed_step(v->feed, &fd, s, lastk, pp, ppn, pacc, &v->lb.in);
			cycle(v, &v->lb.in);
			v->tau++;
		}
	}
	for (uint64_t j = 0; j < v->plan->tail && !v->stop && !v->rc; j++) {
		stalls(v);
		mps_feed_idle(R, C, 1, &v->lb.in);
		cycle(v, &v->lb.in);
		v->tau++;
	}
	if (!v->stop && !v->rc)
		stalls(v);
	if (v->wave_path)
		v->api->trace_close(v->dut, NULL);
	return v->rc;
}

static int mkdir_p(const char *dir)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

int mps_verify_run(const mps_cfg_t *cfg, const mps_verify_opts_t *o,
                   mps_verify_result_t *res, mps_err_t *err)
{
	mps_trc_t trc;
	mps_feed_t feed;
	mps_ctrl_shape_t shape;
	mps_ctrl_plan_t plan;
	mps_dut_api_t api;
	/* --wave names the window file: the caller expects a divergence, so the
	 * traced model is built at once instead of after a first untraced run */
	mps_dut_build_opts_t bo = { o->rtl_dir, NULL, NULL, o->wave != NULL };
	mps_dut_cfg_t dc;
	mps_stats_t st;
	vctx_t v;
	const char *why;
	double t0;
	int rc;
	bool have_trc = false, have_feed = false, have_plan = false, have_api = false;

	memset(res, 0, sizeof *res);
	memset(&v, 0, sizeof v);
	res->row = res->col = -1;
	res->m = res->n = -1;
	if ((why = mps_verify_unsupported(cfg)))
		return mps_err_set(err, MPS_ERR_UNSUPPORTED, "not implemented in RTL: %s", why);
	if ((rc = mps_trc_read(o->trace, &trc, err)))
		return rc;
	have_trc = true;
	if (trc.opts.acc != cfg->accumulate) {
		rc = mps_err_set(err, MPS_ERR_INVAL, "%s: trace accumulate = %s, config %s", o->trace,
		                 mps_cfg_acc_name(trc.opts.acc), mps_cfg_acc_name(cfg->accumulate));
		goto out;
	}
	/* the RTL is built for the config's element formats, zero points, AMXFP4
	 * split and alignment width (the scales come from the trace, so the
	 * scheme itself may differ: one fp4fp8 build serves mxfp4, nvfp4 and
	 * zqfp traces); a trace quantized otherwise would run its codes through
	 * the wrong decoders on both sides */
	if (trc.w.elem != cfg->weight || trc.a.elem != cfg->act ||
	    trc.w.params.asym != cfg->wq.asym ||
	    (trc.w.scheme == MPQ_S_AMXFP4) != (cfg->wq.scheme == MPQ_S_AMXFP4) ||
	    (cfg->accumulate == MPQ_ACC_ALIGN &&
	     (trc.opts.align_bits ? trc.opts.align_bits : 16u) != cfg->align_bits)) {
		rc = mps_err_set(err, MPS_ERR_INVAL, "%s: trace operands %s%s x %s (%s x %s%s) do "
		                 "not fit the config's %s%s x %s (%s x %s%s)",
		                 o->trace, mpq_format(trc.w.elem)->name,
		                 trc.w.params.asym ? " asym" : "", mpq_format(trc.a.elem)->name,
		                 mpq_scheme_name(trc.w.scheme), mpq_scheme_name(trc.a.scheme),
		                 trc.opts.acc == MPQ_ACC_ALIGN ? ", align" : "",
		                 mpq_format(cfg->weight)->name, cfg->wq.asym ? " asym" : "",
		                 mpq_format(cfg->act)->name, mpq_scheme_name(cfg->wq.scheme),
		                 mpq_scheme_name(cfg->aq.scheme),
		                 cfg->accumulate == MPQ_ACC_ALIGN ? ", align" : "");
		goto out;
	}
	/* the C simulator's answer (cycles) */
	{
		float *yc = malloc(trc.M * trc.N * sizeof *yc);
		mps_run_opts_t ro = { MPS_MODE_FAST, MPS_FAULT_NONE, NULL, NULL };
		if (!yc) {
			rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
			goto out;
		}
		rc = mps_run_gemm(cfg, &trc.a, &trc.w, &trc.opts, &ro, yc, &st, err);
		free(yc);
		if (rc)
			goto out;
		res->sim_cycles = st.cycles;
	}
	if ((rc = mps_feed_init(&feed, cfg, &trc.a, &trc.w, &trc.opts, err)))
		goto out;
	have_feed = true;
	mps_ctrl_shape_from_qt(&trc.a, &trc.w, feed.G, &shape);
	if ((rc = mps_ctrl_plan(cfg, &shape, &plan, err)))
		goto out;
	have_plan = true;

	t0 = now_s();
	if ((rc = mps_dut_build(cfg, &bo, res->so, sizeof res->so, &res->cached, err)))
		goto out;
	res->build_s = now_s() - t0;
	if ((rc = mps_dut_load(res->so, &api, err)))
		goto out;
	have_api = true;
	dc.rows = cfg->rows;
	dc.cols = cfg->cols;
	dc.acc_width = cfg->acc_width;
	dc.dataflow = (unsigned)cfg->dataflow;
	v.dut = api.new_(&dc, err);
	if (!v.dut) {
		rc = err->code ? err->code : MPS_ERR_DUT;
		goto out;
	}
	v.cfg = cfg;
	v.trc = &trc;
	v.feed = &feed;
	v.plan = &plan;
	v.api = &api;
	v.res = res;
	v.err = err;
	v.lockstep = o->lockstep;
	v.stop_at = UINT64_MAX;
	v.wave_from = UINT64_MAX;
	v.oper = cfg->dataflow == MPS_DF_WS ? (uint64_t)trc.M * cfg->cols
	                                    : (uint64_t)cfg->rows * cfg->cols;
	rc = mps_lanes_buf_init(&v.lb, cfg->rows, cfg->cols);
	if (!rc)
		rc = mps_lanes_buf_init(&v.cb, cfg->rows, cfg->cols);
	v.y = calloc(trc.M * trc.N, sizeof *v.y);
	v.seen = calloc(trc.M * trc.N, 1);
	v.srtl = calloc((size_t)cfg->rows * cfg->cols, sizeof *v.srtl);
	v.sc = calloc((size_t)cfg->rows * cfg->cols, sizeof *v.sc);
	for (int i = 0; i < 2; i++) {
		v.pp[i] = calloc(trc.M * cfg->cols, sizeof(int64_t));
		v.ppn[i] = calloc(trc.M * cfg->cols, sizeof(int64_t));
		v.pacc[i] = calloc(trc.M * cfg->cols, sizeof(uint32_t));
		if (!v.pp[i] || !v.ppn[i] || !v.pacc[i])
			rc = MPS_ERR_NOMEM;
	}
	if (rc || !v.y || !v.seen || !v.srtl || !v.sc) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (o->lockstep && (rc = mps_array_new(cfg, MPS_FAULT_NONE, &v.arr, err)))
		goto out;

	res->agree = true;
	t0 = now_s();
	if ((rc = pass(&v)))
		goto out;
	res->run_s = now_s() - t0;
	if (!res->have_first) {
		for (size_t i = 0; i < trc.M * trc.N; i++)
			if (!v.seen[i]) {
				char e[80];
				res->out_missing++;
				f32_str(e, sizeof e, mps_f32_bits(trc.y_expected[i]));
				diverge(&v, -1, -1, (long long)(i / trc.N), (long long)(i % trc.N), "y",
				        e, "no output");
			}
		res->rtl_cycles = v.last_out + plan.drain_stalls;
		if (res->rtl_cycles != res->sim_cycles && !res->have_first) {
			char e[80], g[80];
			snprintf(e, sizeof e, "%llu", (unsigned long long)res->sim_cycles);
			snprintf(g, sizeof g, "%llu", (unsigned long long)res->rtl_cycles);
			v.cycle = v.last_out ? v.last_out - 1 : 0;
			diverge(&v, -1, -1, -1, -1, "cycles", e, g);
		}
	}
	if (res->have_first) {
		/* waveform window around the first divergence: re-run with tracing on */
		char def[1100];
		const char *wp = o->wave;
		unsigned before = o->wave_before ? o->wave_before : 32;
		unsigned after = o->wave_after ? o->wave_after : 8;
		mps_verify_result_t keep = *res;
		if (!wp) {
			const char *b = strrchr(o->trace, '/');
			b = b ? b + 1 : o->trace;
			mkdir_p("build/verify");
			snprintf(def, sizeof def, "build/verify/%.*s.fst",
			         (int)(strcspn(b, ".")), b);
			wp = def;
		}
		char tso[sizeof res->so];
		bool tcached;
		mps_err_t terr = { 0 };
		v.lockstep = false;
		v.wave_path = wp;
		v.wave_from = keep.cycle > before ? keep.cycle - before : 0;
		v.stop_at = keep.cycle + after;
		v.res = &keep;
		keep.have_first = true; /* do not overwrite */
		v.err = &terr;
		/* unless --wave asked for a traced model up front, the first run
		 * used one without tracing (quicker to build); the window re-runs
		 * the same cycles on the traced build */
		rc = MPS_OK;
		if (!bo.trace) {
			api.free_(v.dut);
			v.dut = NULL;
			mps_dut_unload(&api);
			have_api = false;
			bo.trace = true;
			t0 = now_s();
			rc = mps_dut_build(cfg, &bo, tso, sizeof tso, &tcached, &terr);
			res->build_s += now_s() - t0;
			if (!rc && !(rc = mps_dut_load(tso, &api, &terr))) {
				have_api = true;
				v.dut = api.new_(&dc, &terr);
				if (!v.dut)
					rc = MPS_ERR_DUT;
			}
		}
		if (rc == MPS_OK)
			rc = pass(&v);
		if (rc == MPS_OK) {
			snprintf(res->wave, sizeof res->wave, "%s", wp);
			res->wave_from = v.wave_from;
			res->wave_to = v.cycle ? v.cycle - 1 : 0;
		} else {
			snprintf(res->wave_err, sizeof res->wave_err, "%s",
			         terr.msg[0] ? terr.msg : "waveform re-run failed");
		}
		rc = MPS_OK; /* the verdict stands even if the waveform failed */
		res->agree = false;
	}
out:
	if (v.dut)
		api.free_(v.dut);
	mps_array_free(v.arr);
	if (v.lb.mem)
		mps_lanes_buf_free(&v.lb);
	if (v.cb.mem)
		mps_lanes_buf_free(&v.cb);
	free(v.y);
	free(v.seen);
	free(v.srtl);
	free(v.sc);
	for (int i = 0; i < 2; i++) {
		free(v.pp[i]);
		free(v.ppn[i]);
		free(v.pacc[i]);
	}
	if (have_api)
		mps_dut_unload(&api);
	if (have_plan)
		mps_ctrl_plan_free(&plan);
	if (have_feed)
		mps_feed_free(&feed);
	if (have_trc)
		mps_trc_free(&trc);
	return rc;
}
