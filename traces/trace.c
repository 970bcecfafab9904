/* traces/trace.c - safetensors container and GEMM trace reader/writer
 * (spec: traces/FORMAT.md). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>
#include <zlib.h>

#include "trace.h"

#ifndef MPS_VERSION
#define MPS_VERSION "0.1.0"
#endif

/* ------------------------------------------------------------------------
 * dtypes
 * ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	size_t size;
} dtypes[MPS_NDT] = {
	[MPS_DT_BOOL] = { "BOOL", 1 },   [MPS_DT_U8] = { "U8", 1 },
	[MPS_DT_I8] = { "I8", 1 },       [MPS_DT_F8_E5M2] = { "F8_E5M2", 1 },
	[MPS_DT_F8_E4M3] = { "F8_E4M3", 1 }, [MPS_DT_I16] = { "I16", 2 },
	[MPS_DT_U16] = { "U16", 2 },     [MPS_DT_F16] = { "F16", 2 },
	[MPS_DT_BF16] = { "BF16", 2 },   [MPS_DT_I32] = { "I32", 4 },
	[MPS_DT_U32] = { "U32", 4 },     [MPS_DT_F32] = { "F32", 4 },
	[MPS_DT_F64] = { "F64", 8 },     [MPS_DT_I64] = { "I64", 8 },
	[MPS_DT_U64] = { "U64", 8 },
};

const char *mps_trc_dtype_name(mps_dtype_t d)
{
	return (unsigned)d < MPS_NDT ? dtypes[d].name : NULL;
}

size_t mps_trc_dtype_size(mps_dtype_t d)
{
	return (unsigned)d < MPS_NDT ? dtypes[d].size : 0;
}

static int dtype_lookup(const char *s, mps_dtype_t *d)
{
	for (unsigned i = 0; i < MPS_NDT; i++)
		if (strcmp(dtypes[i].name, s) == 0) {
			*d = (mps_dtype_t)i;
			return 0;
		}
	return -1;
}

/* little-endian helpers */
static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static float f32_of_bits(uint32_t b)
{
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static uint32_t bits_of_f32(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static double f64_of_bits(uint64_t b)
{
	double d;
	memcpy(&d, &b, 8);
	return d;
}

static uint64_t bits_of_f64(double d)
{
	uint64_t b;
	memcpy(&b, &d, 8);
	return b;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* ------------------------------------------------------------------------
 * Container
 * ------------------------------------------------------------------------ */

void mps_trc_st_free(mps_trc_st_t *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->ntensor; i++)
		free(st->tensors[i].name);
	free(st->tensors);
	for (size_t i = 0; i < st->nmeta; i++) {
		free(st->meta_key[i]);
		free(st->meta_val[i]);
	}
	free(st->meta_key);
	free(st->meta_val);
	free(st->buf);
	memset(st, 0, sizeof *st);
}

/* A JSON number that is a non-negative integer <= 2^53. */
static bool json_uint(const cJSON *j, uint64_t *v)
{
	double d;
	if (!cJSON_IsNumber(j))
		return false;
	d = j->valuedouble;
	if (!(d >= 0.0) || d > 9007199254740992.0 || d != floor(d))
		return false;
	*v = (uint64_t)d;
	return true;
}

static int cmp_tensor(const void *x, const void *y)
{
	const mps_trc_tensor_t *a = x, *b = y;
	if (a->begin != b->begin)
		return a->begin < b->begin ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return 0;
}

static int parse_entry(const cJSON *e, const char *fname, mps_trc_tensor_t *t,
                       mps_err_t *err)
{
	const cJSON *dt = NULL, *sh = NULL, *off = NULL, *c;
	const char *name = t->name;
	uint64_t v, nbytes;
	unsigned n = 0;

	if (!cJSON_IsObject(e))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': entry is not a JSON object", fname, name);
	cJSON_ArrayForEach(c, e) {
		if (strcmp(c->string, "dtype") == 0 && !dt)
			dt = c;
		else if (strcmp(c->string, "shape") == 0 && !sh)
			sh = c;
		else if (strcmp(c->string, "data_offsets") == 0 && !off)
			off = c;
		else
			return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': unknown or repeated key '%s'",
			                   fname, name, c->string);
	}
	if (!dt)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': missing dtype", fname, name);
	if (!cJSON_IsString(dt) || dtype_lookup(dt->valuestring, &t->dtype) != 0)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': unknown dtype %s%.32s%s", fname, name,
		                   cJSON_IsString(dt) ? "'" : "", cJSON_IsString(dt) ? dt->valuestring : "(not a string)",
		                   cJSON_IsString(dt) ? "'" : "");
	if (!sh || !cJSON_IsArray(sh))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': missing or non-array shape", fname, name);
	t->nelem = 1;
	cJSON_ArrayForEach(c, sh) {
		if (n >= MPS_TRC_MAX_DIM)
			return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': more than %d dimensions", fname, name,
			                   MPS_TRC_MAX_DIM);
		if (!json_uint(c, &v))
			return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': shape entry %u is not a non-negative integer",
			                   fname, name, n);
		t->shape[n++] = v;
		if (v && t->nelem > UINT64_MAX / 16 / v)
			return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': shape too large", fname, name);
		t->nelem *= v;
	}
	t->ndim = n;
	if (!off || !cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2 ||
	    !json_uint(cJSON_GetArrayItem(off, 0), &t->begin) || !json_uint(cJSON_GetArrayItem(off, 1), &t->end) ||
	    t->begin > t->end)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': data_offsets must be [begin, end] with begin <= end",
		                   fname, name);
	nbytes = t->nelem * dtypes[t->dtype].size;
	if (t->end - t->begin != nbytes)
		return mps_err_set(err, MPS_ERR_PARSE,
		                   "%s: tensor '%s': data_offsets span %llu bytes but shape and dtype %s need %llu",
		                   fname, name, (unsigned long long)(t->end - t->begin), dtypes[t->dtype].name,
		                   (unsigned long long)nbytes);
	return MPS_OK;
}

