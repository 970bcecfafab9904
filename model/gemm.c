/* model/gemm.c - the reference GEMMs: ideal (float64, unquantized), ref (the
 * bit-exact datapath contract, docs/numerics.md section 3) and naive
 * (dequantize, then float64).
 *
 * mpq_gemm_ref decodes each operand once (mpq_prep_pair) into fixed-point
 * integer arrays plus per-group decoded scales, then for every (m, n, group)
 * forms the exact partial sum with an integer dot product.  The array width
 * (int16, int32, int64) is the narrowest in which the whole group sum is
 * exact, so that the common int4/e2m1 x int8 case runs as an int16 dot
 * product with int32 sums (pmaddwd under -O2).  Rounding happens only in
 * mpq_term_fl32 (one fl32 per term), the FP32 accumulation and
 * mpq_apply_post, exactly as the contract orders them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"
#include "quant.h"

__extension__ typedef __int128 i128;

/* ---- dot products ------------------------------------------------------- */

/* The 16-wide inner loops have a constant trip count so that gcc's default
 * -O2 ("very cheap") vectorizer turns them into packed multiply-adds. */
static int32_t dot16(const int16_t *a, const int16_t *b, size_t n)
{
	int32_t s = 0;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		int32_t t = 0;
		for (int j = 0; j < 16; j++)
			t += (int32_t)a[i + j] * b[i + j];
		s += t;
	}
	for (; i < n; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

static int64_t dot32(const int32_t *a, const int32_t *b, size_t n)
{
	int64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += (int64_t)a[i] * b[i];
	return s;
}

static i128 dot64(const int64_t *a, const int64_t *b, size_t n)
{
	i128 s = 0;

	for (size_t i = 0; i < n; i++)
		s += (i128)a[i] * b[i];
	return s;
}

/* Dot product of a[oa .. oa+n) and b[ob .. ob+n), integers of width bits. */
static i128 dot(unsigned width, const void *a, size_t oa, const void *b,
                size_t ob, size_t n)
{
	switch (width) {
	case 16:
		return dot16((const int16_t *)a + oa, (const int16_t *)b + ob, n);
	case 32:
		return dot32((const int32_t *)a + oa, (const int32_t *)b + ob, n);
	default:
		return dot64((const int64_t *)a + oa, (const int64_t *)b + ob, n);
	}
}

static void put(unsigned width, void *arr, size_t i, int64_t v)
{
	switch (width) {
	case 16:
		((int16_t *)arr)[i] = (int16_t)v;
		break;
	case 32:
		((int32_t *)arr)[i] = (int32_t)v;
		break;
	default:
		((int64_t *)arr)[i] = v;
		break;
	}
}

/* ---- operand preparation ------------------------------------------------ */

enum { VIEW_FIXED = 0, VIEW_ALIGN };

static bool is_plain_float(const mpq_qtensor_t *q)
{
	return q->scheme == MPQ_S_FP16 || q->scheme == MPQ_S_BF16;
}

static bool has_blocks(const mpq_qtensor_t *q)
{
	return q->scales != NULL || q->zeros != NULL;
}

/* Largest |mpq_fixed| over the finite codes of f. */
static int64_t fixed_maxabs(mpq_fmt_t f)
{
	const mpq_format_t *d = mpq_format(f);
	int64_t mx = 0;

	if (d->bits > 8)
		return llabs(mpq_fixed(f, 0x7BFF)); /* fp16: 65504 * 2^24 */
	for (uint32_t c = 0; c < (1u << d->bits); c++) {
		int64_t v = llabs(mpq_fixed(f, c));
		mx = v > mx ? v : mx;
	}
	return mx;
}

typedef struct {
	int view;         /* VIEW_* */
	int F;            /* VIEW_ALIGN: fraction bits below the group maximum */
	bool split_sign;  /* amxfp4 weights: sign-0 / sign-1 arrays */
	bool want_gsum;   /* the other operand has zero points */
	const char *who;  /* "activations" / "weights" for messages */
} view_t;

static int prep_one(const mpq_qtensor_t *q, unsigned G, unsigned width,
                    const view_t *v, mpq_prep_t *p, mps_err_t *err)
{
	const size_t rows = q->rows, K = q->cols;
	const mpq_format_t *d = mpq_format(q->elem);
	const size_t ngrp = (K + G - 1) / G, isz = width / 8;
	const unsigned sbit = d->bits - 1;
	double lutv[256];
	int64_t luti[256];
	bool lutf[256], small = d->bits <= 8;

	p->rows = rows;
	p->cols = K;
	p->group = G;
	p->ngrp = ngrp;
	p->width = width;
	p->nscale = v->split_sign ? 2 : 1;
	p->post = q->post;
	p->lsb = v->view == VIEW_FIXED ? mpq_fixed_lsb(q->elem) + q->elem_exp2 : 0;
	p->maxabs = v->view == VIEW_FIXED ? fixed_maxabs(q->elem)
	                                  : ((int64_t)1 << (v->F + 1)) - 1;
	if (!(p->ints = calloc(rows * K, isz)) ||
	    (v->split_sign && !(p->ints_neg = calloc(rows * K, isz))) ||
	    !(p->scale = malloc(rows * ngrp * p->nscale * sizeof *p->scale)) ||
	    (q->zeros && !(p->zero = malloc(rows * ngrp * sizeof *p->zero))) ||
	    (v->want_gsum && !(p->gsum = calloc(rows * ngrp, sizeof *p->gsum))) ||
	    (v->view == VIEW_ALIGN && !(p->glsb = calloc(rows * ngrp, sizeof *p->glsb))))
		return mps_err_set(err, MPS_ERR_NOMEM, "gemm: out of memory preparing %s",
		                   v->who);
	if (small) {
		for (uint32_t c = 0; c < (1u << d->bits); c++) {
			lutf[c] = mpq_is_finite(q->elem, c);
			lutv[c] = ldexp(mpq_decode(q->elem, c), q->elem_exp2);
			luti[c] = v->view == VIEW_FIXED ? mpq_fixed(q->elem, c) : 0;
		}
	}
	for (size_t r = 0; r < rows; r++) {
		for (size_t g = 0; g < ngrp; g++) {
			size_t k0 = g * G, len = K - k0 < G ? K - k0 : G;
			size_t b = k0 / q->block, rg = r * ngrp + g;
			int E = INT32_MIN;
			int64_t sum = 0;

			for (unsigned i = 0; i < p->nscale; i++)
				p->scale[rg * p->nscale + i] = mpqi_block_scale(q, r, b, i);
			if (p->zero)
				p->zero[rg] = q->zeros[r * q->nblk + b];
			if (small && v->view == VIEW_FIXED && width == 16 && !v->split_sign) {
				/* the common case in one pass: table lookups, int16 stores */
				const uint16_t *cr = q->codes + r * K;
				int16_t *xr = (int16_t *)p->ints + r * K;
				bool allfin = true;
				for (size_t k = k0; k < k0 + len; k++) {
					unsigned c = cr[k] & 0xFFu;
					allfin &= lutf[c] & (cr[k] <= 0xFFu);
					xr[k] = (int16_t)luti[c];
					sum += luti[c];
				}
				if (allfin) {
					if (p->gsum)
						p->gsum[rg] = sum;
					continue;
				}
				sum = 0; /* a non-finite code: the general loop reports it */
			}
			for (size_t k = k0; k < k0 + len; k++) {
				uint16_t c = q->codes[r * K + k];
				bool fin = small ? lutf[c & 0xFF] : mpq_is_finite(q->elem, c);
				if (!fin)
					return mps_err_set(err, MPS_ERR_INVAL,
					                   "gemm: %s element (%zu, %zu) has the "
					                   "non-finite %s code 0x%x", v->who, r,
					                   k, d->name, (unsigned)c);
				if (v->view == VIEW_ALIGN) {
					double a = small ? lutv[c & 0xFF] : mpq_decode(q->elem, c);
					if (a != 0.0 && ilogb(a) > E)
						E = ilogb(a);
				}
			}
			if (v->view == VIEW_ALIGN)
				p->glsb[rg] = E == INT32_MIN ? 0 : E - v->F;
			for (size_t k = k0; k < k0 + len; k++) {
				uint16_t c = q->codes[r * K + k];
				int64_t x;
				if (v->view == VIEW_FIXED) {
					x = small ? luti[c & 0xFF] : mpq_fixed(q->elem, c);
				} else {
					double a = small ? lutv[c & 0xFF] : mpq_decode(q->elem, c);
					double t = floor(ldexp(fabs(a), E == INT32_MIN ? 0 : v->F - E));
					x = (int64_t)(a < 0.0 ? -t : t);
				}
				sum += x;
				if (v->split_sign && ((c >> sbit) & 1))
					put(width, p->ints_neg, r * K + k, x);
				else
					put(width, p->ints, r * K + k, x);
			}
			if (p->gsum)
				p->gsum[rg] = sum;
		}
	}
	return MPS_OK;
}

void mpq_prep_free(mpq_prep_t *p)
{
	if (!p)
		return;
	free(p->ints);
	free(p->ints_neg);
	free(p->glsb);
	free(p->scale);
	free(p->zero);
	free(p->gsum);
	memset(p, 0, sizeof *p);
}

int mpq_prep_pair(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                  const mpq_gemm_opts_t *o, mpq_prep_t *pa, mpq_prep_t *pw,
                  mps_err_t *err)
{
	static const mpq_gemm_opts_t defaults = { MPQ_ACC_FP32, 0, 0 };
	const bool ff = is_plain_float(a) && is_plain_float(w);
	view_t va = { VIEW_FIXED, 0, false, w->zeros != NULL, "activations" };
	view_t vw = { VIEW_FIXED, 0, w->scheme == MPQ_S_AMXFP4, false, "weights" };
	const char *an = mpq_scheme_name(a->scheme), *wn = mpq_scheme_name(w->scheme);
	unsigned G, abits, width;
	size_t K = a->cols;
	double bound, maxz;
	int rc;

	memset(pa, 0, sizeof *pa);
	memset(pw, 0, sizeof *pw);
	if (!o)
		o = &defaults;
	if (a->cols != w->cols)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: K mismatch: activations "
		                   "are %zu x %zu, weights %zu x %zu (both must be "
		                   "quantized along K)", a->rows, a->cols, w->rows, w->cols);
	if (K == 0 || a->rows == 0 || w->rows == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: empty operand");
	if ((unsigned)o->acc > MPQ_ACC_ALIGN)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: bad accumulate mode %d",
		                   (int)o->acc);
	abits = o->align_bits ? o->align_bits : 16;
	if (o->acc == MPQ_ACC_ALIGN && (abits < 8 || abits > 32))
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: align_bits %u outside 8..32",
		                   abits);
	if (a->scheme == MPQ_S_AMXFP4)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: amxfp4 is supported for "
		                   "weights only, not activations");
	if (a->zeros)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: asymmetric (zero-point) "
		                   "activations (%s --asym) are not supported", an);

	/* group size (numerics.md 3.2, 3.6) */
	if (ff) {
		if (o->group > 1)
			return mps_err_set(err, MPS_ERR_INVAL, "gemm: float x float (%s x %s) "
			                   "requires group 1 (got %u)", an, wn, o->group);
		G = 1;
	} else if (o->group) {
		G = o->group;
	} else {
		size_t ba = has_blocks(a) ? a->block : K, bw = has_blocks(w) ? w->block : K;
		G = (unsigned)(ba < bw ? ba : bw);
	}
	if (has_blocks(a) && a->block % G)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: group %u does not divide "
		                   "the activations' %s block of %u", G, an, a->block);
	if (has_blocks(w) && w->block % G)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: group %u does not divide "
		                   "the weights' %s block of %u", G, wn, w->block);

	/* element views (numerics.md 3.1, 3.5, 3.6) */
	if (o->acc == MPQ_ACC_ALIGN) {
		if (!is_plain_float(a))
			return mps_err_set(err, MPS_ERR_INVAL, "gemm: accumulate=align needs "
			                   "fp16 or bf16 activations (got %s)", an);
		va.view = VIEW_ALIGN;
		va.F = (int)abits - 2;
	} else if (ff) {
		va.view = VIEW_ALIGN; /* one element per group: exact with F = 10 */
		va.F = 10;
	} else if (a->scheme == MPQ_S_BF16) {
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: bf16 activations with %s "
		                   "weights need accumulate=align (bf16 has no "
		                   "fixed-point view)", wn);
	}
	if (ff) {
		vw.view = VIEW_ALIGN;
		vw.F = 10;
	} else if (w->scheme == MPQ_S_BF16) {
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: bf16 weights need fp16/bf16 "
		                   "activations (float x float, group 1), got %s", an);
	}

	/* narrowest integer width in which every group sum is exact */
	pa->maxabs = va.view == VIEW_FIXED ? fixed_maxabs(a->elem)
	                                   : ((int64_t)1 << (va.F + 1)) - 1;
	pw->maxabs = vw.view == VIEW_FIXED ? fixed_maxabs(w->elem)
	                                   : ((int64_t)1 << (vw.F + 1)) - 1;
	maxz = w->zeros ? 255.0 : 0.0;
	bound = (double)(G < K ? G : K) * (double)pa->maxabs *
	        ((double)pw->maxabs + maxz);
	if (pa->maxabs <= INT16_MAX && pw->maxabs <= INT16_MAX && bound < 0x1p31)
		width = 16;
	else if (pa->maxabs <= INT32_MAX && pw->maxabs <= INT32_MAX && bound < 0x1p62)
		width = 32;
	else
		width = 64;

	rc = prep_one(a, G, width, &va, pa, err);
	if (rc == MPS_OK)
		rc = prep_one(w, G, width, &vw, pw, err);
	if (rc != MPS_OK) {
		mpq_prep_free(pa);
		mpq_prep_free(pw);
	}
	return rc;
}

