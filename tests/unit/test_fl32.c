/* tests/unit/test_fl32.c - mpq_fl32_scale and the exact accumulator
 * mpq_xacc_* (model/fl32.c): one RNE rounding to FP32, checked against long
 * double (64-bit significand: exact for the products used) and against
 * literal tie, subnormal and overflow cases. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mpq.h"

#define MSG_LEN 160

static bool same_f(float a, float b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b && !signbit(a) == !signbit(b);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static float rand_f32(uint64_t *s, int emin, int emax)
{
	uint64_t r = rng_next(s);
	int e = emin + (int)((r >> 40) % (uint64_t)(emax - emin + 1));
	float m = (float)((r & 0xFFFFFF) | 0x800000) * 0x1p-23f;
	return ldexpf((r >> 39) & 1 ? -m : m, e);
}

/* Random p (< 2^16), e, s1, s2: p * s1 * s2 has <= 64 significant bits, so
 * long double holds it exactly and (float) rounds it once (x87: RNE, with
 * FP32 subnormals and overflow). */
static void test_mpq_fl32_scale_vs_long_double(void)
{
	uint64_t seed = 12345;
	unsigned bad = 0;
	char msg[MSG_LEN];

	for (int i = 0; i < 200000; i++) {
		int64_t p = (int64_t)(rng_next(&seed) % 65536) - 32768;
		int e = (int)(rng_next(&seed) % 121) - 60;
		float s1 = rand_f32(&seed, -100, 60);
		float s2 = (i & 1) ? rand_f32(&seed, -100, 60) : 1.0f;
		long double exact = ldexpl((long double)p * s1 * s2, e);
		float want = (float)exact;
		float got = mpq_fl32_scale(p, e, s1, s2);
		if (!same_f(got, want) && !(p == 0 && got == 0 && want == 0)) {
			if (bad++ < 3) {
				snprintf(msg, sizeof msg, "p=%lld e=%d s1=%a s2=%a: %a want %a",
				         (long long)p, e, s1, s2, got, want);
				CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_mpq_fl32_scale_ties(void)
{
	int64_t big = (1LL << 61) + (1LL << 37); /* exact tie at 2^61 (ulp 2^38) */

	CU_ASSERT(same_f(mpq_fl32_scale((1 << 24) + 1, 0, 1.0f, 1.0f), 0x1p24f));
	CU_ASSERT(same_f(mpq_fl32_scale((1 << 24) + 3, 0, 1.0f, 1.0f), 0x1.000004p24f));
	CU_ASSERT(same_f(mpq_fl32_scale(-((1 << 24) + 1), 0, 1.0f, 1.0f), -0x1p24f));
	CU_ASSERT(same_f(mpq_fl32_scale(big, 0, 1.0f, 1.0f), 0x1p61f));
	/* one above the tie: a double (53 bits) would round it onto the tie */
	CU_ASSERT(same_f(mpq_fl32_scale(big + 1, 0, 1.0f, 1.0f), 0x1.000002p61f));
	CU_ASSERT(same_f(mpq_fl32_scale(big - 1, 0, 1.0f, 1.0f), 0x1p61f));
	/* three factors, 48-bit exact product:
	 * 3 * (1 + 2^-23)^2 = 3 + 3*2^-22 + 3*2^-46 -> 3 + 3*2^-22 */
	CU_ASSERT(same_f(mpq_fl32_scale(3, 0, 0x1.000002p0f, 0x1.000002p0f),
	                 0x1.800006p1f));
	/* a tie made by the second scale: (2^24 + 1) * 0.5 * 2 */
	CU_ASSERT(same_f(mpq_fl32_scale((1 << 24) + 1, 0, 0.5f, 2.0f), 0x1p24f));
	/* (2^24 + 1) * (1 + 2^-23) = 2^24 + 3 + 2^-23 -> 2^24 + 4 */
	CU_ASSERT(same_f(mpq_fl32_scale((1 << 24) + 1, 0, 0.5f, 0x1.000002p1f),
	                 0x1.000004p24f));
	/* subnormals: 0.75 ulp -> 1 ulp; 0.5 ulp tie -> 0; 1.5 ulp -> 2 ulp */
	CU_ASSERT(same_f(mpq_fl32_scale(3, -151, 1.0f, 1.0f), 0x1p-149f));
	CU_ASSERT(same_f(mpq_fl32_scale(1, -150, 1.0f, 1.0f), 0.0f));
	CU_ASSERT(same_f(mpq_fl32_scale(-1, -150, 1.0f, 1.0f), -0.0f));
	CU_ASSERT(same_f(mpq_fl32_scale(3, -150, 1.0f, 1.0f), 0x1p-148f));
	CU_ASSERT(same_f(mpq_fl32_scale((1LL << 40) + 1, -190, 1.0f, 1.0f), 0x1p-149f));
	CU_ASSERT(same_f(mpq_fl32_scale(1, -300, 1.0f, 1.0f), 0.0f));
	CU_ASSERT(same_f(mpq_fl32_scale(0x7FFFFF, -149, 1.0f, 1.0f), 0x1.fffffcp-127f));
	CU_ASSERT(same_f(mpq_fl32_scale(0xFFFFFF, -150, 1.0f, 1.0f), 0x1p-126f));
	/* overflow: FLT_MAX exactly; the tie past it goes to Inf */
	CU_ASSERT(same_f(mpq_fl32_scale(0xFFFFFF, 104, 1.0f, 1.0f), FLT_MAX));
	CU_ASSERT(same_f(mpq_fl32_scale(0x1FFFFFF, 103, 1.0f, 1.0f), INFINITY));
	CU_ASSERT(same_f(mpq_fl32_scale(-0x1FFFFFE, 103, 1.0f, 1.0f), -FLT_MAX));
	CU_ASSERT(same_f(mpq_fl32_scale(1, 300, 1.0f, 1.0f), INFINITY));
	CU_ASSERT(same_f(mpq_fl32_scale(1, 0, FLT_MAX, FLT_MAX), INFINITY));
	/* scale products below FP32 range that the exponent brings back */
	CU_ASSERT(same_f(mpq_fl32_scale(1, 200, 0x1p-149f, 0x1p-100f), 0x1p-49f));
	/* zeros and specials */
	CU_ASSERT(same_f(mpq_fl32_scale(0, 0, -2.0f, 1.0f), -0.0f));
	CU_ASSERT(same_f(mpq_fl32_scale(-5, 0, 0.0f, 1.0f), -0.0f));
	CU_ASSERT(isnan(mpq_fl32_scale(1, 0, NAN, 1.0f)));
	CU_ASSERT(isnan(mpq_fl32_scale(0, 0, INFINITY, 1.0f)));
	CU_ASSERT(same_f(mpq_fl32_scale(-2, 0, INFINITY, 1.0f), -INFINITY));
	CU_ASSERT(same_f(mpq_fl32_scale(INT64_C(-4611686018427387903), -62, 1.0f, 1.0f),
	                 -1.0f));
}

static float xsum(const float *v, size_t n)
{
	mpq_xacc_t x;

	mpq_xacc_clear(&x);
	for (size_t i = 0; i < n; i++)
		mpq_xacc_add_f32(&x, v[i]);
	return mpq_xacc_to_f32(&x);
}

static void test_mpq_xacc_cancellation(void)
{
	mpq_xacc_t x;
	static const float a[] = { 1e30f, 1.0f, -1e30f };
	static const float b[] = { 0x1p24f, 1.0f, 0x1p-30f }; /* above the tie */
	static const float c[] = { 0x1p24f, 1.0f };           /* the tie: even */
	static const float d[] = { FLT_MAX, FLT_MAX };
	static const float e[] = { FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX, 0x1p-149f };
	static const float f[] = { 0x1p-149f, -0.0f };
	static const float g[] = { -3.0f, 1.0f, 0x1p-40f };

	CU_ASSERT(same_f(xsum(a, 3), 1.0f));
	CU_ASSERT(same_f(xsum(b, 3), 0x1.000002p24f));
	CU_ASSERT(same_f(xsum(c, 2), 0x1p24f));
	CU_ASSERT(same_f(xsum(d, 2), INFINITY));
	CU_ASSERT(same_f(xsum(e, 5), 0x1p-149f));
	CU_ASSERT(same_f(xsum(f, 2), 0x1p-149f));
	CU_ASSERT(same_f(xsum(g, 3), -2.0f));
	CU_ASSERT(same_f(xsum(NULL, 0), 0.0f));

	/* p * 2^e * s1 * s2 terms: 1.5 * 2^-149 (tie -> 2 ulp), then cancel */
	mpq_xacc_clear(&x);
	mpq_xacc_add(&x, 3, -150, 1.0f, 1.0f);
	CU_ASSERT(same_f(mpq_xacc_to_f32(&x), 0x1p-148f));
	mpq_xacc_add(&x, INT64_C(1) << 61, 300, 0x1p100f, 0x1p-20f);
	mpq_xacc_add(&x, -(INT64_C(1) << 61), 300, 0x1p100f, 0x1p-20f);
	mpq_xacc_add(&x, -1, -150, 1.0f, 1.0f);
	CU_ASSERT(same_f(mpq_xacc_to_f32(&x), 0x1p-149f));
	mpq_xacc_add(&x, -5, -151, 1.0f, 1.0f); /* 2^-149 - 1.25 * 2^-149 */
	CU_ASSERT(same_f(mpq_xacc_to_f32(&x), -0.0f)); /* -0.25 ulp rounds to -0 */
	mpq_xacc_add(&x, 1, 0, NAN, 1.0f);
	CU_ASSERT(isnan(mpq_xacc_to_f32(&x)));
}

/* Random sums of FP32 terms in [2^-20, 2^20): exact in long double (at most
 * 64 bits wide), then rounded once; also summed in reverse order. */
static void test_mpq_xacc_vs_long_double(void)
{
	uint64_t seed = 777;
	unsigned bad = 0;
	char msg[MSG_LEN];
	float v[64];

	for (int t = 0; t < 5000; t++) {
		size_t n = 1 + rng_next(&seed) % 64;
		long double exact = 0;
		mpq_xacc_t x, y;
		mpq_xacc_clear(&x);
		mpq_xacc_clear(&y);
		for (size_t i = 0; i < n; i++) {
			v[i] = rand_f32(&seed, -20, 19);
			exact += v[i];
			mpq_xacc_add_f32(&x, v[i]);
		}
		for (size_t i = n; i-- > 0;)
			mpq_xacc_add(&y, 1, 0, v[i], 1.0f);
		float want = (float)exact, got = mpq_xacc_to_f32(&x);
		if (!(got == want) || !same_f(mpq_xacc_to_f32(&y), got)) {
			if (bad++ < 3) {
				snprintf(msg, sizeof msg, "sum of %zu terms: %a want %a", n, got, want);
				CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static CU_TestInfo tests[] = {
	{ "test_mpq_fl32_scale_vs_long_double", test_mpq_fl32_scale_vs_long_double },
	{ "test_mpq_fl32_scale_ties", test_mpq_fl32_scale_ties },
	{ "test_mpq_xacc_cancellation", test_mpq_xacc_cancellation },
	{ "test_mpq_xacc_vs_long_double", test_mpq_xacc_vs_long_double },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_fl32[] = {
	{ "fl32", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
