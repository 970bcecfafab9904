/* model/scheme.c - block-scheme names, the quantize dispatcher, dequantize
 * (every scheme's decode recipe) and error metrics.
 *
 * The quantizers themselves live in mx.c, nvfp4.c, amxfp4.c and group.c;
 * the recipes are docs/numerics.md section 2.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"
#include "quant.h"

enum { POST_NONE = 0, POST_ROW, POST_TENSOR };

/* Static description of a scheme: the tensor layout scheme.c allocates. */
typedef struct {
	const char *name;
	mpq_fmt_t elem;      /* element format (symmetric variant for int groups) */
	int elem_exp2;       /* extra power of two on every element */
	unsigned defblock;   /* default block along K; 0 = whole row (no blocks) */
	mpq_fmt_t scale_fmt; /* block scale format */
	unsigned nscale;     /* scales per block; 0 = none */
	int post;            /* POST_* */
} scheme_desc_t;

static const scheme_desc_t schemes[MPQ_NSCHEME] = {
	[MPQ_S_MXFP4] = { "mxfp4", MPQ_E2M1, 0, 32, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_MXFP6_E2M3] = { "mxfp6_e2m3", MPQ_E2M3, 0, 32, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_MXFP6_E3M2] = { "mxfp6_e3m2", MPQ_E3M2, 0, 32, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_MXFP8_E4M3] = { "mxfp8_e4m3", MPQ_E4M3, 0, 32, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_MXFP8_E5M2] = { "mxfp8_e5m2", MPQ_E5M2, 0, 32, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_MXINT8] = { "mxint8", MPQ_INT8, -6, 32, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_NVFP4] = { "nvfp4", MPQ_E2M1, 0, 16, MPQ_E4M3, 1, POST_TENSOR },
	[MPQ_S_AMXFP4] = { "amxfp4", MPQ_E2M1, 0, 32, MPQ_E5M2, 2, POST_NONE },
	[MPQ_S_INT4] = { "int4", MPQ_INT4, 0, 128, MPQ_FP16, 1, POST_NONE },
	[MPQ_S_INT8] = { "int8", MPQ_INT8, 0, 128, MPQ_FP16, 1, POST_NONE },
	[MPQ_S_ZQFP_M1] = { "zqfp_m1", MPQ_E2M1, 0, 128, MPQ_E8M0, 1, POST_NONE },
	[MPQ_S_ZQFP_M2] = { "zqfp_m2", MPQ_E2M1, 0, 128, MPQ_E8M0, 1, POST_ROW },
	[MPQ_S_INT8_TOKEN] = { "int8_token", MPQ_INT8, 0, 0, MPQ_FP32, 0, POST_ROW },
	[MPQ_S_E4M3_TOKEN] = { "e4m3_token", MPQ_E4M3, 0, 0, MPQ_FP32, 0, POST_ROW },
	[MPQ_S_E4M3_TENSOR] = { "e4m3_tensor", MPQ_E4M3, 0, 0, MPQ_FP32, 0, POST_TENSOR },
	[MPQ_S_FP16] = { "fp16", MPQ_FP16, 0, 0, MPQ_FP32, 0, POST_NONE },
	[MPQ_S_BF16] = { "bf16", MPQ_BF16, 0, 0, MPQ_FP32, 0, POST_NONE },
};

const char *mpq_scheme_name(mpq_scheme_t s)
{
	if ((unsigned)s >= MPQ_NSCHEME)
		return NULL;
	return schemes[s].name;
}

int mpq_scheme_lookup(const char *name, mpq_scheme_t *s, mps_err_t *err)
{
	char list[240];
	size_t n = 0;

	for (unsigned i = 0; name && i < MPQ_NSCHEME; i++) {
		if (strcmp(name, schemes[i].name) == 0) {
			*s = (mpq_scheme_t)i;
			return MPS_OK;
		}
	}
	list[0] = '\0';
	for (unsigned i = 0; i < MPQ_NSCHEME && n < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
		                      i ? ", " : "", schemes[i].name);
	return mps_err_set(err, MPS_ERR_INVAL, "unknown scheme '%s' (valid: %s)",
	                   name ? name : "(null)", list);
}

void mpq_qtensor_free(mpq_qtensor_t *q)
{
	if (!q)
		return;
	free(q->codes);
	free(q->scales);
	free(q->zeros);
	free(q->post);
	memset(q, 0, sizeof *q);
}

