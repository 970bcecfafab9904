/* tests/unit/test_cast.c - mpq_encode (model/cast.c) against literal spec
 * vectors (formats.md sections 1.2-1.7) and against the slow reference
 * mpq_encode_slow (model/ref.c) on boundary and random inputs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mpq.h"

#define MSG_LEN 200
#define F_INX MPQ_FLAG_INEXACT
#define F_OVF MPQ_FLAG_OVERFLOW
#define F_SAT MPQ_FLAG_SAT
#define F_INV MPQ_FLAG_INVALID
#define F_UNF MPQ_FLAG_UNDERFLOW

static const char *rm_name[] = { "rne", "rtz", "rup" };
static const char *sat_name[] = { "sat", "nosat" };

/* One literal vector: x into f with (rm, sat) gives code and exactly flags. */
typedef struct {
	mpq_fmt_t f;
	mpq_round_t rm;
	mpq_sat_t sat;
	double x;
	uint32_t code;
	uint32_t flags;
	const char *src; /* where the expectation comes from */
} vec_t;

static void check_vec(const vec_t *v, size_t n)
{
	char msg[MSG_LEN];

	for (size_t i = 0; i < n; i++) {
		uint32_t fl = 0, fls = 0;
		uint32_t c = mpq_encode(v[i].f, v[i].x, v[i].rm, v[i].sat, &fl);
		uint32_t cs = mpq_encode_slow(v[i].f, v[i].x, v[i].rm, v[i].sat, &fls);
		snprintf(msg, sizeof msg,
		         "%s %s %s x=%a: fast 0x%X/%02X slow 0x%X/%02X want 0x%X/%02X (%s)",
		         mpq_format(v[i].f)->name, rm_name[v[i].rm], sat_name[v[i].sat],
		         v[i].x, c, fl, cs, fls, v[i].code, v[i].flags, v[i].src);
		CU_assertImplementation(c == v[i].code && fl == v[i].flags, __LINE__,
		                        msg, __FILE__, "", CU_FALSE);
		CU_assertImplementation(cs == v[i].code && fls == v[i].flags, __LINE__,
		                        msg, __FILE__, "", CU_FALSE);
	}
}
#define CHECK_VEC(v) check_vec(v, sizeof v / sizeof v[0])

/* formats.md 1.2: the e2m1 RNE decision table, both signs, both sat modes
 * (FP4 has no Inf/NaN, so non-saturating overflow still gives +-6). */