int mps_trc_st_parse(const uint8_t *buf, size_t len, const char *fname,
                     mps_trc_st_t *st, mps_err_t *err)
{
	cJSON *root = NULL;
	const cJSON *c;
	const char *end = NULL;
	uint64_t hlen, dlen;
	size_t n, i;
	int rc;

	memset(st, 0, sizeof *st);
	if (!fname)
		fname = "(buffer)";
	if (len < 8)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: truncated: %zu bytes, need at least 8 for the header length",
		                   fname, len);
	hlen = get_le(buf, 8);
	if (hlen > MPS_TRC_MAX_HEADER)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: header length %llu exceeds the %u-byte limit", fname,
		                   (unsigned long long)hlen, MPS_TRC_MAX_HEADER);
	if (hlen > len - 8)
		return mps_err_set(err, MPS_ERR_PARSE,
		                   "%s: truncated: header length %llu runs beyond the end of the file (%zu bytes)",
		                   fname, (unsigned long long)hlen, len);
	if (hlen < 2 || buf[8] != '{')
		return mps_err_set(err, MPS_ERR_PARSE, "%s: invalid JSON header: does not start with '{'", fname);
	dlen = len - 8 - hlen;
	root = cJSON_ParseWithLengthOpts((const char *)buf + 8, (size_t)hlen, &end, 0);
	if (!root || !cJSON_IsObject(root)) {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: invalid JSON header (error near byte %zu)", fname,
		                 end ? (size_t)(end - (const char *)buf) : (size_t)8);
		goto fail;
	}
	for (const char *p = end; p < (const char *)buf + 8 + hlen; p++)
		if (*p != ' ') {
			rc = mps_err_set(err, MPS_ERR_PARSE,
			                 "%s: invalid JSON header: trailing byte 0x%02x at offset %zu (only spaces may pad)",
			                 fname, (unsigned)(unsigned char)*p, (size_t)(p - (const char *)buf));
			goto fail;
		}
	st->len = len;
	n = (size_t)cJSON_GetArraySize(root);
	st->tensors = calloc(n ? n : 1, sizeof *st->tensors);
	if (!st->tensors) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
		goto fail;
	}
	cJSON_ArrayForEach(c, root) {
		if (strcmp(c->string, "__metadata__") == 0) {
			const cJSON *m;
			size_t nm = (size_t)cJSON_GetArraySize(c);
			if (st->meta_key || !cJSON_IsObject(c)) {
				rc = mps_err_set(err, MPS_ERR_PARSE, "%s: __metadata__ is repeated or not an object", fname);
				goto fail;
			}
			st->meta_key = calloc(nm ? nm : 1, sizeof(char *));
			st->meta_val = calloc(nm ? nm : 1, sizeof(char *));
			if (!st->meta_key || !st->meta_val) {
				rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
				goto fail;
			}
			cJSON_ArrayForEach(m, c) {
				if (!cJSON_IsString(m)) {
					rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%.64s': value is not a string",
					                 fname, m->string);
					goto fail;
				}
				for (i = 0; i < st->nmeta; i++)
					if (strcmp(st->meta_key[i], m->string) == 0) {
						rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%.64s' repeated", fname,
						                 m->string);
						goto fail;
					}
				st->meta_key[st->nmeta] = xstrdup(m->string);
				st->meta_val[st->nmeta] = xstrdup(m->valuestring);
				st->nmeta++;
				if (!st->meta_key[st->nmeta - 1] || !st->meta_val[st->nmeta - 1]) {
					rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
					goto fail;
				}
			}
			continue;
		}
		for (i = 0; i < st->ntensor; i++)
			if (strcmp(st->tensors[i].name, c->string) == 0) {
				rc = mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%.64s' repeated", fname, c->string);
				goto fail;
			}
		mps_trc_tensor_t *t = &st->tensors[st->ntensor];
		t->name = xstrdup(c->string);
		if (!t->name) {
			rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
			goto fail;
		}
		st->ntensor++;
		rc = parse_entry(c, fname, t, err);
		if (rc)
			goto fail;
	}
	/* data_offsets must tile [0, dlen) exactly */
	qsort(st->tensors, st->ntensor, sizeof *st->tensors, cmp_tensor);
	{
		uint64_t pos = 0;
		for (i = 0; i < st->ntensor; i++) {
			mps_trc_tensor_t *t = &st->tensors[i];
			if (t->begin != pos) {
				rc = mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': data_offsets [%llu, %llu] %s", fname,
				                 t->name, (unsigned long long)t->begin, (unsigned long long)t->end,
				                 t->begin > pos ? "leave a gap before them" : "overlap another tensor");
				goto fail;
			}
			if (t->end > dlen) {
				rc = mps_err_set(err, MPS_ERR_PARSE,
				                 "%s: truncated: tensor '%s' data_offsets end %llu beyond the %llu data bytes",
				                 fname, t->name, (unsigned long long)t->end, (unsigned long long)dlen);
				goto fail;
			}
			t->data = buf + 8 + hlen + t->begin;
			pos = t->end;
		}
		if (pos != dlen) {
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s: %llu bytes after the last tensor are not covered by data_offsets",
			                 fname, (unsigned long long)(dlen - pos));
			goto fail;
		}
	}
	cJSON_Delete(root);
	return MPS_OK;
fail:
	cJSON_Delete(root);
	mps_trc_st_free(st);
	return rc;
}

static int read_file(const char *path, uint8_t **out, size_t *len, mps_err_t *err)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	uint8_t *b = NULL;
	size_t n;

	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return mps_err_set(err, MPS_ERR_IO, "%s: not a regular file", path);
	}
	n = (size_t)sb.st_size;
	b = malloc(n ? n : 1);
	if (!b) {
		fclose(f);
		return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory (%zu bytes)", path, n);
	}
	if (fread(b, 1, n, f) != n) {
		free(b);
		fclose(f);
		return mps_err_set(err, MPS_ERR_IO, "%s: short read", path);
	}
	fclose(f);
	*out = b;
	*len = n;
	return MPS_OK;
}

int mps_trc_st_load(const char *path, mps_trc_st_t *st, mps_err_t *err)
{
	uint8_t *b;
	size_t n;
	int rc;

	memset(st, 0, sizeof *st);
	rc = read_file(path, &b, &n, err);
	if (rc)
		return rc;
	rc = mps_trc_st_parse(b, n, path, st, err);
	if (rc) {
		free(b);
		return rc;
	}
	st->buf = b;
	return MPS_OK;
}

const mps_trc_tensor_t *mps_trc_st_find(const mps_trc_st_t *st, const char *name)
{
	for (size_t i = 0; i < st->ntensor; i++)
		if (strcmp(st->tensors[i].name, name) == 0)
			return &st->tensors[i];
	return NULL;
}

const char *mps_trc_st_meta(const mps_trc_st_t *st, const char *key)
{
	for (size_t i = 0; i < st->nmeta; i++)
		if (strcmp(st->meta_key[i], key) == 0)
			return st->meta_val[i];
	return NULL;
}

int mps_trc_st_tensor_f32(const mps_trc_st_t *st, const char *fname,
                          const char *name, float **out, size_t *rows,
                          size_t *cols, mps_err_t *err)
{
	const mps_trc_tensor_t *t = mps_trc_st_find(st, name);
	float *v;

	if (!t)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: no tensor '%s'", fname, name);
	if (t->dtype != MPS_DT_F32 && t->dtype != MPS_DT_F16 && t->dtype != MPS_DT_BF16)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: tensor '%s' has dtype %s, need F32, F16 or BF16", fname, name,
		                   dtypes[t->dtype].name);
	if (t->ndim < 1 || t->ndim > 2 || t->nelem == 0)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: tensor '%s' has %u dimensions, need a non-empty 1-D or 2-D tensor",
		                   fname, name, t->ndim);
	if (t->nelem > SIZE_MAX / sizeof(float))
		return mps_err_set(err, MPS_ERR_NOMEM, "%s: tensor '%s' too large", fname, name);
	v = malloc((size_t)t->nelem * sizeof(float));
	if (!v)
		return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory for tensor '%s'", fname, name);
	for (uint64_t i = 0; i < t->nelem; i++) {
		if (t->dtype == MPS_DT_F32)
			v[i] = f32_of_bits((uint32_t)get_le(t->data + 4 * i, 4));
		else if (t->dtype == MPS_DT_BF16)
			v[i] = f32_of_bits((uint32_t)get_le(t->data + 2 * i, 2) << 16);
		else
			v[i] = (float)mpq_decode(MPQ_FP16, (uint32_t)get_le(t->data + 2 * i, 2));
	}
	*rows = t->ndim == 2 ? (size_t)t->shape[0] : 1;
	*cols = (size_t)t->shape[t->ndim - 1];
	*out = v;
	return MPS_OK;
}

/* ------------------------------------------------------------------------
 * Trace schema
 * ------------------------------------------------------------------------ */