static bool is_mx(mpq_scheme_t s)
{
	return s <= MPQ_S_MXINT8;
}

static bool is_intgroup(mpq_scheme_t s)
{
	return s == MPQ_S_INT4 || s == MPQ_S_INT8;
}

int mpq_quantize(const float *x, size_t rows, size_t cols,
                 const mpq_qparams_t *p, mpq_qtensor_t *q, mpq_metrics_t *m,
                 mps_err_t *err)
{
	const scheme_desc_t *d;
	size_t n, nsc;
	float *deq;

	memset(q, 0, sizeof *q);
	if (!p || (unsigned)p->scheme >= MPQ_NSCHEME)
		return mps_err_set(err, MPS_ERR_INVAL, "quantize: unknown scheme id");
	if (rows == 0 || cols == 0)
		return mps_err_set(err, MPS_ERR_INVAL,
		                   "quantize: empty tensor (%zu x %zu)", rows, cols);
	if (p->rule != MPQ_RULE_FLOOR && p->rule != MPQ_RULE_CEIL)
		return mps_err_set(err, MPS_ERR_INVAL, "quantize: bad scale rule %d",
		                   (int)p->rule);
	if (rows > SIZE_MAX / cols / sizeof(float))
		return mps_err_set(err, MPS_ERR_INVAL, "quantize: tensor too large");
	d = &schemes[p->scheme];
	n = rows * cols;
	if (p->asym && !is_intgroup(p->scheme))
		return mps_err_set(err, MPS_ERR_INVAL,
		                   "quantize: --asym applies to int4/int8 only, not %s",
		                   d->name);
	if (is_mx(p->scheme) || p->scheme == MPQ_S_NVFP4 || p->scheme == MPQ_S_AMXFP4) {
		if (p->block != 0 && p->block != d->defblock)
			return mps_err_set(err, MPS_ERR_INVAL,
			                   "quantize: %s has a fixed block of %u (got %u)",
			                   d->name, d->defblock, p->block);
	}
	/* Only MX defines non-finite inputs (NaN scale); others reject them. */
	if (!is_mx(p->scheme)) {
		for (size_t i = 0; i < n; i++)
			if (!isfinite(x[i]))
				return mps_err_set(err, MPS_ERR_INVAL,
				                   "quantize: element %zu (row %zu, col %zu) "
				                   "is not finite; only MX schemes accept "
				                   "NaN/Inf (NaN block scale)",
				                   i, i / cols, i % cols);
	}

	if (p->scheme == MPQ_S_NVFP4) {
		/* TRT-LLM's g_enc = 2688 / amax overflows FP32 for amax below
		 * 2688 / FLT_MAX (about 7.9e-36); every code would then be
		 * garbage (NaN scales, saturated elements).  Refuse instead. */
		float amax = 0.0f;
		for (size_t i = 0; i < n; i++)
			if (fabsf(x[i]) > amax)
				amax = fabsf(x[i]);
		if (amax != 0.0f && !isfinite(2688.0f / amax))
			return mps_err_set(err, MPS_ERR_RANGE,
			                   "quantize: nvfp4 tensor amax %g is below "
			                   "2688/FLT_MAX: the global scale g_enc "
			                   "overflows FP32", (double)amax);
	}

	q->scheme = p->scheme;
	q->params = *p;
	q->rows = rows;
	q->cols = cols;
	q->elem = d->elem;
	q->elem_exp2 = d->elem_exp2;
	if (p->asym)
		q->elem = p->scheme == MPQ_S_INT4 ? MPQ_UINT4 : MPQ_UINT8;
	q->block = d->defblock ? (p->block ? p->block : d->defblock) : (unsigned)cols;
	if (d->defblock == 0 && cols > UINT32_MAX)
		return mps_err_set(err, MPS_ERR_INVAL, "quantize: row too long");
	q->params.block = d->defblock ? q->block : 0;
	q->nblk = (cols + q->block - 1) / q->block;
	q->scale_fmt = d->scale_fmt;
	q->nscale = d->nscale;
	q->post_per_tensor = d->post == POST_TENSOR;
	nsc = rows * q->nblk * d->nscale;

	q->codes = calloc(n, sizeof *q->codes);
	if (!q->codes)
		goto nomem;
	if (nsc && !(q->scales = calloc(nsc, sizeof *q->scales)))
		goto nomem;
	if (p->asym && !(q->zeros = calloc(rows * q->nblk, 1)))
		goto nomem;
	if (d->post != POST_NONE && !(q->post = malloc(rows * sizeof *q->post)))
		goto nomem;

	switch (p->scheme) {
	case MPQ_S_NVFP4:
		mpqi_quant_nvfp4(x, q);
		break;
	case MPQ_S_AMXFP4:
		mpqi_quant_amxfp4(x, q);
		break;
	case MPQ_S_INT4:
	case MPQ_S_INT8:
		mpqi_quant_group(x, q);
		break;
	case MPQ_S_ZQFP_M1:
	case MPQ_S_ZQFP_M2:
		mpqi_quant_zqfp(x, q);
		break;
	case MPQ_S_INT8_TOKEN:
	case MPQ_S_E4M3_TOKEN:
	case MPQ_S_E4M3_TENSOR:
		mpqi_quant_rowscale(x, q);
		break;
	case MPQ_S_FP16:
	case MPQ_S_BF16:
		mpqi_quant_plain(x, q);
		break;
	default:
		mpqi_quant_mx(x, q, true);
		break;
	}

	if (m) {
		deq = malloc(n * sizeof *deq);
		if (!deq)
			goto nomem;
		mpq_dequantize(q, deq);
		mpq_metrics(x, deq, n, m);
		free(deq);
	}
	return MPS_OK;
nomem:
	mpq_qtensor_free(q);
	return mps_err_set(err, MPS_ERR_NOMEM, "quantize: out of memory (%zu x %zu)",
	                   rows, cols);
}

