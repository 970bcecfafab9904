/* tests/unit/test_trace.c - trace reader/writer, workload presets, SCALE-Sim
 * CSV import and the synthetic-operand PRNG (traces/). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <zlib.h>

#include "mpq.h"
#include "trace.h"
#include "workloads.h"

/* Build a trace of M x K x N with synthetic operands. */
static int make_trace(mps_trc_t *t, size_t M, size_t K, size_t N, mpq_scheme_t ws, unsigned wblock, bool asym,
                      mpq_scheme_t as, mpq_acc_t acc, unsigned group, mps_err_t *err)
{
	mpq_qparams_t pw = { .scheme = ws, .block = wblock, .asym = asym, .rule = MPQ_RULE_FLOOR };
	mpq_qparams_t pa = { .scheme = as, .block = 0, .asym = false, .rule = MPQ_RULE_FLOOR };
	int rc;

	memset(t, 0, sizeof *t);
	t->M = M;
	t->K = K;
	t->N = N;
	t->seed = 42;
	t->opts.acc = acc;
	t->opts.group = group;
	snprintf(t->source, sizeof t->source, "gemm");
	t->a_ref = malloc(M * K * sizeof(float));
	t->w_ref = malloc(N * K * sizeof(float));
	t->y_expected = malloc(M * N * sizeof(float));
	t->y_ideal = malloc(M * N * sizeof(double));
	if (!t->a_ref || !t->w_ref || !t->y_expected || !t->y_ideal)
		return MPS_ERR_NOMEM;
	CU_ASSERT_EQUAL_FATAL(mps_wl_acts(42, M, K, t->a_ref), MPS_OK);
	mps_wl_weights(42, N, K, t->w_ref);
	if ((rc = mpq_quantize(t->w_ref, N, K, &pw, &t->w, NULL, err)) != 0 ||
	    (rc = mpq_quantize(t->a_ref, M, K, &pa, &t->a, NULL, err)) != 0 ||
	    (rc = mpq_gemm_ref(&t->a, &t->w, &t->opts, t->y_expected, err)) != 0)
		return rc;
	mpq_gemm_ideal(t->a_ref, t->w_ref, M, K, N, t->y_ideal);
	return MPS_OK;
}

static bool same_q(const mpq_qtensor_t *x, const mpq_qtensor_t *y)
{
	size_t n = x->rows * x->cols;
	if (x->scheme != y->scheme || x->rows != y->rows || x->cols != y->cols || x->elem != y->elem ||
	    x->block != y->block || x->nblk != y->nblk || x->params.asym != y->params.asym ||
	    memcmp(x->codes, y->codes, n * sizeof *x->codes))
		return false;
	if ((x->scales == NULL) != (y->scales == NULL) || (x->zeros == NULL) != (y->zeros == NULL) ||
	    (x->post == NULL) != (y->post == NULL))
		return false;
	if (x->scales && (x->scale_fmt != y->scale_fmt || x->nscale != y->nscale ||
	                  memcmp(x->scales, y->scales, x->rows * x->nblk * x->nscale * sizeof *x->scales)))
		return false;
	if (x->zeros && memcmp(x->zeros, y->zeros, x->rows * x->nblk))
		return false;
	if (x->post && (x->post_per_tensor != y->post_per_tensor || memcmp(x->post, y->post, x->rows * sizeof(float))))
		return false;
	return true;
}

typedef struct {
	mpq_scheme_t ws;
	unsigned wblock;
	bool asym;
	mpq_scheme_t as;
	mpq_acc_t acc;
	unsigned group;
} pair_t;