typedef enum { POST_NONE = 0, POST_ROW, POST_TENSOR } post_t;
static const char *const post_names[] = { "none", "row", "tensor" };

/* What each scheme stores (docs/numerics.md section 2). */
typedef struct {
	mpq_fmt_t elem, elem_asym; /* element format, symmetric / asymmetric */
	int scale_fmt;             /* mpq_fmt_t of the block scales, or -1 */
	unsigned nscale;           /* scales per block */
	int elem_exp2;
	post_t post;
	bool per_row;              /* no blocks: block == K */
	bool can_asym;
	unsigned fixed_block;      /* the only legal block size, or 0 (any) */
} scheme_info_t;

static const scheme_info_t schemes[MPQ_NSCHEME] = {
	[MPQ_S_MXFP4] = { MPQ_E2M1, MPQ_E2M1, MPQ_E8M0, 1, 0, POST_NONE, false, false, 32 },
	[MPQ_S_MXFP6_E2M3] = { MPQ_E2M3, MPQ_E2M3, MPQ_E8M0, 1, 0, POST_NONE, false, false, 32 },
	[MPQ_S_MXFP6_E3M2] = { MPQ_E3M2, MPQ_E3M2, MPQ_E8M0, 1, 0, POST_NONE, false, false, 32 },
	[MPQ_S_MXFP8_E4M3] = { MPQ_E4M3, MPQ_E4M3, MPQ_E8M0, 1, 0, POST_NONE, false, false, 32 },
	[MPQ_S_MXFP8_E5M2] = { MPQ_E5M2, MPQ_E5M2, MPQ_E8M0, 1, 0, POST_NONE, false, false, 32 },
	[MPQ_S_MXINT8] = { MPQ_INT8, MPQ_INT8, MPQ_E8M0, 1, -6, POST_NONE, false, false, 32 },
	[MPQ_S_NVFP4] = { MPQ_E2M1, MPQ_E2M1, MPQ_E4M3, 1, 0, POST_TENSOR, false, false, 16 },
	[MPQ_S_AMXFP4] = { MPQ_E2M1, MPQ_E2M1, MPQ_E5M2, 2, 0, POST_NONE, false, false, 32 },
	[MPQ_S_INT4] = { MPQ_INT4, MPQ_UINT4, MPQ_FP16, 1, 0, POST_NONE, false, true },
	[MPQ_S_INT8] = { MPQ_INT8, MPQ_UINT8, MPQ_FP16, 1, 0, POST_NONE, false, true },
	[MPQ_S_ZQFP_M1] = { MPQ_E2M1, MPQ_E2M1, MPQ_E8M0, 1, 0, POST_NONE, false, false },
	[MPQ_S_ZQFP_M2] = { MPQ_E2M1, MPQ_E2M1, MPQ_E8M0, 1, 0, POST_ROW, false, false },
	[MPQ_S_INT8_TOKEN] = { MPQ_INT8, MPQ_INT8, -1, 0, 0, POST_ROW, true, false },
	[MPQ_S_E4M3_TOKEN] = { MPQ_E4M3, MPQ_E4M3, -1, 0, 0, POST_ROW, true, false },
	[MPQ_S_E4M3_TENSOR] = { MPQ_E4M3, MPQ_E4M3, -1, 0, 0, POST_TENSOR, true, false },
	[MPQ_S_FP16] = { MPQ_FP16, MPQ_FP16, -1, 0, 0, POST_NONE, true, false },
	[MPQ_S_BF16] = { MPQ_BF16, MPQ_BF16, -1, 0, 0, POST_NONE, true, false },
};

static const char *const acc_names[] = { "fp32", "exact", "align" };

const char *mps_trc_acc_name(mpq_acc_t a)
{
	return (unsigned)a < 3 ? acc_names[a] : "?";
}

int mps_trc_acc_lookup(const char *s, mpq_acc_t *a, mps_err_t *err)
{
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(s, acc_names[i]) == 0) {
			*a = (mpq_acc_t)i;
			return MPS_OK;
		}
	return mps_err_set(err, MPS_ERR_INVAL, "unknown accumulate mode '%.64s' (fp32, exact, align)", s);
}

const char *mps_trc_generator(void)
{
	return "mpsim " MPS_VERSION;
}

mps_dtype_t mps_trc_code_dtype(mpq_fmt_t elem, size_t cols, size_t *cols_stored)
{
	const mpq_format_t *f = mpq_format(elem);
	unsigned bits = f ? f->bits : 8;
	if (bits <= 4) {
		*cols_stored = (cols + 1) / 2;
		return MPS_DT_U8;
	}
	*cols_stored = cols;
	return bits <= 8 ? MPS_DT_U8 : MPS_DT_U16;
}

static mps_dtype_t scale_dtype(mpq_fmt_t f)
{
	return f == MPQ_FP16 ? MPS_DT_U16 : MPS_DT_U8;
}

static post_t post_kind(const mpq_qtensor_t *q)
{
	if (!q->post)
		return POST_NONE;
	return q->post_per_tensor ? POST_TENSOR : POST_ROW;
}

static bool scale_ok(mpq_fmt_t f, uint32_t c)
{
	const mpq_format_t *d = mpq_format(f);
	if (c >> d->bits)
		return false;
	if (f == MPQ_E8M0)
		return true; /* 0xFF (NaN) is a legal MX scale, docs/numerics.md 3.7 */
	return mpq_is_finite(f, c);
}

/* Validate one operand against the scheme table, the GEMM shape and its
 * values.  op is "a" or "w". */
