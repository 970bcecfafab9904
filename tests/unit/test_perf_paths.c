/* tests/unit/test_perf_paths.c - the performance fast paths against the
 * general paths they shortcut, bit for bit:
 *   - mpq_fl32_scale (binary64 fast path + directly packed rounding) against
 *     a verbatim copy of the original integer implementation (ldexpf
 *     packing), and against mpqi_fl32_scale_int, on millions of random and
 *     edge inputs: ties, subnormals, overflow, signed zeros, NaN/Inf scales,
 *     power-of-two and fp16/fp32 scales, wide partial sums;
 *   - mpq_gemm_ref against a term-by-term reference built from the public
 *     per-term calls (mpq_gemm_terms / mpq_term_fl32 / mpq_apply_post) on
 *     random shapes, schemes and groups (the fused width-16 loop of gemm.c);
 *   - the fast MXFP4 quantizer into caller-owned buffers against
 *     mpq_quantize.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mpq.h"
#include "quant.h"

__extension__ typedef unsigned __int128 u128;

/* ---- oracle: the original model/fl32.c mpq_fl32_scale ------------------- */

static int o_bitlen(u128 m)
{
	uint64_t hi = (uint64_t)(m >> 64);

	if (hi)
		return 128 - __builtin_clzll(hi);
	return 64 - __builtin_clzll((uint64_t)m);
}

static float o_round_pack(bool neg, u128 m, int e)
{
	int ex, q, shift;
	u128 sig;
	float v;

	if (m == 0)
		return neg ? -0.0f : 0.0f;
	ex = e + o_bitlen(m) - 1;
	q = ex < -126 ? -149 : ex - 23;
	if (q > 127)
		return neg ? -INFINITY : INFINITY;
	shift = q - e;
	if (shift <= 0) {
		sig = m << -shift;
	} else if (shift > 128) {
		sig = 0;
	} else if (shift == 128) {
		u128 half = (u128)1 << 127;
		sig = m > half ? 1 : 0;
	} else {
		u128 rem = m & (((u128)1 << shift) - 1);
		u128 half = (u128)1 << (shift - 1);
		sig = m >> shift;
		if (rem > half || (rem == half && (sig & 1)))
			sig += 1;
	}
	v = ldexpf((float)(uint32_t)sig, q);
	return neg ? -v : v;
}

static void o_split(float s, uint32_t *ms, int *es)
{
	uint32_t b;

	memcpy(&b, &s, sizeof b);
	if (((b >> 23) & 0xFF) == 0) {
		*ms = b & 0x7FFFFF;
		*es = -149;
	} else {
		*ms = (b & 0x7FFFFF) | 0x800000;
		*es = (int)((b >> 23) & 0xFF) - 150;
	}
}

static float oracle_scale(int64_t p, int e, float s1, float s2)
{
	bool neg = ((p < 0) != (signbit(s1) != 0)) != (signbit(s2) != 0);
	uint32_t m1, m2;
	int e1, e2;
	uint64_t ap = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;

	if (isnan(s1) || isnan(s2))
		return NAN;
	if (isinf(s1) || isinf(s2)) {
		if (p == 0 || s1 == 0.0f || s2 == 0.0f)
			return NAN;
		return neg ? -INFINITY : INFINITY;
	}
	if (p == 0 || s1 == 0.0f || s2 == 0.0f)
		return neg ? -0.0f : 0.0f;
	o_split(s1, &m1, &e1);
	o_split(s2, &m2, &e2);
	return o_round_pack(neg, (u128)ap * m1 * m2, e + e1 + e2);
}

/* ---- random inputs ------------------------------------------------------- */

static uint64_t rs = 0x0123456789ABCDEFull;