/* ---- terms, accumulation, post scales ----------------------------------- */

unsigned mpq_gemm_terms(const mpq_prep_t *pa, size_t m, const mpq_prep_t *pw,
                        size_t n, size_t g, mpq_term_t t[2])
{
	const size_t K = pa->cols, G = pa->group, ngrp = pa->ngrp;
	const size_t k0 = g * G, len = K - k0 < G ? K - k0 : G;
	const size_t ga = m * ngrp + g, gw = n * ngrp + g;
	const int e = (pw->glsb ? pw->glsb[gw] : pw->lsb) +
	              (pa->glsb ? pa->glsb[ga] : pa->lsb);
	const unsigned nt = pw->ints_neg ? 2 : 1;

	for (unsigned i = 0; i < nt; i++) {
		const void *wv = i ? pw->ints_neg : pw->ints;
		i128 P = dot(pa->width, wv, n * K + k0, pa->ints, m * K + k0, len);

		if (pw->zero)
			P -= (i128)pw->zero[gw] * pa->gsum[ga];
		if (P < -((i128)1 << 62) || P > ((i128)1 << 62)) {
			t[i].hi = (int64_t)(P >> 32);
			t[i].p = (int64_t)(P & 0xFFFFFFFF);
		} else {
			t[i].hi = 0;
			t[i].p = (int64_t)P;
		}
		t[i].e = e;
		t[i].s_w = pw->scale[gw * pw->nscale + i];
		t[i].s_a = pa->scale[ga * pa->nscale];
	}
	return nt;
}