static void test_mpq_encode_e2m1_table(void)
{
	static const struct { double a; uint32_t code; bool exact; } t[] = {
		{ 0.25, 0x0, false }, { 0.2500001, 0x1, false }, { 0.5, 0x1, true },
		{ 0.7499999, 0x1, false }, { 0.75, 0x2, false }, { 1.25, 0x2, false },
		{ 1.2500001, 0x3, false }, { 1.75, 0x4, false }, { 2.5, 0x4, false },
		{ 2.5000001, 0x5, false }, { 3.0, 0x5, true }, { 3.5, 0x6, false },
		{ 5.0, 0x6, false }, { 6.0, 0x7, true },
	};
	char msg[MSG_LEN];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (int s = 0; s < 2; s++) {
			for (int sat = 0; sat < 2; sat++) {
				double x = s ? -t[i].a : t[i].a;
				uint32_t fl = 0, want = t[i].code | (s ? 0x8u : 0u);
				uint32_t wfl = t[i].exact ? 0u : F_INX;
				uint32_t c = mpq_encode(MPQ_E2M1, x, MPQ_RNE, (mpq_sat_t)sat, &fl);
				if (t[i].a < 1.0 && !t[i].exact)
					wfl |= F_UNF;
				snprintf(msg, sizeof msg, "e2m1 rne %s x=%g: 0x%X/%02X want 0x%X/%02X",
				         sat_name[sat], x, c, fl, want, wfl);
				CU_assertImplementation(c == want && fl == wfl, __LINE__, msg,
				                        __FILE__, "", CU_FALSE);
			}
		}
	}
	/* a > 5 saturates to 6: overflow past the virtual value 8 */
	static const vec_t v[] = {
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, 5.0000001, 0x7, F_INX, "1.2" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, 7.0, 0x7, F_INX | F_OVF | F_SAT, "1.2" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_NOSAT, 7.0, 0x7, F_INX | F_OVF | F_SAT, "1.2, 8" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, 1e30, 0x7, F_INX | F_OVF | F_SAT, "1.2" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, -1e30, 0xF, F_INX | F_OVF | F_SAT, "1.2" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, INFINITY, 0x7, F_INX | F_SAT, "1.2" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_NOSAT, -INFINITY, 0xF, F_INX | F_SAT | F_INV, "mpq.h" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, -0.1, 0x8, F_INX | F_UNF, "1.2 sign of tiny negatives" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, -0.0, 0x8, 0, "9.11" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_SAT, NAN, 0x7, F_INV, "9.5 CUDA" },
		{ MPQ_E2M1, MPQ_RNE, MPQ_NOSAT, -NAN, 0xF, F_INV, "9.5 CUDA, sign kept" },
		{ MPQ_E2M1, MPQ_RTZ, MPQ_SAT, 5.9, 0x6, F_INX, "toward zero" },
		{ MPQ_E2M1, MPQ_RTZ, MPQ_SAT, 100.0, 0x7, F_INX | F_OVF, "toward zero: max" },
		{ MPQ_E2M1, MPQ_RTZ, MPQ_SAT, -0.4, 0x8, F_INX | F_UNF, "toward zero" },
		{ MPQ_E2M1, MPQ_RUP, MPQ_SAT, 0.01, 0x1, F_INX | F_UNF, "up" },
		{ MPQ_E2M1, MPQ_RUP, MPQ_SAT, -0.49, 0x8, F_INX | F_UNF, "up: -0" },
		{ MPQ_E2M1, MPQ_RUP, MPQ_SAT, 4.01, 0x7, F_INX, "up" },
		{ MPQ_E2M1, MPQ_RUP, MPQ_SAT, 6.01, 0x7, F_INX | F_OVF | F_SAT, "up past max" },
		{ MPQ_E2M1, MPQ_RUP, MPQ_SAT, -6.01, 0xF, F_INX, "up: toward zero for -" },
		{ MPQ_E2M1, MPQ_RUP, MPQ_SAT, -8.0, 0xF, F_INX | F_OVF, "up: toward zero for -" },
	};
	CHECK_VEC(v);
}

/* formats.md 1.4 (e4m3), 1.5 (e5m2), 1.3 (FP6) and IEEE fp16/bf16 overflow
 * boundaries, with the CUDA SATFINITE / NOSAT columns. */
