/* sim/cmd_trace.c - "mpsim trace": make, inspect, dump and check GEMM trace
 * files (traces/FORMAT.md). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "cli.h"
#include "mpq.h"
#include "trace.h"
#include "workloads.h"

const char mps_summary_trace[] = "make, inspect, dump and check GEMM trace files";
const char mps_help_trace[] =
	"usage: mpsim trace make SOURCE [OPTIONS] -o FILE\n"
	"       mpsim trace info [--json] FILE\n"
	"       mpsim trace dump FILE\n"
	"       mpsim trace check FILE...\n"
	"\n"
	"A trace is one .safetensors file holding a quantized GEMM Y = A W^T (A is\n"
	"M x K activations, W is N x K weights), its bit-exact contract answer\n"
	"y.expected and the float64 answer y.ideal of the unquantized operands.\n"
	"Layout and every reader check: traces/FORMAT.md (docs/trace-format.md).\n"
	"\n"
	"make SOURCE (exactly one):\n"
	"  --gemm M,K,N              synthetic operands of that shape\n"
	"  --workload PRESET --layer L\n"
	"                            a layer of a built-in model (docs/workloads.md):\n"
	"                            PRESET = MODEL:prefill[:SEQ] | MODEL:decode[:BATCH]\n"
	"                            (vit: MODEL:prefill[:IMAGES]); MODEL = llama2-7b,\n"
	"                            llama2-13b, llama3-8b, opt-6.7b, vit-b16, vit-h14;\n"
	"                            L = qkv, o, gate_up (fc1, up), down (fc2)\n"
	"  --topology CSV --layer NAME\n"
	"                            a row of a SCALE-Sim GEMM topology CSV\n"
	"  --weights FILE --tensor NAME [--tokens M]\n"
	"                            W = a F32/F16/BF16 tensor [N, K] of a real\n"
	"                            .safetensors model; A synthetic, M rows (16)\n"
	"make OPTIONS:\n"
	"  --wscheme S     weights: int4 (default), int8, mxfp4, nvfp4, amxfp4,\n"
	"                  mxfp8_e4m3, fp16, bf16, zqfp_m1, zqfp_m2 (any scheme)\n"
	"  --ascheme S     activations: int8_token (default), e4m3_token,\n"
	"                  e4m3_tensor, mxfp8_e4m3 (any MX scheme), nvfp4, fp16, bf16\n"
	"  --group N       weight group/block size (int4/int8/zqfp; default 128;\n"
	"                  per-channel int8: N = K)\n"
	"  --ablock N      activation group size (int4/int8 activation schemes)\n"
	"  --gemm-group N  dequant group of the reference GEMM (default 0 = derived;\n"
	"                  1 for float x float pairs)\n"
	"  --asym          asymmetric int4/int8 weights (zero points)\n"
	"  --scale-rule R  floor (OCP MX, default) or ceil\n"
	"  --accumulate A  fp32 (default), exact or align (W4A16 pre-alignment)\n"
	"  --align-bits N  width of aligned activations for align (default 16)\n"
	"  --seed N        seed of the synthetic operands (default 1)\n"
	"  --no-ref        omit a.ref / w.ref (y.ideal is still stored)\n"
	"  -o FILE         output file (required)\n"
	"Prints one summary line.  A long run shows progress on stderr if it is a\n"
	"terminal.\n"
	"\n"
	"info     shapes, formats, schemes, tensors, SQNR of y.expected against\n"
	"         y.ideal and of each operand against its ref; --json for JSON\n"
	"dump     every metadata key and every tensor element as text, one per line:\n"
	"         'NAME[i,j] 0xCODE VALUE' (stable, for review and diffs)\n"
	"check    CRCs and shapes (the reader), then recompute y.expected with the\n"
	"         reference GEMM bit for bit; with refs also y.ideal and the codes\n"
	"\n"
	"Exit status: 0 ok, 1 check mismatch, 2 bad usage or unreadable/corrupt file.\n"
	"\n"
	"Example: Llama-2-7B decode, batch 16, MXFP4 weights, MXFP8 activations:\n"
	"  mpsim trace make --workload llama2-7b:decode:16 --layer qkv \\\n"
	"      --wscheme mxfp4 --ascheme mxfp8_e4m3 -o t.safetensors\n";

MPS_DECLARE_CMD(trace);

#define CMD "trace"

/* ------------------------------------------------------------------------
 * make
 * ------------------------------------------------------------------------ */

