/* sim/dequant.h - dequant / output unit arithmetic shared by the cycle and
 * fast models (numerics.md 3.2-3.4; rounding delegated to model/). */
#ifndef MPS_SIM_DEQUANT_H
#define MPS_SIM_DEQUANT_H

#include <stdint.h>

#include "mpq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The group term d = fl32(p 2^e s_w s_a) (one rounding). */
static inline float mps_dq_term(int64_t p, int e, float s_w, float s_a)
{
	return mpq_fl32_scale(p, e, s_w, s_a);
}

/* The output unit: fl32(acc post_a post_w), one rounding; 1.0f = no post
 * scale (numerics.md 3.4, via mpq_apply_post). */
float mps_dq_post(float acc, float post_a, float post_w);

/* FP32 <-> bit pattern. */
float mps_f32_from_bits(uint32_t b);
uint32_t mps_f32_bits(float f);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_DEQUANT_H */