static void test_mpq_encode_overflow(void)
{
	static const vec_t v[] = {
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, 464.0, 0x7E, F_INX, "1.4 SATFINITE" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_NOSAT, 464.0, 0x7E, F_INX, "1.4 NOSAT" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, 464.1, 0x7E, F_INX | F_OVF | F_SAT, "1.4 SATFINITE" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_NOSAT, 464.1, 0x7F, F_INX | F_OVF, "1.4 NOSAT" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_NOSAT, -465.0, 0xFF, F_INX | F_OVF, "1.4" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, INFINITY, 0x7E, F_INX | F_SAT, "1.4 SATFINITE" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_NOSAT, INFINITY, 0x7F, F_INX | F_INV, "1.4 NOSAT" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_NOSAT, -INFINITY, 0xFF, F_INX | F_INV, "1.4 NOSAT" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, NAN, 0x7F, 0, "1.4" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, -NAN, 0xFF, 0, "1.4" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, -0.0, 0x80, 0, "1.4" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, 0x1p-10, 0x00, F_INX | F_UNF, "1.4 tie to even" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, 0x1.8p-10, 0x01, F_INX | F_UNF, "1.4" },
		{ MPQ_E4M3, MPQ_RNE, MPQ_SAT, 400.0, 0x7C, F_INX, "9.1: 400 -> 384" },
		{ MPQ_E4M3, MPQ_RTZ, MPQ_NOSAT, 479.0, 0x7E, F_INX, "toward zero" },
		{ MPQ_E4M3, MPQ_RTZ, MPQ_NOSAT, 480.0, 0x7E, F_INX | F_OVF, "toward zero" },
		{ MPQ_E4M3, MPQ_RUP, MPQ_NOSAT, 448.5, 0x7F, F_INX | F_OVF, "up: NaN" },
		{ MPQ_E4M3, MPQ_RUP, MPQ_SAT, 448.5, 0x7E, F_INX | F_OVF | F_SAT, "up, sat" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_SAT, 61439.0, 0x7B, F_INX, "1.5" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_NOSAT, 61439.0, 0x7B, F_INX, "1.5" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_NOSAT, 61440.0, 0x7C, F_INX | F_OVF, "1.5 NOSAT: Inf" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_SAT, 61440.0, 0x7B, F_INX | F_OVF | F_SAT, "1.5 SATFINITE" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_NOSAT, -61440.0, 0xFC, F_INX | F_OVF, "1.5" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_SAT, INFINITY, 0x7B, F_INX | F_SAT, "1.5 SATFINITE" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_NOSAT, INFINITY, 0x7C, 0, "1.5" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_NOSAT, -INFINITY, 0xFC, 0, "1.5" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_SAT, NAN, 0x7F, 0, "mpq.h: CUDA 0x7F" },
		{ MPQ_E5M2, MPQ_RNE, MPQ_SAT, -NAN, 0xFF, 0, "mpq.h" },
		{ MPQ_E5M2, MPQ_RTZ, MPQ_NOSAT, 1e9, 0x7B, F_INX | F_OVF, "toward zero" },
		{ MPQ_E5M2, MPQ_RUP, MPQ_NOSAT, -1e9, 0xFB, F_INX | F_OVF, "up, negative" },
		{ MPQ_E5M2, MPQ_RUP, MPQ_NOSAT, 57345.0, 0x7C, F_INX | F_OVF, "up" },
		{ MPQ_E2M3, MPQ_RNE, MPQ_SAT, 7.75, 0x1F, F_INX | F_OVF | F_SAT, "1.3: tie past 7.5" },
		{ MPQ_E2M3, MPQ_RNE, MPQ_SAT, 7.7499, 0x1F, F_INX, "1.3" },
		{ MPQ_E2M3, MPQ_RNE, MPQ_NOSAT, NAN, 0x1F, F_INV, "9.5 CUDA" },
		{ MPQ_E2M3, MPQ_RNE, MPQ_NOSAT, -NAN, 0x3F, F_INV, "9.5 CUDA" },
		{ MPQ_E3M2, MPQ_RNE, MPQ_SAT, 30.0, 0x1F, F_INX | F_OVF | F_SAT, "1.3: tie past 28" },
		{ MPQ_E3M2, MPQ_RNE, MPQ_NOSAT, 29.99, 0x1F, F_INX, "1.3" },
		{ MPQ_E3M2, MPQ_RNE, MPQ_NOSAT, -INFINITY, 0x3F, F_INX | F_SAT | F_INV, "mpq.h" },
		{ MPQ_FP16, MPQ_RNE, MPQ_NOSAT, 65519.99, 0x7BFF, F_INX, "IEEE binary16" },
		{ MPQ_FP16, MPQ_RNE, MPQ_NOSAT, 65520.0, 0x7C00, F_INX | F_OVF, "IEEE binary16" },
		{ MPQ_FP16, MPQ_RNE, MPQ_SAT, 65520.0, 0x7BFF, F_INX | F_OVF | F_SAT, "sat" },
		{ MPQ_FP16, MPQ_RNE, MPQ_SAT, NAN, 0x7E00, 0, "mpq.h" },
		{ MPQ_FP16, MPQ_RNE, MPQ_SAT, 0x1p-25, 0x0000, F_INX | F_UNF, "tie to 0" },
		{ MPQ_FP16, MPQ_RNE, MPQ_SAT, 0x1.8p-24, 0x0002, F_INX | F_UNF, "tie to even" },
		{ MPQ_BF16, MPQ_RNE, MPQ_NOSAT, 0x1.ffp127, 0x7F80, F_INX | F_OVF, "bf16 tie past max" },
		{ MPQ_BF16, MPQ_RNE, MPQ_SAT, NAN, 0x7FC0, 0, "mpq.h" },
		{ MPQ_BF16, MPQ_RNE, MPQ_SAT, 1.00390625, 0x3F80, F_INX, "tie to even" },
		{ MPQ_BF16, MPQ_RNE, MPQ_SAT, 1.01171875, 0x3F82, F_INX, "tie to even" },
		{ MPQ_FP32, MPQ_RNE, MPQ_NOSAT, 0x1.ffffffp127, 0x7F800000u, F_INX | F_OVF, "fp32 tie past max" },
		{ MPQ_FP32, MPQ_RNE, MPQ_SAT, 0x1p-150, 0x0u, F_INX | F_UNF, "tie to 0" },
		{ MPQ_FP32, MPQ_RNE, MPQ_SAT, 0x1.0000001p-150, 0x1u, F_INX | F_UNF, "above tie" },
		{ MPQ_FP32, MPQ_RNE, MPQ_SAT, 1e300, 0x7F7FFFFFu, F_INX | F_OVF | F_SAT, "sat" },
		{ MPQ_FP32, MPQ_RNE, MPQ_SAT, -NAN, 0xFFC00000u, 0, "mpq.h" },
	};
	CHECK_VEC(v);
}