static int check_operand(const mpq_qtensor_t *q, const char *op, size_t rows, size_t K,
                         const char *fname, mps_err_t *err)
{
	const scheme_info_t *si;
	const mpq_format_t *ef;
	mpq_fmt_t want;
	size_t i, n;

	if ((unsigned)q->scheme >= MPQ_NSCHEME)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.scheme: unknown scheme id %d", fname, op, (int)q->scheme);
	si = &schemes[q->scheme];
	if (q->rows != rows || q->cols != K)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.codes: operand is %zu x %zu, GEMM needs %zu x %zu", fname, op,
		                   q->rows, q->cols, rows, K);
	if (q->params.asym && !si->can_asym)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.asym: scheme '%s' has no asymmetric variant", fname, op,
		                   mpq_scheme_name(q->scheme));
	want = q->params.asym ? si->elem_asym : si->elem;
	if (q->elem != want)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.elem: '%s' does not match scheme '%s'%s (expects '%s')", fname,
		                   op, mpq_format(q->elem) ? mpq_format(q->elem)->name : "?", mpq_scheme_name(q->scheme),
		                   q->params.asym ? " asym" : "", mpq_format(want)->name);
	if (q->elem_exp2 != si->elem_exp2)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.elem_exp2: %d does not match scheme '%s' (expects %d)", fname,
		                   op, q->elem_exp2, mpq_scheme_name(q->scheme), si->elem_exp2);
	if (q->block == 0 || (si->per_row && q->block != K) || (si->fixed_block && q->block != si->fixed_block))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.block: %u is inconsistent with scheme '%s' and K = %zu", fname,
		                   op, q->block, mpq_scheme_name(q->scheme), K);
	if (q->nblk != (K + q->block - 1) / q->block)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.scales: %zu blocks per row, K = %zu and block %u need %zu",
		                   fname, op, q->nblk, K, q->block, (K + q->block - 1) / q->block);
	if ((si->scale_fmt < 0) != (q->scales == NULL))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.scales: scheme '%s' %s block scales", fname, op,
		                   mpq_scheme_name(q->scheme), si->scale_fmt < 0 ? "has no" : "needs");
	if (q->scales && (q->scale_fmt != (mpq_fmt_t)si->scale_fmt || q->nscale != si->nscale))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.scale_fmt: '%s' x %u does not match scheme '%s' (expects '%s' x %u)",
		                   fname, op, mpq_format(q->scale_fmt) ? mpq_format(q->scale_fmt)->name : "?", q->nscale,
		                   mpq_scheme_name(q->scheme), mpq_format((mpq_fmt_t)si->scale_fmt)->name, si->nscale);
	if (q->params.asym != (q->zeros != NULL))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.zeros: %s", fname, op,
		                   q->params.asym ? "missing for an asymmetric scheme" : "present for a symmetric scheme");
	if (post_kind(q) != si->post)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.post: '%s' does not match scheme '%s' (expects '%s')", fname, op,
		                   post_names[post_kind(q)], mpq_scheme_name(q->scheme), post_names[si->post]);
	/* values */
	ef = mpq_format(q->elem);
	n = rows * K;
	for (i = 0; i < n; i++) {
		uint32_t c = q->codes[i];
		if ((c >> ef->bits) || !mpq_is_finite(q->elem, c))
			return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.codes[%zu,%zu]: code 0x%x is not a finite %s value", fname,
			                   op, i / K, i % K, c, ef->name);
	}
	if (q->scales) {
		n = rows * q->nblk * q->nscale;
		for (i = 0; i < n; i++)
			if (!scale_ok(q->scale_fmt, q->scales[i]))
				return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.scales[%zu]: code 0x%x is not a valid %s scale", fname,
				                   op, i, q->scales[i], mpq_format(q->scale_fmt)->name);
	}
	if (q->zeros) {
		unsigned qmax = q->elem == MPQ_UINT4 ? 15 : 255;
		n = rows * q->nblk;
		for (i = 0; i < n; i++)
			if (q->zeros[i] > qmax)
				return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.zeros[%zu]: %u exceeds %u", fname, op, i,
				                   q->zeros[i], qmax);
	}
	if (q->post) {
		for (i = 0; i < rows; i++) {
			if (!isfinite(q->post[i]))
				return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.post[%zu] is not finite", fname, op, i);
			if (q->post_per_tensor && bits_of_f32(q->post[i]) != bits_of_f32(q->post[0]))
				return mps_err_set(err, MPS_ERR_PARSE, "%s: %s.post: per-tensor scale differs between rows", fname, op);
		}
	}
	return MPS_OK;
}

static int check_trace(const mps_trc_t *t, const char *fname, mps_err_t *err)
{
	int rc;
	if (t->M == 0 || t->K == 0 || t->N == 0)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'M', 'K', 'N' must be positive", fname);
	if ((rc = check_operand(&t->a, "a", t->M, t->K, fname, err)) != 0)
		return rc;
	if ((rc = check_operand(&t->w, "w", t->N, t->K, fname, err)) != 0)
		return rc;
	if ((unsigned)t->opts.acc > MPQ_ACC_ALIGN)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'accumulate': bad mode", fname);
	if (t->opts.group > t->K)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'group': %u exceeds K = %zu", fname, t->opts.group, t->K);
	if (t->opts.align_bits != 0 && (t->opts.align_bits < 8 || t->opts.align_bits > 32))
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'align_bits': %u not 0 or 8..32", fname,
		                   t->opts.align_bits);
	if (t->a.params.rule != t->w.params.rule)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'scale_rule': operands use different rules", fname);
	if (!t->y_expected || !t->y_ideal)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s' missing", fname, t->y_expected ? "y.ideal" : "y.expected");
	if (t->a_ref)
		for (size_t i = 0; i < t->M * t->K; i++)
			if (!isfinite(t->a_ref[i]))
				return mps_err_set(err, MPS_ERR_PARSE, "%s: a.ref[%zu] is not finite", fname, i);
	if (t->w_ref)
		for (size_t i = 0; i < t->N * t->K; i++)
			if (!isfinite(t->w_ref[i]))
				return mps_err_set(err, MPS_ERR_PARSE, "%s: w.ref[%zu] is not finite", fname, i);
	return MPS_OK;
}

/* ------------------------------------------------------------------------
 * Writer
 * ------------------------------------------------------------------------ */

#define MAX_OUT 12

typedef struct {
	const char *name;
	mps_dtype_t dtype;
	unsigned ndim;
	uint64_t shape[3];
	uint8_t *bytes;
	size_t nbytes;
} out_tensor_t;

static uint32_t crc_bytes(const uint8_t *p, size_t n)
{
	return (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), p, n);
}

static int add_out(out_tensor_t *o, size_t *no, const char *name, mps_dtype_t dt, unsigned ndim,
                   uint64_t d0, uint64_t d1, uint64_t d2, mps_err_t *err)
{
	out_tensor_t *t = &o[(*no)++];
	uint64_t n = d0 * (ndim > 1 ? d1 : 1) * (ndim > 2 ? d2 : 1);
	t->name = name;
	t->dtype = dt;
	t->ndim = ndim;
	t->shape[0] = d0;
	t->shape[1] = d1;
	t->shape[2] = d2;
	t->nbytes = (size_t)n * dtypes[dt].size;
	t->bytes = calloc(t->nbytes ? t->nbytes : 1, 1);
	if (!t->bytes)
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory for tensor '%s'", name);
	return MPS_OK;
}

static int out_operand(const mpq_qtensor_t *q, int which, out_tensor_t *o, size_t *no, mps_err_t *err)
{
	static const char *const nm[2][4] = { { "a.codes", "a.scales", "a.zeros", "a.post" },
	                                      { "w.codes", "w.scales", "w.zeros", "w.post" } };
	size_t cs, r, k, i;
	mps_dtype_t dt = mps_trc_code_dtype(q->elem, q->cols, &cs);
	out_tensor_t *t;
	int rc;

	if ((rc = add_out(o, no, nm[which][0], dt, 2, q->rows, cs, 0, err)) != 0)
		return rc;
	t = &o[*no - 1];
	for (r = 0; r < q->rows; r++)
		for (k = 0; k < q->cols; k++) {
			uint16_t c = q->codes[r * q->cols + k];
			if (cs != q->cols)
				t->bytes[r * cs + k / 2] |= (uint8_t)((c & 0xF) << (4 * (k & 1)));
			else if (dt == MPS_DT_U8)
				t->bytes[r * cs + k] = (uint8_t)c;
			else
				put_le(t->bytes + 2 * (r * cs + k), c, 2);
		}
	if (q->scales) {
		size_t n = q->rows * q->nblk * q->nscale;
		dt = scale_dtype(q->scale_fmt);
		if ((rc = add_out(o, no, nm[which][1], dt, q->nscale == 2 ? 3 : 2, q->rows, q->nblk, q->nscale, err)) != 0)
			return rc;
		t = &o[*no - 1];
		for (i = 0; i < n; i++)
			put_le(t->bytes + i * dtypes[dt].size, q->scales[i], (unsigned)dtypes[dt].size);
	}
	if (q->zeros) {
		if ((rc = add_out(o, no, nm[which][2], MPS_DT_U8, 2, q->rows, q->nblk, 0, err)) != 0)
			return rc;
		memcpy(o[*no - 1].bytes, q->zeros, q->rows * q->nblk);
	}
	if (q->post) {
		size_t n = q->post_per_tensor ? 1 : q->rows;
		if ((rc = add_out(o, no, nm[which][3], MPS_DT_F32, 1, n, 0, 0, err)) != 0)
			return rc;
		for (i = 0; i < n; i++)
			put_le(o[*no - 1].bytes + 4 * i, bits_of_f32(q->post[i]), 4);
	}
	return MPS_OK;
}

