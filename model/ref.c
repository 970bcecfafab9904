/* model/ref.c - mpq_encode_slow: the slow reference cast used by the tests.
 *
 * It does no rounding arithmetic of its own: it finds the two representable
 * values around |x| among the values mpq_decode gives for the format's codes
 * (a linear scan over every code for formats up to 8 bits, a bisection over
 * the ordered positive codes for fp16/bf16/fp32), compares |x| with their
 * midpoint and breaks a tie explicitly in favour of the even significand
 * (TestFloat's slowfloat lesson).  Special values follow the same policy as
 * mpq_encode (mpq.h).
 */
#include <math.h>

#include "mpq.h"

static void set_flag(uint32_t *flags, uint32_t f)
{
	if (flags)
		*flags |= f;
}

/* The largest positive finite code and its neighbours, found by decoding. */
typedef struct {
	uint32_t code;  /* code of the representable value lo <= a */
	double lo;      /* value of code */
	double hi;      /* next value above lo (may be virtual: above max) */
	bool hi_virtual;
} bracket_t;

static uint32_t sign_mask(const mpq_format_t *d)
{
	return d->is_signed ? 1u << (d->bits - 1) : 0u;
}

/* Largest finite positive code: the scan below is over codes 0..top. */
static uint32_t top_code(mpq_fmt_t f, const mpq_format_t *d)
{
	uint32_t l = 0, h = (d->bits >= 32 ? 0xFFFFFFFFu : (1u << d->bits) - 1u) &
	                   ~sign_mask(d);

	/* the finite positive codes are a prefix of the positive codes */
	while (l < h) {
		uint32_t mid = l + (h - l + 1) / 2;
		if (mpq_is_finite(f, mid))
			l = mid;
		else
			h = mid - 1;
	}
	return l;
}

/* Gap above max: the quantum of max's binade in an unbounded exponent
 * range, so that the virtual value max + gap is where rounding overflows. */
static double gap_above_max(const mpq_format_t *d)
{
	int e;

	(void)frexp(d->max, &e);
	return ldexp(1.0, e - 1 - (int)d->mbits);
}

/* lo = largest representable non-negative value <= a (a >= smallest one). */
static bracket_t find(mpq_fmt_t f, const mpq_format_t *d, double a)
{
	bracket_t b;
	uint32_t top = top_code(f, d), c;

	if (d->bits <= 8) {
		/* every code, no ordering assumed */
		b.code = 0;
		b.lo = -INFINITY;
		for (c = 0; c <= top; c++) {
			double v = mpq_decode(f, c);
			if (v <= a && v > b.lo) {
				b.lo = v;
				b.code = c;
			}
		}
		b.hi = INFINITY;
		for (c = 0; c <= top; c++) {
			double v = mpq_decode(f, c);
			if (v > a && v < b.hi)
				b.hi = v;
		}
	} else {
		/* positive codes of IEEE formats are ordered like their values */
		uint32_t l = 0, h = top; /* invariant: value(l) <= a */
		while (l < h) {
			uint32_t mid = l + (h - l + 1) / 2;
			if (mpq_decode(f, mid) <= a)
				l = mid;
			else
				h = mid - 1;
		}
		b.code = l;
		b.lo = mpq_decode(f, l);
		b.hi = l < top ? mpq_decode(f, l + 1) : INFINITY;
	}
	b.hi_virtual = isinf(b.hi);
	if (b.hi_virtual)
		b.hi = d->max + gap_above_max(d);
	return b;
}

/* The result when rounding goes past max (overflow) or the input is Inf. */
static uint32_t beyond(mpq_fmt_t f, const mpq_format_t *d, bool neg,
                       mpq_sat_t sat, bool is_inf, uint32_t *flags)
{
	uint32_t s = neg ? sign_mask(d) : 0u, maxc = top_code(f, d) | s;
	uint32_t c, all = d->bits >= 32 ? 0xFFFFFFFFu : (1u << d->bits) - 1u;

	if (sat == MPQ_SAT) {
		set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT);
		return maxc;
	}
	/* non-saturating: the code after max if it decodes to Inf, else NaN */
	c = (top_code(f, d) + 1u) | s;
	if (c <= all && isinf(mpq_decode(f, c)))
		return c;
	if (d->nan != MPQ_NAN_NONE) {
		set_flag(flags, MPQ_FLAG_INEXACT | (is_inf ? MPQ_FLAG_INVALID : 0u));
		return s | (all & ~sign_mask(d)); /* the all-ones NaN */
	}
	set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT |
	                (is_inf ? MPQ_FLAG_INVALID : 0u));
	return maxc;
}

/* Flags and code of an integer result that fell outside the range: above
 * max (or below min of a signed format) is OVERFLOW, below 0 of an unsigned
 * format has no faithful encoding (INVALID).  Both clamp (SAT). */
static uint32_t int_clamp(const mpq_format_t *d, bool above, uint32_t cmin,
                          uint32_t cmax, uint32_t *flags)
{
	set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT |
	                (above || d->is_signed ? MPQ_FLAG_OVERFLOW : MPQ_FLAG_INVALID));
	return above ? cmax : cmin;
}