static uint64_t rnd64(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static float f_from(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

static uint32_t bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

/* a scale: fp32 of any kind, fp16-valued, power of two, e4m3-like, specials */
static float rnd_scale(void)
{
	uint64_t r = rnd64();
	uint32_t b = (uint32_t)(r >> 32);
	float f;

	switch (r % 12) {
	case 0: /* any finite-or-not fp32 pattern */
		return f_from(b);
	case 1: /* power of two in the whole range incl. subnormals */
		return ldexpf(1.0f, (int)(b % 280) - 149) * ((r >> 8) & 1 ? -1.0f : 1.0f);
	case 2: /* subnormal */
		return f_from((b & 0x807FFFFFu) | 1u);
	case 3: /* specials */
		switch (b % 6) {
		case 0: return 0.0f;
		case 1: return -0.0f;
		case 2: return INFINITY;
		case 3: return -INFINITY;
		case 4: return NAN;
		default: return 3.4028235e38f;
		}
	case 4: case 5: /* fp16-valued (11 significant bits) */
		f = f_from(b & 0x8FFFE000u);
		return ldexpf(fabsf(f) > 0 ? f : 1.0f, -(int)(b % 7));
	case 6: /* few significant bits */
		return (float)((int)(b % 32) - 16) * ldexpf(1.0f, (int)((b >> 8) % 40) - 20);
	default: /* ordinary positive fp32 near 1 */
		return f_from(0x3C000000u + (b % 0x06000000u));
	}
}

static int64_t rnd_p(void)
{
	uint64_t r = rnd64();
	unsigned nb = (unsigned)(r % 64);
	int64_t v = (int64_t)(rnd64() >> (64 - (nb ? nb : 1)));

	if ((r >> 7) % 9 == 0)
		v = (int64_t)(1ull << (r >> 16) % 62);   /* power of two */
	if ((r >> 7) % 9 == 1)
		v = 0;
	if ((r >> 7) % 37 == 2)
		v = INT64_MAX;
	return (r >> 6) & 1 ? -v : v;
}

static int rnd_e(void)
{
	uint64_t r = rnd64();

	switch (r % 4) {
	case 0: return (int)(r >> 8) % 41 - 20;
	case 1: return (int)((r >> 8) % 700) - 350;
	case 2: return (int)((r >> 8) % 1400) - 700;
	default: return (int)((r >> 8) % 60) - 40;
	}
}

static bool same(float a, float b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b) && bits(a) == bits(b);
	return bits(a) == bits(b);
}

static unsigned check_one(int64_t p, int e, float s1, float s2)
{
	float want = oracle_scale(p, e, s1, s2);
	float got = mpq_fl32_scale(p, e, s1, s2), gi = mpqi_fl32_scale_int(p, e, s1, s2);

	if (same(want, got) && same(want, gi))
		return 0;
	fprintf(stderr, "\n  fl32_scale(%lld, %d, %a, %a): want %a got %a int %a\n",
	        (long long)p, e, (double)s1, (double)s2, (double)want, (double)got, (double)gi);
	return 1;
}

static void test_fl32_scale_fast_random(void)
{
	unsigned bad = 0;

	for (long i = 0; i < 4000000 && bad < 5; i++)
		bad += check_one(rnd_p(), rnd_e(), rnd_scale(), rnd_scale());
	CU_ASSERT_EQUAL(bad, 0);
}

/* The shapes the datapaths use: partial sums up to 2^45 with fp16 group
 * scales, e8m0 scales, fp32 token scales, e around the formats' LSBs. */
static void test_fl32_scale_fast_typical(void)
{
	unsigned bad = 0;

	for (long i = 0; i < 3000000 && bad < 5; i++) {
		uint64_t r = rnd64();
		int64_t p = (int64_t)(rnd64() >> (19 + r % 45)) * ((r >> 8) & 1 ? -1 : 1);
		float sw = f_from((uint32_t)(0x30000000u + (rnd64() % 0x10000000u)) & 0xFFFFE000u);
		float sa = (r >> 9) & 1 ? 1.0f : f_from(0x3A000000u + (uint32_t)(rnd64() % 0x08000000u));
		if ((r >> 10) % 3 == 0)
			sw = ldexpf(1.0f, (int)((r >> 12) % 60) - 40);
		bad += check_one(p, (int)((r >> 20) % 40) - 30, sw, sa);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Exact ties at every rounding position, in the normal and subnormal
 * ranges, around the overflow threshold and at the fast path's bound. */
static void test_fl32_scale_fast_edges(void)
{
	unsigned bad = 0;
	static const float sc[] = { 1.0f, -1.0f, 0.5f, 0x1p-126f, 0x1p-149f, 0x1.8p-140f,
	                            0x1p127f, 0x1.fffffep127f, 1.5f, 0x1.002p0f, 3.0f,
	                            0x1.ffep-15f, 0.0f, -0.0f };
	const size_t ns = sizeof sc / sizeof sc[0];

	for (int nb = 1; nb <= 63; nb++) {
		for (int lo = 0; lo < 8; lo++) {
			uint64_t base = nb == 63 ? (1ull << 62) : (1ull << (nb - 1));
			int64_t ps[6];
			ps[0] = (int64_t)base;
			ps[1] = (int64_t)(base | 1);                    /* tie or above */
			ps[2] = (int64_t)(base + (base >> 24));         /* bit 24 set */
			ps[3] = (int64_t)(base + (base >> 24) + (base >> 25));
			ps[4] = (int64_t)((base << 1) - 1);             /* all ones */
			ps[5] = (int64_t)(base + (base >> 25));         /* exact tie */
			for (int k = 0; k < 6; k++)
				for (size_t a = 0; a < ns; a++)
					for (size_t b = 0; b < ns; b++)
						for (int e = -330 + lo; e < 300; e += 7) {
							bad += check_one(ps[k], e, sc[a], sc[b]);
							bad += check_one(-ps[k], e, sc[a], sc[b]);
						}
		}
		if (bad > 5)
			break;
	}
	/* around FLT_MAX and the smallest subnormal */
	for (int64_t p = (1 << 24) - 4; p <= (1 << 24) + 4; p++)
		for (int e = 100; e <= 106; e++)
			bad += check_one(p, e, 1.0f, 1.0f) + check_one(-p, -150 - (e - 100), 1.0f, 0.5f);
	bad += check_one(0, 0, -1.0f, 1.0f) + check_one(0, 0, -1.0f, -1.0f);
	bad += check_one(-5, 0, 0.0f, 1.0f) + check_one(5, 601, 1.0f, 1.0f);
	bad += check_one(5, -601, 1.0f, 1.0f) + check_one(INT64_MIN + 1, 0, 1.0f, 1.0f);
	bad += check_one(INT64_MIN, 0, 1.0f, 1.0f) + check_one(INT64_MIN, -3, 0.75f, 1.0f);
	CU_ASSERT_EQUAL(bad, 0);
}

/* ---- mpq_gemm_ref's fused loop against the public per-term calls --------- */

static void ref_by_terms(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                         const mpq_gemm_opts_t *o, float *y)
{
	mpq_prep_t pa, pw;
	mpq_term_t t[2];
	mps_err_t err;

	CU_ASSERT_EQUAL_FATAL(mpq_prep_pair(a, w, o, &pa, &pw, &err), MPS_OK);
	for (size_t n = 0; n < w->rows; n++)
		for (size_t m = 0; m < a->rows; m++) {
			float acc = 0.0f;
			for (size_t g = 0; g < pa.ngrp; g++) {
				unsigned nt = mpq_gemm_terms(&pa, m, &pw, n, g, t);
				for (unsigned i = 0; i < nt; i++)
					acc = acc + mpq_term_fl32(&t[i]);
			}
			y[m * w->rows + n] = mpq_apply_post(acc, &pa, m, &pw, n);
		}
	mpq_prep_free(&pa);
	mpq_prep_free(&pw);
}

static void test_gemm_ref_fused_vs_terms(void)
{
	static const mpq_scheme_t ws[] = { MPQ_S_INT4, MPQ_S_MXFP4, MPQ_S_NVFP4, MPQ_S_AMXFP4,
	                                   MPQ_S_INT8, MPQ_S_ZQFP_M1 };
	static const mpq_scheme_t as[] = { MPQ_S_INT8_TOKEN, MPQ_S_MXINT8, MPQ_S_INT8,
	                                   MPQ_S_MXFP8_E4M3 };
	unsigned bad = 0;

	for (int it = 0; it < 60; it++) {
		size_t M = 1 + rnd64() % 5, N = 1 + rnd64() % 7;
		unsigned G = (rnd64() & 1) ? 32 : 128;
		size_t K = G * (1 + rnd64() % 3) + ((rnd64() & 3) == 0 ? 0 : 0);
		mpq_qparams_t wq = { ws[it % 6], G, MPQ_RULE_FLOOR, (it % 5) == 0 && ws[it % 6] == MPQ_S_INT4 };
		mpq_qparams_t aq = { as[(it / 6) % 4], G, MPQ_RULE_FLOOR, false };
		mpq_gemm_opts_t o = { MPQ_ACC_FP32, 0, 0 };
		float *af = malloc(M * K * 4), *wf = malloc(N * K * 4);
		float *y0 = malloc(M * N * 4), *y1 = malloc(M * N * 4);
		mpq_qtensor_t a, w;
		mps_err_t err;

		for (size_t i = 0; i < M * K; i++)
			af[i] = (float)((double)(int64_t)rnd64() * 0x1p-62) * ((i % 37) ? 1.0f : 40.0f);
		for (size_t i = 0; i < N * K; i++)
			wf[i] = (float)((double)(int64_t)rnd64() * 0x1p-68);
		if (ws[it % 6] == MPQ_S_MXFP4 || ws[it % 6] == MPQ_S_NVFP4 || ws[it % 6] == MPQ_S_AMXFP4)
			wq.block = 0;
		if (aq.scheme == MPQ_S_MXINT8 || aq.scheme == MPQ_S_MXFP8_E4M3 || aq.scheme == MPQ_S_INT8_TOKEN)
			aq.block = 0;
		if (mpq_quantize(af, M, K, &aq, &a, NULL, &err) != MPS_OK ||
		    mpq_quantize(wf, N, K, &wq, &w, NULL, &err) != MPS_OK) {
			fprintf(stderr, "\n  quantize: %s\n", err.msg);
			CU_FAIL("quantize");
		} else if (mpq_gemm_ref(&a, &w, &o, y0, &err) == MPS_OK) {
			ref_by_terms(&a, &w, &o, y1);
			for (size_t i = 0; i < M * N; i++)
				if (!same(y0[i], y1[i]) && bad++ < 3)
					fprintf(stderr, "\n  gemm %s x %s: y[%zu] %a vs %a\n",
					        mpq_scheme_name(w.scheme), mpq_scheme_name(a.scheme), i,
					        (double)y0[i], (double)y1[i]);
		}
		mpq_qtensor_free(&a);
		mpq_qtensor_free(&w);
		free(af);
		free(wf);
		free(y0);
		free(y1);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static CU_TestInfo tests[] = {
	{ "test_fl32_scale_fast_random", test_fl32_scale_fast_random },
	{ "test_fl32_scale_fast_typical", test_fl32_scale_fast_typical },
	{ "test_fl32_scale_fast_edges", test_fl32_scale_fast_edges },
	{ "test_gemm_ref_fused_vs_terms", test_gemm_ref_fused_vs_terms },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_perf_paths[] = {
	{ "perf_paths", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