static int out_f32(out_tensor_t *o, size_t *no, const char *name, const float *v, size_t r, size_t c,
                   mps_err_t *err)
{
	int rc = add_out(o, no, name, MPS_DT_F32, 2, r, c, 0, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < r * c; i++)
		put_le(o[*no - 1].bytes + 4 * i, bits_of_f32(v[i]), 4);
	return MPS_OK;
}

static int cmp_out(const void *x, const void *y)
{
	const out_tensor_t *a = x, *b = y;
	/* widest dtype first keeps every tensor naturally aligned */
	if (dtypes[a->dtype].size != dtypes[b->dtype].size)
		return dtypes[a->dtype].size > dtypes[b->dtype].size ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int meta_add(cJSON *m, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int meta_add(cJSON *m, const char *k, const char *fmt, ...)
{
	char v[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	return cJSON_AddStringToObject(m, k, v) ? 0 : -1;
}

static int meta_operand(cJSON *m, const mpq_qtensor_t *q, const char *op)
{
	char k[32];
	int bad = 0;
#define KEY(s) (snprintf(k, sizeof k, "%s.%s", op, s), k)
	bad |= meta_add(m, KEY("scheme"), "%s", mpq_scheme_name(q->scheme));
	bad |= meta_add(m, KEY("elem"), "%s", mpq_format(q->elem)->name);
	bad |= meta_add(m, KEY("block"), "%u", q->block);
	bad |= meta_add(m, KEY("scale_fmt"), "%s", q->scales ? mpq_format(q->scale_fmt)->name : "none");
	bad |= meta_add(m, KEY("elem_exp2"), "%d", q->elem_exp2);
	bad |= meta_add(m, KEY("post"), "%s", post_names[post_kind(q)]);
	bad |= meta_add(m, KEY("asym"), "%d", q->params.asym ? 1 : 0);
#undef KEY
	return bad;
}

int mps_trc_serialize(const mps_trc_t *t, uint8_t **out, size_t *len, mps_err_t *err)
{
	out_tensor_t o[MAX_OUT];
	size_t no = 0, i, off = 0, hlen, pad, total;
	cJSON *root = NULL, *meta;
	char *hdr = NULL;
	uint8_t *buf = NULL;
	int rc;

	memset(o, 0, sizeof o);
	*out = NULL;
	*len = 0;
	if (check_trace(t, "trace", err) != 0) {
		if (err)
			err->code = MPS_ERR_INVAL;
		return MPS_ERR_INVAL;
	}
	if ((rc = out_operand(&t->a, 0, o, &no, err)) != 0 || (rc = out_operand(&t->w, 1, o, &no, err)) != 0 ||
	    (rc = out_f32(o, &no, "y.expected", t->y_expected, t->M, t->N, err)) != 0)
		goto fail;
	if ((rc = add_out(o, &no, "y.ideal", MPS_DT_F64, 2, t->M, t->N, 0, err)) != 0)
		goto fail;
	for (i = 0; i < t->M * t->N; i++)
		put_le(o[no - 1].bytes + 8 * i, bits_of_f64(t->y_ideal[i]), 8);
	if (t->a_ref && (rc = out_f32(o, &no, "a.ref", t->a_ref, t->M, t->K, err)) != 0)
		goto fail;
	if (t->w_ref && (rc = out_f32(o, &no, "w.ref", t->w_ref, t->N, t->K, err)) != 0)
		goto fail;
	qsort(o, no, sizeof o[0], cmp_out);

	rc = MPS_ERR_NOMEM;
	root = cJSON_CreateObject();
	meta = root ? cJSON_AddObjectToObject(root, "__metadata__") : NULL;
	if (!meta) {
		mps_err_set(err, rc, "out of memory");
		goto fail;
	}
	{
		int bad = 0;
		char k[48];
		bad |= meta_add(meta, "format", "mpsim-trace");
		bad |= meta_add(meta, "version", "1");
		bad |= meta_add(meta, "generator", "%s", t->generator[0] ? t->generator : mps_trc_generator());
		bad |= meta_add(meta, "M", "%zu", t->M);
		bad |= meta_add(meta, "K", "%zu", t->K);
		bad |= meta_add(meta, "N", "%zu", t->N);
		bad |= meta_operand(meta, &t->a, "a");
		bad |= meta_operand(meta, &t->w, "w");
		bad |= meta_add(meta, "scale_rule", "%s", t->w.params.rule == MPQ_RULE_CEIL ? "ceil" : "floor");
		bad |= meta_add(meta, "group", "%u", t->opts.group);
		bad |= meta_add(meta, "accumulate", "%s", mps_trc_acc_name(t->opts.acc));
		bad |= meta_add(meta, "align_bits", "%u", t->opts.align_bits);
		bad |= meta_add(meta, "seed", "%llu", (unsigned long long)t->seed);
		bad |= meta_add(meta, "source", "%s", t->source[0] ? t->source : "gemm");
		for (i = 0; i < no; i++) {
			snprintf(k, sizeof k, "crc32.%s", o[i].name);
			bad |= meta_add(meta, k, "%08x", (unsigned)crc_bytes(o[i].bytes, o[i].nbytes));
		}
		if (bad) {
			mps_err_set(err, rc, "out of memory");
			goto fail;
		}
	}
	for (i = 0; i < no; i++) {
		cJSON *e = cJSON_AddObjectToObject(root, o[i].name), *a;
		double sh[3] = { (double)o[i].shape[0], (double)o[i].shape[1], (double)o[i].shape[2] };
		double offs[2] = { (double)off, (double)(off + o[i].nbytes) };
		if (!e || !cJSON_AddStringToObject(e, "dtype", dtypes[o[i].dtype].name) ||
		    !(a = cJSON_CreateDoubleArray(sh, (int)o[i].ndim)) || !cJSON_AddItemToObject(e, "shape", a) ||
		    !(a = cJSON_CreateDoubleArray(offs, 2)) || !cJSON_AddItemToObject(e, "data_offsets", a)) {
			mps_err_set(err, rc, "out of memory");
			goto fail;
		}
		off += o[i].nbytes;
	}
	hdr = cJSON_PrintUnformatted(root);
	if (!hdr) {
		mps_err_set(err, rc, "out of memory");
		goto fail;
	}
	hlen = strlen(hdr);
	pad = (8 - (8 + hlen) % 8) % 8;
	total = 8 + hlen + pad + off;
	buf = malloc(total);
	if (!buf) {
		mps_err_set(err, rc, "out of memory (%zu bytes)", total);
		goto fail;
	}
	put_le(buf, hlen + pad, 8);
	memcpy(buf + 8, hdr, hlen);
	memset(buf + 8 + hlen, ' ', pad);
	off = 8 + hlen + pad;
	for (i = 0; i < no; i++) {
		if (o[i].nbytes)
			memcpy(buf + off, o[i].bytes, o[i].nbytes);
		off += o[i].nbytes;
	}
	*out = buf;
	*len = total;
	rc = MPS_OK;
fail:
	for (i = 0; i < no; i++)
		free(o[i].bytes);
	cJSON_free(hdr);
	cJSON_Delete(root);
	return rc;
}

int mps_trc_write(const char *path, const mps_trc_t *t, mps_err_t *err)
{
	uint8_t *buf = NULL;
	size_t len;
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = mps_trc_serialize(t, &buf, &len, err);

	if (rc) {
		mps_err_prefix(err, "%s", path);
		return rc;
	}
	tmp = malloc(strlen(path) + 8);
	if (!tmp) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	sprintf(tmp, "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f) {
		rc = mps_err_set(err, MPS_ERR_IO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		f = NULL;
		remove(tmp);
		rc = mps_err_set(err, MPS_ERR_IO, "%s: write failed", tmp);
		goto fail;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		rc = mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
		remove(tmp);
		goto fail;
	}
	rc = MPS_OK;
fail:
	if (f)
		fclose(f);
	free(tmp);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------------
 * Reader
 * ------------------------------------------------------------------------ */

void mps_trc_free(mps_trc_t *t)
{
	if (!t)
		return;
	mpq_qtensor_free(&t->a);
	mpq_qtensor_free(&t->w);
	free(t->y_expected);
	free(t->y_ideal);
	free(t->a_ref);
	free(t->w_ref);
	memset(t, 0, sizeof *t);
}

/* Fetch a required metadata string. */
static int meta_req(const mps_trc_st_t *st, const char *fname, const char *key, const char **v, mps_err_t *err)
{
	*v = mps_trc_st_meta(st, key);
	if (!*v)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: missing metadata key '%s'", fname, key);
	return MPS_OK;
}

/* A decimal integer in [lo, hi]. */
static int meta_num(const mps_trc_st_t *st, const char *fname, const char *key, long long lo, unsigned long long hi,
                    long long *out, mps_err_t *err)
{
	const char *v, *p;
	char *end;
	int rc = meta_req(st, fname, key, &v, err);
	if (rc)
		return rc;
	p = v;
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		goto bad;
	errno = 0;
	if (*v == '-') {
		long long x = strtoll(v, &end, 10);
		if (errno || *end || x < lo)
			goto bad;
		*out = x;
	} else {
		unsigned long long x = strtoull(v, &end, 10);
		if (errno || *end || x > hi || (lo > 0 && x < (unsigned long long)lo))
			goto bad;
		*out = (long long)x;
	}
	return MPS_OK;
bad:
	return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%s': '%.40s' is not an integer in [%lld, %llu]", fname, key,
	                   v, lo, hi);
}

static int tensor_req(const mps_trc_st_t *st, const char *fname, const char *name, mps_dtype_t dt, unsigned ndim,
                      uint64_t d0, uint64_t d1, uint64_t d2, bool required, const mps_trc_tensor_t **out,
                      mps_err_t *err)
{
	const mps_trc_tensor_t *t = mps_trc_st_find(st, name);
	uint64_t want[3] = { d0, d1, d2 };

	*out = t;
	if (!t) {
		if (required)
			return mps_err_set(err, MPS_ERR_PARSE, "%s: missing tensor '%s'", fname, name);
		return MPS_OK;
	}
	if (!required)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s' present but the metadata says it is unused", fname,
		                   name);
	if (t->dtype != dt)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': dtype %s, expected %s", fname, name,
		                   dtypes[t->dtype].name, dtypes[dt].name);
	if (t->ndim != ndim)
		goto shape;
	for (unsigned i = 0; i < ndim; i++)
		if (t->shape[i] != want[i])
			goto shape;
	return MPS_OK;
shape:
	{
		char got[96] = "", exp[96] = "";
		size_t gl = 0, el = 0;
		for (unsigned i = 0; i < t->ndim && gl < 80; i++)
			gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%llu", i ? "," : "",
			                       (unsigned long long)t->shape[i]);
		for (unsigned i = 0; i < ndim; i++)
			el += (size_t)snprintf(exp + el, sizeof exp - el, "%s%llu", i ? "," : "", (unsigned long long)want[i]);
		return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': shape [%s] inconsistent with the metadata (expected [%s])",
		                   fname, name, got, exp);
	}
}

