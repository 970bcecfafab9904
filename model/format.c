/* model/format.c - the element-format descriptor table, name lookup, decode,
 * and the fixed-point view of element codes.
 *
 * Values follow ../docs/formats.md and the reference table in
 * formats.md section 1.1 (ml_dtypes numeric_limits).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mpq.h"

/* Descriptor rows, indexed by mpq_fmt_t.  Values are exact doubles. */
static const mpq_format_t table[MPQ_NFMT] = {
	[MPQ_E2M1] = { "e2m1", "float4_e2m1fn", 4, 2, 1, 1, true, false, false,
	               true, MPQ_NAN_NONE, 6.0, 1.0, 0.5 },
	[MPQ_E2M3] = { "e2m3", "float6_e2m3fn", 6, 2, 3, 1, true, false, false,
	               true, MPQ_NAN_NONE, 7.5, 1.0, 0.125 },
	[MPQ_E3M2] = { "e3m2", "float6_e3m2fn", 6, 3, 2, 3, true, false, false,
	               true, MPQ_NAN_NONE, 28.0, 0.25, 0.0625 },
	[MPQ_E4M3] = { "e4m3", "float8_e4m3fn", 8, 4, 3, 7, true, false, false,
	               true, MPQ_NAN_ALLONES, 448.0, 0x1p-6, 0x1p-9 },
	[MPQ_E5M2] = { "e5m2", "float8_e5m2", 8, 5, 2, 15, true, false, true,
	               true, MPQ_NAN_IEEE, 57344.0, 0x1p-14, 0x1p-16 },
	[MPQ_E8M0] = { "e8m0", "float8_e8m0fnu", 8, 8, 0, 127, false, false, false,
	               false, MPQ_NAN_ALLONES, 0x1p127, 0x1p-127, 0.0 },
	[MPQ_INT4] = { "int4", "int4", 4, 0, 0, 0, true, true, false, false,
	               MPQ_NAN_NONE, 7.0, 1.0, 0.0 },
	[MPQ_UINT4] = { "uint4", "uint4", 4, 0, 0, 0, false, true, false, false,
	                MPQ_NAN_NONE, 15.0, 1.0, 0.0 },
	[MPQ_INT8] = { "int8", "int8", 8, 0, 0, 0, true, true, false, false,
	               MPQ_NAN_NONE, 127.0, 1.0, 0.0 },
	[MPQ_UINT8] = { "uint8", "uint8", 8, 0, 0, 0, false, true, false, false,
	                MPQ_NAN_NONE, 255.0, 1.0, 0.0 },
	[MPQ_FP16] = { "fp16", "float16", 16, 5, 10, 15, true, false, true, true,
	               MPQ_NAN_IEEE, 65504.0, 0x1p-14, 0x1p-24 },
	[MPQ_BF16] = { "bf16", "bfloat16", 16, 8, 7, 127, true, false, true, true,
	               MPQ_NAN_IEEE, 0x1.fep127, 0x1p-126, 0x1p-133 },
	[MPQ_FP32] = { "fp32", "float32", 32, 8, 23, 127, true, false, true, true,
	               MPQ_NAN_IEEE, 0x1.fffffep127, 0x1p-126, 0x1p-149 },
};

const mpq_format_t *mpq_format(mpq_fmt_t f)
{
	if ((unsigned)f >= MPQ_NFMT)
		return NULL;
	return &table[f];
}

int mpq_format_lookup(const char *name, mpq_fmt_t *f, mps_err_t *err)
{
	char list[200];
	size_t n = 0;

	for (unsigned i = 0; name && i < MPQ_NFMT; i++) {
		if (strcmp(name, table[i].name) == 0 ||
		    strcmp(name, table[i].long_name) == 0) {
			*f = (mpq_fmt_t)i;
			return MPS_OK;
		}
	}
	list[0] = '\0';
	for (unsigned i = 0; i < MPQ_NFMT && n < sizeof list; i++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
		                      i ? ", " : "", table[i].name);
	return mps_err_set(err, MPS_ERR_INVAL, "unknown format '%s' (valid: %s)",
	                   name ? name : "(null)", list);
}