typedef struct {
	const char *gemm, *workload, *layer, *topology, *weights, *tensor, *out;
	const char *wscheme, *ascheme, *rule, *acc;
	long tokens, group, ablock, gemm_group, align_bits;
	unsigned long long seed;
	bool asym, no_ref;
} make_args_t;

static int parse_long(const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	long x;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi)
		return mps_cli_usage_error(CMD, "%s: '%s' is not an integer in [%ld, %ld]", opt, v, lo, hi);
	*out = x;
	return 0;
}

static bool is_float_scheme(mpq_scheme_t s)
{
	return s == MPQ_S_FP16 || s == MPQ_S_BF16;
}

static bool progress_on(void)
{
	return isatty(2) != 0;
}

/* y = a * w^T in N-chunks so that a progress line can be shown. */
static int run_gemm(const mps_trc_t *t, mps_err_t *err)
{
	size_t M = t->M, N = t->N, K = t->K, step, n0;
	bool prog = progress_on() && (double)M * (double)N * (double)K > 2e8;
	float *yc = NULL;
	double *yi = NULL;
	int rc = MPS_OK;

	step = prog ? (N + 99) / 100 : N;
	yc = malloc(M * step * sizeof *yc);
	yi = t->a_ref ? malloc(M * step * sizeof *yi) : NULL;
	if (!yc || (t->a_ref && !yi)) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (n0 = 0; n0 < N; n0 += step) {
		size_t nc = N - n0 < step ? N - n0 : step;
		mpq_qtensor_t wv = t->w;
		wv.rows = nc;
		wv.codes += n0 * K;
		if (wv.scales)
			wv.scales += n0 * wv.nblk * wv.nscale;
		if (wv.zeros)
			wv.zeros += n0 * wv.nblk;
		if (wv.post)
			wv.post += n0;
		rc = mpq_gemm_ref(&t->a, &wv, &t->opts, yc, err);
		if (rc)
			goto fail;
		if (t->a_ref && t->w_ref)
			mpq_gemm_ideal(t->a_ref, t->w_ref + n0 * K, M, K, nc, yi);
		for (size_t m = 0; m < M; m++)
			for (size_t j = 0; j < nc; j++) {
				t->y_expected[m * N + n0 + j] = yc[m * nc + j];
				if (yi)
					t->y_ideal[m * N + n0 + j] = yi[m * nc + j];
			}
		if (prog)
			fprintf(stderr, "\rmpsim trace: GEMM %3.0f%%", 100.0 * (double)(n0 + nc) / (double)N);
	}
	if (prog)
		fprintf(stderr, "\r%30s\r", "");
fail:
	free(yc);
	free(yi);
	return rc;
}