static const pair_t pairs[] = {
	{ MPQ_S_INT4, 32, false, MPQ_S_INT8_TOKEN, MPQ_ACC_FP32, 0 },
	{ MPQ_S_INT4, 64, true, MPQ_S_INT8_TOKEN, MPQ_ACC_EXACT, 0 },
	{ MPQ_S_INT4, 25, false, MPQ_S_INT8_TOKEN, MPQ_ACC_FP32, 0 },
	{ MPQ_S_MXFP4, 0, false, MPQ_S_INT8_TOKEN, MPQ_ACC_FP32, 0 },
	{ MPQ_S_INT4, 32, false, MPQ_S_FP16, MPQ_ACC_ALIGN, 0 },
	{ MPQ_S_INT4, 32, false, MPQ_S_BF16, MPQ_ACC_ALIGN, 0 },
	{ MPQ_S_MXFP4, 0, false, MPQ_S_FP16, MPQ_ACC_FP32, 0 },
	{ MPQ_S_MXFP4, 0, false, MPQ_S_MXFP8_E4M3, MPQ_ACC_EXACT, 0 },
	{ MPQ_S_ZQFP_M1, 32, false, MPQ_S_E4M3_TOKEN, MPQ_ACC_FP32, 0 },
	{ MPQ_S_ZQFP_M2, 32, false, MPQ_S_E4M3_TOKEN, MPQ_ACC_EXACT, 0 },
	{ MPQ_S_AMXFP4, 0, false, MPQ_S_MXFP8_E4M3, MPQ_ACC_FP32, 0 },
	{ MPQ_S_NVFP4, 0, false, MPQ_S_E4M3_TENSOR, MPQ_ACC_FP32, 0 },
	{ MPQ_S_NVFP4, 0, false, MPQ_S_NVFP4, MPQ_ACC_EXACT, 0 },
	{ MPQ_S_INT8, 100, false, MPQ_S_INT8_TOKEN, MPQ_ACC_FP32, 0 },
	{ MPQ_S_INT8, 32, true, MPQ_S_INT8_TOKEN, MPQ_ACC_FP32, 0 },
	{ MPQ_S_FP16, 0, false, MPQ_S_FP16, MPQ_ACC_FP32, 1 },
	{ MPQ_S_MXFP8_E4M3, 0, false, MPQ_S_MXFP8_E4M3, MPQ_ACC_FP32, 0 },
	{ MPQ_S_MXINT8, 0, false, MPQ_S_MXFP6_E2M3, MPQ_ACC_EXACT, 0 },
};

static void test_mps_trc_roundtrip_pairs(void)
{
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const pair_t *p = &pairs[i];
		mps_trc_t t, u;
		mps_err_t err = { 0 };
		uint8_t *buf = NULL;
		size_t len;
		char what[96];
		int rc;

		snprintf(what, sizeof what, "pair %zu: %s x %s", i, mpq_scheme_name(p->ws), mpq_scheme_name(p->as));
		rc = make_trace(&t, 5, 100, 13, p->ws, p->wblock, p->asym, p->as, p->acc, p->group, &err);
		if (rc)
			fprintf(stderr, "%s: %s\n", what, err.msg);
		CU_ASSERT_EQUAL_FATAL(rc, MPS_OK);
		rc = mps_trc_serialize(&t, &buf, &len, &err);
		if (rc)
			fprintf(stderr, "%s: %s\n", what, err.msg);
		CU_ASSERT_EQUAL_FATAL(rc, MPS_OK);
		CU_ASSERT_EQUAL(buf[8], '{');
		CU_ASSERT_EQUAL((8 + buf[0] + 256u * buf[1]) % 8, 0); /* data 8-aligned */
		rc = mps_trc_parse(buf, len, what, &u, &err);
		if (rc)
			fprintf(stderr, "%s: %s\n", what, err.msg);
		CU_ASSERT_EQUAL_FATAL(rc, MPS_OK);
		CU_ASSERT(u.M == 5 && u.K == 100 && u.N == 13 && u.seed == 42);
		CU_ASSERT(same_q(&t.a, &u.a));
		CU_ASSERT(same_q(&t.w, &u.w));
		CU_ASSERT(u.opts.acc == p->acc && u.opts.group == p->group);
		CU_ASSERT(memcmp(t.y_expected, u.y_expected, 65 * sizeof(float)) == 0);
		CU_ASSERT(memcmp(t.y_ideal, u.y_ideal, 65 * sizeof(double)) == 0);
		CU_ASSERT(memcmp(t.a_ref, u.a_ref, 500 * sizeof(float)) == 0);
		CU_ASSERT_STRING_EQUAL(u.generator, mps_trc_generator());
		rc = mps_trc_check(&u, &err);
		if (rc)
			fprintf(stderr, "%s: check: %s\n", what, err.msg);
		CU_ASSERT_EQUAL(rc, MPS_OK);
		/* a changed output is a mismatch */
		u.y_expected[7] = nextafterf(u.y_expected[7], INFINITY);
		CU_ASSERT_EQUAL(mps_trc_check(&u, &err), MPS_ERR_MISMATCH);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "y[0,7]"));
		mps_trc_free(&u);
		mps_trc_free(&t);
		free(buf);
	}
}