void mpq_term_xacc_add(mpq_xacc_t *x, const mpq_term_t *t)
{
	if (t->hi)
		mpq_xacc_add(x, t->hi, t->e + 32, t->s_w, t->s_a);
	mpq_xacc_add(x, t->p, t->e, t->s_w, t->s_a);
}

float mpq_term_fl32(const mpq_term_t *t)
{
	mpq_xacc_t x;

	if (t->hi == 0)
		return mpq_fl32_scale(t->p, t->e, t->s_w, t->s_a);
	mpq_xacc_clear(&x); /* wide sum: round the exact value once */
	mpq_term_xacc_add(&x, t);
	return mpq_xacc_to_f32(&x);
}

float mpq_apply_post(float acc, const mpq_prep_t *pa, size_t m,
                     const mpq_prep_t *pw, size_t n)
{
	float sa, sw, fr;
	int ex;

	if (!pa->post && !pw->post)
		return acc;
	sa = pa->post ? pa->post[m] : 1.0f;
	sw = pw->post ? pw->post[n] : 1.0f;
	if (!isfinite(acc) || acc == 0.0f)
		return acc * sa * sw; /* NaN/Inf/zero propagate exactly */
	fr = frexpf(acc, &ex); /* acc = fr * 2^ex, fr * 2^24 an integer */
	return mpq_fl32_scale((int64_t)ldexpf(fr, 24), ex - 24, sa, sw);
}

