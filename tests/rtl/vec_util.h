/* tests/rtl/vec_util.h - shared by the RTL test-vector generators
 * (gen_pe_vectors.c, gen_fp16_vectors.c): a seeded xorshift64 and the
 * float <-> binary32 bit-pattern casts. */
#ifndef MPS_TESTS_RTL_VEC_UTIL_H
#define MPS_TESTS_RTL_VEC_UTIL_H

#include <stdint.h>
#include <string.h>

static uint64_t rng = 88172645463325252ull;

static inline uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static inline uint32_t bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

static inline float f32(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

#endif /* MPS_TESTS_RTL_VEC_UTIL_H */
