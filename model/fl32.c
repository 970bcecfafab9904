/* model/fl32.c - the FP32 roundings of the numerics contract: fl32 of an exact
 * scaled product (mpq_fl32_scale) and the exact Kulisch accumulator
 * (mpq_xacc_*).  Both round exactly once, RNE, with FP32 subnormals and
 * overflow to +-Inf.  Integer arithmetic only (a double has 53 bits, the
 * products here up to 86).
 */
#include <math.h>
#include <string.h>

#include "mpq.h"
#include "quant.h"

__extension__ typedef unsigned __int128 u128;

#define XACC_LIMBS 24
#define XACC_LSB (-800) /* weight of bit 0 of limb[0] is 2^-800 */

/* Bit length of m (m != 0). */
static int bitlen(u128 m)
{
	uint64_t hi = (uint64_t)(m >> 64);

	if (hi)
		return 128 - __builtin_clzll(hi);
	return 64 - __builtin_clzll((uint64_t)m);
}

/* (-1)^neg * m * 2^e rounded once to FP32, RNE. */
static float round_pack_f32(bool neg, u128 m, int e)
{
	int ex, q, shift;
	u128 sig;
	float v;

	if (m == 0)
		return neg ? -0.0f : 0.0f;
	ex = e + bitlen(m) - 1;         /* value in [2^ex, 2^(ex+1)) */
	q = ex < -126 ? -149 : ex - 23; /* exponent of the result's quantum */
	if (q > 127)                    /* far above FLT_MAX: keep ldexpf in range */
		return neg ? -INFINITY : INFINITY;
	shift = q - e;
	if (shift <= 0) {
		sig = m << -shift; /* exact: at most 24 bits */
	} else if (shift > 128) {
		sig = 0;           /* below half the smallest subnormal */
	} else if (shift == 128) {
		u128 half = (u128)1 << 127;
		sig = m > half ? 1 : 0;
	} else {
		u128 rem = m & (((u128)1 << shift) - 1);
		u128 half = (u128)1 << (shift - 1);
		sig = m >> shift;
		if (rem > half || (rem == half && (sig & 1)))
			sig += 1;
	}
	/* sig <= 2^24: sig * 2^q is exactly an FP32 value, or >= 2^128 (Inf).
	 * Packed directly: with q >= -149, the field (q + 149) << 23 plus sig
	 * (hidden bit included) is the encoding of sig * 2^q for normals,
	 * subnormals (q = -149, sig < 2^23) and a carry into the next binade
	 * (sig = 2^24); anything at or above the Inf encoding overflowed. */
	{
		uint32_t b = ((uint32_t)(q + 149) << 23) + (uint32_t)sig;
		if (b >= 0x7F800000u)
			b = 0x7F800000u;
		b |= neg ? 0x80000000u : 0u;
		memcpy(&v, &b, sizeof v);
	}
	return v;
}

/* Split a finite non-zero float into (-1)^neg * ms * 2^es, ms < 2^24. */
static void split_f32(float s, bool *neg, uint32_t *ms, int *es)
{
	uint32_t b;

	memcpy(&b, &s, sizeof b);
	*neg = b >> 31;
	if (((b >> 23) & 0xFF) == 0) {
		*ms = b & 0x7FFFFF;
		*es = -149;
	} else {
		*ms = (b & 0x7FFFFF) | 0x800000;
		*es = (int)((b >> 23) & 0xFF) - 150;
	}
}

static uint64_t mag64(int64_t p)
{
	return p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
}

/* Sign of p * s1 * s2 (p as a signed integer, zero counted as +0). */
static bool prod_neg(int64_t p, float s1, float s2)
{
	return ((p < 0) != (signbit(s1) != 0)) != (signbit(s2) != 0);
}

/* p * s1 * s2 as (-1)^neg * m * 2^ex; false if the product is zero. */
static bool exact_prod(int64_t p, float s1, float s2, bool *neg, u128 *m,
                       int *ex)
{
	bool n1, n2;
	uint32_t m1, m2;
	int e1, e2;

	*neg = prod_neg(p, s1, s2);
	if (p == 0 || s1 == 0.0f || s2 == 0.0f)
		return false;
	split_f32(s1, &n1, &m1, &e1);
	split_f32(s2, &n2, &m2, &e2);
	*m = (u128)mag64(p) * m1 * m2; /* < 2^63 * 2^24 * 2^24 */
	*ex = e1 + e2;
	return true;
}