/* A serialized int4 x int8_token trace shared by the corruption tests. */
static uint8_t *good(size_t *len)
{
	mps_trc_t t;
	mps_err_t err;
	uint8_t *buf = NULL;
	if (make_trace(&t, 3, 40, 5, MPQ_S_INT4, 16, false, MPQ_S_INT8_TOKEN, MPQ_ACC_FP32, 0, &err) == MPS_OK)
		mps_trc_serialize(&t, &buf, len, &err);
	mps_trc_free(&t);
	return buf;
}

static int parse_msg(const uint8_t *b, size_t len, mps_err_t *err)
{
	mps_trc_t t;
	int rc = mps_trc_parse(b, len, "x.safetensors", &t, err);
	if (rc == MPS_OK)
		mps_trc_free(&t);
	return rc;
}

/* Replace the first occurrence of from by to (same length) in the header. */
static bool patch(uint8_t *b, size_t len, const char *from, const char *to)
{
	size_t n = strlen(from);
	for (size_t i = 8; i + n <= len; i++)
		if (memcmp(b + i, from, n) == 0) {
			memcpy(b + i, to, n);
			return true;
		}
	return false;
}

static void test_mps_trc_parse_truncated(void)
{
	size_t len;
	uint8_t *b = good(&len);
	mps_err_t err;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 7)) {
		uint8_t *c = malloc(cut + 1);
		memcpy(c, b, cut);
		CU_ASSERT_EQUAL(parse_msg(c, cut, &err), MPS_ERR_PARSE);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "x.safetensors: truncated"));
		if (!strstr(err.msg, "truncated"))
			fprintf(stderr, "cut %zu: %s\n", cut, err.msg);
		free(c);
	}
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_OK);
	free(b);
}

static void test_mps_trc_parse_bad_crc(void)
{
	size_t len;
	uint8_t *b = good(&len);
	mps_trc_st_t st;
	mps_err_t err;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL_FATAL(mps_trc_st_parse(b, len, "x", &st, &err), MPS_OK);
	for (size_t i = 0; i < st.ntensor; i++) {
		const mps_trc_tensor_t *t = &st.tensors[i];
		size_t off = (size_t)(t->data - b) + (size_t)(t->end - t->begin) / 2;
		char want[64];
		if (t->end == t->begin)
			continue;
		b[off] ^= 0x10;
		CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
		snprintf(want, sizeof want, "tensor '%s': bad CRC32", t->name);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want));
		b[off] ^= 0x10;
	}
	mps_trc_st_free(&st);
	free(b);
}

static void test_mps_trc_parse_header_huge(void)
{
	size_t len;
	uint8_t *b = good(&len);
	mps_err_t err;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	b[4] = 0x01; /* 2^32 + ... */
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "exceeds the 100000000-byte limit"));
	b[4] = 0;
	b[3] = 0x06; /* 100 MB < 0x06000000 + x */
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "exceeds"));
	free(b);
}

static void test_mps_trc_parse_bad_json(void)
{
	size_t len;
	uint8_t *b = good(&len);
	mps_err_t err;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_FATAL(patch(b, len, "\"shape\":[", "\"shape\":{"));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "invalid JSON header"));
	free(b);
	b = good(&len);
	b[8] = '[';
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "invalid JSON header"));
	free(b);
}

static void test_mps_trc_parse_bad_dtype(void)
{
	size_t len;
	uint8_t *b = good(&len);
	mps_err_t err;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	/* unknown dtype */
	CU_ASSERT_FATAL(patch(b, len, "\"F64\"", "\"X64\""));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'y.ideal': unknown dtype 'X64'"));
	free(b);
	/* known dtype of the same size, wrong for the tensor */
	b = good(&len);
	CU_ASSERT_FATAL(patch(b, len, "\"U16\"", "\"I16\""));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'w.scales': dtype I16, expected U16"));
	free(b);
	/* size changes: the container catches it */
	b = good(&len);
	CU_ASSERT_FATAL(patch(b, len, "\"F64\"", "\"F32\""));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'y.ideal': data_offsets span"));
	free(b);
}