/* formats.md 1.6, CUDA columns; RNE as ml_dtypes/torch (1.5 -> 2). */
static void test_mpq_encode_e8m0_cuda(void)
{
	static const double x[] = { 1.0, 1.4, 1.5, 3.0, 0.75, 0.0, -1.0,
	                            0x1.8p127, INFINITY, NAN };
	static const uint32_t rup_sat[] = { 0x7F, 0x80, 0x80, 0x81, 0x7F, 0x00, 0x7F,
	                                    0xFE, 0xFE, 0xFF };
	static const uint32_t rtz_sat[] = { 0x7F, 0x7F, 0x7F, 0x80, 0x7E, 0x00, 0x7F,
	                                    0xFE, 0xFE, 0xFF };
	static const uint32_t rup_nosat[] = { 0x7F, 0x80, 0x80, 0x81, 0x7F, 0x00, 0x7F,
	                                      0xFF, 0xFF, 0xFF };
	static const uint32_t rne_sat[] = { 0x7F, 0x7F, 0x80, 0x81, 0x7F, 0x00, 0x7F,
	                                    0xFE, 0xFE, 0xFF };
	char msg[MSG_LEN];

	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
		uint32_t c[4] = {
			mpq_encode(MPQ_E8M0, x[i], MPQ_RUP, MPQ_SAT, NULL),
			mpq_encode(MPQ_E8M0, x[i], MPQ_RTZ, MPQ_SAT, NULL),
			mpq_encode(MPQ_E8M0, x[i], MPQ_RUP, MPQ_NOSAT, NULL),
			mpq_encode(MPQ_E8M0, x[i], MPQ_RNE, MPQ_SAT, NULL),
		};
		snprintf(msg, sizeof msg, "e8m0 x=%a: rup/sat 0x%X rtz/sat 0x%X rup/nosat 0x%X rne 0x%X",
		         x[i], c[0], c[1], c[2], c[3]);
		CU_assertImplementation(c[0] == rup_sat[i] && c[1] == rtz_sat[i] &&
		                        c[2] == rup_nosat[i] && c[3] == rne_sat[i],
		                        __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	static const vec_t v[] = {
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, 0.0, 0x00, F_INX | F_UNF, "mpq.h" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, -2.0, 0x80, F_INX | F_INV, "mpq.h: |x|" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, 0x1p-140, 0x00, F_INX | F_UNF, "mpq.h" },
		{ MPQ_E8M0, MPQ_RUP, MPQ_SAT, 0x1.8p-127, 0x01, F_INX, "up" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, 0x1.8p-127, 0x01, F_INX, "tie up" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, 6.0, 0x82, F_INX, "tie up: 6 -> 8" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, 0x1p127, 0xFE, 0, "max" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_NOSAT, 0x1.8p127, 0xFF, F_INX | F_OVF, "1.6 NOSAT" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, 0x1.8p127, 0xFE, F_INX | F_OVF | F_SAT, "1.6" },
		{ MPQ_E8M0, MPQ_RTZ, MPQ_NOSAT, 1e300, 0xFE, F_INX | F_OVF, "toward zero" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_NOSAT, INFINITY, 0xFF, F_INX | F_INV, "1.6 NOSAT" },
		{ MPQ_E8M0, MPQ_RNE, MPQ_SAT, -INFINITY, 0xFE, F_INX | F_INV | F_SAT, "|x|" },
	};
	CHECK_VEC(v);
}