/* Width-16 operands (every group sum < 2^31, so P is the int32 dot product
 * minus z * gsum, far inside int64 and never split into hi/p): the term of
 * group g is mpq_fl32_scale(P, e, s_w, s_a), which is what mpq_term_fl32
 * returns for hi == 0.  Same terms, same order as the generic loop. */
static void gemm_fp32_w16(const mpq_prep_t *pa, const mpq_prep_t *pw, float *y)
{
	const size_t M = pa->rows, N = pw->rows, K = pa->cols, G = pa->group;
	const size_t ngrp = pa->ngrp;
	const unsigned nt = pw->ints_neg ? 2 : 1, nsw = pw->nscale, nsa = pa->nscale;
	const int16_t *A = pa->ints, *W[2] = { pw->ints, pw->ints_neg };

	for (size_t n = 0; n < N; n++) {
		for (size_t m = 0; m < M; m++) {
			const int16_t *ar = A + m * K;
			float acc = 0.0f;
			for (size_t g = 0; g < ngrp; g++) {
				const size_t k0 = g * G, len = K - k0 < G ? K - k0 : G;
				const size_t ga = m * ngrp + g, gw = n * ngrp + g;
				const int e = (pw->glsb ? pw->glsb[gw] : pw->lsb) +
				              (pa->glsb ? pa->glsb[ga] : pa->lsb);
				const float sa = pa->scale[ga * nsa];
				for (unsigned i = 0; i < nt; i++) {
					int64_t P = dot16(W[i] + n * K + k0, ar + k0, len);
					float d;
					if (pw->zero)
						P -= (int64_t)pw->zero[gw] * pa->gsum[ga];
					if (!mpqi_fl32_scale_fast(P, e, pw->scale[gw * nsw + i], sa, &d))
						d = mpqi_fl32_scale_int(P, e, pw->scale[gw * nsw + i], sa);
					acc = acc + d;
				}
			}
			y[m * N + n] = mpq_apply_post(acc, pa, m, pw, n);
		}
	}
}

