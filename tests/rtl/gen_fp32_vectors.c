/* tests/rtl/gen_fp32_vectors.c - test vectors for rtl/mp_fp32_add.sv and
 * rtl/mp_fl32_scale.sv, with the expected outputs computed by the C model:
 * C `float + float` (IEEE binary32, RNE) and mpq_fl32_scale (model/fl32.c).
 *
 *   gen_fp32_vectors OUTDIR [NRAND]
 *
 * writes (hex, one vector a line; NRAND random vectors per file, default 200000):
 *   OUTDIR/fp32_add.vec          a b y
 *   OUTDIR/fl32_scale.vec        p e s1 s2 y   for PW = 64, EW = 12
 *   OUTDIR/fl32_scale_p32.vec    the same      for PW = 32, EW = 10 (the default)
 *   OUTDIR/fl32_scale_p25.vec    the same      for PW = 25, EW = 10 (mp_dequant's)
 * p is written as 64-bit and e as 32-bit two's complement; every value fits the
 * file's PW / EW.  The secondary configurations get NRAND / 4 random vectors.
 *
 * Structured vectors: every pair of special classes (0, +-min subnormal,
 * subnormals, min normal, 1, max, Inf, NaN), exact rounding ties with odd and even
 * LSB (and their neighbours), carries into the next binade and into overflow,
 * results around 2^-126 and the 2^-150 tie, extreme p.  A summary of the classes
 * covered (ties counted by an independent exact check) goes to stdout.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"

__extension__ typedef unsigned __int128 u128;

/* ---- deterministic PRNG (splitmix64) ---- */
static uint64_t rng_state = 0x6d7073696d465033ull;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd32(void) { return (uint32_t)(rnd64() >> 32); }

/* uniform in [lo, hi] */
static int64_t rnd_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd64() % (uint64_t)(hi - lo + 1));
}