/* formats.md 1.7: RNE (torch.round, nearbyint), clamp to the range. */
static void test_mpq_encode_int(void)
{
	static const vec_t v[] = {
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, 0.5, 0x0, F_INX, "RNE" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, 1.5, 0x2, F_INX, "RNE" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, 2.5, 0x2, F_INX, "RNE" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, -2.5, 0xE, F_INX, "RNE" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, -0.5, 0x0, F_INX, "RNE: -0 -> 0" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, 7.0, 0x7, 0, "max" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, 7.4, 0x7, F_INX, "" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, 7.5, 0x7, F_INX | F_OVF | F_SAT, "tie to 8, clamp" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, -8.5, 0x8, F_INX, "tie to -8" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, -9.0, 0x8, F_INX | F_OVF | F_SAT, "clamp" },
		{ MPQ_INT4, MPQ_RTZ, MPQ_SAT, -7.9, 0x9, F_INX, "toward zero" },
		{ MPQ_INT4, MPQ_RUP, MPQ_SAT, -7.9, 0x9, F_INX, "up" },
		{ MPQ_INT4, MPQ_RUP, MPQ_SAT, 6.1, 0x7, F_INX, "up" },
		{ MPQ_INT4, MPQ_RUP, MPQ_SAT, 7.1, 0x7, F_INX | F_OVF | F_SAT, "up, clamp" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, NAN, 0x7, F_INV, "mpq.h" },
		{ MPQ_INT4, MPQ_RNE, MPQ_SAT, -NAN, 0x8, F_INV, "mpq.h" },
		{ MPQ_INT4, MPQ_RNE, MPQ_NOSAT, -INFINITY, 0x8, F_INX | F_SAT, "clamp" },
		{ MPQ_UINT4, MPQ_RNE, MPQ_SAT, 15.49, 0xF, F_INX, "" },
		{ MPQ_UINT4, MPQ_RNE, MPQ_SAT, 15.5, 0xF, F_INX | F_OVF | F_SAT, "tie to 16" },
		{ MPQ_UINT4, MPQ_RNE, MPQ_SAT, -0.4, 0x0, F_INX, "" },
		{ MPQ_UINT4, MPQ_RNE, MPQ_SAT, -0.6, 0x0, F_INX | F_SAT | F_INV, "negative" },
		{ MPQ_UINT4, MPQ_RNE, MPQ_SAT, -INFINITY, 0x0, F_INX | F_SAT | F_INV, "negative" },
		{ MPQ_UINT4, MPQ_RNE, MPQ_SAT, -NAN, 0x0, F_INV, "mpq.h" },
		{ MPQ_INT8, MPQ_RNE, MPQ_SAT, 127.5, 0x7F, F_INX | F_OVF | F_SAT, "clamp" },
		{ MPQ_INT8, MPQ_RNE, MPQ_SAT, -128.5, 0x80, F_INX, "tie to -128" },
		{ MPQ_INT8, MPQ_RNE, MPQ_SAT, -1.0, 0xFF, 0, "two's complement" },
		{ MPQ_INT8, MPQ_RNE, MPQ_SAT, 1e300, 0x7F, F_INX | F_OVF | F_SAT, "clamp" },
		{ MPQ_INT8, MPQ_RTZ, MPQ_SAT, -127.99, 0x81, F_INX, "toward zero" },
		{ MPQ_UINT8, MPQ_RNE, MPQ_SAT, 254.5, 0xFE, F_INX, "RNE" },
		{ MPQ_UINT8, MPQ_RUP, MPQ_SAT, 254.01, 0xFF, F_INX, "up" },
		{ MPQ_UINT8, MPQ_RNE, MPQ_SAT, 0x1p60, 0xFF, F_INX | F_OVF | F_SAT, "clamp" },
	};
	CHECK_VEC(v);
}