static int read_operand(const mps_trc_st_t *st, const char *fname, const char *op, size_t rows, size_t K,
                        mpq_rule_t rule, mpq_qtensor_t *q, mps_err_t *err)
{
	char k[32], tn[32];
	const char *v;
	const mps_trc_tensor_t *t;
	long long x;
	mpq_scheme_t s;
	mpq_fmt_t f;
	mps_err_t e2;
	size_t cs, i, n;
	mps_dtype_t dt;
	post_t pk = POST_NONE;
	int rc;

#define KEY(s) (snprintf(k, sizeof k, "%s.%s", op, s), k)
#define TN(s) (snprintf(tn, sizeof tn, "%s.%s", op, s), tn)
	memset(q, 0, sizeof *q);
	if ((rc = meta_req(st, fname, KEY("scheme"), &v, err)) != 0)
		return rc;
	if (mpq_scheme_lookup(v, &s, &e2) != 0)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%s': unknown scheme '%.40s'", fname, k, v);
	q->scheme = s;
	q->params.scheme = s;
	q->params.rule = rule;
	q->rows = rows;
	q->cols = K;
	if ((rc = meta_req(st, fname, KEY("elem"), &v, err)) != 0)
		return rc;
	if (mpq_format_lookup(v, &f, &e2) != 0 || f == MPQ_FP32 || f == MPQ_E8M0)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%s': unknown element format '%.40s'", fname, k, v);
	q->elem = f;
	if ((rc = meta_num(st, fname, KEY("block"), 1, 1u << 30, &x, err)) != 0)
		return rc;
	q->block = (unsigned)x;
	q->params.block = schemes[s].per_row ? 0 : (unsigned)x; /* as mpq_quantize resolves it */
	q->nblk = (K + q->block - 1) / q->block;
	if ((rc = meta_num(st, fname, KEY("elem_exp2"), -64, 64, &x, err)) != 0)
		return rc;
	q->elem_exp2 = (int)x;
	if ((rc = meta_num(st, fname, KEY("asym"), 0, 1, &x, err)) != 0)
		return rc;
	q->params.asym = x != 0;
	if ((rc = meta_req(st, fname, KEY("post"), &v, err)) != 0)
		return rc;
	for (i = 0; i < 3 && strcmp(v, post_names[i]) != 0; i++)
		;
	if (i == 3)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%s': '%.40s' is not none, row or tensor", fname, k, v);
	pk = (post_t)i;
	if ((rc = meta_req(st, fname, KEY("scale_fmt"), &v, err)) != 0)
		return rc;
	if (strcmp(v, "none") == 0) {
		q->scale_fmt = MPQ_FP32;
		q->nscale = 0;
	} else if (mpq_format_lookup(v, &f, &e2) != 0 || (f != MPQ_E8M0 && f != MPQ_E4M3 && f != MPQ_E5M2 &&
	                                                  f != MPQ_FP16)) {
		return mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%s': '%.40s' is not none, e8m0, e4m3, e5m2 or fp16",
		                   fname, k, v);
	} else {
		q->scale_fmt = f;
		q->nscale = schemes[s].nscale ? schemes[s].nscale : 1;
	}

	/* codes */
	dt = mps_trc_code_dtype(q->elem, K, &cs);
	if ((rc = tensor_req(st, fname, TN("codes"), dt, 2, rows, cs, 0, true, &t, err)) != 0)
		return rc;
	q->codes = malloc(rows * K * sizeof *q->codes);
	if (!q->codes)
		return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < K; c++) {
			uint16_t code;
			if (cs != K)
				code = (uint16_t)((t->data[r * cs + c / 2] >> (4 * (c & 1))) & 0xF);
			else if (dt == MPS_DT_U8)
				code = t->data[r * cs + c];
			else
				code = (uint16_t)get_le(t->data + 2 * (r * cs + c), 2);
			q->codes[r * K + c] = code;
		}
		if (cs != K && (K & 1) && (t->data[r * cs + cs - 1] >> 4))
			return mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': row %zu: padding nibble is not zero", fname, tn, r);
	}
	/* scales */
	if (q->nscale) {
		dt = scale_dtype(q->scale_fmt);
		if ((rc = tensor_req(st, fname, TN("scales"), dt, q->nscale == 2 ? 3 : 2, rows, q->nblk, 2, true, &t, err)) != 0)
			return rc;
		n = rows * q->nblk * q->nscale;
		q->scales = malloc(n * sizeof *q->scales);
		if (!q->scales)
			return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
		for (i = 0; i < n; i++)
			q->scales[i] = (uint16_t)get_le(t->data + i * dtypes[dt].size, (unsigned)dtypes[dt].size);
	} else if ((rc = tensor_req(st, fname, TN("scales"), MPS_DT_U8, 0, 0, 0, 0, false, &t, err)) != 0) {
		return rc;
	}
	/* zeros */
	if ((rc = tensor_req(st, fname, TN("zeros"), MPS_DT_U8, 2, rows, q->nblk, 0, q->params.asym, &t, err)) != 0)
		return rc;
	if (q->params.asym) {
		q->zeros = malloc(rows * q->nblk);
		if (!q->zeros)
			return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
		memcpy(q->zeros, t->data, rows * q->nblk);
	}
	/* post */
	if ((rc = tensor_req(st, fname, TN("post"), MPS_DT_F32, 1, pk == POST_TENSOR ? 1 : rows, 0, 0, pk != POST_NONE,
	                     &t, err)) != 0)
		return rc;
	if (pk != POST_NONE) {
		q->post = malloc(rows * sizeof *q->post);
		if (!q->post)
			return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
		q->post_per_tensor = pk == POST_TENSOR;
		for (i = 0; i < rows; i++)
			q->post[i] = f32_of_bits((uint32_t)get_le(t->data + (pk == POST_TENSOR ? 0 : 4 * i), 4));
	}
