/* sim/dequant.c - the dequant and output units (numerics.md 3.2-3.4): the
 * per-group term d = fl32(P 2^e s_w s_a), the FP32 accumulator update and
 * the post scale y = fl32(acc post_a post_w).  Used by the in-PE dequant,
 * the WS edge dequant unit and the column output units of sim/array.c.
 * Every rounding is delegated to model/ (mpq_fl32_scale, mpq_apply_post),
 * so the simulator cannot drift from the golden reference. */
#include <string.h>

#include "dequant.h"

float mps_dq_post(float acc, float post_a, float post_w)
{
	mpq_prep_t pa, pw;

	/* mpq_apply_post reads only .post of each operand */
	memset(&pa, 0, sizeof pa);
	memset(&pw, 0, sizeof pw);
	pa.post = &post_a;
	pw.post = &post_w;
	return mpq_apply_post(acc, &pa, 0, &pw, 0);
}

float mps_f32_from_bits(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

uint32_t mps_f32_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}