static int cmd_make(int argc, char **argv)
{
	make_args_t o = { .wscheme = "int4", .ascheme = "int8_token", .rule = "floor", .acc = "fp32", .tokens = 16,
		          .group = 0, .ablock = 0, .gemm_group = -1, .align_bits = 0, .seed = 1 };
	mps_trc_t t;
	mps_trc_st_t st;
	mps_err_t err = { 0 };
	mpq_qparams_t pa = { 0 }, pw = { 0 };
	mpq_metrics_t mw, ma;
	mpq_scheme_t ws, as;
	size_t M = 0, K = 0, N = 0, nsrc = 0;
	float *a = NULL, *w = NULL;
	int rc = MPS_EXIT_USAGE, i;

	memset(&t, 0, sizeof t);
	memset(&st, 0, sizeof st);
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = NULL;
		char optbuf[32];
		const char *eq = strchr(opt, '=');
		bool flag = strcmp(opt, "--asym") == 0 || strcmp(opt, "--no-ref") == 0;
		if (strncmp(opt, "--", 2) == 0 && eq && (size_t)(eq - opt) < sizeof optbuf) {
			memcpy(optbuf, opt, (size_t)(eq - opt));
			optbuf[eq - opt] = '\0';
			opt = optbuf;
			val = eq + 1;
		} else if (!flag) {
			if (i + 1 >= argc)
				return mps_cli_usage_error(CMD, "make: %s needs a value (see 'mpsim help trace')", opt);
			val = argv[++i];
		}
		if (strcmp(opt, "--asym") == 0)
			o.asym = true;
		else if (strcmp(opt, "--no-ref") == 0)
			o.no_ref = true;
		else if (strcmp(opt, "--gemm") == 0)
			o.gemm = val, nsrc++;
		else if (strcmp(opt, "--workload") == 0)
			o.workload = val, nsrc++;
		else if (strcmp(opt, "--topology") == 0)
			o.topology = val, nsrc++;
		else if (strcmp(opt, "--weights") == 0)
			o.weights = val, nsrc++;
		else if (strcmp(opt, "--layer") == 0)
			o.layer = val;
		else if (strcmp(opt, "--tensor") == 0)
			o.tensor = val;
		else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0)
			o.out = val;
		else if (strcmp(opt, "--wscheme") == 0)
			o.wscheme = val;
		else if (strcmp(opt, "--ascheme") == 0)
			o.ascheme = val;
		else if (strcmp(opt, "--scale-rule") == 0)
			o.rule = val;
		else if (strcmp(opt, "--accumulate") == 0)
			o.acc = val;
		else if (strcmp(opt, "--tokens") == 0) {
			if (parse_long(opt, val, 1, 1 << 20, &o.tokens))
				return MPS_EXIT_USAGE;
		} else if (strcmp(opt, "--group") == 0) {
			if (parse_long(opt, val, 1, 1 << 24, &o.group))
				return MPS_EXIT_USAGE;
		} else if (strcmp(opt, "--ablock") == 0) {
			if (parse_long(opt, val, 1, 1 << 24, &o.ablock))
				return MPS_EXIT_USAGE;
		} else if (strcmp(opt, "--gemm-group") == 0) {
			if (parse_long(opt, val, 0, 1 << 24, &o.gemm_group))
				return MPS_EXIT_USAGE;
		} else if (strcmp(opt, "--align-bits") == 0) {
			if (parse_long(opt, val, 8, 32, &o.align_bits))
				return MPS_EXIT_USAGE;
		} else if (strcmp(opt, "--seed") == 0) {
			char *end;
			errno = 0;
			o.seed = strtoull(val, &end, 10);
			if (errno || end == val || *end || *val == '-')
				return mps_cli_usage_error(CMD, "--seed: '%s' is not a non-negative integer", val);
		} else
			return mps_cli_usage_error(CMD, "make: unknown option '%s' (see 'mpsim help trace')", argv[i]);
	}
	if (nsrc != 1)
		return mps_cli_usage_error(CMD, "make: give exactly one of --gemm, --workload, --topology, --weights");
	if (!o.out)
		return mps_cli_usage_error(CMD, "make: -o FILE is required");
	if (mpq_scheme_lookup(o.wscheme, &ws, &err) || mpq_scheme_lookup(o.ascheme, &as, &err))
		return mps_cli_usage_error(CMD, "make: %s", err.msg);
	if (mps_trc_acc_lookup(o.acc, &t.opts.acc, &err))
		return mps_cli_usage_error(CMD, "make: --accumulate: %s", err.msg);
	if (strcmp(o.rule, "floor") && strcmp(o.rule, "ceil"))
		return mps_cli_usage_error(CMD, "make: --scale-rule: '%s' is not floor or ceil", o.rule);

	/* shape and source */
	if (o.gemm) {
		unsigned long long v[3];
		char tail;
		if (sscanf(o.gemm, "%llu,%llu,%llu%c", &v[0], &v[1], &v[2], &tail) != 3 || !v[0] || !v[1] || !v[2] ||
		    v[0] > (1u << 24) || v[1] > (1u << 24) || v[2] > (1u << 24) || strchr(o.gemm, '-'))
			return mps_cli_usage_error(CMD, "make: --gemm: '%s' is not M,K,N (positive integers)", o.gemm);
		M = (size_t)v[0];
		K = (size_t)v[1];
		N = (size_t)v[2];
		snprintf(t.source, sizeof t.source, "gemm");
	} else if (o.workload || o.topology) {
		mps_wl_gemm_t g;
		if (!o.layer)
			return mps_cli_usage_error(CMD, "make: %s needs --layer", o.workload ? "--workload" : "--topology");
		if (o.workload) {
			if (mps_wl_layer(o.workload, o.layer, &g, &err))
				return mps_cli_usage_error(CMD, "make: %s", err.msg);
			snprintf(t.source, sizeof t.source, "workload:%s:%s", o.workload, g.name);
		} else {
			mps_wl_gemm_t *gs;
			size_t ng, j;
			if (mps_wl_csv_load(o.topology, &gs, &ng, &err))
				return mps_cli_usage_error(CMD, "make: %s", err.msg);
			for (j = 0; j < ng && strcmp(gs[j].name, o.layer); j++)
				;
			if (j == ng) {
				free(gs);
				return mps_cli_usage_error(CMD, "make: %s: no layer '%s'", o.topology, o.layer);
			}
			g = gs[j];
			free(gs);
			snprintf(t.source, sizeof t.source, "topology:%s:%s", o.topology, g.name);
		}
		M = g.M;
		K = g.K;
		N = g.N;
	} else {
		size_t r, c;
		if (!o.tensor)
			return mps_cli_usage_error(CMD, "make: --weights needs --tensor NAME");
		if (mps_trc_st_load(o.weights, &st, &err))
			return mps_cli_usage_error(CMD, "make: %s", err.msg);
		if (mps_trc_st_tensor_f32(&st, o.weights, o.tensor, &w, &r, &c, &err)) {
			mps_trc_st_free(&st);
			return mps_cli_usage_error(CMD, "make: %s", err.msg);
		}
		mps_trc_st_free(&st);
		for (size_t j = 0; j < r * c; j++)
			if (!isfinite(w[j])) {
				free(w);
				return mps_cli_usage_error(CMD, "make: %s: tensor '%s' element %zu is not finite", o.weights,
				                           o.tensor, j);
			}
		M = (size_t)o.tokens;
		N = r;
		K = c;
		snprintf(t.source, sizeof t.source, "weights:%s:%s", o.weights, o.tensor);
	}
	if ((double)M * K > 4e9 || (double)N * K > 4e9 || (double)M * N > 4e9) {
		free(w);
		return mps_cli_usage_error(CMD, "make: GEMM %zu x %zu x %zu is too large for a trace", M, K, N);
	}
	t.M = M;
	t.K = K;
	t.N = N;
	t.seed = o.seed;
	snprintf(t.generator, sizeof t.generator, "%s", mps_trc_generator());
	t.opts.group = o.gemm_group >= 0 ? (unsigned)o.gemm_group : (is_float_scheme(ws) && is_float_scheme(as)) ? 1 : 0;
	t.opts.align_bits = (unsigned)o.align_bits;

	/* operands */
	a = malloc(M * K * sizeof *a);
	if (!w)
		w = malloc(N * K * sizeof *w);
	t.y_expected = malloc(M * N * sizeof *t.y_expected);
	t.y_ideal = malloc(M * N * sizeof *t.y_ideal);
	if (!a || !w || !t.y_expected || !t.y_ideal) {
		fprintf(stderr, "mpsim trace: make: out of memory\n");
		rc = MPS_EXIT_USAGE;
		goto done;
	}
	if (mps_wl_acts(o.seed, M, K, a) != MPS_OK) {
		fprintf(stderr, "mpsim trace: make: out of memory\n");
		rc = MPS_EXIT_USAGE;
		goto done;
	}
	if (!o.weights)
		mps_wl_weights(o.seed, N, K, w);
	pw.scheme = ws;
	pw.block = (unsigned)o.group;
	pw.asym = o.asym;
	pw.rule = strcmp(o.rule, "ceil") == 0 ? MPQ_RULE_CEIL : MPQ_RULE_FLOOR;
	pa.scheme = as;
	pa.block = (unsigned)o.ablock;
	pa.rule = pw.rule;
	if (mpq_quantize(w, N, K, &pw, &t.w, &mw, &err) || mpq_quantize(a, M, K, &pa, &t.a, &ma, &err)) {
		rc = mps_cli_usage_error(CMD, "make: %s", err.msg);
		goto done;
	}
	t.a_ref = a;
	t.w_ref = w;
	if (run_gemm(&t, &err)) {
		rc = mps_cli_usage_error(CMD, "make: %s", err.msg);
		goto done;
	}
	if (o.no_ref) {
		t.a_ref = NULL;
		t.w_ref = NULL;
	}
	if (mps_trc_write(o.out, &t, &err)) {
		rc = mps_cli_usage_error(CMD, "make: %s", err.msg);
		goto done;
	}
	printf("%s: %s M=%zu K=%zu N=%zu w=%s%s a=%s acc=%s; SQNR y %.2f dB, w %.2f dB, a %.2f dB\n", o.out, t.source, M,
	       K, N, o.wscheme, o.asym ? "(asym)" : "", o.ascheme, mps_trc_acc_name(t.opts.acc),
	       mps_trc_sqnr(t.y_ideal, t.y_expected, M * N), mw.sqnr_db, ma.sqnr_db);
	rc = MPS_EXIT_OK;