#undef KEY
#undef TN
	return MPS_OK;
}

static int read_f32(const mps_trc_st_t *st, const char *fname, const char *name, size_t r, size_t c, bool required,
                    float **out, mps_err_t *err)
{
	const mps_trc_tensor_t *t = mps_trc_st_find(st, name);
	int rc;
	if (!t && !required)
		return MPS_OK;
	if ((rc = tensor_req(st, fname, name, MPS_DT_F32, 2, r, c, 0, true, &t, err)) != 0)
		return rc;
	*out = malloc(r * c * sizeof(float) + 1);
	if (!*out)
		return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
	for (size_t i = 0; i < r * c; i++)
		(*out)[i] = f32_of_bits((uint32_t)get_le(t->data + 4 * i, 4));
	return MPS_OK;
}

static const char *const known_tensors[] = { "a.codes", "a.scales", "a.zeros", "a.post", "w.codes", "w.scales",
	                                     "w.zeros", "w.post", "y.expected", "y.ideal", "a.ref", "w.ref" };

int mps_trc_parse(const uint8_t *buf, size_t len, const char *fname, mps_trc_t *t, mps_err_t *err)
{
	mps_trc_st_t st;
	const mps_trc_tensor_t *y;
	const char *v;
	long long x, M, K, N;
	mpq_rule_t rule;
	char key[96];
	size_t i, j;
	int rc;

	memset(t, 0, sizeof *t);
	if (!fname)
		fname = "(buffer)";
	rc = mps_trc_st_parse(buf, len, fname, &st, err);
	if (rc)
		return rc;
	/* identity */
	if ((rc = meta_req(&st, fname, "format", &v, err)) != 0)
		goto fail;
	if (strcmp(v, "mpsim-trace") != 0) {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'format': '%.40s' is not 'mpsim-trace'", fname, v);
		goto fail;
	}
	if ((rc = meta_req(&st, fname, "version", &v, err)) != 0)
		goto fail;
	if (strcmp(v, "1") != 0) {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'version': unsupported version '%.40s' (this reader: 1)",
		                 fname, v);
		goto fail;
	}
	/* every tensor is known and carries a correct CRC */
	for (i = 0; i < st.ntensor; i++) {
		const mps_trc_tensor_t *tt = &st.tensors[i];
		char *end;
		unsigned long c;
		for (j = 0; j < sizeof known_tensors / sizeof *known_tensors; j++)
			if (strcmp(tt->name, known_tensors[j]) == 0)
				break;
		if (j == sizeof known_tensors / sizeof *known_tensors) {
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s: unknown tensor '%.64s'", fname, tt->name);
			goto fail;
		}
		snprintf(key, sizeof key, "crc32.%s", tt->name);
		if ((rc = meta_req(&st, fname, key, &v, err)) != 0)
			goto fail;
		errno = 0;
		c = strtoul(v, &end, 16);
		if (strlen(v) != 8 || *end || errno || strspn(v, "0123456789abcdef") != 8) {
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%s': '%.40s' is not 8 lower-case hex digits", fname,
			                 key, v);
			goto fail;
		}
		if ((uint32_t)c != crc_bytes(tt->data, (size_t)(tt->end - tt->begin))) {
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s: tensor '%s': bad CRC32 (stored %s, computed %08x): data corrupted",
			                 fname, tt->name, v, (unsigned)crc_bytes(tt->data, (size_t)(tt->end - tt->begin)));
			goto fail;
		}
	}
	for (i = 0; i < st.nmeta; i++)
		if (strncmp(st.meta_key[i], "crc32.", 6) == 0 && !mps_trc_st_find(&st, st.meta_key[i] + 6)) {
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata '%.64s' names a missing tensor", fname, st.meta_key[i]);
			goto fail;
		}
	/* shape and options */
	if ((rc = meta_num(&st, fname, "M", 1, 1u << 30, &M, err)) != 0 ||
	    (rc = meta_num(&st, fname, "K", 1, 1u << 30, &K, err)) != 0 ||
	    (rc = meta_num(&st, fname, "N", 1, 1u << 30, &N, err)) != 0)
		goto fail;
	if ((unsigned long long)M * (unsigned long long)K > (1ull << 34) ||
	    (unsigned long long)N * (unsigned long long)K > (1ull << 34) ||
	    (unsigned long long)M * (unsigned long long)N > (1ull << 34)) {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'M', 'K', 'N': GEMM too large", fname);
		goto fail;
	}
	t->M = (size_t)M;
	t->K = (size_t)K;
	t->N = (size_t)N;
	if ((rc = meta_req(&st, fname, "accumulate", &v, err)) != 0)
		goto fail;
	if (mps_trc_acc_lookup(v, &t->opts.acc, NULL) != 0) {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'accumulate': '%.40s' is not fp32, exact or align", fname, v);
		goto fail;
	}
	if ((rc = meta_num(&st, fname, "align_bits", 0, 32, &x, err)) != 0)
		goto fail;
	t->opts.align_bits = (unsigned)x;
	if ((rc = meta_num(&st, fname, "group", 0, 1u << 30, &x, err)) != 0)
		goto fail;
	t->opts.group = (unsigned)x;
	if ((rc = meta_num(&st, fname, "seed", 0, UINT64_MAX, &x, err)) != 0)
		goto fail;
	t->seed = (uint64_t)x;
	if ((rc = meta_req(&st, fname, "scale_rule", &v, err)) != 0)
		goto fail;
	if (strcmp(v, "floor") == 0) {
		rule = MPQ_RULE_FLOOR;
	} else if (strcmp(v, "ceil") == 0) {
		rule = MPQ_RULE_CEIL;
	} else {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: metadata 'scale_rule': '%.40s' is not floor or ceil", fname, v);
		goto fail;
	}
	if ((rc = meta_req(&st, fname, "source", &v, err)) != 0)
		goto fail;
	snprintf(t->source, sizeof t->source, "%s", v);
	if ((rc = meta_req(&st, fname, "generator", &v, err)) != 0)
		goto fail;
	snprintf(t->generator, sizeof t->generator, "%s", v);
	/* operands */
	if ((rc = read_operand(&st, fname, "a", t->M, t->K, rule, &t->a, err)) != 0 ||
	    (rc = read_operand(&st, fname, "w", t->N, t->K, rule, &t->w, err)) != 0)
		goto fail;
	if ((rc = read_f32(&st, fname, "y.expected", t->M, t->N, true, &t->y_expected, err)) != 0 ||
	    (rc = read_f32(&st, fname, "a.ref", t->M, t->K, false, &t->a_ref, err)) != 0 ||
	    (rc = read_f32(&st, fname, "w.ref", t->N, t->K, false, &t->w_ref, err)) != 0)
		goto fail;
	if ((rc = tensor_req(&st, fname, "y.ideal", MPS_DT_F64, 2, t->M, t->N, 0, true, &y, err)) != 0)
		goto fail;
	t->y_ideal = malloc(t->M * t->N * sizeof(double));
	if (!t->y_ideal) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
		goto fail;
	}
	for (i = 0; i < t->M * t->N; i++)
		t->y_ideal[i] = f64_of_bits(get_le(y->data + 8 * i, 8));
	if ((rc = check_trace(t, fname, err)) != 0)
		goto fail;
	mps_trc_st_free(&st);
	return MPS_OK;