void mpqi_gemm_fp32(const mpq_prep_t *pa, const mpq_prep_t *pw, float *y)
{
	const size_t M = pa->rows, N = pw->rows;
	mpq_term_t t[2];

	if (pa->width == 16) {
		gemm_fp32_w16(pa, pw, y);
		return;
	}
	for (size_t n = 0; n < N; n++) {
		for (size_t m = 0; m < M; m++) {
			float acc = 0.0f;
			for (size_t g = 0; g < pa->ngrp; g++) {
				unsigned nt = mpq_gemm_terms(pa, m, pw, n, g, t);
				for (unsigned i = 0; i < nt; i++)
					acc = acc + mpq_term_fl32(&t[i]);
			}
			y[m * N + n] = mpq_apply_post(acc, pa, m, pw, n);
		}
	}
}

int mpq_gemm_ref(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                 const mpq_gemm_opts_t *o, float *y, mps_err_t *err)
{
	mpq_prep_t pa, pw;
	mpq_term_t t[2];
	const size_t M = a->rows, N = w->rows;
	const bool exact = o && o->acc == MPQ_ACC_EXACT;
	int rc;

	rc = mpq_prep_pair(a, w, o, &pa, &pw, err);
	if (rc != MPS_OK)
		return rc;
	if (!exact) {
		mpqi_gemm_fp32(&pa, &pw, y);
		mpq_prep_free(&pa);
		mpq_prep_free(&pw);
		return MPS_OK;
	}
	for (size_t n = 0; n < N; n++) {
		for (size_t m = 0; m < M; m++) {
			float acc = 0.0f;

			if (exact) {
				mpq_xacc_t x;
				mpq_xacc_clear(&x);
				for (size_t g = 0; g < pa.ngrp; g++) {
					unsigned nt = mpq_gemm_terms(&pa, m, &pw, n, g, t);
					for (unsigned i = 0; i < nt; i++)
						mpq_term_xacc_add(&x, &t[i]);
				}
				acc = mpq_xacc_to_f32(&x);
			} else {
				for (size_t g = 0; g < pa.ngrp; g++) {
					unsigned nt = mpq_gemm_terms(&pa, m, &pw, n, g, t);
					for (unsigned i = 0; i < nt; i++)
						acc = acc + mpq_term_fl32(&t[i]);
				}
			}
			y[m * N + n] = mpq_apply_post(acc, &pa, m, &pw, n);
		}
	}
	mpq_prep_free(&pa);
	mpq_prep_free(&pw);
	return MPS_OK;
}

