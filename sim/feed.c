/* sim/feed.c - the feeder: per-cycle input records (sim/lanes.h) of a
 * prepared GEMM, fold by fold (docs/timing.md 2.1, 3.1), and the lane
 * buffers.  Operands are decoded once by model/'s mpq_prep_pair (group
 * geometry, decoded block scales, zero points, alignment exponents), so the
 * feeder re-derives none of the numerics contract. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "dequant.h"

int mps_lanes_buf_init(mps_lanes_buf_t *b, unsigned rows, unsigned cols)
{
	size_t R = rows, C = cols, sz = 0;
	uint8_t *m;

	memset(b, 0, sizeof *b);
	/* row lanes: code 2, valid 1, scale 4, align 2, post 4 */
	sz += R * (2 + 1 + 4 + 2 + 4);
	/* column lanes: code 2, valid 1, scale 4, scale_n 4, zero 1, post 4,
	 * pin 8 + 8 + 4; outputs valid 1 row 2 final 1 acc 4 p 8 pn 8 */
	sz += C * (2 + 1 + 4 + 4 + 1 + 4 + 20 + 24);
	sz += 64 * 24; /* alignment slack */
	if (!(b->mem = calloc(1, sz)))
		return MPS_ERR_NOMEM;
	m = b->mem;
#define TAKE(ptr, n) do { \
		size_t al_ = (size_t)(m - (uint8_t *)b->mem) % 8; \
		m += al_ ? 8 - al_ : 0; \
		ptr = (void *)m; \
		m += (n); \
	} while (0)
	TAKE(b->in.pin_p, C * 8);
	TAKE(b->in.pin_pn, C * 8);
	TAKE(b->out.p, C * 8);
	TAKE(b->out.pn, C * 8);
	TAKE(b->in.a_scale, R * 4);
	TAKE(b->in.a_post, R * 4);
	TAKE(b->in.w_scale, C * 4);
	TAKE(b->in.w_scale_n, C * 4);
	TAKE(b->in.w_post, C * 4);
	TAKE(b->in.pin_acc, C * 4);
	TAKE(b->out.acc, C * 4);
	TAKE(b->in.a_code, R * 2);
	TAKE(b->in.a_align, R * 2);
	TAKE(b->in.w_code, C * 2);
	TAKE(b->out.row, C * 2);
	TAKE(b->in.a_valid, R);
	TAKE(b->in.w_valid, C);
	TAKE(b->in.w_zero, C);
	TAKE(b->out.valid, C);
	TAKE(b->out.final, C);
#undef TAKE
	return MPS_OK;
}

void mps_lanes_buf_free(mps_lanes_buf_t *b)
{
	if (b) {
		free(b->mem);
		memset(b, 0, sizeof *b);
	}
}

int mps_feed_init(mps_feed_t *f, const mps_cfg_t *cfg, const mpq_qtensor_t *a,
                  const mpq_qtensor_t *w, const mpq_gemm_opts_t *o, mps_err_t *err)
{
	int rc;

	memset(f, 0, sizeof *f);
	f->cfg = cfg;
	f->a = a;
	f->w = w;
	f->opts = *o;
	rc = mpq_prep_pair(a, w, o, &f->pa, &f->pw, err);
	if (rc != MPS_OK)
		return rc;
	f->M = a->rows;
	f->K = a->cols;
	f->N = w->rows;
	f->G = f->pa.group;
	f->F = (int)(o->align_bits ? o->align_bits : 16) - 2;
	return MPS_OK;
}

void mps_feed_free(mps_feed_t *f)
{
	if (!f)
		return;
	mpq_prep_free(&f->pa);
	mpq_prep_free(&f->pw);
}

static const uint32_t ONE = 0x3F800000u; /* 1.0f */

void mps_feed_idle(unsigned rows, unsigned cols, uint8_t en, mps_lanes_in_t *in)
{
	in->en = en;
	in->valid = 0;
	in->load = 0;
	in->flags = 0;
	in->load_row = 0;
	in->m_post = ONE;
	memset(in->a_code, 0, rows * sizeof *in->a_code);
	memset(in->a_valid, 0, rows);
	memset(in->a_align, 0, rows * sizeof *in->a_align);
	memset(in->w_code, 0, cols * sizeof *in->w_code);
	memset(in->w_valid, 0, cols);
	memset(in->w_zero, 0, cols);
	for (unsigned r = 0; r < rows; r++) {
		in->a_scale[r] = ONE;
		in->a_post[r] = ONE;
	}
	for (unsigned c = 0; c < cols; c++) {
		in->w_scale[c] = ONE;
		in->w_scale_n[c] = 0;
		in->w_post[c] = ONE;
		in->pin_p[c] = 0;
		in->pin_pn[c] = 0;
		in->pin_acc[c] = 0;
	}
}