static const mpq_fmt_t small_fmts[] = { MPQ_E2M1, MPQ_E2M3, MPQ_E3M2, MPQ_E4M3,
                                        MPQ_E5M2, MPQ_E8M0, MPQ_INT4, MPQ_UINT4,
                                        MPQ_INT8, MPQ_UINT8, MPQ_FP16, MPQ_BF16 };
#define NSMALL (sizeof small_fmts / sizeof small_fmts[0])

/* encode(decode(c)) == c with no flags, every finite code, every mode. */
static void test_mpq_encode_roundtrip(void)
{
	char msg[MSG_LEN];

	for (size_t i = 0; i < NSMALL; i++) {
		mpq_fmt_t f = small_fmts[i];
		const mpq_format_t *d = mpq_format(f);
		unsigned bad = 0, first = 0, n = 0;
		for (uint32_t c = 0; c < (1u << d->bits); c++) {
			double v = mpq_decode(f, c);
			if (isnan(v))
				continue;
			for (int rm = 0; rm < 3; rm++) {
				for (int sat = 0; sat < 2; sat++) {
					uint32_t fl = 0;
					uint32_t got = mpq_encode(f, v, (mpq_round_t)rm,
					                          (mpq_sat_t)sat, &fl);
					/* Inf under SAT is clamped to max: not a round trip */
					if (isinf(v) && sat == MPQ_SAT)
						continue;
					n++;
					if (got != c || fl != 0) {
						if (!bad)
							first = c;
						bad++;
					}
				}
			}
		}
		snprintf(msg, sizeof msg, "%s: %u of %u round trips fail (first 0x%X)",
		         d->name, bad, n, first);
		CU_assertImplementation(bad == 0 && n > 0, __LINE__, msg, __FILE__, "",
		                        CU_FALSE);
	}
}

/* Every midpoint between adjacent finite values of each small float format:
 * RNE picks the code with the even last mantissa bit (e8m0: the upper one,
 * formats.md 1.6), RTZ the smaller magnitude, RUP the larger value. */
static void test_mpq_encode_every_tie(void)
{
	static const mpq_fmt_t fs[] = { MPQ_E2M1, MPQ_E2M3, MPQ_E3M2, MPQ_E4M3,
	                                MPQ_E5M2, MPQ_E8M0, MPQ_FP16, MPQ_BF16 };
	char msg[MSG_LEN];

	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		const mpq_format_t *d = mpq_format(fs[i]);
		uint32_t top = d->is_signed ? 1u << (d->bits - 1) : 1u << d->bits;
		uint32_t sgn = d->is_signed ? top : 0;
		unsigned bad = 0, n = 0;
		for (uint32_t c = 0; c + 1 < top; c++) {
			double lo = mpq_decode(fs[i], c), hi = mpq_decode(fs[i], c + 1);
			if (!isfinite(lo) || !isfinite(hi))
				continue;
			double mid = (lo + hi) / 2;
			uint32_t even = d->mbits ? ((c & 1) ? c + 1 : c) : c + 1;
			for (int s = 0; s < (d->is_signed ? 2 : 1); s++) {
				double x = s ? -mid : mid;
				uint32_t sb = s ? sgn : 0;
				uint32_t want[3] = { even | sb, c | sb, (s ? c : c + 1) | sb };
				for (int rm = 0; rm < 3; rm++) {
					for (int sat = 0; sat < 2; sat++) {
						uint32_t fl = 0, got = mpq_encode(fs[i], x, (mpq_round_t)rm,
						                                  (mpq_sat_t)sat, &fl);
						uint32_t wfl = F_INX | (mid < d->min_normal ? F_UNF : 0u);
						n++;
						if (got != want[rm] || fl != wfl) {
							if (bad++ < 3) {
								snprintf(msg, sizeof msg,
								         "%s %s %s tie %a: 0x%X/%02X want 0x%X/%02X",
								         d->name, rm_name[rm], sat_name[sat], x, got,
								         fl, want[rm], wfl);
								CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
							}
						}
					}
				}
			}
		}
		snprintf(msg, sizeof msg, "%s: %u of %u tie cases fail", d->name, bad, n);
		CU_assertImplementation(bad == 0 && n > 0, __LINE__, msg, __FILE__, "",
		                        CU_FALSE);
	}
}

