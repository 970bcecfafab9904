/* traces/workloads.c - LLM/ViT layer presets, SCALE-Sim CSV import and
 * seeded synthetic operands (docs/workloads.md). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

/* Published configs (Hugging Face config.json; see docs/workloads.md). */
static const mps_wl_model_t models[] = {
	{ "llama2-7b", "Llama-2-7B", 4096, 11008, 32, 32, 128, 1, 0, 32 },
	{ "llama2-13b", "Llama-2-13B", 5120, 13824, 40, 40, 128, 1, 0, 40 },
	{ "llama3-8b", "Llama-3-8B", 4096, 14336, 32, 8, 128, 1, 0, 32 },
	{ "opt-6.7b", "OPT-6.7B", 4096, 16384, 32, 32, 128, 0, 0, 32 },
	{ "vit-b16", "ViT-B/16", 768, 3072, 12, 12, 64, 0, 197, 12 },
	{ "vit-h14", "ViT-H/14", 1280, 5120, 16, 16, 80, 0, 257, 32 },
};
#define NMODELS (sizeof models / sizeof models[0])

size_t mps_wl_model_count(void)
{
	return NMODELS;
}

const mps_wl_model_t *mps_wl_model(size_t i)
{
	return i < NMODELS ? &models[i] : NULL;
}

static void set_gemm(mps_wl_gemm_t *g, const char *name, size_t M, size_t K, size_t N)
{
	snprintf(g->name, sizeof g->name, "%s", name);
	g->M = M;
	g->K = K;
	g->N = N;
}

static int parse_count(const char *s, size_t *v)
{
	char *end;
	unsigned long long x;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x == 0 || x > (1ull << 24))
		return -1;
	*v = (size_t)x;
	return 0;
}

int mps_wl_preset(const char *spec, mps_wl_gemm_t out[MPS_WL_MAX_LAYERS], size_t *n, mps_err_t *err)
{
	char buf[128], *phase, *count;
	const mps_wl_model_t *m = NULL;
	size_t M, cnt, qkv_n;
	bool decode;

	*n = 0;
	if (strlen(spec) >= sizeof buf)
		return mps_err_set(err, MPS_ERR_INVAL, "workload '%.40s...': too long", spec);
	strcpy(buf, spec);
	phase = strchr(buf, ':');
	if (phase)
		*phase++ = '\0';
	count = phase ? strchr(phase, ':') : NULL;
	if (count)
		*count++ = '\0';
	for (size_t i = 0; i < NMODELS; i++)
		if (strcmp(models[i].id, buf) == 0)
			m = &models[i];
	if (!m)
		return mps_err_set(err, MPS_ERR_INVAL,
		                   "workload '%s': unknown model '%s' (llama2-7b, llama2-13b, llama3-8b, opt-6.7b, vit-b16, vit-h14)",
		                   spec, buf);
	if (!phase || strcmp(phase, "prefill") == 0) {
		decode = false;
	} else if (strcmp(phase, "decode") == 0) {
		decode = true;
	} else {
		return mps_err_set(err, MPS_ERR_INVAL, "workload '%s': unknown phase '%s' (prefill, decode)", spec, phase);
	}
	if (decode && m->tokens)
		return mps_err_set(err, MPS_ERR_INVAL, "workload '%s': %s is an encoder; only 'prefill' applies", spec,
		                   m->title);
	cnt = m->tokens ? 1 : decode ? MPS_WL_DEFAULT_BATCH : MPS_WL_DEFAULT_SEQ;
	if (count && parse_count(count, &cnt) != 0)
		return mps_err_set(err, MPS_ERR_INVAL, "workload '%s': '%s' is not a positive %s", spec, count,
		                   m->tokens ? "image count" : decode ? "batch" : "sequence length");
	M = m->tokens ? cnt * m->tokens : cnt;
	qkv_n = (size_t)m->hidden + 2u * (size_t)m->kv_heads * m->head_dim;
	set_gemm(&out[0], "qkv", M, m->hidden, qkv_n);
	set_gemm(&out[1], "o", M, (size_t)m->heads * m->head_dim, m->hidden);
	if (m->gated) {
		set_gemm(&out[2], "gate_up", M, m->hidden, 2u * (size_t)m->inter);
		set_gemm(&out[3], "down", M, m->inter, m->hidden);
	} else {
		set_gemm(&out[2], "fc1", M, m->hidden, m->inter);
		set_gemm(&out[3], "fc2", M, m->inter, m->hidden);
	}
	*n = 4;
	return MPS_OK;
}

int mps_wl_layer(const char *spec, const char *layer, mps_wl_gemm_t *out, mps_err_t *err)
{
	mps_wl_gemm_t g[MPS_WL_MAX_LAYERS];
	size_t n;
	const char *want = layer;
	int rc = mps_wl_preset(spec, g, &n, err);

	if (rc)
		return rc;
	if (strcmp(layer, "fc1") == 0 || strcmp(layer, "up") == 0 || strcmp(layer, "gate_up") == 0)
		want = strcmp(g[2].name, "fc1") == 0 ? "fc1" : "gate_up";
	else if (strcmp(layer, "fc2") == 0 || strcmp(layer, "down") == 0)
		want = g[3].name;
	else if (strcmp(layer, "attn_out") == 0)
		want = "o";
	for (size_t i = 0; i < n; i++)
		if (strcmp(g[i].name, want) == 0) {
			*out = g[i];
			return MPS_OK;
		}
	return mps_err_set(err, MPS_ERR_INVAL, "workload '%s': unknown layer '%s' (%s, %s, %s, %s)", spec, layer,
	                   g[0].name, g[1].name, g[2].name, g[3].name);
}