/* ---- float64 references ------------------------------------------------- */

void mpq_gemm_ideal(const float *a, const float *w, size_t M, size_t K,
                    size_t N, double *y)
{
	for (size_t m = 0; m < M; m++)
		for (size_t n = 0; n < N; n++) {
			double s = 0.0;
			for (size_t k = 0; k < K; k++)
				s += (double)a[m * K + k] * (double)w[n * K + k];
			y[m * N + n] = s;
		}
}

int mpq_gemm_naive(const mpq_qtensor_t *a, const mpq_qtensor_t *w, float *y,
                   mps_err_t *err)
{
	const size_t M = a->rows, N = w->rows, K = a->cols;
	float *da, *dw;
	double *yd;

	if (a->cols != w->cols)
		return mps_err_set(err, MPS_ERR_INVAL, "gemm: K mismatch: activations "
		                   "are %zu x %zu, weights %zu x %zu", a->rows, a->cols,
		                   w->rows, w->cols);
	da = malloc(M * K * sizeof *da);
	dw = malloc(N * K * sizeof *dw);
	yd = malloc(M * N * sizeof *yd);
	if (!da || !dw || !yd) {
		free(da);
		free(dw);
		free(yd);
		return mps_err_set(err, MPS_ERR_NOMEM, "gemm: out of memory");
	}
	mpq_dequantize(a, da);
	mpq_dequantize(w, dw);
	mpq_gemm_ideal(da, dw, M, K, N, yd);
	for (size_t i = 0; i < M * N; i++)
		y[i] = (float)yd[i];
	free(da);
	free(dw);
	free(yd);
	return MPS_OK;
}