static inline uint8_t kflags(const mps_feed_t *f, size_t k)
{
	uint8_t fl = 0;
	if (k % f->G == 0)
		fl |= MPS_LF_G_FIRST;
	if (k % f->G == f->G - 1 || k == f->K - 1)
		fl |= MPS_LF_G_LAST;
	if (k < f->G)
		fl |= MPS_LF_FOLD_FIRST;
	if (k == 0)
		fl |= MPS_LF_K_FIRST;
	if (k == f->K - 1)
		fl |= MPS_LF_K_LAST;
	return fl;
}

static inline uint32_t f32_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

/* Weight lane c <- w[n][k] with its group's scale(s) and zero point. */
static void put_w(const mps_feed_t *f, mps_lanes_in_t *in, unsigned c, size_t n, size_t k)
{
	const mpq_prep_t *pw = &f->pw;
	size_t g = k / f->G, rg = n * pw->ngrp + g;

	in->w_code[c] = f->w->codes[n * f->K + k];
	in->w_valid[c] = 1;
	in->w_scale[c] = f32_bits(pw->scale[rg * pw->nscale]);
	in->w_scale_n[c] = pw->nscale > 1 ? f32_bits(pw->scale[rg * pw->nscale + 1]) : 0;
	in->w_zero[c] = pw->zero ? (uint8_t)pw->zero[rg] : 0;
	in->w_post[c] = pw->post ? f32_bits(pw->post[n]) : ONE;
}

/* Activation lane r <- a[m][k] with its group's scale and alignment exponent. */
static void put_a(const mps_feed_t *f, mps_lanes_in_t *in, unsigned r, size_t m, size_t k)
{
	const mpq_prep_t *pa = &f->pa;
	size_t g = k / f->G, rg = m * pa->ngrp + g;

	in->a_code[r] = f->a->codes[m * f->K + k];
	in->a_valid[r] = 1;
	in->a_scale[r] = f32_bits(pa->scale[rg * pa->nscale]);
	in->a_align[r] = (f->opts.acc == MPQ_ACC_ALIGN && pa->glsb) ?
	                 (int16_t)(pa->glsb[rg] + f->F) : 0;
	in->a_post[r] = pa->post ? f32_bits(pa->post[m]) : ONE;
}

/* OS stream step k < K: every lane written once (the same record as
 * mps_feed_idle followed by put_a / put_w on the real lanes). */
static void feed_os(const mps_feed_t *f, const mps_ctrl_fold_t *fd, size_t k,
                    mps_lanes_in_t *in)
{
	const unsigned R = f->cfg->rows, C = f->cfg->cols;
	const unsigned mr = fd->m_len < R ? (unsigned)fd->m_len : R;
	const unsigned nc = fd->n_len < C ? (unsigned)fd->n_len : C;
	const size_t K = f->K, g = k / f->G;
	const mpq_prep_t *pa = &f->pa, *pw = &f->pw;

	in->en = 1;
	in->valid = 1;
	in->load = 0;
	in->flags = kflags(f, k);
	in->load_row = 0;
	in->m_post = ONE;

	/* row lanes */
	{
		const uint16_t *codes = f->a->codes + fd->m0 * K + k;
		const size_t ng = pa->ngrp, ns = pa->nscale;
		const float *sc = pa->scale + (fd->m0 * ng + g) * ns;
		const bool al = f->opts.acc == MPQ_ACC_ALIGN && pa->glsb;
		const int32_t *gl = al ? pa->glsb + fd->m0 * ng + g : NULL;
		const float *post = pa->post ? pa->post + fd->m0 : NULL;
		/* lane pointers in locals: the byte stores would otherwise force
		 * a reload of every in->field per lane */
		uint16_t *a_code = in->a_code;
		uint8_t *a_valid = in->a_valid;
		uint32_t *a_scale = in->a_scale, *a_post = in->a_post;
		int16_t *a_align = in->a_align;
		const int F = f->F;
		const size_t sst = ng * ns;
		unsigned r;
		for (r = 0; r < mr; r++) {
			a_code[r] = codes[r * K];
			a_valid[r] = 1;
			a_scale[r] = f32_bits(sc[r * sst]);
			a_align[r] = al ? (int16_t)(gl[r * ng] + F) : 0;
			a_post[r] = post ? f32_bits(post[r]) : ONE;
		}
		for (; r < R; r++) {
			a_code[r] = 0;
			a_valid[r] = 0;
			a_scale[r] = ONE;
			a_align[r] = 0;
			a_post[r] = ONE;
		}
	}
	/* column lanes */
	{
		const uint16_t *codes = f->w->codes + fd->n0 * K + k;
		const size_t ng = pw->ngrp, ns = pw->nscale;
		const float *sc = pw->scale + (fd->n0 * ng + g) * ns;
		const int32_t *zp = pw->zero ? pw->zero + fd->n0 * ng + g : NULL;
		const float *post = pw->post ? pw->post + fd->n0 : NULL;
		unsigned c;
		/* the weight codes are read down a column of W (stride K): fetch
		 * each lane's next cache lines well ahead, since a large W is
		 * far beyond the caches and a lane touches a new line every 32
		 * steps */
		if (k + 64 < K)
			for (c = 0; c < nc; c++)
				__builtin_prefetch(codes + c * K + 64);
		uint16_t *w_code = in->w_code;
		uint8_t *w_valid = in->w_valid, *w_zero = in->w_zero;
		uint32_t *w_scale = in->w_scale, *w_scale_n = in->w_scale_n;
		uint32_t *w_post = in->w_post;
		const size_t sst = ng * ns;
		for (c = 0; c < nc; c++) {
			w_code[c] = codes[c * K];
			w_valid[c] = 1;
			w_scale[c] = f32_bits(sc[c * sst]);
			w_scale_n[c] = ns > 1 ? f32_bits(sc[c * sst + 1]) : 0;
			w_zero[c] = zp ? (uint8_t)zp[c * ng] : 0;
			w_post[c] = post ? f32_bits(post[c]) : ONE;
		}
		for (; c < C; c++) {
			w_code[c] = 0;
			w_valid[c] = 0;
			w_scale[c] = ONE;
			w_scale_n[c] = 0;
			w_zero[c] = 0;
			w_post[c] = ONE;
		}
		memset(in->pin_p, 0, C * sizeof *in->pin_p);
		memset(in->pin_pn, 0, C * sizeof *in->pin_pn);
		memset(in->pin_acc, 0, C * sizeof *in->pin_acc);
	}
}