done:
	t.a_ref = NULL;
	t.w_ref = NULL;
	mps_trc_free(&t);
	free(a);
	free(w);
	return rc;
}

/* ------------------------------------------------------------------------
 * info
 * ------------------------------------------------------------------------ */

static const char *post_name(const mpq_qtensor_t *q)
{
	return !q->post ? "none" : q->post_per_tensor ? "tensor" : "row";
}

static double operand_sqnr(const mpq_qtensor_t *q, const float *ref, mpq_metrics_t *m)
{
	float *d = malloc(q->rows * q->cols * sizeof *d + 1);
	if (!d)
		return NAN;
	mpq_dequantize(q, d);
	mpq_metrics(ref, d, q->rows * q->cols, m);
	free(d);
	return m->sqnr_db;
}

static cJSON *json_operand(const mpq_qtensor_t *q, const float *ref)
{
	cJSON *o = cJSON_CreateObject();
	mpq_metrics_t m;
	cJSON_AddStringToObject(o, "scheme", mpq_scheme_name(q->scheme));
	cJSON_AddStringToObject(o, "elem", mpq_format(q->elem)->name);
	cJSON_AddNumberToObject(o, "block", q->block);
	cJSON_AddStringToObject(o, "scale_fmt", q->scales ? mpq_format(q->scale_fmt)->name : "none");
	cJSON_AddNumberToObject(o, "nscale", q->scales ? q->nscale : 0);
	cJSON_AddStringToObject(o, "post", post_name(q));
	cJSON_AddBoolToObject(o, "asym", q->params.asym);
	if (ref) {
		operand_sqnr(q, ref, &m);
		if (isfinite(m.sqnr_db))
			cJSON_AddNumberToObject(o, "sqnr_db", m.sqnr_db);
		else
			cJSON_AddNullToObject(o, "sqnr_db");
		cJSON_AddNumberToObject(o, "mse", m.mse);
		cJSON_AddNumberToObject(o, "max_abs", m.max_abs);
	}
	return o;
}

