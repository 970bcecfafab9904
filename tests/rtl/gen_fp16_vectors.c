/* tests/rtl/gen_fp16_vectors.c - vectors for the iverilog test of the fp16 MAC
 * (tests/rtl/tb_pe_fp16.sv, rtl/mp_pe_fp16.sv), computed as the C cycle model
 * does (sim/array.c, PeType fp16: d = (float)decode(a) * (float)decode(w);
 * acc' = acc + d; numerics.md 3.6), independently of the RTL.
 *
 *   gen_fp16_vectors WFMT AFMT N SEED   N lines "w a acc acc'" (hex), WFMT and
 *                                       AFMT fp16 | bf16
 *
 * Codes: uniform random 16-bit codes (every exponent, subnormals, both zeros),
 * plus the extremes (largest finite, smallest subnormal) and, 1 in 64, Inf/NaN
 * codes. acc: +-0, random finite binary32 patterns (subnormals included),
 * values near the product (cancellation, x + (-x) = +0) and near FLT_MAX.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpq.h"
#include "vec_util.h"

static int fmt_of(const char *s, mpq_fmt_t *f)
{
	if (!strcmp(s, "fp16"))
		*f = MPQ_FP16;
	else if (!strcmp(s, "bf16"))
		*f = MPQ_BF16;
	else
		return -1;
	return 0;
}

/* A code of format f: exponent field all ones (Inf/NaN) only 1 in 64. */
static uint32_t code_of(mpq_fmt_t f)
{
	uint32_t emask = f == MPQ_FP16 ? 0x7c00u : 0x7f80u;
	uint32_t c = rnd() & 0xffffu, k = rnd() % 64;

	if (k == 0)
		return c | emask;                       /* Inf / NaN */
	if (k == 1)
		return (c & 0x8000u) | (emask - 1u);    /* largest finite */
	if (k == 2)
		return (c & 0x8000u) | 1u;              /* smallest subnormal */
	if (k == 3)
		return c & 0x8000u;                     /* +-0 */
	if ((c & emask) == emask)
		c &= ~0x0400u & ~0x0080u & 0xffffu;     /* otherwise finite */
	return c;
}

int main(int argc, char **argv)
{
	mpq_fmt_t wf, af;
	long n;

	if (argc != 5 || fmt_of(argv[1], &wf) || fmt_of(argv[2], &af) ||
	    (n = atol(argv[3])) <= 0) {
		fprintf(stderr, "usage: gen_fp16_vectors fp16|bf16 fp16|bf16 N SEED\n");
		return 2;
	}
	rng ^= (uint64_t)strtoull(argv[4], NULL, 0) * 0x9e3779b97f4a7c15ull;
	for (long i = 0; i < n; i++) {
		uint32_t w = code_of(wf), a = code_of(af), ab;
		float wv = (float)mpq_decode(wf, w), av = (float)mpq_decode(af, a);
		float d = av * wv, acc, y;
		switch (rnd() % 8) {
		case 0: ab = 0; break;
		case 1: ab = 0x80000000u; break;
		case 2: ab = bits(-d); break;                                   /* exact cancellation */
		case 3: ab = bits(-d) ^ (rnd() & 0xffu); break;                  /* near cancellation */
		case 4: ab = (rnd() & 0x80000000u) | (0x7f7fff00u + (rnd() & 0xffu)); break;
		case 5: ab = (bits(d) & 0x7f800000u) | (rnd() & 0x807fffffu); break; /* same binade */
		default:
			ab = rnd() ^ (rnd() << 16);
			if ((ab & 0x7f800000u) == 0x7f800000u)
				ab &= 0xbfffffffu;
		}
		acc = f32(ab);
		y = acc + d;
		printf("%04x %04x %08x %08x\n", (unsigned)w, (unsigned)a, (unsigned)ab,
		       (unsigned)bits(y));
	}
	return 0;
}
