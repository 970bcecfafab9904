/* model/cast.c - mpq_encode: one generic round-and-pack for every minifloat,
 * plus the integer casts.
 *
 * The input is the exact double; the only arithmetic is frexp/ldexp (exact
 * power-of-two scaling) and floor on a value below 2^25, so the result is
 * correctly rounded for every double (formats.md section 8).  The special
 * value policy is the one in mpq.h's comment on mpq_encode and
 * docs/formats.md "Special values".
 */
#include <math.h>

#include "mpq.h"

static void set_flag(uint32_t *flags, uint32_t f)
{
	if (flags)
		*flags |= f;
}

/* Round a non-negative r (< 2^53) to an integer.  neg is the sign of the
 * original value: RUP rounds magnitudes of negatives toward zero. */
static double round_int(double r, mpq_round_t rm, bool neg)
{
	double fl = floor(r);
	double frac = r - fl; /* exact */

	if (frac == 0.0)
		return fl;
	switch (rm) {
	case MPQ_RTZ:
		return fl;
	case MPQ_RUP:
		return neg ? fl : fl + 1.0;
	case MPQ_RNE:
	default:
		if (frac > 0.5)
			return fl + 1.0;
		if (frac < 0.5)
			return fl;
		return fmod(fl, 2.0) == 0.0 ? fl : fl + 1.0;
	}
}

static uint32_t sign_bit(const mpq_format_t *d, bool neg)
{
	return (d->is_signed && neg) ? (1u << (d->bits - 1)) : 0u;
}

/* Largest finite magnitude code. */
static uint32_t max_code(const mpq_format_t *d)
{
	uint32_t emax = (1u << d->ebits) - 1u, mall = (1u << d->mbits) - 1u;

	switch (d->nan) {
	case MPQ_NAN_IEEE: /* e = all-ones is Inf/NaN */
		return ((emax - 1u) << d->mbits) | mall;
	case MPQ_NAN_ALLONES: /* S.1..1.1..1 is NaN */
		return ((emax << d->mbits) | mall) - 1u;
	case MPQ_NAN_NONE:
	default:
		return (emax << d->mbits) | mall;
	}
}

static uint32_t nan_code(const mpq_format_t *d, bool neg)
{
	uint32_t emax = (1u << d->ebits) - 1u;

	if (d->nan == MPQ_NAN_ALLONES)
		return sign_bit(d, neg) | (emax << d->mbits) | ((1u << d->mbits) - 1u);
	/* IEEE: e5m2 all-ones fraction (CUDA 0x7F/0xFF), wider formats the
	 * quiet bit only (0x7E00, 0x7FC0, 0x7FC00000) */
	if (d->bits == 8)
		return sign_bit(d, neg) | (emax << d->mbits) | ((1u << d->mbits) - 1u);
	return sign_bit(d, neg) | (emax << d->mbits) | (1u << (d->mbits - 1));
}

static uint32_t inf_code(const mpq_format_t *d, bool neg)
{
	return sign_bit(d, neg) | (((1u << d->ebits) - 1u) << d->mbits);
}

/* The result of an overflowing or infinite input that is not rounded toward
 * zero: +-max under SAT, else Inf, NaN, or +-max (formats with neither). */
static uint32_t big(const mpq_format_t *d, bool neg, mpq_sat_t sat,
                    bool is_inf, uint32_t *flags)
{
	if (sat == MPQ_SAT) {
		set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT);
		return sign_bit(d, neg) | max_code(d);
	}
	if (d->has_inf)
		return inf_code(d, neg);
	if (d->nan == MPQ_NAN_ALLONES) {
		set_flag(flags, MPQ_FLAG_INEXACT | (is_inf ? MPQ_FLAG_INVALID : 0u));
		return nan_code(d, neg);
	}
	set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT |
	             (is_inf ? MPQ_FLAG_INVALID : 0u));
	return sign_bit(d, neg) | max_code(d);
}

static uint32_t encode_int(const mpq_format_t *d, double x, mpq_round_t rm,
                           uint32_t *flags)
{
	double lo = d->is_signed ? -ldexp(1.0, (int)d->bits - 1) : 0.0;
	double hi = d->max, r;
	uint32_t mask = (1u << d->bits) - 1u;
	bool neg = signbit(x);

	if (isnan(x)) {
		set_flag(flags, MPQ_FLAG_INVALID);
		r = neg ? lo : hi;
	} else {
		if (isinf(x) || fabs(x) >= 0x1p52) { /* already integral */
			r = x;
		} else {
			r = round_int(fabs(x), rm, neg);
			r = neg ? -r : r;
		}
		if (r != x)
			set_flag(flags, MPQ_FLAG_INEXACT);
		if (r > hi || r < lo) {
			/* above max, or below min of a signed format: OVERFLOW;
			 * below 0 of an unsigned one: no faithful encoding */
			bool over = r > hi || d->is_signed;
			set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT |
			                (isinf(x) && over ? 0u :
			                 over ? MPQ_FLAG_OVERFLOW : MPQ_FLAG_INVALID));
			r = r > hi ? hi : lo;
		}
	}
	return (uint32_t)(int32_t)r & mask;
}