static void print_operand(const char *op, const mpq_qtensor_t *q, const float *ref)
{
	mpq_metrics_t m;
	printf("%s          %-12s elem %-5s block %-5u scales %s%s  zeros %s  post %s", op, mpq_scheme_name(q->scheme),
	       mpq_format(q->elem)->name, q->block, q->scales ? mpq_format(q->scale_fmt)->name : "none",
	       q->scales && q->nscale == 2 ? " x2" : "", q->zeros ? "yes" : "no", post_name(q));
	if (ref) {
		operand_sqnr(q, ref, &m);
		printf("  SQNR %.2f dB (mse %.3g, max|err| %.3g)", m.sqnr_db, m.mse, m.max_abs);
	}
	printf("\n");
}

static int cmd_info(int argc, char **argv)
{
	const char *path = NULL;
	bool json = false;
	mps_trc_t t;
	mps_trc_st_t st;
	mps_err_t err = { 0 };
	double sq;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return mps_cli_usage_error(CMD, "info: unknown option '%s'", argv[i]);
		else if (path)
			return mps_cli_usage_error(CMD, "info: one FILE only");
		else
			path = argv[i];
	}
	if (!path)
		return mps_cli_usage_error(CMD, "info: FILE missing");
	if (mps_trc_read(path, &t, &err))
		return mps_cli_usage_error(CMD, "info: %s", err.msg);
	if (mps_trc_st_load(path, &st, &err)) {
		mps_trc_free(&t);
		return mps_cli_usage_error(CMD, "info: %s", err.msg);
	}
	sq = mps_trc_sqnr(t.y_ideal, t.y_expected, t.M * t.N);
	if (json) {
		cJSON *r = cJSON_CreateObject(), *ts = cJSON_CreateArray();
		char *s;
		cJSON_AddStringToObject(r, "file", path);
		cJSON_AddStringToObject(r, "source", t.source);
		cJSON_AddStringToObject(r, "generator", t.generator);
		cJSON_AddNumberToObject(r, "seed", (double)t.seed);
		cJSON_AddNumberToObject(r, "M", (double)t.M);
		cJSON_AddNumberToObject(r, "K", (double)t.K);
		cJSON_AddNumberToObject(r, "N", (double)t.N);
		cJSON_AddStringToObject(r, "accumulate", mps_trc_acc_name(t.opts.acc));
		cJSON_AddNumberToObject(r, "group", t.opts.group);
		cJSON_AddNumberToObject(r, "align_bits", t.opts.align_bits);
		cJSON_AddStringToObject(r, "scale_rule", t.w.params.rule == MPQ_RULE_CEIL ? "ceil" : "floor");
		cJSON_AddItemToObject(r, "a", json_operand(&t.a, t.a_ref));
		cJSON_AddItemToObject(r, "w", json_operand(&t.w, t.w_ref));
		if (isfinite(sq))
			cJSON_AddNumberToObject(r, "sqnr_db", sq);
		else
			cJSON_AddNullToObject(r, "sqnr_db");
		for (size_t i = 0; i < st.ntensor; i++) {
			cJSON *e = cJSON_CreateObject(), *sh = cJSON_CreateArray();
			cJSON_AddStringToObject(e, "name", st.tensors[i].name);
			cJSON_AddStringToObject(e, "dtype", mps_trc_dtype_name(st.tensors[i].dtype));
			for (unsigned d = 0; d < st.tensors[i].ndim; d++)
				cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)st.tensors[i].shape[d]));
			cJSON_AddItemToObject(e, "shape", sh);
			cJSON_AddNumberToObject(e, "bytes", (double)(st.tensors[i].end - st.tensors[i].begin));
			cJSON_AddItemToArray(ts, e);
		}
		cJSON_AddItemToObject(r, "tensors", ts);
		s = cJSON_Print(r);
		if (s)
			printf("%s\n", s);
		cJSON_free(s);
		cJSON_Delete(r);
	} else {
		printf("file       %s (%zu bytes)\n", path, st.len);
		printf("source     %s\n", t.source);
		printf("generator  %s, seed %llu\n", t.generator, (unsigned long long)t.seed);
		printf("gemm       M=%zu K=%zu N=%zu  accumulate %s  group %u%s  align_bits %u  scale_rule %s\n", t.M, t.K,
		       t.N, mps_trc_acc_name(t.opts.acc), t.opts.group, t.opts.group ? "" : " (derived)",
		       t.opts.align_bits, t.w.params.rule == MPQ_RULE_CEIL ? "ceil" : "floor");
		print_operand("a", &t.a, t.a_ref);
		print_operand("w", &t.w, t.w_ref);
		printf("y          SQNR of y.expected against y.ideal: %.2f dB\n", sq);
		printf("tensors\n");
		for (size_t i = 0; i < st.ntensor; i++) {
			char shp[96];
			size_t l = 0;
			for (unsigned d = 0; d < st.tensors[i].ndim; d++)
				l += (size_t)snprintf(shp + l, sizeof shp - l, "%s%llu", d ? "," : "",
				                      (unsigned long long)st.tensors[i].shape[d]);
			if (!st.tensors[i].ndim)
				shp[0] = '\0';
			char key[96];
			snprintf(key, sizeof key, "crc32.%s", st.tensors[i].name);
			printf("  %-11s %-4s [%s]  %llu bytes  crc32 %s (verified)\n", st.tensors[i].name,
			       mps_trc_dtype_name(st.tensors[i].dtype), shp,
			       (unsigned long long)(st.tensors[i].end - st.tensors[i].begin), mps_trc_st_meta(&st, key));
		}
	}
	mps_trc_st_free(&st);
	mps_trc_free(&t);
	return MPS_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * dump
 * ------------------------------------------------------------------------ */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void dump_codes(const char *name, const mpq_qtensor_t *q)
{
	const mpq_format_t *f = mpq_format(q->elem);
	int w = (int)(f->bits + 3) / 4;
	printf("tensor %s %s [%zu,%zu]\n", name, f->name, q->rows, q->cols);
	for (size_t r = 0; r < q->rows; r++)
		for (size_t k = 0; k < q->cols; k++) {
			uint16_t c = q->codes[r * q->cols + k];
			printf("%s[%zu,%zu] 0x%0*x %.9g\n", name, r, k, w, c, ldexp(mpq_decode(q->elem, c), q->elem_exp2));
		}
}

