/* tests/rtl/gen_pe_vectors.c - vectors for the iverilog PE tests
 * (tests/rtl/tb_pe.sv), computed with the golden model (model/: mpq_fixed,
 * mpq_decode, mpq_fl32_scale) independently of the RTL.
 *
 *   gen_pe_vectors prod WFMT AFMT            every (weight, zero, activation) product:
 *                                            "w z a prod" (hex; prod 64-bit two's complement)
 *   gen_pe_vectors seq WFMT AFMT AMX N SEED  N random cycles of one OS PE (timing.md 2.2):
 *                                            "ctl a a_scale w w_scale w_scale_n z p pn acc"
 *                                            (hex); AMX = 1: AMXFP4 sign-split p / pn
 *   gen_pe_vectors align AFMT BITS SEED      the edge pre-aligner (numerics.md 3.5) on
 *                                            every finite fp16/bf16 code, each with three
 *                                            group exponents E >= ilogb(a):
 *                                            "code E a_int scale" (hex, a_int 64-bit)
 * WFMT: int4 | uint4 (with zero point) | e2m1 | int8 | uint8 (with an 8-bit zero
 *       point: prod takes the zero points of uz8[], seq random ones) | e2m3 | e3m2 |
 *       e4m3 | e5m2 | fp16.
 * AFMT: int4 | int8 | e2m1 | e2m3 | e3m2 | e4m3 | e5m2 | fp16 | aN (an N-bit
 *       pre-aligned integer, the w4a16 PE's input: prod uses 512 random values
 *       plus the extremes).
 * prod takes every code of a format up to 8 bits; of fp16 the extremes (both
 * zeros, smallest / largest subnormal, smallest normal, largest finite, each
 * with both signs) plus random finite codes (1024 activations, 256 weights).
 * Weight and activation codes that are not finite are skipped (traces never
 * carry them).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"
#include "vec_util.h"

typedef struct {
	const char *name;
	mpq_fmt_t f;
	unsigned bits;
} fmt_t;

static const fmt_t fmts[] = {
	{ "int4", MPQ_INT4, 4 }, { "uint4", MPQ_UINT4, 4 }, { "e2m1", MPQ_E2M1, 4 },
	{ "int8", MPQ_INT8, 8 }, { "e2m3", MPQ_E2M3, 6 }, { "e3m2", MPQ_E3M2, 6 },
	{ "e4m3", MPQ_E4M3, 8 }, { "e5m2", MPQ_E5M2, 8 }, { "fp16", MPQ_FP16, 16 },
	{ "bf16", MPQ_BF16, 16 }, { "uint8", MPQ_UINT8, 8 },
};

/* The zero points prod takes for uint8 weights: the extremes, the midpoints and a
 * spread (every code x these x every activation). */
static const uint32_t uz8[] = { 0, 1, 2, 37, 100, 127, 128, 129, 170, 201, 254, 255 };

/* Format by name; "aN" (aligned N-bit integer) gives abits = N, f = -1. */
static int find_fmt(const char *s, fmt_t *out, unsigned *abits)
{
	*abits = 0;
	if (s[0] == 'a' && s[1] >= '0' && s[1] <= '9') {
		*abits = (unsigned)atoi(s + 1);
		if (*abits < 3 || *abits > 32)
			return -1;
		out->name = s;
		out->f = (mpq_fmt_t)-1;
		out->bits = *abits;
		return 0;
	}
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
		if (!strcmp(s, fmts[i].name)) {
			*out = fmts[i];
			return 0;
		}
	return -1;
}

static int64_t weff(mpq_fmt_t wf, uint32_t w, uint32_t z)
{
	int64_t v = mpq_fixed(wf, w);
	return wf == MPQ_UINT4 || wf == MPQ_UINT8 ? v - (int64_t)z : v;
}

/* The activation integer of code a: fixed view, or the aligned integer itself. */
static int64_t aint(const fmt_t *af, unsigned abits, uint32_t a)
{
	if (abits)
		return (int64_t)((uint64_t)a << (64 - abits)) >> (64 - abits);
	return mpq_fixed(af->f, a);
}

static int afinite(const fmt_t *af, unsigned abits, uint32_t a)
{
	return abits || mpq_is_finite(af->f, a);
}