/* e8m0: 2^(c - 127), c in 0..254; |x| is used (CUDA), nothing below 0x00. */
static uint32_t encode_e8m0(const mpq_format_t *d, double x, mpq_round_t rm,
                            mpq_sat_t sat, uint32_t *flags)
{
	double a, r, n;
	int e;

	if (isnan(x))
		return nan_code(d, false);
	if (x < 0)
		set_flag(flags, MPQ_FLAG_INVALID | MPQ_FLAG_INEXACT);
	a = fabs(x);
	if (isinf(a))
		return big(d, false, sat, true, flags);
	if (a < 0x1p-127) { /* includes 0: no smaller code exists */
		set_flag(flags, MPQ_FLAG_UNDERFLOW | MPQ_FLAG_INEXACT);
		return 0;
	}
	r = frexp(a, &e); /* a = r * 2^e, r in [0.5, 1) */
	e -= 1;
	r *= 2.0;         /* a = r * 2^e, r in [1, 2) */
	n = round_int(r, rm, false);
	if (n != r)
		set_flag(flags, MPQ_FLAG_INEXACT);
	e += (int)n - 1;  /* n is 1 or 2 */
	if (e > 127) {
		set_flag(flags, MPQ_FLAG_OVERFLOW | MPQ_FLAG_INEXACT);
		if (rm == MPQ_RTZ)
			return max_code(d);
		return big(d, false, sat, false, flags);
	}
	return (uint32_t)(e + 127);
}

uint32_t mpq_encode(mpq_fmt_t f, double x, mpq_round_t rm, mpq_sat_t sat,
                    uint32_t *flags)
{
	const mpq_format_t *d = mpq_format(f);
	const int M = d ? (int)d->mbits : 0;
	const int emin = d ? 1 - d->bias : 0; /* exponent of the smallest normal */
	bool neg;
	double a, r, n;
	int e;
	uint32_t mag;

	if (!d)
		return 0;
	if (d->is_int)
		return encode_int(d, x, rm, flags);
	if (d->mbits == 0)
		return encode_e8m0(d, x, rm, sat, flags);

	neg = signbit(x);
	if (isnan(x)) {
		if (d->nan != MPQ_NAN_NONE)
			return nan_code(d, neg);
		set_flag(flags, MPQ_FLAG_INVALID);
		return sign_bit(d, neg) | max_code(d);
	}
	if (isinf(x))
		return big(d, neg, sat, true, flags);
	a = fabs(x);
	if (a == 0.0)
		return sign_bit(d, neg);

	/* a = r * 2^(e - M) with the quantum of e's binade (or the subnormal
	 * quantum); r < 2^(M + 1) <= 2^24, exact: only the exponent changes. */
	(void)frexp(a, &e);
	e -= 1;
	if (e < emin)
		e = emin;
	r = ldexp(a, M - e);
	n = round_int(r, rm, neg);
	if (n != r) {
		set_flag(flags, MPQ_FLAG_INEXACT);
		if (a < d->min_normal)
			set_flag(flags, MPQ_FLAG_UNDERFLOW);
	}
	if (n == ldexp(1.0, M + 1)) { /* carry into the next binade */
		n = ldexp(1.0, M);
		e += 1;
	}
	if (ldexp(n, e - M) > d->max) {
		set_flag(flags, MPQ_FLAG_OVERFLOW | MPQ_FLAG_INEXACT);
		/* rounding toward zero for this sign: the largest finite value */
		if (rm == MPQ_RTZ || (rm == MPQ_RUP && neg))
			return sign_bit(d, neg) | max_code(d);
		return big(d, neg, sat, false, flags);
	}
	if (n < ldexp(1.0, M)) /* subnormal or zero: biased exponent 0 */
		mag = (uint32_t)n;
	else
		mag = ((uint32_t)(e + d->bias) << M) | ((uint32_t)n - (1u << M));
	return sign_bit(d, neg) | mag;
}