float mpqi_block_scale(const mpq_qtensor_t *q, size_t r, size_t b, unsigned i)
{
	uint16_t c;

	if (!q->scales)
		return 1.0f;
	c = q->scales[(r * q->nblk + b) * q->nscale + i];
	if (q->scale_fmt == MPQ_E8M0) {
		if (c == 0xFF)
			return NAN;
		return ldexpf(1.0f, (int)c - 127); /* 2^-127 is an exact subnormal */
	}
	return (float)mpq_decode(q->scale_fmt, c);
}

void mpq_dequantize(const mpq_qtensor_t *q, float *out)
{
	const size_t cols = q->cols;
	double lut[256];
	bool small = mpq_format(q->elem)->bits <= 8;

	if (small)
		for (uint32_t c = 0; c < (1u << mpq_format(q->elem)->bits); c++)
			lut[c] = mpq_decode(q->elem, c);
	for (size_t r = 0; r < q->rows; r++) {
		double post = q->post ? (double)q->post[r] : 1.0;
		for (size_t k = 0; k < cols; k++) {
			size_t b = k / q->block, i = r * cols + k;
			uint16_t c = q->codes[i];
			double e = small ? lut[c & 0xFF] : mpq_decode(q->elem, c);
			double s, v;
			unsigned si = 0;

			if (q->scheme == MPQ_S_AMXFP4)
				si = (c >> 3) & 1; /* sign bit picks sp or sn */
			s = (double)mpqi_block_scale(q, r, b, si);
			switch (q->scheme) {
			case MPQ_S_NVFP4:
				/* fl32(fl32(e2m1 * sf) * g_dec) */
				v = (double)(float)(e * s) * post;
				break;
			case MPQ_S_INT4:
			case MPQ_S_INT8:
				if (q->zeros)
					e -= (double)q->zeros[r * q->nblk + b];
				v = e * s;
				break;
			default:
				/* elem * 2^elem_exp2 * s * post: at most three factors
				 * with <= 24 significant bits in total beside the
				 * element, exact in double; one rounding below. */
				v = ldexp(e, q->elem_exp2) * s * post;
				break;
			}
			out[i] = (float)v;
		}
	}
}

void mpq_metrics(const float *ref, const float *got, size_t n, mpq_metrics_t *m)
{
	double sx = 0.0, se = 0.0, mx = 0.0;

	for (size_t i = 0; i < n; i++) {
		double x = (double)ref[i], e = x - (double)got[i];
		sx += x * x;
		se += e * e;
		if (fabs(e) > mx || isnan(e))
			mx = fabs(e);
	}
	m->n = n;
	m->mse = n ? se / (double)n : 0.0;
	m->max_abs = mx;
	if (se == 0.0)
		m->sqnr_db = INFINITY;
	else
		m->sqnr_db = 10.0 * log10(sx / se);
}