/* Subnormal edges per float format: half the smallest subnormal is a tie to
 * +-0; just above it rounds to the smallest subnormal; the midpoint between
 * the largest subnormal and the smallest normal goes to the normal (even). */
static void test_mpq_encode_subnormal_edges(void)
{
	static const mpq_fmt_t fs[] = { MPQ_E2M1, MPQ_E2M3, MPQ_E3M2, MPQ_E4M3,
	                                MPQ_E5M2, MPQ_FP16, MPQ_BF16, MPQ_FP32 };
	char msg[MSG_LEN];

	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		const mpq_format_t *d = mpq_format(fs[i]);
		double ms = d->min_subnormal, mn = d->min_normal;
		uint32_t sgn = 1u << (d->bits - 1);
		uint32_t ncode = 1u << d->mbits; /* smallest normal: exponent field 1 */
		struct { double x; mpq_round_t rm; uint32_t code, flags; } t[] = {
			{ ms / 2, MPQ_RNE, 0, F_INX | F_UNF },
			{ -ms / 2, MPQ_RNE, sgn, F_INX | F_UNF },
			{ nextafter(ms / 2, 1), MPQ_RNE, 1, F_INX | F_UNF },
			{ ms, MPQ_RNE, 1, 0 },
			{ ms * 0.75, MPQ_RTZ, 0, F_INX | F_UNF },
			{ 0x1p-1074, MPQ_RUP, 1, F_INX | F_UNF },
			{ -0x1p-1074, MPQ_RUP, sgn, F_INX | F_UNF },
			{ -0x1p-1074, MPQ_RTZ, sgn, F_INX | F_UNF },
			{ mn - ms / 2, MPQ_RNE, ncode, F_INX | F_UNF },
			{ nextafter(mn - ms / 2, 0), MPQ_RNE, ncode - 1, F_INX | F_UNF },
			{ mn - ms / 2, MPQ_RTZ, ncode - 1, F_INX | F_UNF },
			{ mn, MPQ_RNE, ncode, 0 },
			{ mn - ms, MPQ_RNE, ncode - 1, 0 },
		};
		for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
			for (int sat = 0; sat < 2; sat++) {
				uint32_t fl = 0, fls = 0;
				uint32_t got = mpq_encode(fs[i], t[k].x, t[k].rm, (mpq_sat_t)sat, &fl);
				uint32_t gs = mpq_encode_slow(fs[i], t[k].x, t[k].rm, (mpq_sat_t)sat, &fls);
				snprintf(msg, sizeof msg, "%s %s x=%a: 0x%X/%02X slow 0x%X/%02X want 0x%X/%02X",
				         d->name, rm_name[t[k].rm], t[k].x, got, fl, gs, fls,
				         t[k].code, t[k].flags);
				CU_assertImplementation(got == t[k].code && fl == t[k].flags &&
				                        gs == t[k].code && fls == t[k].flags,
				                        __LINE__, msg, __FILE__, "", CU_FALSE);
			}
		}
	}
}

/* xorshift64*: deterministic test inputs. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* A random input for format f: near codes, midpoints, random magnitudes
 * across (and beyond) the range, FP32 values, specials. */