static float f_of(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

static uint32_t b_of(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

static int is_nan_bits(uint32_t b) { return (b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFFu); }

static int bitlen128(u128 m)
{
	int n = 0;
	while (m) {
		n++;
		m >>= 1;
	}
	return n;
}

/* float with value S * 2^k (S odd, < 2^24); returns 0 if not representable */
static int make_float(uint32_t S, int k, uint32_t *out)
{
	int bl = bitlen128(S);
	if (k < -149 || bl - 1 + k > 127)
		return 0;
	*out = b_of(ldexpf((float)S, k)); /* exact: S has <= 24 bits */
	return 1;
}

/* ---- coverage counters ---- */
struct cov {
	long n, ties, ties_odd, nan, inf, zero, sub, carry_binade;
};

static void cov_result(struct cov *c, uint32_t y)
{
	c->n++;
	if (is_nan_bits(y))
		c->nan++;
	else if ((y & 0x7FFFFFFFu) == 0x7F800000u)
		c->inf++;
	else if ((y & 0x7FFFFFFFu) == 0)
		c->zero++;
	else if ((y & 0x7F800000u) == 0)
		c->sub++;
}

/* Exact tie check for m * 2^ex (m != 0): returns 1 if exactly halfway between two
 * FP32 neighbours (independent of model/fl32.c's code path); *odd = LSB of the
 * truncated significand. */
static int exact_tie(u128 m, int ex, int *odd)
{
	int top = ex + bitlen128(m) - 1;
	int q = top < -126 ? -149 : top - 23;
	int sh = q - ex;
	if (sh < 1 || sh > 127)
		return 0;
	if ((m & (((u128)1 << sh) - 1)) != (u128)1 << (sh - 1))
		return 0;
	*odd = (int)((m >> sh) & 1);
	return 1;
}

/* ====================================================================== */
/* addition                                                               */
/* ====================================================================== */

static FILE *fadd;
static struct cov cadd;

static void add_vec(uint32_t a, uint32_t b)
{
	volatile float x = f_of(a), y = f_of(b);
	float z = x + y;
	uint32_t r = b_of(z);
	fprintf(fadd, "%08x %08x %08x\n", a, b, r);
	cov_result(&cadd, r);
	/* exact sum in double when the exponent gap is small enough */
	if (isfinite(x) && isfinite(y) && x != 0 && y != 0) {
		int ea, eb;
		frexp(x, &ea);
		frexp(y, &eb);
		if (abs(ea - eb) <= 28) {
			double d = (double)x + (double)y; /* exact */
			if (d != 0 && fabs(d) < 0x1p128) {
				int e2, q, odd;
				double t;
				frexp(d, &e2);
				q = (e2 - 1) < -126 ? -149 : e2 - 1 - 23;
				t = ldexp(fabs(d), -q);
				if (t - floor(t) == 0.5) {
					cadd.ties++;
					odd = fmod(floor(t), 2.0) != 0;
					cadd.ties_odd += odd;
				}
			}
		}
		if (fabs((double)z) > fmax(fabs((double)x), fabs((double)y)) &&
		    (r & 0x7F800000u) != (b_of(fabs(x) > fabs(y) ? x : y) & 0x7F800000u))
			cadd.carry_binade++;
	}
}

static const uint32_t specials[] = {
	0x00000000, 0x80000000, /* +-0 */
	0x00000001, 0x80000001, /* +-min subnormal */
	0x00000002, 0x00000003, 0x80000003,
	0x00400000, 0x80400000, /* subnormals */
	0x007FFFFF, 0x807FFFFF, /* max subnormal */
	0x00800000, 0x80800000, /* min normal */
	0x00800001, 0x80FFFFFF, 0x01000000,
	0x3F800000, 0xBF800000, /* +-1 */
	0x3F7FFFFF, 0x3FC00000, 0x3F800001, 0x33800000, 0x34000000,
	0x7F000000, 0x7F7FFFFE, /* large */
	0x7F7FFFFF, 0xFF7FFFFF, /* +-max */
	0x7F800000, 0xFF800000, /* +-Inf */
	0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FFFFFFF, 0xFFC12345, /* NaNs */
};
#define NSPEC (sizeof specials / sizeof specials[0])

/* a random finite float with biased exponent in [elo, ehi] */
static uint32_t rnd_float_exp(int elo, int ehi)
{
	uint32_t e = (uint32_t)rnd_range(elo, ehi);
	return (rnd32() & 0x807FFFFFu) | (e << 23);
}

static void gen_add(long nrand)
{
	long i;
	/* all pairs of special classes */
	for (size_t x = 0; x < NSPEC; x++)
		for (size_t y = 0; y < NSPEC; y++)
			add_vec(specials[x], specials[y]);
	/* ties: a = M * 2^E (quantum 2^E), b = +-k * 2^(E-1), k odd */
	for (i = 0; i < 20000; i++) {
		uint32_t a = rnd_float_exp(1, 254), b;
		int E = (int)((a >> 23) & 0xFF) - 150;
		uint32_t k = (uint32_t)(2 * rnd_range(0, (i % 4 == 0) ? 3 : 1) + 1);
		if (i % 8 == 1)
			a = (a & 0xFF800000u) | 0x7FFFFFu; /* odd LSB, carry into next binade */
		if (i % 8 == 2)
			a = (a & 0xFF800000u) | 0x000001u; /* odd LSB, just above a binade */
		if (i % 8 == 3)
			a = (a & 0xFF800000u) | 0x000000u; /* binade boundary: ties below */
		if (!make_float(k, E - 1, &b)) /* needs E - 1 >= -149 */
			continue;
		b |= (rnd32() & 1u) << 31;
		if (i & 16)
			add_vec(a, b);
		else
			add_vec(b, a);
		/* just above / below the tie (b's neighbours) */
		add_vec(a, b + 1);
		add_vec(a, b - 1);
	}
	/* overflow by rounding: max + half ulp (tie, odd -> Inf), and neighbours */
	{
		uint32_t h = b_of(0x1p103f);
		add_vec(0x7F7FFFFF, h);
		add_vec(0xFF7FFFFF, h | 0x80000000u);
		add_vec(0x7F7FFFFF, h - 1);
		add_vec(0x7F7FFFFF, h + 1);
		add_vec(0x7F7FFFFE, h);
		add_vec(0x7F7FFFFF, 0x7F7FFFFF);
		add_vec(0xFF7FFFFF, 0xFF7FFFFF);
		add_vec(0x7F7FFFFF, 0xFF7FFFFF);
	}
	/* cancellation and the subnormal boundary */
	for (i = 0; i < 10000; i++) {
		uint32_t a, b;
		int ea = (int)rnd_range(0, (i & 1) ? 8 : 254);
		a = ((uint32_t)ea << 23) | (rnd32() & 0x7FFFFFu);
		b = a + (uint32_t)rnd_range(-40, 40);
		if (i & 2)
			b = ((uint32_t)(ea ? ea - 1 : 0) << 23) | (rnd32() & 0x7FFFFFu);
		if ((b & 0x7F800000u) == 0x7F800000u)
			b = 0;
		add_vec(a, b ^ 0x80000000u);
		add_vec(a | 0x80000000u, b);
	}
	/* random: half raw bit patterns, half values with a controlled exponent gap */
	for (i = 0; i < nrand; i++) {
		uint32_t a, b;
		if (i & 1) {
			a = rnd32();
			b = rnd32();
		} else {
			int ea = (int)rnd_range(1, 254);
			int eb = ea - (int)rnd_range(0, 30);
			a = (rnd32() & 0x807FFFFFu) | ((uint32_t)ea << 23);
			b = (rnd32() & 0x807FFFFFu) | ((uint32_t)(eb < 0 ? 0 : eb) << 23);
			if (i & 2) {
				uint32_t t = a;
				a = b;
				b = t;
			}
		}
		add_vec(a, b);
	}
}

/* ====================================================================== */
/* fl32 scale                                                             */
/* ====================================================================== */

static FILE *fsc;
static struct cov csc;
static int PW, EW;
static int64_t PMAX, PMIN, EMAX, EMIN;

static void sc_vec(int64_t p, int64_t e, uint32_t s1, uint32_t s2)
{
	float y;
	uint32_t r;
	if (p > PMAX || p < PMIN || e > EMAX || e < EMIN) {
		fprintf(stderr, "gen_fp32_vectors: vector out of range (internal error)\n");
		exit(2);
	}
	y = mpq_fl32_scale(p, (int)e, f_of(s1), f_of(s2));
	r = b_of(y);
	fprintf(fsc, "%016llx %08x %08x %08x %08x\n", (unsigned long long)(uint64_t)p,
	        (uint32_t)(int32_t)e, s1, s2, r);
	cov_result(&csc, r);
	/* independent exact tie check */
	if (p != 0 && !is_nan_bits(s1) && !is_nan_bits(s2) && (s1 & 0x7FFFFFFFu) &&
	    (s2 & 0x7FFFFFFFu) && (s1 & 0x7F800000u) != 0x7F800000u &&
	    (s2 & 0x7F800000u) != 0x7F800000u) {
		uint64_t pm = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
		uint32_t f1 = (s1 >> 23) & 0xFF, f2 = (s2 >> 23) & 0xFF;
		uint32_t m1 = (s1 & 0x7FFFFFu) | (f1 ? 0x800000u : 0);
		uint32_t m2 = (s2 & 0x7FFFFFu) | (f2 ? 0x800000u : 0);
		int ex = (int)e + (f1 ? (int)f1 : 1) - 150 + (f2 ? (int)f2 : 1) - 150;
		int odd;
		if (exact_tie((u128)pm * m1 * m2, ex, &odd)) {
			csc.ties++;
			csc.ties_odd += odd;
		}
	}
}

static int64_t rnd_p_bits(int bits) /* random p with |p| of about `bits` bits */
{
	int64_t v;
	if (bits >= PW) {
		v = (int64_t)rnd64();
		if (PW < 64) {
			v = (int64_t)((uint64_t)v << (64 - PW)) >> (64 - PW);
		}
		return v;
	}
	v = (int64_t)(rnd64() & ((bits >= 63) ? INT64_MAX : (((int64_t)1 << bits) - 1)));
	v |= (int64_t)1 << (bits - 1);
	return (rnd32() & 1) ? -v : v;
}

static uint32_t rnd_scale(void)
{
	switch (rnd32() % 8) {
	case 0:
		return rnd32() & 0x807FFFFFu; /* subnormal */
	case 1:
		return specials[rnd32() % NSPEC];
	case 2:
	case 3:
		return rnd_float_exp(1, 254);
	default:
		return rnd_float_exp(100, 154); /* plausible: 2^-27 .. 2^27 */
	}
}

/* exponent of the MSB of |p| * sig1 * sig2 * 2^(e1 + e2) (all non-zero, finite) */
static int natural_top(int64_t p, uint32_t s1, uint32_t s2)
{
	uint64_t pm = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
	uint32_t f1 = (s1 >> 23) & 0xFF, f2 = (s2 >> 23) & 0xFF;
	uint32_t m1 = (s1 & 0x7FFFFFu) | (f1 ? 0x800000u : 0);
	uint32_t m2 = (s2 & 0x7FFFFFu) | (f2 ? 0x800000u : 0);
	return bitlen128((u128)pm * m1 * m2) - 1 + (f1 ? (int)f1 : 1) - 150 +
	       (f2 ? (int)f2 : 1) - 150;
}

static int finite_nonzero(uint32_t s)
{
	return (s & 0x7FFFFFFFu) != 0 && (s & 0x7F800000u) != 0x7F800000u;
}

/* Emit a tie O * 2^L (O odd, bitlen <= 25) realized as p = +-X * 2^j, s1 = S1 * 2^k1,
 * s2 = S2 * 2^k2, e, with O = X * S1 * S2.  Also emits p + 1 and p - 1. */
static void sc_tie(u128 O, int L, uint32_t S1, uint32_t S2, uint64_t X)
{
	int bx = bitlen128(X);
	for (int tries = 0; tries < 50; tries++) {
		int j = (int)rnd_range(0, PW - 1 - bx);
		int k1 = (int)rnd_range(-149, 104);
		int64_t e = rnd_range(EMIN > -300 ? EMIN : -300, EMAX < 300 ? EMAX : 300);
		int k2 = (int)(L - j - k1 - e);
		uint32_t s1, s2;
		int64_t p;
		if (!make_float(S1, k1, &s1) || !make_float(S2, k2, &s2))
			continue;
		(void)O;
		p = (int64_t)(X << j);
		if (rnd32() & 1)
			p = -p;
		s1 |= (rnd32() & 1u) << 31;
		sc_vec(p, e, s1, s2);
		if (p + 1 <= PMAX)
			sc_vec(p + 1, e, s1, s2);
		if (p - 1 >= PMIN)
			sc_vec(p - 1, e, s1, s2);
		return;
	}
}

/* factor odd O into X (<= PW-1 bits) * S1 (< 2^24) * S2 = 1; 0 if impossible */
static int factor_tie(u128 O, uint64_t *X, uint32_t *S1)
{
	for (uint64_t d = 1; d < (1u << 24); d += 2) {
		if (O % d)
			continue;
		if (bitlen128(O / d) <= PW - 1) {
			*X = (uint64_t)(O / d);
			*S1 = (uint32_t)d;
			return 1;
		}
		if (d > 20000)
			break;
	}
	return 0;
}

static void gen_scale(long nrand, long nties)
{
	static const int64_t pfix[] = {0, 1, -1, 3, -6, 12345};
	int64_t pex[] = {PMAX, PMIN, -PMAX, PMAX - 1, PMIN + 1};
	static const int64_t efix[] = {0, -1, 1, -150, 100, -60};
	long i;

	/* special classes: p x e x s1 x s2 */
	for (size_t ip = 0; ip < 6 + 5; ip++)
		for (size_t ie = 0; ie < 6 + 2; ie++)
			for (size_t x = 0; x < NSPEC; x += (ie < 3 ? 1 : 3))
				for (size_t y = 0; y < NSPEC; y += (ie < 3 ? 1 : 3)) {
					int64_t p = ip < 6 ? pfix[ip] : pex[ip - 6];
					int64_t e = ie < 6 ? efix[ie] : (ie == 6 ? EMIN : EMAX);
					if (p > PMAX || p < PMIN || e > EMAX || e < EMIN)
						continue;
					sc_vec(p, e, specials[x], specials[y]);
				}
	/* special ties: carries into the next binade / overflow, the subnormal edge */
	{
		static const uint32_t onorm[] = {0x1FFFFFF, 0x1000001, 0x1000003, 0x1800001,
		                                 0x1FFFFFD, 0x1555555};
		static const uint32_t osub[] = {1, 3, 5, 0xFFFFFF, 0x7FFFFF, 0xFFFFFD, 0x800001};
		for (int r = 0; r < 20; r++) {
			for (size_t k = 0; k < sizeof onorm / sizeof onorm[0]; k++) {
				uint64_t X;
				uint32_t S1;
				int tops[] = {127, 126, -126, -125, 0, 20};
				if (factor_tie(onorm[k], &X, &S1))
					for (int t = 0; t < 6; t++)
						sc_tie(onorm[k], tops[t] - 24, S1, 1, X);
			}
			for (size_t k = 0; k < sizeof osub / sizeof osub[0]; k++) {
				uint64_t X;
				uint32_t S1;
				if (factor_tie(osub[k], &X, &S1))
					sc_tie(osub[k], -150, S1, 1, X);
			}
		}
	}
	/* random ties: O = X * S1 * S2 with 25 bits (normal) or <= 24 bits at 2^-150 */
	for (i = 0; i < nties; i++) {
		int sub = (i % 4) == 0;
		int target = sub ? (int)rnd_range(1, 24) : 25;
		for (int tries = 0; tries < 100; tries++) {
			int b1 = (int)rnd_range(1, target < 24 ? target : 24);
			int b2 = (int)rnd_range(1, target - b1 + 1 < 24 ? target - b1 + 1 : 24);
			uint32_t S1 = (uint32_t)(rnd64() & ((1ull << b1) - 1)) | (1u << (b1 - 1)) | 1u;
			uint32_t S2 = (uint32_t)(rnd64() & ((1ull << b2) - 1)) | (1u << (b2 - 1)) | 1u;
			int bx = target - bitlen128((u128)S1 * S2) + (int)rnd_range(0, 1);
			uint64_t X;
			u128 O;
			if (rnd32() & 1) {
				S2 = 1;
				bx = target - bitlen128(S1) + (int)rnd_range(0, 1);
			}
			if (bx < 1 || bx > PW - 1)
				continue;
			X = (rnd64() & ((bx >= 64) ? ~0ull : ((1ull << bx) - 1))) | (1ull << (bx - 1)) | 1u;
			O = (u128)X * S1 * S2;
			if (bitlen128(O) != target)
				continue;
			sc_tie(O, sub ? -150 : (int)rnd_range(-126, 127) - 24, S1, S2, X);
			break;
		}
	}
	/* extreme p: |p| of PW bits, results anywhere, including the binades near overflow */
	for (i = 0; i < 2000; i++) {
		int64_t p = (i & 1) ? PMIN : rnd_p_bits(PW);
		uint32_t s1 = rnd_scale(), s2 = (i & 2) ? 0x3F800000u : rnd_scale();
		if (p == 0 || !finite_nonzero(s1) || !finite_nonzero(s2))
			continue;
		int64_t e = (int64_t)rnd_range(-130, 129) - natural_top(p, s1, s2);
		if (e >= EMIN && e <= EMAX)
			sc_vec(p, e, s1, s2);
	}
	/* random: a third raw bit patterns, two thirds plausible values steered to
	 * result exponents around 0, 2^-126, 2^-149 and 2^128 */
	for (i = 0; i < nrand; i++) {
		int64_t p, e;
		uint32_t s1, s2;
		if (i % 3 == 0) {
			p = rnd_p_bits(PW);
			e = (int64_t)((uint64_t)rnd64() << (64 - EW)) >> (64 - EW);
			s1 = rnd32();
			s2 = rnd32();
			sc_vec(p, e, s1, s2);
			continue;
		}
		p = rnd_p_bits((int)rnd_range(1, PW));
		s1 = rnd_scale();
		s2 = (i % 7 == 0) ? 0x3F800000u : rnd_scale();
		if (p == 0 || !finite_nonzero(s1) || !finite_nonzero(s2)) {
			e = rnd_range(EMIN, EMAX);
		} else {
			static const int centers[] = {0, -126, -149, -150, 127, 128, -20, 30};
			int t = centers[rnd32() % 8] + (int)rnd_range(-3, 3);
			e = t - natural_top(p, s1, s2);
			if (e < EMIN || e > EMAX)
				e = rnd_range(EMIN, EMAX);
		}
		sc_vec(p, e, s1, s2);
	}
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen_fp32_vectors: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return f;
}

static void print_cov(const char *name, const struct cov *c)
{
	printf("%-20s %7ld vectors: %ld exact ties (%ld odd LSB), %ld subnormal, %ld zero, "
	       "%ld Inf, %ld NaN results", name, c->n, c->ties, c->ties_odd, c->sub, c->zero,
	       c->inf, c->nan);
	if (c->carry_binade)
		printf(", %ld carries into a new binade", c->carry_binade);
	printf("\n");
}

int main(int argc, char **argv)
{
	long nrand = 200000;
	static const struct {
		const char *file;
		int pw, ew, div;
	} cfg[] = {
		{"fl32_scale.vec", 64, 12, 1},
		{"fl32_scale_p32.vec", 32, 10, 4},
		{"fl32_scale_p25.vec", 25, 10, 4},
	};

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gen_fp32_vectors OUTDIR [NRAND]\n");
		return 2;
	}
	if (argc == 3)
		nrand = strtol(argv[2], NULL, 10);

	fadd = open_out(argv[1], "fp32_add.vec");
	gen_add(nrand);
	fclose(fadd);
	print_cov("fp32_add.vec", &cadd);

	for (size_t k = 0; k < sizeof cfg / sizeof cfg[0]; k++) {
		memset(&csc, 0, sizeof csc);
		PW = cfg[k].pw;
		EW = cfg[k].ew;
		PMAX = PW == 64 ? INT64_MAX : ((int64_t)1 << (PW - 1)) - 1;
		PMIN = -PMAX - 1;
		EMAX = ((int64_t)1 << (EW - 1)) - 1;
		EMIN = -EMAX - 1;
		fsc = open_out(argv[1], cfg[k].file);
		gen_scale(nrand / cfg[k].div, 10000 / cfg[k].div);
		fclose(fsc);
		print_cov(cfg[k].file, &csc);
	}
	return 0;
}