/* os: the k that stream step s feeds, or false for a bubble or a drain step
 * (timing.md 2.4: lead bubbles, then group 0, then gap bubbles before each
 * later group, gap_last before the last one). */
static bool os_step_k(const mps_feed_t *f, const mps_ctrl_fold_t *fd, uint64_t s, size_t *k)
{
	const uint64_t G = f->G, K = f->K, ng = (K + G - 1) / G;
	const uint64_t len0 = G < K ? G : K, per = G + fd->gap;
	uint64_t x;

	if (fd->lead == 0 && fd->gap == 0 && fd->gap_last == 0) {
		*k = (size_t)s;
		return s < K;
	}
	if (s < fd->lead)
		return false;
	x = s - fd->lead;
	if (x < len0) {
		*k = (size_t)x;
		return true;
	}
	x -= len0;
	if (ng >= 3 && x < (ng - 2) * per) { /* groups 1 .. ng-2 */
		uint64_t j = x / per, off = x % per;
		if (off < fd->gap)
			return false;
		*k = (size_t)((j + 1) * G + off - fd->gap);
		return true;
	}
	if (ng < 2)
		return false;
	x -= ng >= 3 ? (ng - 2) * per : 0;
	if (x < fd->gap_last)
		return false;
	x -= fd->gap_last;
	if ((ng - 1) * G + x >= K)
		return false;
	*k = (size_t)((ng - 1) * G + x);
	return true;
}

void mps_feed_step(const mps_feed_t *f, const mps_ctrl_fold_t *fd, uint64_t s,
                   bool last_kfold, const int64_t *pin_p, const int64_t *pin_pn,
                   const uint32_t *pin_acc, mps_lanes_in_t *in)
{
	const unsigned R = f->cfg->rows, C = f->cfg->cols;

	if (f->cfg->dataflow == MPS_DF_OS) {
		size_t k;
		if (os_step_k(f, fd, s, &k))
			feed_os(f, fd, k, in);
		else
			mps_feed_idle(R, C, 1, in);
		return;
	}
	mps_feed_idle(R, C, 1, in);
	/* ws */
	if (s < R) {
		in->load = 1;
		in->load_row = (uint16_t)s;
		if (s < fd->k_len) {
			size_t k = fd->k0 + s;
			in->valid = 1;
			in->flags = kflags(f, k);
			for (unsigned c = 0; c < C && c < fd->n_len; c++)
				put_w(f, in, c, fd->n0 + c, k);
		}
		return;
	}
	/* token m at step R + lead + m stride (timing.md 3.4); others idle */
	uint64_t st = fd->stride ? fd->stride : 1, x = s - R;
	if (x < fd->lead || (x - fd->lead) % st != 0 || (x - fd->lead) / st >= f->M)
		return;
	{
		size_t m = (size_t)((x - fd->lead) / st);
		in->valid = 1;
		in->flags = last_kfold ? MPS_LF_LAST_KFOLD : 0;
		in->m_post = f->pa.post ? f32_bits(f->pa.post[m]) : ONE;
		for (unsigned r = 0; r < R && r < fd->k_len; r++)
			put_a(f, in, r, m, fd->k0 + r);
		for (unsigned c = 0; c < C && c < fd->n_len; c++) {
			in->w_post[c] = f->pw.post ? f32_bits(f->pw.post[fd->n0 + c]) : ONE;
			if (pin_p) {
				in->pin_p[c] = pin_p[m * C + c];
				in->pin_pn[c] = pin_pn[m * C + c];
				in->pin_acc[c] = pin_acc[m * C + c];
			}
		}
	}
}
