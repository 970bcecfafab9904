/* tests/rtl/gen_xacc_vectors.c - cycle vectors for rtl/mp_xacc.sv (the exact
 * accumulator of accumulate = exact), expected values from the C model
 * (model/fl32.c: mpq_xacc_clear / mpq_xacc_add / mpq_xacc_add_f32 /
 * mpq_xacc_to_f32).
 *
 *   gen_xacc_vectors OUTDIR [NRAND]
 *
 * writes OUTDIR/xacc_<cfg>.vec, one clock cycle a line (hex):
 *   en upd clr p0 s1_0 p1 s1_1 s2 y net
 * en / upd / clr the control inputs of that cycle, p as 64-bit two's complement,
 * y = fl32(X) after the clock edge (mpq_xacc_to_f32 of the C accumulator), net = 1
 * when the vector deliberately violates the module's bounds (the RTL must then
 * report NaN, its safety net, while the C model, 1536 bits wide, keeps a number).
 * The four configurations are the tb_xacc instances (docs/xacc.md):
 *   int4   PW 28, NT 1, ProdExp 0,   SumLog2 43, s1 fp16 (-24, 16), s2 (-127, 127)
 *   mx2    PW 40, NT 2, ProdExp -10, SumLog2 54, s1, s2 (-127, 127): e8m0, e4m3,
 *          e5m2 values (AMXFP4: p with s1_0, then pn with s1_1)
 *   fp16   PW 2,  NT 1, p = 1, s1 = a * w of two fp16 values (-48, 32), s2 = 1.0
 *   gen    PW 20, NT 1, ProdExp -5,  SumLog2 51, any binary32 scales (-149, 128):
 *          subnormal and huge scales, overflow to Inf, subnormal results, exact
 *          cancellation to +0
 * plus NaN / Inf scales (the NaN flag) and stalls (en = 0) in every file.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"

static uint64_t rng_state = 0x7861636376656373ull;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int64_t rnd_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd64() % (uint64_t)(hi - lo + 1));
}

static uint32_t b_of(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

static float f_of(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

enum { CFG_INT4, CFG_MX2, CFG_FP16, CFG_GEN, NCFG };
static const char *cfg_name[NCFG] = { "int4", "mx2", "fp16", "gen" };
static const int cfg_pw[NCFG] = { 28, 40, 2, 20 };
static const int cfg_nt[NCFG] = { 1, 2, 1, 1 };
static const int cfg_pexp[NCFG] = { 0, -10, 0, -5 };

/* a finite code of fmt, decoded (fp16 / e4m3 / e5m2) */
static float rnd_fmt(mpq_fmt_t f, unsigned bits)
{
	for (;;) {
		uint32_t c = (uint32_t)(rnd64() & ((1u << bits) - 1));
		if (mpq_is_finite(f, c))
			return (float)mpq_decode(f, c);
	}
}

/* e8m0 2^(c-127): mostly near 1, a quarter tiny (subnormal results), some anywhere */
static float rnd_e8m0(void)
{
	switch (rnd64() % 4) {
	case 0: return ldexpf(1.0f, (int)rnd_range(0, 30) - 127);
	case 1: return ldexpf(1.0f, (int)rnd_range(0, 254) - 127);
	default: return ldexpf(1.0f, (int)rnd_range(117, 137) - 127);
	}
}

/* occasionally a special value (NaN, +-Inf, +-0) */
static int special(float *s)
{
	uint64_t r = rnd64() % 1000;
	if (r < 1)
		*s = f_of(0x7FC00000u | (uint32_t)(rnd64() & 0x3FFFFF));
	else if (r < 2)
		*s = (rnd64() & 1) ? -INFINITY : INFINITY;
	else if (r < 15)
		*s = (rnd64() & 1) ? -0.0f : 0.0f;
	else
		return 0;
	return 1;
}

/* scale of configuration cfg, side 1 or 2 */
static float rnd_scale(int cfg, int side)
{
	float s;

	if (special(&s))
		return s;
	switch (cfg) {
	case CFG_INT4:
		if (side == 1)
			return rnd_fmt(MPQ_FP16, 16);
		return (rnd64() & 1) ? 1.0f : rnd_e8m0();
	case CFG_MX2:
		switch (rnd64() % 3) {
		case 0: s = rnd_e8m0(); break;
		case 1: s = rnd_fmt(MPQ_E4M3, 8); break;
		default: s = rnd_fmt(MPQ_E5M2, 8); break;
		}
		return s;
	case CFG_GEN:
	default: {
		/* any finite binary32: exponent field biased to the extremes */
		uint32_t e, b;
		switch (rnd64() % 8) {
		case 0: e = (uint32_t)rnd_range(0, 8); break;
		case 1: e = (uint32_t)rnd_range(246, 254); break;
		case 2: e = (uint32_t)rnd_range(0, 254); break;
		default: e = (uint32_t)rnd_range(100, 154); break;
		}
		b = (uint32_t)(rnd64() & 0x807FFFFFu) | (e << 23);
		if (rnd64() % 4 == 0)
			b &= 0xFFFF0000u; /* short significands: exact sums, ties */
		return f_of(b);
	}
	}
}

