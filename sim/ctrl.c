/* sim/ctrl.c - tiling controller: fold loop order, closed-form fold timing and
 * the plan that ties the buffers (buf.c) to the DRAM channel (dram.c).
 * Specification: docs/timing.md sections 2, 3 and 5. */
#include <stdlib.h>
#include <string.h>

#include "ctrl.h"

static uint64_t cdiv(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

uint64_t mps_ctrl_fold_cycles(mps_dataflow_t df, unsigned rows, unsigned cols,
                              uint64_t m, uint64_t k)
{
	if (df == MPS_DF_OS)
		return k + rows + cols - 2;          /* L_os, timing.md 2.1 */
	return 2 * (uint64_t)rows + cols + m - 2; /* L_ws, timing.md 3.1 */
}

uint64_t mps_ctrl_nfolds(mps_dataflow_t df, unsigned rows, unsigned cols,
                         uint64_t m, uint64_t k, uint64_t n)
{
	if (df == MPS_DF_OS)
		return cdiv(m, rows) * cdiv(n, cols);
	return cdiv(k, rows) * cdiv(n, cols);
}

uint64_t mps_ctrl_tail(mps_dataflow_t df, unsigned rows, unsigned dq_latency)
{
	return df == MPS_DF_OS ? (uint64_t)rows + dq_latency : (uint64_t)dq_latency + 1;
}

void mps_ctrl_hw_from_cfg(const mps_cfg_t *cfg, mps_ctrl_hw_t *hw)
{
	memset(hw, 0, sizeof *hw);
	hw->rows = cfg->rows;
	hw->cols = cfg->cols;
	hw->dataflow = cfg->dataflow;
	hw->dq_latency = cfg->dq_latency;
	hw->dq_busy = mps_cfg_dq_busy(cfg);
	hw->ibuf_bytes = (uint64_t)cfg->ibuf_kib * 1024;
	hw->wbuf_bytes = (uint64_t)cfg->wbuf_kib * 1024;
	hw->obuf_bytes = (uint64_t)cfg->obuf_kib * 1024;
	hw->dram_bw = cfg->dram_bytes_per_cycle;
	hw->dram_latency = cfg->dram_latency;
}

static unsigned fmt_bits(mpq_fmt_t f)
{
	const mpq_format_t *d = mpq_format(f);
	return d ? d->bits : 0;
}

/* Scale bits per block of a quantized tensor (0 if it has none). */
static unsigned qt_scale_bits(const mpq_qtensor_t *q)
{
	if (!q->scales)
		return 0;
	return q->nscale * fmt_bits(q->scale_fmt);
}

/* Block size along K, 0 meaning one block per row. */
static unsigned qt_block(const mpq_qtensor_t *q)
{
	return q->block >= q->cols ? 0 : q->block;
}

void mps_ctrl_shape_from_qt(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                            unsigned group, mps_ctrl_shape_t *s)
{
	memset(s, 0, sizeof *s);
	s->m = a->rows;
	s->k = a->cols;
	s->n = w->rows;
	s->a_bits = fmt_bits(a->elem);
	s->a_block = qt_block(a);
	s->a_scale_bits = qt_scale_bits(a);
	s->a_post_bits = (a->post && !a->post_per_tensor) ? 32 : 0;
	s->w_bits = fmt_bits(w->elem);
	s->w_block = qt_block(w);
	s->w_scale_bits = qt_scale_bits(w);
	s->w_zero_bits = w->zeros ? fmt_bits(w->elem) : 0;
	s->w_post_bits = (w->post && !w->post_per_tensor) ? 32 : 0;
	s->out_bits = 32;
	s->partial_bits = 64;
	if (group == 0) {
		unsigned ab = s->a_block ? s->a_block : (unsigned)s->k;
		unsigned wb = s->w_block ? s->w_block : (unsigned)s->k;
		group = ab < wb ? ab : wb;
	}
	s->group = group ? group : 1;
}

void mps_ctrl_plan_free(mps_ctrl_plan_t *p)
{
	if (!p)
		return;
	free(p->stalls);
	free(p->ws_kstart);
	memset(p, 0, sizeof *p);
}

uint64_t mps_ctrl_fold_start(const mps_ctrl_plan_t *p, uint64_t i)
{
	if (p->ws_kstart)
		return (i / p->fk) * p->ws_kstart[p->fk] + p->ws_kstart[i % p->fk];
	return i * p->fold_len;
}

uint64_t mps_ctrl_os_pos(const mps_ctrl_plan_t *p, uint64_t k)
{
	uint64_t G = p->shape.group, ng = cdiv(p->shape.k, G), g = k / G;

	if (g == 0)
		return p->os_lead + k;
	if (g + 2 <= ng)
		return p->os_lead + k + g * p->os_gap;
	return p->os_lead + k + (ng - 2) * p->os_gap + p->os_gap_last;
}

/* timing.md 5.1: the fold loop.  os: for mf { for nf }, ws: for nf { for kf }. */
void mps_ctrl_fold(const mps_ctrl_plan_t *p, uint64_t i, mps_ctrl_fold_t *f)
{
	uint64_t R = p->hw.rows, C = p->hw.cols;
	const mps_ctrl_shape_t *s = &p->shape;

	memset(f, 0, sizeof *f);
	f->start = mps_ctrl_fold_start(p, i);
	f->len = p->fold_len;
	f->stride = 1;
	if (p->hw.dataflow == MPS_DF_OS) {
		uint64_t mf = i / p->fn, nf = i % p->fn;
		f->m0 = mf * R;
		f->m_len = s->m - f->m0 < R ? s->m - f->m0 : R;
		f->n0 = nf * C;
		f->n_len = s->n - f->n0 < C ? s->n - f->n0 : C;
		f->k0 = 0;
		f->k_len = s->k;
		f->lead = p->os_lead;
		f->gap = p->os_gap;
		f->gap_last = p->os_gap_last;
	} else {
		uint64_t nf = i / p->fk, kf = i % p->fk;
		f->m0 = 0;
		f->m_len = s->m;
		f->n0 = nf * C;
		f->n_len = s->n - f->n0 < C ? s->n - f->n0 : C;
		f->k0 = kf * R;
		f->k_len = s->k - f->k0 < R ? s->k - f->k0 : R;
		if (p->ws_kstart) {
			uint64_t kb = f->k0 + f->k_len;
			f->len = p->ws_kstart[kf + 1] - p->ws_kstart[kf];
			if (kb == s->k || kb / s->group > f->k0 / s->group) {
				f->lead = p->ws_lead;
				f->stride = p->ws_stride;
			}
		}
	}
}

/* timing.md 2.4: os bubbles.  B = busy cycles per group end; a PE's group
 * ends must be >= B steps apart, also from the previous fold's last one
 * (R + C - 2 steps of skew and drain lie between the folds' streams). */
static void os_bubbles(mps_ctrl_plan_t *p)
{
	uint64_t B = p->hw.dq_busy > 1 ? p->hw.dq_busy : 1;
	uint64_t G = p->shape.group, K = p->shape.k, ng = cdiv(K, G);
	uint64_t len0 = G < K ? G : K, lenl = K - (ng - 1) * G;
	uint64_t skew = (uint64_t)p->hw.rows + p->hw.cols - 2;

	p->os_gap = B > G ? B - G : 0;
	p->os_gap_last = ng >= 2 && B > lenl ? B - lenl : 0;
	p->os_lead = B > len0 + skew ? B - len0 - skew : 0;
	p->fold_len = mps_ctrl_os_pos(p, K - 1) + 1 + skew;
}

/* timing.md 3.4: ws folds whose k-range holds the last k of a group stream
 * their tokens B steps apart, after ws_lead bubbles.  Returns MPS_ERR_NOMEM. */
static int ws_bubbles(mps_ctrl_plan_t *p)
{
	uint64_t B = p->hw.dq_busy > 1 ? p->hw.dq_busy : 1;
	uint64_t R = p->hw.rows, C = p->hw.cols, M = p->shape.m, K = p->shape.k;
	uint64_t G = p->shape.group;
	uint64_t plain = mps_ctrl_fold_cycles(MPS_DF_WS, p->hw.rows, p->hw.cols, M, K);

	p->fold_len = plain;
	if (B <= 1)
		return MPS_OK;
	p->ws_stride = B;
	p->ws_lead = B > 2 * R + C - 1 ? B - (2 * R + C - 1) : 0;
	if (!(p->ws_kstart = calloc(p->fk + 1, sizeof *p->ws_kstart)))
		return MPS_ERR_NOMEM;
	for (uint64_t kf = 0; kf < p->fk; kf++) {
		uint64_t k0 = kf * R, kb = K - k0 < R ? K : k0 + R;
		bool gend = kb == K || kb / G > k0 / G;
		uint64_t len = gend ? 2 * R + C - 1 + p->ws_lead + (M - 1) * B : plain;
		p->ws_kstart[kf + 1] = p->ws_kstart[kf] + len;
		if (len > p->fold_len)
			p->fold_len = len;
	}
	return MPS_OK;
}

uint64_t mps_ctrl_stalls_upto(const mps_ctrl_plan_t *p, uint64_t t)
{
	/* entries are sorted by at; sum those with at <= t */
	size_t lo = 0, hi = p->nstalls;
	uint64_t sum = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->stalls[mid].at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* prefix sum by walking: schedules are short compared with the
	 * simulation, and callers stepping through time keep their own cursor */
	for (size_t i = 0; i < lo; i++)
		sum += p->stalls[i].n;
	return sum;
}

int mps_ctrl_plan_hw(const mps_ctrl_hw_t *hw, const mps_ctrl_shape_t *shape,
                     mps_ctrl_plan_t *out, mps_err_t *err)
{
	mps_dram_list_t reqs = { 0 };
	mps_ctrl_plan_t p;
	int rc;

	memset(out, 0, sizeof *out);
	if (hw->rows == 0 || hw->cols == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "ctrl: array of %ux%u PEs", hw->rows, hw->cols);
	if (shape->m == 0 || shape->k == 0 || shape->n == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "ctrl: GEMM %llux%llux%llu has a zero dimension",
		                   (unsigned long long)shape->m, (unsigned long long)shape->k,
		                   (unsigned long long)shape->n);
	if (shape->group == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "ctrl: group size 0");
	if (hw->dram_bw == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "ctrl: dram_bytes_per_cycle 0");
	if (hw->dq_latency == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "ctrl: dequant latency 0");

	memset(&p, 0, sizeof p);
	p.hw = *hw;
	p.shape = *shape;
	if (hw->dataflow == MPS_DF_OS) {
		p.fm = cdiv(shape->m, hw->rows);
		p.fn = cdiv(shape->n, hw->cols);
		p.fk = 1;
	} else {
		p.fm = 1;
		p.fn = cdiv(shape->n, hw->cols);
		p.fk = cdiv(shape->k, hw->rows);
	}
	p.nfolds = p.fm * p.fn * p.fk;
	if (hw->dataflow == MPS_DF_OS) {
		os_bubbles(&p);
		p.compute_cycles = p.nfolds * p.fold_len;
	} else {
		if (ws_bubbles(&p)) {
			rc = mps_err_set(err, MPS_ERR_NOMEM, "ctrl: out of memory");
			goto fail;
		}
		p.compute_cycles = p.ws_kstart ? p.fn * p.ws_kstart[p.fk] : p.nfolds * p.fold_len;
	}
	p.tail = mps_ctrl_tail(hw->dataflow, hw->rows, hw->dq_latency);
	p.timeline = p.compute_cycles + p.tail;

	rc = mps_buf_requests(&p, &reqs, err);
	if (rc)
		goto fail;
	rc = mps_dram_serve(&reqs, hw->dram_bw, hw->dram_latency, &p, err);
	if (rc)
		goto fail;
	p.cycles = p.timeline + p.stall_cycles;
	mps_dram_list_free(&reqs);
	*out = p;
	return MPS_OK;
fail:
	mps_dram_list_free(&reqs);
	free(p.stalls);
	free(p.ws_kstart);
	return rc;
}

int mps_ctrl_plan(const mps_cfg_t *cfg, const mps_ctrl_shape_t *shape,
                  mps_ctrl_plan_t *out, mps_err_t *err)
{
	mps_ctrl_hw_t hw;

	mps_ctrl_hw_from_cfg(cfg, &hw);
	return mps_ctrl_plan_hw(&hw, shape, out, err);
}