static uint32_t slow_int(mpq_fmt_t f, const mpq_format_t *d, double x,
                         mpq_round_t rm, uint32_t *flags)
{
	uint32_t n = 1u << d->bits, c, clo = 0, chi = 0, cmin = 0, cmax = 0;
	double vmin = INFINITY, vmax = -INFINITY, lo, hi;
	bool lo_virtual = false, hi_virtual = false, up;

	for (c = 0; c < n; c++) {
		double v = mpq_decode(f, c);
		if (v < vmin) { vmin = v; cmin = c; }
		if (v > vmax) { vmax = v; cmax = c; }
	}
	if (isnan(x)) {
		set_flag(flags, MPQ_FLAG_INVALID);
		return signbit(x) ? cmin : cmax;
	}
	if (isinf(x)) {
		if (x < 0 && !d->is_signed)
			return int_clamp(d, false, cmin, cmax, flags);
		set_flag(flags, MPQ_FLAG_SAT | MPQ_FLAG_INEXACT);
		return x > 0 ? cmax : cmin;
	}
	/* integers one beyond each end are virtual candidates */
	if (x >= vmax + 1)
		return int_clamp(d, true, cmin, cmax, flags);
	if (x <= vmin - 1)
		return int_clamp(d, false, cmin, cmax, flags);
	lo = vmin - 1;
	hi = vmax + 1;
	lo_virtual = hi_virtual = true;
	for (c = 0; c < n; c++) {
		double v = mpq_decode(f, c);
		if (v <= x && v >= lo) { lo = v; clo = c; lo_virtual = false; }
		if (v >= x && v <= hi) { hi = v; chi = c; hi_virtual = false; }
	}
	if (lo == x)
		return clo;
	set_flag(flags, MPQ_FLAG_INEXACT);
	switch (rm) {
	case MPQ_RTZ:
		up = x < 0;
		break;
	case MPQ_RUP:
		up = true;
		break;
	case MPQ_RNE:
	default:
		if (x - lo != hi - x)
			up = x - lo > hi - x;
		else
			up = fmod(lo, 2.0) != 0.0; /* the even integer */
		break;
	}
	if (up)
		return hi_virtual ? int_clamp(d, true, cmin, cmax, flags) : chi;
	return lo_virtual ? int_clamp(d, false, cmin, cmax, flags) : clo;
}

uint32_t mpq_encode_slow(mpq_fmt_t f, double x, mpq_round_t rm,
                         mpq_sat_t sat, uint32_t *flags)
{
	const mpq_format_t *d = mpq_format(f);
	bool neg, e8m0;
	double a, mid;
	bracket_t b;
	bool up;
	uint32_t s;

	if (!d)
		return 0;
	if (d->is_int)
		return slow_int(f, d, x, rm, flags);
	e8m0 = !d->is_signed; /* the only unsigned float format */
	neg = signbit(x) && d->is_signed;
	s = neg ? sign_mask(d) : 0u;

	if (isnan(x)) {
		if (d->nan == MPQ_NAN_NONE) {
			set_flag(flags, MPQ_FLAG_INVALID);
			return s | top_code(f, d);
		}
		if (d->nan == MPQ_NAN_ALLONES)
			return s | ((d->bits >= 32 ? 0xFFFFFFFFu : (1u << d->bits) - 1u) & ~sign_mask(d));
		/* IEEE: e5m2 all ones (0x7F), wider formats the quiet bit only */
		if (d->bits == 8)
			return s | 0x7Fu;
		return s | (((1u << d->ebits) - 1u) << d->mbits) | (1u << (d->mbits - 1));
	}
	if (e8m0 && x < 0)
		set_flag(flags, MPQ_FLAG_INVALID | MPQ_FLAG_INEXACT);
	if (isinf(x))
		return beyond(f, d, neg, sat, true, flags);
	a = fabs(x);
	if (e8m0 && a < d->min_normal) {
		set_flag(flags, MPQ_FLAG_UNDERFLOW | MPQ_FLAG_INEXACT);
		return 0;
	}
	if (a == 0.0)
		return s;
	if (a >= d->max + gap_above_max(d)) { /* at or past the virtual value */
		set_flag(flags, MPQ_FLAG_OVERFLOW | MPQ_FLAG_INEXACT);
		if (rm == MPQ_RTZ || (rm == MPQ_RUP && neg))
			return s | top_code(f, d);
		return beyond(f, d, neg, sat, false, flags);
	}
	b = find(f, d, a);
	if (b.lo == a)
		return s | b.code;
	set_flag(flags, MPQ_FLAG_INEXACT);
	if (a < d->min_normal)
		set_flag(flags, MPQ_FLAG_UNDERFLOW);
	switch (rm) {
	case MPQ_RTZ:
		up = false;
		break;
	case MPQ_RUP:
		up = !neg;
		break;
	case MPQ_RNE:
	default:
		mid = (b.lo + b.hi) / 2; /* exact: both have few significant bits */
		if (a != mid) {
			up = a > mid;
		} else {
			/* tie: the even significand is the value that is an even
			 * multiple of the gap hi - lo (for mbits >= 1 that is the code
			 * whose last mantissa bit is 0; for e8m0 it is the upper one) */
			double k = b.lo / (b.hi - b.lo);
			up = fmod(k, 2.0) != 0.0;
		}
		break;
	}
	if (!up)
		return s | b.code;
	if (b.hi_virtual) {
		set_flag(flags, MPQ_FLAG_OVERFLOW);
		return beyond(f, d, neg, sat, false, flags);
	}
	return s | (find(f, d, b.hi).code);
}