static void dump_operand(const char *op, const mpq_qtensor_t *q, const float *ref)
{
	char nm[32];
	snprintf(nm, sizeof nm, "%s.codes", op);
	dump_codes(nm, q);
	if (q->scales) {
		const mpq_format_t *f = mpq_format(q->scale_fmt);
		int w = (int)(f->bits + 3) / 4;
		printf("tensor %s.scales %s [%zu,%zu%s]\n", op, f->name, q->rows, q->nblk, q->nscale == 2 ? ",2" : "");
		for (size_t r = 0; r < q->rows; r++)
			for (size_t b = 0; b < q->nblk; b++)
				for (unsigned s = 0; s < q->nscale; s++) {
					uint16_t c = q->scales[(r * q->nblk + b) * q->nscale + s];
					if (q->nscale == 2)
						printf("%s.scales[%zu,%zu,%u] 0x%0*x %.9g\n", op, r, b, s, w, c,
						       mpq_decode(q->scale_fmt, c));
					else
						printf("%s.scales[%zu,%zu] 0x%0*x %.9g\n", op, r, b, w, c, mpq_decode(q->scale_fmt, c));
				}
	}
	if (q->zeros) {
		printf("tensor %s.zeros %s [%zu,%zu]\n", op, mpq_format(q->elem)->name, q->rows, q->nblk);
		for (size_t i = 0; i < q->rows * q->nblk; i++)
			printf("%s.zeros[%zu,%zu] 0x%02x %u\n", op, i / q->nblk, i % q->nblk, q->zeros[i], q->zeros[i]);
	}
	if (q->post) {
		size_t n = q->post_per_tensor ? 1 : q->rows;
		printf("tensor %s.post fp32 [%zu]\n", op, n);
		for (size_t i = 0; i < n; i++) {
			uint32_t b;
			memcpy(&b, &q->post[i], 4);
			printf("%s.post[%zu] 0x%08x %.9g\n", op, i, b, (double)q->post[i]);
		}
	}
	if (ref) {
		printf("tensor %s.ref fp32 [%zu,%zu]\n", op, q->rows, q->cols);
		for (size_t i = 0; i < q->rows * q->cols; i++) {
			uint32_t b;
			memcpy(&b, &ref[i], 4);
			printf("%s.ref[%zu,%zu] 0x%08x %.9g\n", op, i / q->cols, i % q->cols, b, (double)ref[i]);
		}
	}
}

