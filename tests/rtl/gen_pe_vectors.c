/* tests/rtl/gen_pe_vectors.c - vectors for the iverilog PE tests
 * (tests/rtl/tb_pe.sv), computed with the golden model (model/: mpq_fixed,
 * mpq_fl32_scale) independently of the RTL.
 *
 *   gen_pe_vectors prod FMT         every (weight, zero, activation) product:
 *                                   "w z a prod" (hex; prod as 16-bit two's complement)
 *   gen_pe_vectors seq FMT N SEED   N random cycles of one OS PE (timing.md 2.2):
 *                                   "ctl a a_scale w w_scale z p acc" (hex)
 * FMT: int4 | uint4 (with zero point) | e2m1 (weights x int8) | int8 (x int8).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static float f32(uint32_t b)
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

static int64_t weff(mpq_fmt_t wf, uint32_t w, uint32_t z)
{
	int64_t v = mpq_fixed(wf, w);
	return wf == MPQ_UINT4 ? v - (int64_t)z : v;
}

int main(int argc, char **argv)
{
	mpq_fmt_t wf;
	unsigned wbits;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_pe_vectors prod|seq FMT [N SEED]\n");
		return 2;
	}
	if (!strcmp(argv[2], "int4"))
		wf = MPQ_INT4, wbits = 4;
	else if (!strcmp(argv[2], "uint4"))
		wf = MPQ_UINT4, wbits = 4;
	else if (!strcmp(argv[2], "e2m1"))
		wf = MPQ_E2M1, wbits = 4;
	else if (!strcmp(argv[2], "int8"))
		wf = MPQ_INT8, wbits = 8;
	else {
		fprintf(stderr, "gen_pe_vectors: unknown format %s\n", argv[2]);
		return 2;
	}
	const unsigned nz = wf == MPQ_UINT4 ? 16 : 1;
	const int e = mpq_fixed_lsb(wf) + mpq_fixed_lsb(MPQ_INT8);

	if (!strcmp(argv[1], "prod")) {
		for (uint32_t w = 0; w < (1u << wbits); w++)
			for (uint32_t z = 0; z < nz; z++)
				for (uint32_t a = 0; a < 256; a++) {
					int64_t p = weff(wf, w, z) * mpq_fixed(MPQ_INT8, a);
					printf("%x %x %02x %04x\n", w, z, a, (unsigned)(p & 0xffff));
				}
		return 0;
	}
	if (strcmp(argv[1], "seq") || argc < 5) {
		fprintf(stderr, "usage: gen_pe_vectors seq FMT N SEED\n");
		return 2;
	}
	unsigned long n = strtoul(argv[3], NULL, 0);
	rng ^= strtoull(argv[4], NULL, 0) * 0x9E3779B97F4A7C15ull;
	int64_t p = 0;
	float acc = 0.0f;
	unsigned glen = 0, gpos = 0, groups_in_fold = 0, gi = 0;
	uint32_t z = 0, ws = 0, as = 0;
	for (unsigned long i = 0; i < n; i++) {
		unsigned valid = (rnd() % 8) != 0, ctl = 0;
		uint32_t a = 0, w = 0;
		if (valid) {
			if (gpos == 0) { /* a new group: length, scales, zero point */
				if (gi == 0)
					groups_in_fold = 1 + rnd() % 3;
				glen = 1 + rnd() % 6;
				z = nz > 1 ? rnd() % 16 : 0;
				/* scales: fp16-like values, 2^-8 .. 2^7, random sign for s_a */
				ws = bits((float)((rnd() % 2048) + 1) / 1024.0f *
				          (float)(1 << (rnd() % 8)) / 256.0f);
				as = bits((float)((rnd() % 2048) + 1) / 1024.0f / 64.0f) |
				     ((rnd() & 1u) << 31);
			}
			a = rnd() & 0xffu;
			w = rnd() & ((1u << wbits) - 1u);
			ctl |= 1u;                                   /* valid */
			ctl |= (gpos == 0) ? 2u : 0u;                /* group first */
			ctl |= (gpos == glen - 1) ? 4u : 0u;         /* group last */
			ctl |= (gi == 0) ? 8u : 0u;                  /* fold's first group */
			int64_t ps = ((ctl & 2u) ? 0 : p) + weff(wf, w, z) * mpq_fixed(MPQ_INT8, a);
			if (ctl & 4u) {
				float d = mpq_fl32_scale(ps, e, f32(ws), f32(as));
				acc = ((ctl & 8u) ? 0.0f : acc) + d;
				p = 0;
			} else {
				p = ps;
			}
			if (++gpos == glen) {
				gpos = 0;
				if (++gi == groups_in_fold)
					gi = 0;
			}
		}
		printf("%x %02x %08x %x %08x %x %016llx %08x\n", ctl, a, as, w, ws, z,
		       (unsigned long long)p, bits(acc));
	}
	return 0;
}