static double rand_input(mpq_fmt_t f, uint64_t *s)
{
	const mpq_format_t *d = mpq_format(f);
	uint64_t r = rng_next(s);
	unsigned kind = (unsigned)(r % 8);
	double x;
	int lo_e = d->is_int ? -3 : -(d->bias + (int)d->mbits + 4);
	int hi_e = d->is_int ? (int)d->bits + 2 : (int)(log2(d->max)) + 3;
	uint32_t mask = d->bits >= 32 ? 0xFFFFFFFFu : (1u << d->bits) - 1u;

	r = rng_next(s);
	switch (kind) {
	case 0: /* a code's value, nudged by one double ulp */
	case 1: {
		double v = mpq_decode(f, (uint32_t)r & mask);
		if (!isfinite(v))
			v = d->max;
		x = (r >> 40) & 1 ? nextafter(v, INFINITY) : nextafter(v, -INFINITY);
		if ((r >> 41) & 1)
			x = v;
		break;
	}
	case 2: /* midpoint of adjacent codes, maybe nudged */
	case 3: {
		uint32_t c = (uint32_t)r & mask;
		double a = mpq_decode(f, c), b = mpq_decode(f, (c + 1) & mask);
		x = (isfinite(a) && isfinite(b)) ? (a + b) / 2 : a;
		if ((r >> 40) & 1)
			x = nextafter(x, (r >> 41) & 1 ? INFINITY : -INFINITY);
		break;
	}
	case 4: /* random 53-bit significand, exponent across the range */
	case 5: {
		int e = lo_e + (int)((r >> 53) % (unsigned)(hi_e - lo_e + 1));
		x = ldexp((double)(r & ((1ull << 53) - 1)) * 0x1p-53 + 1.0, e);
		if ((r >> 52) & 1)
			x = -x;
		break;
	}
	case 6: { /* any FP32 */
		uint32_t b = (uint32_t)r;
		float fx;
		memcpy(&fx, &b, sizeof fx);
		x = fx;
		break;
	}
	default: { /* specials and extremes */
		static const double sp[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN,
		                             1e300, -1e300, 0x1p-1074, -0x1p-1074,
		                             0x1p-149, 0x1p-127, 0x1.8p127, 0x1p128 };
		x = sp[r % (sizeof sp / sizeof sp[0])];
		break;
	}
	}
	return x;
}

/* The fast path against the slow reference: 1,000,000+ (input, format,
 * mode) cases plus every code value of the 16-bit formats. */
static void test_mpq_encode_vs_slow(void)
{
	static const mpq_fmt_t fs[] = { MPQ_E2M1, MPQ_E2M3, MPQ_E3M2, MPQ_E4M3,
	                                MPQ_E5M2, MPQ_E8M0, MPQ_INT4, MPQ_UINT4,
	                                MPQ_INT8, MPQ_UINT8, MPQ_FP16, MPQ_BF16,
	                                MPQ_FP32 };
	const unsigned per_fmt = 14000; /* x 6 modes x 13 formats = 1,092,000 */
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	char msg[MSG_LEN];
	unsigned long total = 0;

	for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
		const char *name = mpq_format(fs[i])->name;
		unsigned bad = 0;
		for (unsigned k = 0; k < per_fmt; k++) {
			double x = rand_input(fs[i], &seed);
			for (int rm = 0; rm < 3; rm++) {
				for (int sat = 0; sat < 2; sat++) {
					uint32_t fa = 0, fb = 0;
					uint32_t a = mpq_encode(fs[i], x, (mpq_round_t)rm, (mpq_sat_t)sat, &fa);
					uint32_t b = mpq_encode_slow(fs[i], x, (mpq_round_t)rm,
					                             (mpq_sat_t)sat, &fb);
					total++;
					if (a != b || fa != fb) {
						if (bad++ < 3) {
							snprintf(msg, sizeof msg,
							         "%s %s %s x=%a: fast 0x%X/%02X slow 0x%X/%02X",
							         name, rm_name[rm], sat_name[sat], x, a, fa,
							         b, fb);
							CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
						}
					}
				}
			}
		}
		snprintf(msg, sizeof msg, "%s: %u fast/slow mismatches", name, bad);
		CU_assertImplementation(bad == 0, __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	CU_ASSERT(total >= 1000000ul);
}

static CU_TestInfo tests[] = {
	{ "test_mpq_encode_e2m1_table", test_mpq_encode_e2m1_table },
	{ "test_mpq_encode_overflow", test_mpq_encode_overflow },
	{ "test_mpq_encode_e8m0_cuda", test_mpq_encode_e8m0_cuda },
	{ "test_mpq_encode_int", test_mpq_encode_int },
	{ "test_mpq_encode_roundtrip", test_mpq_encode_roundtrip },
	{ "test_mpq_encode_every_tie", test_mpq_encode_every_tie },
	{ "test_mpq_encode_subnormal_edges", test_mpq_encode_subnormal_edges },
	{ "test_mpq_encode_vs_slow", test_mpq_encode_vs_slow },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_cast[] = {
	{ "cast", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