static int cmd_dump(int argc, char **argv)
{
	mps_trc_t t;
	mps_trc_st_t st;
	mps_err_t err = { 0 };
	char **keys;

	if (argc != 2 || argv[1][0] == '-')
		return mps_cli_usage_error(CMD, "dump: usage: mpsim trace dump FILE");
	if (mps_trc_read(argv[1], &t, &err))
		return mps_cli_usage_error(CMD, "dump: %s", err.msg);
	if (mps_trc_st_load(argv[1], &st, &err)) {
		mps_trc_free(&t);
		return mps_cli_usage_error(CMD, "dump: %s", err.msg);
	}
	keys = malloc((st.nmeta + 1) * sizeof *keys);
	if (keys) {
		memcpy(keys, st.meta_key, st.nmeta * sizeof *keys);
		qsort(keys, st.nmeta, sizeof *keys, cmp_str);
		for (size_t i = 0; i < st.nmeta; i++)
			printf("meta %s = %s\n", keys[i], mps_trc_st_meta(&st, keys[i]));
		free(keys);
	}
	dump_operand("a", &t.a, t.a_ref);
	dump_operand("w", &t.w, t.w_ref);
	printf("tensor y.expected fp32 [%zu,%zu]\n", t.M, t.N);
	for (size_t i = 0; i < t.M * t.N; i++) {
		uint32_t b;
		memcpy(&b, &t.y_expected[i], 4);
		printf("y.expected[%zu,%zu] 0x%08x %.9g\n", i / t.N, i % t.N, b, (double)t.y_expected[i]);
	}
	printf("tensor y.ideal fp64 [%zu,%zu]\n", t.M, t.N);
	for (size_t i = 0; i < t.M * t.N; i++) {
		uint64_t b;
		memcpy(&b, &t.y_ideal[i], 8);
		printf("y.ideal[%zu,%zu] 0x%016llx %.17g\n", i / t.N, i % t.N, (unsigned long long)b, t.y_ideal[i]);
	}
	mps_trc_st_free(&st);
	mps_trc_free(&t);
	return MPS_EXIT_OK;
}