/* The general path: exact integer product, one rounding (round_pack_f32). */
static float fl32_scale_int(int64_t p, int e, float s1, float s2)
{
	bool neg;
	u128 m;
	int ex;

	if (isnan(s1) || isnan(s2))
		return NAN;
	if (isinf(s1) || isinf(s2)) {
		if (p == 0 || s1 == 0.0f || s2 == 0.0f)
			return NAN;
		return prod_neg(p, s1, s2) ? -INFINITY : INFINITY;
	}
	if (!exact_prod(p, s1, s2, &neg, &m, &ex))
		return neg ? -0.0f : 0.0f;
	return round_pack_f32(neg, m, e + ex);
}

float mpq_fl32_scale(int64_t p, int e, float s1, float s2)
{
	float v;

	if (mpqi_fl32_scale_fast(p, e, s1, s2, &v))
		return v;
	return fl32_scale_int(p, e, s1, s2);
}

float mpqi_fl32_scale_int(int64_t p, int e, float s1, float s2)
{
	return fl32_scale_int(p, e, s1, s2);
}

void mpq_xacc_clear(mpq_xacc_t *x)
{
	memset(x, 0, sizeof *x);
}

/* x += (or -=) m * 2^pos (pos = bit index from the LSB, >= 0). */
static void xacc_addmag(mpq_xacc_t *x, bool sub, u128 m, int pos)
{
	uint64_t t[3];
	int li = pos / 64, b = pos % 64;
	unsigned carry = 0;

	t[0] = (uint64_t)m << b;
	t[1] = b ? (uint64_t)(m >> (64 - b)) : (uint64_t)(m >> 64);
	t[2] = b ? (uint64_t)(m >> (128 - b)) : 0;
	for (int i = li; i < XACC_LIMBS; i++) {
		uint64_t a = i - li < 3 ? t[i - li] : 0, o = x->limb[i], r;
		if (i - li >= 3 && carry == 0)
			break;
		if (!sub) {
			r = o + a;
			unsigned c1 = r < o;
			r += carry;
			carry = c1 | (r < carry);
		} else {
			r = o - a;
			unsigned c1 = o < a;
			unsigned c2 = r < carry;
			r -= carry;
			carry = c1 | c2;
		}
		x->limb[i] = r;
	}
}

void mpq_xacc_add(mpq_xacc_t *x, int64_t p, int e, float s1, float s2)
{
	bool neg;
	u128 m;
	int ex, pos;

	if (!isfinite(s1) || !isfinite(s2)) {
		x->nan = true;
		return;
	}
	if (!exact_prod(p, s1, s2, &neg, &m, &ex))
		return;
	pos = e + ex - XACC_LSB;
	if (pos < 0 || pos > XACC_LIMBS * 64 - 128) {
		x->nan = true; /* outside the documented range: poison, never corrupt */
		return;
	}
	xacc_addmag(x, neg, m, pos);
}

void mpq_xacc_add_f32(mpq_xacc_t *x, float v)
{
	mpq_xacc_add(x, 1, 0, v, 1.0f);
}

float mpq_xacc_to_f32(const mpq_xacc_t *x)
{
	uint64_t l[XACC_LIMBS];
	bool neg;
	int top, lo;
	u128 m;
	bool sticky = false;

	if (x->nan)
		return NAN;
	memcpy(l, x->limb, sizeof l);
	neg = l[XACC_LIMBS - 1] >> 63;
	if (neg) { /* two's complement negate */
		unsigned carry = 1;
		for (int i = 0; i < XACC_LIMBS; i++) {
			l[i] = ~l[i] + carry;
			carry = carry && l[i] == 0;
		}
	}
	for (top = XACC_LIMBS - 1; top >= 0 && l[top] == 0; top--)
		;
	if (top < 0)
		return 0.0f; /* an exact zero sum is +0 */
	/* take the 128-bit window ending at the top non-zero limb's top bit,
	 * aligned to limbs, with everything below folded into a sticky bit */
	lo = top - 1;
	if (lo < 0) {
		m = l[0];
		return round_pack_f32(neg, m, XACC_LSB);
	}
	m = ((u128)l[top] << 64) | l[lo];
	for (int i = 0; i < lo; i++)
		sticky |= l[i] != 0;
	/* the window has >= 65 significant bits, so its LSB is below the
	 * rounding position and can carry the sticky bit */
	m |= sticky;
	return round_pack_f32(neg, m, XACC_LSB + 64 * lo);
}