static void test_mps_trc_parse_shape_mismatch(void)
{
	size_t len;
	uint8_t *b = good(&len);
	mps_err_t err;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_FATAL(patch(b, len, "\"N\":\"5\"", "\"N\":\"4\""));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'w.codes': shape [5,20] inconsistent"));
	free(b);
	b = good(&len);
	CU_ASSERT_FATAL(patch(b, len, "\"w.block\":\"16\"", "\"w.block\":\"32\""));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'w.scales': shape [5,3] inconsistent"));
	free(b);
	/* data_offsets that overlap */
	b = good(&len);
	CU_ASSERT_FATAL(patch(b, len, "\"data_offsets\":[0,", "\"data_offsets\":[1,"));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "data_offsets"));
	free(b);
}

static void test_mps_trc_parse_bad_metadata(void)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{ "\"accumulate\"", "\"accumulatf\"", "missing metadata key 'accumulate'" },
		{ "\"seed\"", "\"sees\"", "missing metadata key 'seed'" },
		{ "\"M\":\"3\"", "\"M\":\"x\"", "metadata 'M': 'x' is not an integer" },
		{ "\"a.scheme\":\"int8_token\"", "\"a.scheme\":\"int8_tokem\"", "metadata 'a.scheme': unknown scheme 'int8_tokem'" },
		{ "\"accumulate\":\"fp32\"", "\"accumulate\":\"fp33\"", "metadata 'accumulate': 'fp33'" },
		{ "\"w.elem\":\"int4\"", "\"w.elem\":\"e2m1\"", "w.elem: 'e2m1' does not match scheme 'int4'" },
		{ "\"format\":\"mpsim-trace\"", "\"format\":\"mpsim-tracf\"", "metadata 'format'" },
		{ "\"version\":\"1\"", "\"version\":\"2\"", "unsupported version '2'" },
		{ "\"scale_rule\":\"floor\"", "\"scale_rule\":\"flood\"", "metadata 'scale_rule'" },
		{ "\"crc32.w.codes\"", "\"crc32.w.codez\"", "missing metadata key 'crc32.w.codes'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		uint8_t *b = good(&len);
		mps_err_t err;
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT_FATAL(patch(b, len, cases[i].from, cases[i].to));
		CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
		if (!strstr(err.msg, cases[i].msg))
			fprintf(stderr, "case %zu: got '%s'\n", i, err.msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg));
		free(b);
	}
}