/* The codes prod enumerates: every code of a format up to 8 bits, else the
 * fp16 extremes then nrand random finite codes. Returns the count. */
static size_t code_list(const fmt_t *f, uint32_t *out, size_t nrand)
{
	static const uint32_t ext[] = { 0x0000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff };
	size_t n = 0;
	if (f->bits <= 8) {
		for (uint32_t c = 0; c < (1u << f->bits); c++)
			out[n++] = c;
		return n;
	}
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		out[n++] = ext[i];
		out[n++] = ext[i] | 0x8000u;
	}
	for (size_t i = 0; i < nrand; i++) {
		uint32_t c;
		do
			c = rnd() & 0xffffu;
		while (!mpq_is_finite(f->f, c));
		out[n++] = c;
	}
	return n;
}

/* A random activation code (finite) or aligned integer. */
static uint32_t rnd_a(const fmt_t *af, unsigned abits)
{
	uint32_t a;
	if (abits) {
		int64_t lim = ((int64_t)1 << (abits - 1)) - 1, v;
		v = (int64_t)(((uint64_t)rnd() << 16 ^ rnd()) % (uint64_t)(2 * lim + 1)) - lim;
		return (uint32_t)v & (uint32_t)(((uint64_t)1 << abits) - 1);
	}
	do
		a = rnd() & ((1u << af->bits) - 1u);
	while (!mpq_is_finite(af->f, a));
	return a;
}