/* ------------------------------------------------------------------------
 * check
 * ------------------------------------------------------------------------ */

static int cmd_check(int argc, char **argv)
{
	int worst = MPS_EXIT_OK;
	if (argc < 2)
		return mps_cli_usage_error(CMD, "check: FILE missing");
	for (int i = 1; i < argc; i++) {
		mps_trc_t t;
		mps_err_t err = { 0 };
		if (mps_trc_read(argv[i], &t, &err)) {
			mps_cli_usage_error(CMD, "check: %s", err.msg);
			worst = MPS_EXIT_USAGE;
			continue;
		}
		if (mps_trc_check(&t, &err)) {
			fprintf(stderr, "mpsim trace: check: %s: %s\n", argv[i], err.msg);
			if (worst == MPS_EXIT_OK)
				worst = err.code == MPS_ERR_MISMATCH ? MPS_EXIT_FAIL : MPS_EXIT_USAGE;
		} else {
			printf("%s: ok (M=%zu K=%zu N=%zu, w %s, a %s, %s: %zu outputs bit-exact%s)\n", argv[i], t.M, t.K, t.N,
			       mpq_scheme_name(t.w.scheme), mpq_scheme_name(t.a.scheme), mps_trc_acc_name(t.opts.acc),
			       t.M * t.N, t.a_ref && t.w_ref ? ", y.ideal and codes reproduced" : "");
		}
		mps_trc_free(&t);
	}
	return worst;
}

int mps_cmd_trace(int argc, char **argv)
{
	if (argc < 2)
		return mps_cli_usage_error(CMD, "missing subcommand: make, info, dump or check (see 'mpsim help trace')");
	if (strcmp(argv[1], "make") == 0)
		return cmd_make(argc - 1, argv + 1);
	if (strcmp(argv[1], "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(argv[1], "dump") == 0)
		return cmd_dump(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	return mps_cli_usage_error(CMD, "unknown subcommand '%s': make, info, dump or check", argv[1]);
}