/* ------------------------------------------------------------------------
 * SCALE-Sim GEMM topology CSV
 * ------------------------------------------------------------------------ */

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int mps_wl_csv_parse(const char *text, const char *fname, mps_wl_gemm_t **out, size_t *n, mps_err_t *err)
{
	size_t cap = 16, cnt = 0, lineno = 0, len;
	mps_wl_gemm_t *g = malloc(cap * sizeof *g);
	char *line = NULL;
	const char *p = text;
	bool header = false;
	int rc;

	*out = NULL;
	*n = 0;
	if (!g)
		return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
	while (*p) {
		const char *nl = strchr(p, '\n');
		char *f[6], *s;
		size_t nf = 0;
		len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		free(line);
		line = malloc(len + 1);
		if (!line) {
			rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl ? nl + 1 : p + len;
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		/* split on commas; a trailing comma leaves an empty last field */
		for (char *q = s;;) {
			char *c = strchr(q, ',');
			if (nf == 6) {
				rc = mps_err_set(err, MPS_ERR_PARSE, "%s:%zu: too many fields (expected: name, M, N, K)", fname,
				                 lineno);
				goto fail;
			}
			if (c)
				*c = '\0';
			f[nf++] = trim(q);
			if (!c)
				break;
			q = c + 1;
		}
		if (nf > 1 && !*f[nf - 1])
			nf--; /* the trailing comma of SCALE-Sim rows */
		if (!header) {
			header = true;
			if (nf == 4 && strcmp(f[1], "M") == 0 && strcmp(f[2], "N") == 0 && strcmp(f[3], "K") == 0)
				continue;
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s:%zu: expected the header 'Layer, M, N, K,'", fname, lineno);
			goto fail;
		}
		if (nf != 4 || !*f[0]) {
			rc = mps_err_set(err, MPS_ERR_PARSE, "%s:%zu: expected 'name, M, N, K' (4 fields), got %zu", fname,
			                 lineno, nf);
			goto fail;
		}
		if (cnt == cap) {
			mps_wl_gemm_t *ng = realloc(g, 2 * cap * sizeof *g);
			if (!ng) {
				rc = mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", fname);
				goto fail;
			}
			g = ng;
			cap *= 2;
		}
		{
			size_t v[3];
			static const char *const nm[3] = { "M", "N", "K" };
			for (int i = 0; i < 3; i++)
				if (parse_count(f[1 + i], &v[i]) != 0) {
					rc = mps_err_set(err, MPS_ERR_PARSE, "%s:%zu: %s '%.32s' is not a positive integer (max 2^24)",
					                 fname, lineno, nm[i], f[1 + i]);
					goto fail;
				}
			set_gemm(&g[cnt], f[0], v[0], v[2], v[1]);
			cnt++;
		}
	}
	if (!header) {
		rc = mps_err_set(err, MPS_ERR_PARSE, "%s: empty topology file", fname);
		goto fail;
	}
	free(line);
	*out = g;
	*n = cnt;
	return MPS_OK;
fail:
	free(line);
	free(g);
	return rc;
}

int mps_wl_csv_load(const char *path, mps_wl_gemm_t **out, size_t *n, mps_err_t *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, r;
	int rc;

	*out = NULL;
	*n = 0;
	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	do {
		if (cap - len < 4097) {
			char *nt = realloc(text, cap ? 2 * cap : 8192);
			if (!nt) {
				free(text);
				fclose(f);
				return mps_err_set(err, MPS_ERR_NOMEM, "%s: out of memory", path);
			}
			text = nt;
			cap = cap ? 2 * cap : 8192;
		}
		r = fread(text + len, 1, 4096, f);
		len += r;
	} while (r > 0);
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		return mps_err_set(err, MPS_ERR_PARSE, "%s: contains a NUL byte", path);
	}
	rc = mps_wl_csv_parse(text, path, out, n, err);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------------
 * PRNG and synthetic operands
 * ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void zig_init(mps_wl_rng_t *r);

void mps_wl_rng_seed(mps_wl_rng_t *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
	zig_init(r);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t mps_wl_rng_u64(mps_wl_rng_t *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double mps_wl_rng_uniform(mps_wl_rng_t *r)
{
	return (double)(mps_wl_rng_u64(r) >> 11) * 0x1p-53;
}

/* (0, 1], 53 bits: safe under log() */
static double u01_open0(mps_wl_rng_t *r)
{
	return (double)((mps_wl_rng_u64(r) >> 11) + 1) * 0x1p-53;
}

/* Normals from a 128-layer ziggurat (Marsaglia and Tsang 2000, with
 * Doornik's 2005 ZIGNOR layout: the layer index and the uniform come from
 * disjoint bits of one 64-bit draw).  The layer tables live in the
 * generator (mps_wl_rng_seed builds them), so there is no global state. */
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

static void zig_init(mps_wl_rng_t *r)
{
	double f = exp(-0.5 * ZIG_R * ZIG_R);

	r->zx[0] = ZIG_V / f;
	r->zx[1] = ZIG_R;
	r->zx[MPS_WL_ZIG_LAYERS] = 0.0;
	for (int i = 2; i < MPS_WL_ZIG_LAYERS; i++) {
		r->zx[i] = sqrt(-2.0 * log(ZIG_V / r->zx[i - 1] + f));
		f = exp(-0.5 * r->zx[i] * r->zx[i]);
	}
	for (int i = 0; i < MPS_WL_ZIG_LAYERS; i++)
		r->zr[i] = r->zx[i + 1] / r->zx[i];
}

static double zig_slow(mps_wl_rng_t *r, unsigned i, double u)
{
	for (;;) {
		if (i == 0) { /* the tail beyond R (Marsaglia 1964) */
			double x, y;
			do {
				x = log(u01_open0(r)) / ZIG_R;
				y = log(u01_open0(r));
			} while (-2.0 * y < x * x);
			return u < 0.0 ? x - ZIG_R : ZIG_R - x;
		}
		double x = u * r->zx[i];
		double f0 = exp(-0.5 * (r->zx[i] * r->zx[i] - x * x));
		double f1 = exp(-0.5 * (r->zx[i + 1] * r->zx[i + 1] - x * x));
		if (f1 + u01_open0(r) * (f0 - f1) < 1.0)
			return x;
		uint64_t b = mps_wl_rng_u64(r);
		i = (unsigned)(b & (MPS_WL_ZIG_LAYERS - 1));
		u = (double)((int64_t)b >> 11) * 0x1p-52; /* [-1, 1) */
		if (fabs(u) < r->zr[i])
			return u * r->zx[i];
	}
}

double mps_wl_rng_normal(mps_wl_rng_t *r)
{
	uint64_t b = mps_wl_rng_u64(r);
	unsigned i = (unsigned)(b & (MPS_WL_ZIG_LAYERS - 1));
	double u = (double)((int64_t)b >> 11) * 0x1p-52; /* [-1, 1), bits 11..63 */

	if (fabs(u) < r->zr[i])
		return u * r->zx[i];
	return zig_slow(r, i, u);
}

double mps_wl_rng_student(mps_wl_rng_t *r, unsigned nu)
{
	/* t = z / sqrt(chi2_nu / nu); chi2 of even degree 2j is -2 log of a
	 * product of j uniforms (a sum of exponentials), one log per draw;
	 * an odd degree adds one squared normal. */
	double z = mps_wl_rng_normal(r), prod = 1.0, c;

	for (unsigned i = 0; i < nu / 2; i++)
		prod *= u01_open0(r);
	c = -2.0 * log(prod);
	if (nu & 1u) {
		double g = mps_wl_rng_normal(r);
		c += g * g;
	}
	return c > 0.0 ? z / sqrt(c / nu) : z;
}

void mps_wl_weights(uint64_t seed, size_t N, size_t K, float *w)
{
	mps_wl_rng_t r;

	mps_wl_rng_seed(&r, seed ^ 0x7765696768747321ull); /* "weights!" */
	for (size_t n = 0; n < N; n++) {
		double c = MPS_WL_W_SIGMA * exp(MPS_WL_W_CH_LOGSD * mps_wl_rng_normal(&r));
		float *wr = w + n * K;
		for (size_t k = 0; k < K; k++)
			wr[k] = (float)(c * mps_wl_rng_normal(&r));
	}
}

int mps_wl_acts(uint64_t seed, size_t M, size_t K, float *a)
{
	mps_wl_rng_t r;
	double *g = malloc(K * sizeof *g);
	size_t nout = (size_t)llround(MPS_WL_A_OUTLIER_FRAC * (double)K);
	const double norm = 1.0 / sqrt((double)MPS_WL_A_NU / (MPS_WL_A_NU - 2)); /* unit variance */

	if (!g)
		return MPS_ERR_NOMEM;
	mps_wl_rng_seed(&r, seed ^ 0x61637469766174ull); /* "activat" */
	if (nout < 1)
		nout = 1;
	for (size_t k = 0; k < K; k++)
		g[k] = norm;
	for (size_t i = 0; i < nout && i < K; i++) {
		size_t k = (size_t)(mps_wl_rng_u64(&r) % K);
		g[k] = norm * (MPS_WL_A_OUTLIER_MIN +
		               (MPS_WL_A_OUTLIER_MAX - MPS_WL_A_OUTLIER_MIN) * mps_wl_rng_uniform(&r));
	}
	for (size_t m = 0; m < M; m++)
		for (size_t k = 0; k < K; k++)
			a[m * K + k] = (float)(g[k] * mps_wl_rng_student(&r, MPS_WL_A_NU));
	free(g);
	return MPS_OK;
}