static int64_t rnd_p(int pw)
{
	int64_t lo = -((int64_t)1 << (pw - 1)), hi = ((int64_t)1 << (pw - 1)) - 1;
	switch (rnd64() % 8) {
	case 0: return 0;
	case 1: return lo;
	case 2: return hi;
	case 3: return rnd_range(-8, 8);
	default: return rnd_range(lo, hi);
	}
}

static int gen(const char *dir, int cfg, long n)
{
	char path[4096];
	FILE *f;
	mpq_xacc_t x;
	long net = 0, nan = 0, zero = 0, inf = 0, sub = 0;
	int cancel = 0; /* 1: this cycle subtracts the previous cycle's terms */
	int64_t pp[2] = { 0, 0 };
	float ps1[2] = { 0.0f, 0.0f }, ps2 = 1.0f;

	snprintf(path, sizeof path, "%s/xacc_%s.vec", dir, cfg_name[cfg]);
	if (!(f = fopen(path, "w"))) {
		fprintf(stderr, "gen_xacc_vectors: %s: %s\n", path, strerror(errno));
		return 1;
	}
	mpq_xacc_clear(&x);
	for (long i = 0; i < n; i++) {
		int en = rnd64() % 16 != 0, upd = rnd64() % 8 != 0;
		int clr = rnd64() % 12 == 0, isnet = 0;
		int64_t p[2] = { 0, 0 };
		float s1[2] = { 0.0f, 0.0f }, s2 = 1.0f;
		uint32_t y;

		if (cfg == CFG_FP16) {
			float a = rnd_fmt(MPQ_FP16, 16), w = rnd_fmt(MPQ_FP16, 16);
			p[0] = 1;
			s1[0] = a * w; /* exact in binary32 */
			if (rnd64() % 500 == 0)
				s1[0] = (rnd64() & 1) ? INFINITY : NAN; /* a bf16 overflow / NaN */
		} else {
			for (int t = 0; t < cfg_nt[cfg]; t++) {
				p[t] = rnd_p(cfg_pw[cfg]);
				s1[t] = rnd_scale(cfg, 1);
			}
			s2 = rnd_scale(cfg, 2);
			/* the gen configuration: long runs of tiny or huge terms */
			if (cfg == CFG_GEN && i % 4000 >= 3900) {
				s1[0] = f_of(0x7F000000u | (uint32_t)(rnd64() & 0x807FFFFFu));
				s2 = f_of(0x7E800000u | (uint32_t)(rnd64() & 0x007FFFFFu));
			}
			/* safety net: int4 with s1 * s2 >= 2^200, far above the bound
			 * 2^(16 + 127) of its register */
			if (cfg == CFG_INT4 && rnd64() % 400 == 0 && p[0] != 0) {
				s1[0] = ldexpf(1.0f, (int)rnd_range(100, 127));
				s2 = ldexpf(1.0f, (int)rnd_range(100, 127));
				isnet = 1;
			}
		}
		/* exact cancellation: a clear with some terms, then their negation */
		if (cancel) {
			en = upd = 1;
			clr = 0;
			isnet = 0;
			for (int t = 0; t < 2; t++) {
				p[t] = cfg == CFG_FP16 ? 1 : -pp[t];
				s1[t] = cfg == CFG_FP16 ? -ps1[t] : ps1[t];
			}
			s2 = ps2;
			cancel = 0;
		} else if (rnd64() % 100 == 0 && !isnet) {
			en = upd = clr = 1;
			cancel = 1;
			for (int t = 0; t < 2; t++)
				if (p[t] == -((int64_t)1 << (cfg_pw[cfg] - 1)))
					p[t] = 0; /* keep -p in range */
		}
		for (int t = 0; t < 2; t++) {
			pp[t] = p[t];
			ps1[t] = s1[t];
		}
		ps2 = s2;
		if (en && upd) {
			if (clr)
				mpq_xacc_clear(&x);
			for (int t = 0; t < cfg_nt[cfg]; t++) {
				if (cfg == CFG_FP16)
					mpq_xacc_add_f32(&x, s1[t]);
				else
					mpq_xacc_add(&x, p[t], cfg_pexp[cfg], s1[t], s2);
			}
			if (isnet)
				net = 1; /* sticky until the next clear */
			else if (clr)
				net = 0;
		}
		y = b_of(mpq_xacc_to_f32(&x));
		if ((y & 0x7F800000u) == 0x7F800000u && (y & 0x7FFFFFu))
			nan++;
		else if ((y & 0x7FFFFFFFu) == 0x7F800000u)
			inf++;
		else if ((y & 0x7FFFFFFFu) == 0)
			zero++;
		else if ((y & 0x7F800000u) == 0)
			sub++;
		fprintf(f, "%d %d %d %016llx %08x %016llx %08x %08x %08x %d\n", en, upd, clr,
		        (unsigned long long)p[0], (unsigned)b_of(s1[0]), (unsigned long long)p[1],
		        (unsigned)b_of(s1[1]), (unsigned)b_of(s2), (unsigned)y, (int)net);
	}
	fclose(f);
	printf("xacc_%s: %ld cycles; results NaN %ld, Inf %ld, zero %ld, subnormal %ld\n",
	       cfg_name[cfg], n, nan, inf, zero, sub);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;

	if (argc < 2) {
		fprintf(stderr, "usage: gen_xacc_vectors OUTDIR [NRAND]\n");
		return 2;
	}
	for (int c = 0; c < NCFG; c++)
		if (gen(argv[1], c, n))
			return 1;
	return 0;
}