/* Fields of a minifloat code. */
typedef struct {
	unsigned s, e, m;
} fields_t;

static fields_t split(const mpq_format_t *d, uint32_t code)
{
	fields_t r;
	uint32_t emask = (1u << d->ebits) - 1u;

	r.m = code & ((1u << d->mbits) - 1u);
	r.e = (code >> d->mbits) & emask;
	r.s = d->is_signed ? (code >> (d->ebits + d->mbits)) & 1u : 0u;
	return r;
}

static uint32_t mask_of(const mpq_format_t *d)
{
	return d->bits >= 32 ? 0xFFFFFFFFu : (1u << d->bits) - 1u;
}

/* 0 finite, 1 infinite, 2 NaN. */
static int classify(const mpq_format_t *d, uint32_t code)
{
	fields_t p;
	unsigned eall;

	if (d->is_int || d->nan == MPQ_NAN_NONE)
		return 0;
	p = split(d, code);
	eall = (1u << d->ebits) - 1u;
	if (p.e != eall)
		return 0;
	if (d->nan == MPQ_NAN_IEEE)
		return p.m == 0 ? 1 : 2;
	return p.m == (1u << d->mbits) - 1u ? 2 : 0; /* all-ones: S.1..1.1..1 */
}

bool mpq_is_finite(mpq_fmt_t f, uint32_t code)
{
	const mpq_format_t *d = mpq_format(f);

	if (!d)
		return false;
	return classify(d, code & mask_of(d)) == 0;
}

double mpq_decode(mpq_fmt_t f, uint32_t code)
{
	const mpq_format_t *d = mpq_format(f);
	fields_t p;
	double v;

	if (!d)
		return NAN;
	code &= mask_of(d);
	if (d->is_int) {
		if (d->is_signed && (code >> (d->bits - 1)))
			return (double)code - ldexp(1.0, (int)d->bits);
		return (double)code;
	}
	switch (classify(d, code)) {
	case 1:
		return (code >> (d->bits - 1)) ? -INFINITY : INFINITY;
	case 2:
		return (d->is_signed && (code >> (d->bits - 1))) ? -NAN : NAN;
	default:
		break;
	}
	p = split(d, code);
	if (d->mbits == 0) /* e8m0: no zero, no subnormals */
		v = ldexp(1.0, (int)p.e - d->bias);
	else if (p.e == 0)
		v = ldexp((double)p.m, 1 - d->bias - (int)d->mbits);
	else
		v = ldexp((double)((1u << d->mbits) + p.m),
		          (int)p.e - d->bias - (int)d->mbits);
	return p.s ? -v : v;
}

int32_t mpq_fixed_lsb(mpq_fmt_t f)
{
	switch (f) {
	case MPQ_E2M1:
	case MPQ_E2M3:
	case MPQ_E3M2:
	case MPQ_E4M3:
	case MPQ_E5M2:
	case MPQ_FP16:
		/* the subnormal quantum 2^(1 - bias - mbits) */
		return 1 - table[f].bias - (int32_t)table[f].mbits;
	case MPQ_INT4:
	case MPQ_UINT4:
	case MPQ_INT8:
	case MPQ_UINT8:
		return 0;
	default:
		return INT32_MIN;
	}
}

int64_t mpq_fixed(mpq_fmt_t f, uint32_t code)
{
	const mpq_format_t *d = mpq_format(f);
	fields_t p;
	int64_t mag;

	if (!d || mpq_fixed_lsb(f) == INT32_MIN)
		return 0;
	code &= mask_of(d);
	if (d->is_int)
		return (int64_t)mpq_decode(f, code);
	if (classify(d, code) != 0)
		return 0;
	p = split(d, code);
	if (p.e == 0)
		mag = p.m;
	else
		mag = (int64_t)((1u << d->mbits) + p.m) << (p.e - 1);
	return p.s ? -mag : mag;
}