/* NaN element code with a valid CRC: rejected by the value check. */
static void test_mps_trc_parse_nan_code(void)
{
	mps_trc_t t;
	mps_err_t err;
	uint8_t *b = NULL, *b2 = NULL;
	size_t len, len2;
	mps_trc_st_t st;
	const mps_trc_tensor_t *c;
	char from[40], to[40];

	CU_ASSERT_EQUAL_FATAL(make_trace(&t, 2, 8, 2, MPQ_S_INT4, 8, false, MPQ_S_E4M3_TOKEN, MPQ_ACC_FP32, 0, &err),
	                      MPS_OK);
	CU_ASSERT_EQUAL_FATAL(mps_trc_serialize(&t, &b, &len, &err), MPS_OK);
	/* the writer refuses a NaN code too */
	t.a.codes[3] = 0x7F;
	CU_ASSERT_EQUAL(mps_trc_serialize(&t, &b2, &len2, &err), MPS_ERR_INVAL);
	CU_ASSERT_PTR_NULL(b2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a.codes[0,3]: code 0x7f is not a finite e4m3"));
	mps_trc_free(&t);
	CU_ASSERT_EQUAL_FATAL(mps_trc_st_parse(b, len, "x", &st, &err), MPS_OK);
	c = mps_trc_st_find(&st, "a.codes");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	snprintf(from, sizeof from, "\"crc32.a.codes\":\"%s\"", mps_trc_st_meta(&st, "crc32.a.codes"));
	((uint8_t *)(uintptr_t)c->data)[3] = 0x7F;
	snprintf(to, sizeof to, "\"crc32.a.codes\":\"%08x\"", (unsigned)crc32(0, c->data, (uInt)(c->end - c->begin)));
	mps_trc_st_free(&st);
	CU_ASSERT_FATAL(patch(b, len, from, to));
	CU_ASSERT_EQUAL(parse_msg(b, len, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a.codes[0,3]: code 0x7f is not a finite e4m3 value"));
	free(b);
}

static void test_mps_trc_st_tensor_f32_dtypes(void)
{
	/* hand-built safetensors file: F16 [2], BF16 [1,2], I64 [1] */
	const char *hdr = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
	                  "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[4,8]},"
	                  "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
	size_t hl = strlen(hdr), len = 8 + hl + 16, r, c;
	uint8_t *b = calloc(len, 1);
	uint8_t data[16] = { 0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x40, 0xC0, 1 }; /* 1, -2 | 1, -3 */
	mps_trc_st_t st;
	mps_err_t err;
	float *v = NULL;

	b[0] = (uint8_t)hl;
	memcpy(b + 8, hdr, hl);
	memcpy(b + 8 + hl, data, 16);
	CU_ASSERT_EQUAL_FATAL(mps_trc_st_parse(b, len, "m", &st, &err), MPS_OK);
	CU_ASSERT_EQUAL(mps_trc_st_tensor_f32(&st, "m", "h", &v, &r, &c, &err), MPS_OK);
	CU_ASSERT(r == 1 && c == 2 && v && v[0] == 1.0f && v[1] == -2.0f);
	free(v);
	CU_ASSERT_EQUAL(mps_trc_st_tensor_f32(&st, "m", "b", &v, &r, &c, &err), MPS_OK);
	CU_ASSERT(r == 1 && c == 2 && v && v[0] == 1.0f && v[1] == -3.0f);
	free(v);
	CU_ASSERT_EQUAL(mps_trc_st_tensor_f32(&st, "m", "i", &v, &r, &c, &err), MPS_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'i' has dtype I64"));
	CU_ASSERT_EQUAL(mps_trc_st_tensor_f32(&st, "m", "zz", &v, &r, &c, &err), MPS_ERR_INVAL);
	mps_trc_st_free(&st);
	/* offsets that do not match the shape are rejected */
	b[8 + (size_t)(strstr(hdr, "[4,8]") - hdr) + 1] = '5';
	CU_ASSERT_EQUAL(mps_trc_st_parse(b, len, "m", &st, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "tensor 'b': data_offsets span 3 bytes"));
	free(b);
}

/* ------------------------------------------------------------------------ */

static void test_mps_wl_preset_shapes(void)
{
	static const struct {
		const char *spec;
		size_t M, qkv_n, o_k, up_k, up_n, down_k, down_n;
		const char *up, *down;
	} cases[] = {
		{ "llama2-7b:decode", 1, 12288, 4096, 4096, 22016, 11008, 4096, "gate_up", "down" },
		{ "llama2-7b:decode:16", 16, 12288, 4096, 4096, 22016, 11008, 4096, "gate_up", "down" },
		{ "llama2-7b:prefill", 512, 12288, 4096, 4096, 22016, 11008, 4096, "gate_up", "down" },
		{ "llama2-13b:prefill:2048", 2048, 15360, 5120, 5120, 27648, 13824, 5120, "gate_up", "down" },
		{ "llama3-8b:decode:8", 8, 6144, 4096, 4096, 28672, 14336, 4096, "gate_up", "down" }, /* 4096+2*8*128 */
		{ "opt-6.7b:prefill:128", 128, 12288, 4096, 4096, 16384, 16384, 4096, "fc1", "fc2" },
		{ "vit-b16:prefill", 197, 2304, 768, 768, 3072, 3072, 768, "fc1", "fc2" },
		{ "vit-b16:prefill:4", 788, 2304, 768, 768, 3072, 3072, 768, "fc1", "fc2" },
		{ "vit-h14", 257, 3840, 1280, 1280, 5120, 5120, 1280, "fc1", "fc2" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mps_wl_gemm_t g[MPS_WL_MAX_LAYERS];
		size_t n;
		mps_err_t err;
		CU_ASSERT_EQUAL_FATAL(mps_wl_preset(cases[i].spec, g, &n, &err), MPS_OK);
		CU_ASSERT_EQUAL(n, 4);
		CU_ASSERT_STRING_EQUAL(g[0].name, "qkv");
		CU_ASSERT(g[0].M == cases[i].M && g[0].K == cases[i].o_k && g[0].N == cases[i].qkv_n);
		CU_ASSERT(g[1].M == cases[i].M && g[1].K == cases[i].o_k && g[1].N == cases[i].o_k);
		CU_ASSERT_STRING_EQUAL(g[2].name, cases[i].up);
		CU_ASSERT(g[2].M == cases[i].M && g[2].K == cases[i].up_k && g[2].N == cases[i].up_n);
		CU_ASSERT_STRING_EQUAL(g[3].name, cases[i].down);
		CU_ASSERT(g[3].M == cases[i].M && g[3].K == cases[i].down_k && g[3].N == cases[i].down_n);
	}
}

static void test_mps_wl_preset_errors(void)
{
	mps_wl_gemm_t g[MPS_WL_MAX_LAYERS], one;
	size_t n;
	mps_err_t err;
	CU_ASSERT_EQUAL(mps_wl_preset("llama9-7b:decode", g, &n, &err), MPS_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown model 'llama9-7b'"));
	CU_ASSERT_EQUAL(mps_wl_preset("llama2-7b:decodex", g, &n, &err), MPS_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown phase"));
	CU_ASSERT_EQUAL(mps_wl_preset("llama2-7b:decode:0", g, &n, &err), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(mps_wl_preset("llama2-7b:decode:1x", g, &n, &err), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(mps_wl_preset("vit-b16:decode", g, &n, &err), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(mps_wl_layer("llama2-7b:decode:16", "fc1", &one, &err), MPS_OK);
	CU_ASSERT(strcmp(one.name, "gate_up") == 0 && one.N == 22016 && one.M == 16);
	CU_ASSERT_EQUAL(mps_wl_layer("opt-6.7b:decode", "down", &one, &err), MPS_OK);
	CU_ASSERT(strcmp(one.name, "fc2") == 0 && one.K == 16384);
	CU_ASSERT_EQUAL(mps_wl_layer("llama2-7b:decode", "lm_head", &one, &err), MPS_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown layer 'lm_head'"));
}

static void test_mps_wl_csv_parse_rows(void)
{
	const char *ok = "Layer, M, N, K,\n"
	                 "GEMM_1, 64, 32, 128,\n"
	                 "\n# comment\n"
	                 "GEMM_2,7,9,11\r\n"
	                 "  qkv , 16 , 12288 , 4096 ,";
	mps_wl_gemm_t *g;
	size_t n;
	mps_err_t err;
	CU_ASSERT_EQUAL_FATAL(mps_wl_csv_parse(ok, "t.csv", &g, &n, &err), MPS_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT(strcmp(g[0].name, "GEMM_1") == 0 && g[0].M == 64 && g[0].N == 32 && g[0].K == 128);
	CU_ASSERT(strcmp(g[1].name, "GEMM_2") == 0 && g[1].M == 7 && g[1].N == 9 && g[1].K == 11);
	CU_ASSERT(strcmp(g[2].name, "qkv") == 0 && g[2].M == 16 && g[2].N == 12288 && g[2].K == 4096);
	free(g);
}

static void test_mps_wl_csv_parse_bad_rows(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "Layer, M, N, K,\nG1, 64, 32,\n", "t.csv:2: expected 'name, M, N, K' (4 fields), got 3" },
		{ "Layer, M, N, K,\nG1, 64, 32, 1, 5\n", "t.csv:2: expected" },
		{ "Layer, M, N, K,\nG1, 64, 32, 1\nG2, 6x, 3, 1,\n", "t.csv:3: M '6x' is not a positive integer" },
		{ "Layer, M, N, K,\nG1, 64, -3, 1,\n", "t.csv:2: N '-3'" },
		{ "Layer, M, N, K,\nG1, 64, 3, 0,\n", "t.csv:2: K '0'" },
		{ "Layer, M, K, N,\n", "t.csv:1: expected the header" },
		{ "", "t.csv: empty topology file" },
		{ "Layer, M, N, K,\n, 1, 2, 3,\n", "t.csv:2: expected" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mps_wl_gemm_t *g = NULL;
		size_t n;
		mps_err_t err;
		CU_ASSERT_EQUAL(mps_wl_csv_parse(cases[i].text, "t.csv", &g, &n, &err), MPS_ERR_PARSE);
		if (!strstr(err.msg, cases[i].msg))
			fprintf(stderr, "csv case %zu: got '%s'\n", i, err.msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, cases[i].msg));
		CU_ASSERT_PTR_NULL(g);
	}
}

static void test_mps_wl_rng_reproducible(void)
{
	mps_wl_rng_t r1, r2;
	float *a1 = malloc(4 * 1000 * sizeof(float)), *a2 = malloc(4 * 1000 * sizeof(float));
	double s = 0, s2 = 0;
	size_t big = 0, tail = 0;

	mps_wl_rng_seed(&r1, 123);
	mps_wl_rng_seed(&r2, 123);
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(mps_wl_rng_u64(&r1), mps_wl_rng_u64(&r2));
	mps_wl_rng_seed(&r2, 124);
	CU_ASSERT_NOT_EQUAL(mps_wl_rng_u64(&r1), mps_wl_rng_u64(&r2));
	/* splitmix64(0) is the published first output 0xe220a8397b1dcdaf */
	mps_wl_rng_seed(&r1, 0);
	CU_ASSERT_EQUAL(r1.s[0], 0xe220a8397b1dcdafull);
	for (int i = 0; i < 100000; i++) {
		double u = mps_wl_rng_uniform(&r1), g = mps_wl_rng_normal(&r1);
		CU_ASSERT_FATAL(u >= 0 && u < 1);
		s += g;
		s2 += g * g;
		tail += fabs(g) > 3.0;
	}
	CU_ASSERT(fabs(s / 1e5) < 0.02 && fabs(s2 / 1e5 - 1) < 0.03);
	/* P(|N(0,1)| > 3) = 0.0027: 270 expected, sd about 16 (ziggurat tail) */
	CU_ASSERT(tail >= 200 && tail <= 340);
	CU_ASSERT_EQUAL(mps_wl_acts(5, 4, 1000, a1), MPS_OK);
	CU_ASSERT_EQUAL(mps_wl_acts(5, 4, 1000, a2), MPS_OK);
	CU_ASSERT(memcmp(a1, a2, 4000 * sizeof(float)) == 0);
	CU_ASSERT_EQUAL(mps_wl_acts(6, 4, 1000, a2), MPS_OK);
	CU_ASSERT(memcmp(a1, a2, 4000 * sizeof(float)) != 0);
	/* 5 outlier channels (0.5% of 1000): their mean |a| is >= 20x the rest */
	for (size_t k = 0; k < 1000; k++) {
		double m = 0;
		for (size_t r = 0; r < 4; r++)
			m += fabs(a1[r * 1000 + k]) / 4;
		big += m > 8.0;
	}
	CU_ASSERT(big >= 3 && big <= 5);
	mps_wl_weights(5, 4, 1000, a1);
	mps_wl_weights(5, 4, 1000, a2);
	CU_ASSERT(memcmp(a1, a2, 4000 * sizeof(float)) == 0);
	free(a1);
	free(a2);
}

static CU_TestInfo tests_trace[] = {
	{ "test_mps_trc_roundtrip_pairs", test_mps_trc_roundtrip_pairs },
	{ "test_mps_trc_parse_truncated", test_mps_trc_parse_truncated },
	{ "test_mps_trc_parse_bad_crc", test_mps_trc_parse_bad_crc },
	{ "test_mps_trc_parse_header_huge", test_mps_trc_parse_header_huge },
	{ "test_mps_trc_parse_bad_json", test_mps_trc_parse_bad_json },
	{ "test_mps_trc_parse_bad_dtype", test_mps_trc_parse_bad_dtype },
	{ "test_mps_trc_parse_shape_mismatch", test_mps_trc_parse_shape_mismatch },
	{ "test_mps_trc_parse_bad_metadata", test_mps_trc_parse_bad_metadata },
	{ "test_mps_trc_parse_nan_code", test_mps_trc_parse_nan_code },
	{ "test_mps_trc_st_tensor_f32_dtypes", test_mps_trc_st_tensor_f32_dtypes },
	{ "test_mps_wl_preset_shapes", test_mps_wl_preset_shapes },
	{ "test_mps_wl_preset_errors", test_mps_wl_preset_errors },
	{ "test_mps_wl_csv_parse_rows", test_mps_wl_csv_parse_rows },
	{ "test_mps_wl_csv_parse_bad_rows", test_mps_wl_csv_parse_bad_rows },
	{ "test_mps_wl_rng_reproducible", test_mps_wl_rng_reproducible },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_trace[] = {
	{ "trace", NULL, NULL, NULL, NULL, tests_trace },
	CU_SUITE_INFO_NULL,
};