fail:
	mps_trc_st_free(&st);
	mps_trc_free(t);
	return rc;
}

int mps_trc_read(const char *path, mps_trc_t *t, mps_err_t *err)
{
	uint8_t *b;
	size_t n;
	int rc;

	memset(t, 0, sizeof *t);
	rc = read_file(path, &b, &n, err);
	if (rc)
		return rc;
	rc = mps_trc_parse(b, n, path, t, err);
	free(b);
	return rc;
}

/* ------------------------------------------------------------------------
 * Consistency check
 * ------------------------------------------------------------------------ */

static int cmp_u16(const uint16_t *x, const uint16_t *y, size_t n, const char *what, mps_err_t *err)
{
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return mps_err_set(err, MPS_ERR_MISMATCH, "%s[%zu]: stored 0x%x, requantized refs give 0x%x", what, i,
			                   x[i], y[i]);
	return MPS_OK;
}

static int requant_check(const mpq_qtensor_t *q, const float *ref, const char *op, mps_err_t *err)
{
	mpq_qtensor_t r;
	char what[32];
	int rc = mpq_quantize(ref, q->rows, q->cols, &q->params, &r, NULL, err);
	if (rc)
		return rc;
	rc = MPS_ERR_MISMATCH;
	snprintf(what, sizeof what, "%s.codes", op);
	if (cmp_u16(q->codes, r.codes, q->rows * q->cols, what, err))
		goto fail;
	snprintf(what, sizeof what, "%s.scales", op);
	if ((q->scales == NULL) != (r.scales == NULL) || r.nblk != q->nblk ||
	    (q->scales && cmp_u16(q->scales, r.scales, q->rows * q->nblk * q->nscale, what, err))) {
		if (!q->scales || !r.scales || r.nblk != q->nblk)
			mps_err_set(err, rc, "%s: stored layout differs from requantized refs", what);
		goto fail;
	}
	if ((q->zeros == NULL) != (r.zeros == NULL) || (q->zeros && memcmp(q->zeros, r.zeros, q->rows * q->nblk))) {
		mps_err_set(err, rc, "%s.zeros: stored zero points differ from requantized refs", op);
		goto fail;
	}
	if ((q->post == NULL) != (r.post == NULL) || (q->post && memcmp(q->post, r.post, q->rows * sizeof(float)))) {
		mps_err_set(err, rc, "%s.post: stored post scales differ from requantized refs", op);
		goto fail;
	}
	rc = MPS_OK;
fail:
	mpq_qtensor_free(&r);
	return rc;
}

int mps_trc_check(const mps_trc_t *t, mps_err_t *err)
{
	size_t n = t->M * t->N, bad = 0, first = 0;
	float *y = malloc(n * sizeof *y + 1);
	double *yi = NULL;
	int rc;

	if (!y)
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	rc = mpq_gemm_ref(&t->a, &t->w, &t->opts, y, err);
	if (rc)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (bits_of_f32(y[i]) != bits_of_f32(t->y_expected[i]) && !bad++)
			first = i;
	if (bad) {
		rc = mps_err_set(err, MPS_ERR_MISMATCH,
		                 "y.expected: %zu of %zu outputs differ from mpq_gemm_ref; first y[%zu,%zu]: stored %.9g (0x%08x), "
		                 "recomputed %.9g (0x%08x)",
		                 bad, n, first / t->N, first % t->N, (double)t->y_expected[first],
		                 (unsigned)bits_of_f32(t->y_expected[first]), (double)y[first], (unsigned)bits_of_f32(y[first]));
		goto fail;
	}
	if (t->a_ref && t->w_ref) {
		yi = malloc(n * sizeof *yi);
		if (!yi) {
			rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
			goto fail;
		}
		mpq_gemm_ideal(t->a_ref, t->w_ref, t->M, t->K, t->N, yi);
		for (size_t i = 0; i < n; i++)
			if (bits_of_f64(yi[i]) != bits_of_f64(t->y_ideal[i]) && !bad++)
				first = i;
		if (bad) {
			rc = mps_err_set(err, MPS_ERR_MISMATCH,
			                 "y.ideal: %zu of %zu outputs differ from the float64 product of a.ref and w.ref; "
			                 "first y[%zu,%zu]: stored %.17g, recomputed %.17g",
			                 bad, n, first / t->N, first % t->N, t->y_ideal[first], yi[first]);
			goto fail;
		}
	}
	if (t->a_ref && (rc = requant_check(&t->a, t->a_ref, "a", err)) != 0)
		goto fail;
	if (t->w_ref && (rc = requant_check(&t->w, t->w_ref, "w", err)) != 0)
		goto fail;
	rc = MPS_OK;
fail:
	free(y);
	free(yi);
	return rc;
}

double mps_trc_sqnr(const double *ref, const float *got, size_t n)
{
	double s = 0, e = 0;
	for (size_t i = 0; i < n; i++) {
		double d = ref[i] - (double)got[i];
		s += ref[i] * ref[i];
		e += d * d;
	}
	if (e == 0)
		return INFINITY;
	return 10.0 * log10(s / e);
}