static int gen_align(const fmt_t *af, unsigned nb, unsigned long seed)
{
	const int F = (int)nb - 2;
	rng ^= seed * 0x9E3779B97F4A7C15ull;
	for (uint32_t c = 0; c < 65536; c++) {
		if (!mpq_is_finite(af->f, c))
			continue;
		double v = mpq_decode(af->f, c);
		int lo = v != 0.0 ? ilogb(v) : -20;
		int es[3] = { lo, lo + 1 + (int)(rnd() % 4), lo + (int)(rnd() % (unsigned)(F + 4)) };
		for (int i = 0; i < 3; i++) {
			int E = es[i];
			if (af->f == MPQ_FP16 && E > 15)
				E = 15 > lo ? 15 : lo;
			if (E > 127)
				E = 127;
			double t = v != 0.0 ? floor(ldexp(fabs(v), F - E)) : 0.0;
			int64_t x = (int64_t)(v < 0.0 ? -t : t);
			printf("%04x %04x %016llx %08x\n", c, (unsigned)E & 0xffffu,
			       (unsigned long long)x, bits(ldexpf(1.0f, E)));
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	fmt_t wfd, afd;
	unsigned wab, abits;

	if (argc == 5 && !strcmp(argv[1], "align")) {
		if (find_fmt(argv[2], &afd, &abits) || abits ||
		    (afd.f != MPQ_FP16 && afd.f != MPQ_BF16)) {
			fprintf(stderr, "gen_pe_vectors: align needs fp16 or bf16\n");
			return 2;
		}
		return gen_align(&afd, (unsigned)atoi(argv[3]), strtoul(argv[4], NULL, 0));
	}
	if (argc < 4 || find_fmt(argv[2], &wfd, &wab) || wab || find_fmt(argv[3], &afd, &abits)) {
		fprintf(stderr, "usage: gen_pe_vectors prod|seq WFMT AFMT [AMX N SEED] | "
		                "align AFMT BITS SEED\n");
		return 2;
	}
	const mpq_fmt_t wf = wfd.f;
	const unsigned wbits = wfd.bits,
	               nz = wf == MPQ_UINT4 ? 16 : wf == MPQ_UINT8 ? (unsigned)(sizeof uz8 / sizeof uz8[0]) : 1;
	const int e = mpq_fixed_lsb(wf) + (abits ? -(int)(abits - 2) : mpq_fixed_lsb(afd.f));

	if (!strcmp(argv[1], "prod")) {
		static uint32_t wl[1u << 12], al[1u << 12];
		size_t nw = code_list(&wfd, wl, 256), nal = abits ? 0 : code_list(&afd, al, 1024);
		unsigned na = abits ? 512 + 6 : (unsigned)nal;
		for (size_t wi = 0; wi < nw; wi++)
			for (uint32_t zi = 0, w = wl[wi]; zi < nz && mpq_is_finite(wf, w); zi++)
				for (uint32_t i = 0, z = wf == MPQ_UINT8 ? uz8[zi] : zi; i < na; i++) {
					uint32_t a = abits ? i : al[i];
					if (abits) { /* extremes, then random values */
						const int64_t lim = ((int64_t)1 << (abits - 1)) - 1;
						const int64_t ext[6] = { 0, 1, -1, lim, -lim, -lim - 1 };
						a = i < 6 ? (uint32_t)ext[i] & (uint32_t)(((uint64_t)1 << abits) - 1)
						          : rnd_a(&afd, abits);
					}
					if (!afinite(&afd, abits, a))
						continue;
					int64_t p = weff(wf, w, z) * aint(&afd, abits, a);
					printf("%x %x %x %016llx\n", w, z, a, (unsigned long long)p);
				}
		return 0;
	}
	if (strcmp(argv[1], "seq") || argc < 7) {
		fprintf(stderr, "usage: gen_pe_vectors seq WFMT AFMT AMX N SEED\n");
		return 2;
	}
	const int amx = atoi(argv[4]);
	unsigned long n = strtoul(argv[5], NULL, 0);
	rng ^= strtoull(argv[6], NULL, 0) * 0x9E3779B97F4A7C15ull;
	int64_t p = 0, pn = 0;
	float acc = 0.0f;
	unsigned glen = 0, gpos = 0, groups_in_fold = 0, gi = 0;
	uint32_t z = 0, ws = 0, wsn = 0, as = 0;
	for (unsigned long i = 0; i < n; i++) {
		unsigned valid = (rnd() % 8) != 0, ctl = 0;
		uint32_t a = 0, w = 0;
		if (valid) {
			if (gpos == 0) { /* a new group: length, scales, zero point */
				if (gi == 0)
					groups_in_fold = 1 + rnd() % 3;
				glen = 1 + rnd() % 6;
				z = wf == MPQ_UINT8 ? rnd() % 256 : nz > 1 ? rnd() % 16 : 0;
				/* scales: fp16-like values, 2^-8 .. 2^7, random sign for s_a */
				ws = bits((float)((rnd() % 2048) + 1) / 1024.0f *
				          (float)(1 << (rnd() % 8)) / 256.0f);
				wsn = amx ? bits((float)((rnd() % 2048) + 1) / 1024.0f *
				                 (float)(1 << (rnd() % 8)) / 256.0f) : 0;
				as = bits((float)((rnd() % 2048) + 1) / 1024.0f / 64.0f) |
				     ((rnd() & 1u) << 31);
			}
			a = rnd_a(&afd, abits);
			do
				w = rnd() & ((1u << wbits) - 1u);
			while (!mpq_is_finite(wf, w));
			ctl |= 1u;                                   /* valid */
			ctl |= (gpos == 0) ? 2u : 0u;                /* group first */
			ctl |= (gpos == glen - 1) ? 4u : 0u;         /* group last */
			ctl |= (gi == 0) ? 8u : 0u;                  /* fold's first group */
			int64_t prod = weff(wf, w, z) * aint(&afd, abits, a);
			int neg = amx && ((w >> (wbits - 1)) & 1u); /* AMXFP4: sign-1 weights */
			int64_t ps = ((ctl & 2u) ? 0 : p) + (neg ? 0 : prod);
			int64_t pns = ((ctl & 2u) ? 0 : pn) + (neg ? prod : 0);
			if (ctl & 4u) {
				float d = mpq_fl32_scale(ps, e, f32(ws), f32(as));
				acc = ((ctl & 8u) ? 0.0f : acc) + d;
				if (amx)
					acc = acc + mpq_fl32_scale(pns, e, f32(wsn), f32(as));
				p = pn = 0;
			} else {
				p = ps;
				pn = pns;
			}
			if (++gpos == glen) {
				gpos = 0;
				if (++gi == groups_in_fold)
					gi = 0;
			}
		}
		printf("%x %x %08x %x %08x %08x %x %016llx %016llx %08x\n", ctl, a, as, w, ws, wsn,
		       z, (unsigned long long)p, (unsigned long long)pn, bits(acc));
	}
	return 0;
}
