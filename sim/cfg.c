/* sim/cfg.c - strict INI config parser (inih), combination checks, derived
 * parameters and the C / SystemVerilog / JSON views of one config.
 * Key reference: docs/config.md.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "cfg.h"
#include "energy.h"

/* ---- names -------------------------------------------------------------- */

const char *mps_cfg_dataflow_name(mps_dataflow_t d)
{
	return d == MPS_DF_WS ? "ws" : "os";
}

const char *mps_cfg_kind_name(mps_pe_kind_t k)
{
	return k == MPS_PEK_MULTIPLIER ? "multiplier" : "shift-add";
}

const char *mps_cfg_dq_name(mps_dq_place_t d)
{
	return d == MPS_DQ_EDGE ? "edge" : "pe";
}

const char *mps_cfg_acc_name(mpq_acc_t a)
{
	return a == MPQ_ACC_EXACT ? "exact" : a == MPQ_ACC_ALIGN ? "align" : "fp32";
}

static const char *const pe_names[MPS_NPE] = {
	"w4a8", "w4a16", "fp4fp8", "fp4fp4", "int8", "fp8", "fp16", "generic"
};

const char *mps_pe_type_name(mps_pe_type_t t)
{
	return (unsigned)t < MPS_NPE ? pe_names[t] : "?";
}

/* ---- scheme facts used by the checks ------------------------------------ */

/* Element format the scheme stores (asym int groups: unsigned codes). */
static mpq_fmt_t scheme_elem(mpq_scheme_t s, bool asym)
{
	switch (s) {
	case MPQ_S_MXFP4: case MPQ_S_NVFP4: case MPQ_S_AMXFP4:
	case MPQ_S_ZQFP_M1: case MPQ_S_ZQFP_M2:
		return MPQ_E2M1;
	case MPQ_S_MXFP6_E2M3: return MPQ_E2M3;
	case MPQ_S_MXFP6_E3M2: return MPQ_E3M2;
	case MPQ_S_MXFP8_E4M3: case MPQ_S_E4M3_TOKEN: case MPQ_S_E4M3_TENSOR:
		return MPQ_E4M3;
	case MPQ_S_MXFP8_E5M2: return MPQ_E5M2;
	case MPQ_S_MXINT8: case MPQ_S_INT8_TOKEN: return MPQ_INT8;
	case MPQ_S_INT4: return asym ? MPQ_UINT4 : MPQ_INT4;
	case MPQ_S_INT8: return asym ? MPQ_UINT8 : MPQ_INT8;
	case MPQ_S_FP16: return MPQ_FP16;
	case MPQ_S_BF16: return MPQ_BF16;
	default: return MPQ_FP32;
	}
}

/* true for the schemes whose block size is the config's group. */
static bool is_group_scheme(mpq_scheme_t s)
{
	return s == MPQ_S_INT4 || s == MPQ_S_INT8 || s == MPQ_S_ZQFP_M1 ||
	       s == MPQ_S_ZQFP_M2;
}

/* Fixed block of the MX-like schemes, 0 if none (per-row, plain, group). */
static unsigned fixed_block(mpq_scheme_t s)
{
	switch (s) {
	case MPQ_S_NVFP4: return 16;
	case MPQ_S_MXFP4: case MPQ_S_MXFP6_E2M3: case MPQ_S_MXFP6_E3M2:
	case MPQ_S_MXFP8_E4M3: case MPQ_S_MXFP8_E5M2: case MPQ_S_MXINT8:
	case MPQ_S_AMXFP4:
		return 32;
	default: return 0;
	}
}

static bool is_plain_float(mpq_scheme_t s)
{
	return s == MPQ_S_FP16 || s == MPQ_S_BF16;
}

/* Largest |fixed-point integer| of an element format (numerics.md 3.1). */
static double fmt_maxabs(mpq_fmt_t f)
{
	const mpq_format_t *d = mpq_format(f);
	int64_t mx = 0;

	if (f == MPQ_FP16)
		return 65504.0 * 16777216.0;
	if (!d || d->bits > 8)
		return 0.0;
	for (uint32_t c = 0; c < (1u << d->bits); c++) {
		if (!mpq_is_finite(f, c))
			continue;
		int64_t v = llabs(mpq_fixed(f, c));
		mx = v > mx ? v : mx;
	}
	return (double)mx;
}

/* ---- defaults ----------------------------------------------------------- */

void mps_cfg_default(mps_cfg_t *c)
{
	memset(c, 0, sizeof *c);
	c->version = MPS_CFG_VERSION;
	c->rows = 32;
	c->cols = 32;
	c->dataflow = MPS_DF_OS;
	c->kind = MPS_PEK_SHIFT_ADD;
	c->weight = MPQ_INT4;
	c->act = MPQ_INT8;
	c->wq.scheme = MPQ_S_INT4;
	c->aq.scheme = MPQ_S_INT8_TOKEN;
	c->group = 128;
	c->accumulate = MPQ_ACC_FP32;
	c->align_bits = 16;
	c->dq_place = MPS_DQ_PE;
	c->dq_latency = 1;
	c->dq_interval = 1;
	c->ibuf_kib = 256;
	c->wbuf_kib = 128;
	c->obuf_kib = 128;
	c->dram_bytes_per_cycle = 128;
	c->dram_latency = 100;
	c->mhz = 500.0;
	(void)mps_cfg_check(c, NULL);
}

/* ---- derived ------------------------------------------------------------ */

mps_pe_type_t mps_cfg_pe_type(const mps_cfg_t *c)
{
	mpq_fmt_t w = c->weight, a = c->act;
	bool w4 = w == MPQ_INT4 || w == MPQ_UINT4 || w == MPQ_E2M1;
	bool afp8 = a == MPQ_E4M3 || a == MPQ_E5M2 || a == MPQ_E2M3 || a == MPQ_E3M2;

	if ((w == MPQ_FP16 || w == MPQ_BF16) && (a == MPQ_FP16 || a == MPQ_BF16))
		return MPS_PE_FP16;
	if (c->kind == MPS_PEK_SHIFT_ADD && w4) {
		if (a == MPQ_INT8 || a == MPQ_UINT8)
			return MPS_PE_W4A8;
		if (a == MPQ_FP16 || a == MPQ_BF16)
			return MPS_PE_W4A16;
		if (afp8 && w == MPQ_E2M1)
			return MPS_PE_FP4FP8;
		if (a == MPQ_E2M1 && w == MPQ_E2M1)
			return MPS_PE_FP4FP4;
		return MPS_PE_GENERIC;
	}
	if ((w == MPQ_INT8 || w == MPQ_UINT8 || w == MPQ_INT4) && a == MPQ_INT8)
		return MPS_PE_INT8;
	if ((w == MPQ_E4M3 || w == MPQ_E5M2 || w == MPQ_E2M1) && (afp8 || a == MPQ_E2M1))
		return MPS_PE_FP8;
	return MPS_PE_GENERIC;
}

unsigned mps_cfg_dq_busy(const mps_cfg_t *c)
{
	unsigned t = mps_cfg_pe_type(c) == MPS_PE_FP16 ? 0u :
	             c->wq.scheme == MPQ_S_AMXFP4 ? 2u : 1u;
	unsigned n = c->dq_interval ? c->dq_interval : 1u;

	return 1u + t * (n - 1u);
}

unsigned mps_cfg_acc_width(const mps_cfg_t *c, unsigned g)
{
	double mw, ma, bound;
	unsigned bits = 0;

	if (is_plain_float(c->wq.scheme) && is_plain_float(c->aq.scheme))
		return 0; /* float MAC: products are FP32, no partial sum */
	if (g == 0)
		g = 65536;
	mw = fmt_maxabs(c->weight);
	if (c->wq.asym) /* w_eff = q - z ranges over [-qmax, qmax] */
		mw = c->weight == MPQ_UINT4 ? 15.0 : 255.0;
	ma = c->accumulate == MPQ_ACC_ALIGN ? ldexp(1.0, (int)c->align_bits - 1) - 1.0
	                                    : fmt_maxabs(c->act);
	bound = (double)g * mw * ma; /* largest |P|: ceil(log2(bound + 1)) + 1 bits */
	while (bits < 200 && ldexp(1.0, (int)bits) < bound + 1.0)
		bits++;
	return bits + 1;
}

/* ---- combination checks ------------------------------------------------- */

int mps_cfg_check(mps_cfg_t *c, mps_err_t *err)
{
	const char *f = c->name[0] ? c->name : "config";
	mpq_fmt_t we = scheme_elem(c->wq.scheme, c->wq.asym);
	mpq_fmt_t ae = scheme_elem(c->aq.scheme, c->aq.asym);
	unsigned fbw = fixed_block(c->wq.scheme), fba = fixed_block(c->aq.scheme);
	bool ff = is_plain_float(c->wq.scheme) && is_plain_float(c->aq.scheme);
	unsigned need;

	if (c->version != MPS_CFG_VERSION)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: version must be %d", f,
		                   MPS_CFG_VERSION);
	if (c->weight != we)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [pe] weight = %s does not match "
		                   "[quant] wscheme = %s%s (elements are %s)", f,
		                   mpq_format(c->weight)->name, mpq_scheme_name(c->wq.scheme),
		                   c->wq.asym ? " with asym" : "", mpq_format(we)->name);
	if (c->act != ae)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [pe] act = %s does not match "
		                   "[quant] ascheme = %s (elements are %s)", f,
		                   mpq_format(c->act)->name, mpq_scheme_name(c->aq.scheme),
		                   mpq_format(ae)->name);
	if (c->wq.asym && c->wq.scheme != MPQ_S_INT4 && c->wq.scheme != MPQ_S_INT8)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [quant] asym needs wscheme int4 "
		                   "or int8 (got %s)", f, mpq_scheme_name(c->wq.scheme));
	if (c->aq.scheme == MPQ_S_AMXFP4)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [quant] ascheme = amxfp4: AMXFP4 "
		                   "is a weight scheme", f);
	if (c->kind == MPS_PEK_SHIFT_ADD && c->weight != MPQ_E2M1 &&
	    c->weight != MPQ_INT4 && c->weight != MPQ_UINT4)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [pe] kind = shift-add needs a "
		                   "4-bit weight format (e2m1, int4, uint4), got %s", f,
		                   mpq_format(c->weight)->name);
	if (c->accumulate == MPQ_ACC_ALIGN && c->act != MPQ_FP16 && c->act != MPQ_BF16)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [quant] accumulate = align needs "
		                   "fp16 or bf16 activations (ascheme = %s)", f,
		                   mpq_scheme_name(c->aq.scheme));
	if (!ff && (c->act == MPQ_BF16) && c->accumulate != MPQ_ACC_ALIGN)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: bf16 activations need "
		                   "[quant] accumulate = align", f);
	if (!ff && c->weight == MPQ_BF16)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: bf16 weights need fp16/bf16 "
		                   "activations (float x float)", f);
	if (ff) {
		if (c->group != 1)
			return mps_err_set(err, MPS_ERR_INVAL, "%s: %s x %s (float x float) needs "
			                   "[quant] group = 1 (numerics.md 3.6)", f,
			                   mpq_scheme_name(c->wq.scheme), mpq_scheme_name(c->aq.scheme));
		if (c->kind != MPS_PEK_MULTIPLIER)
			return mps_err_set(err, MPS_ERR_INVAL, "%s: float x float needs "
			                   "[pe] kind = multiplier", f);
		if (c->accumulate == MPQ_ACC_ALIGN)
			return mps_err_set(err, MPS_ERR_INVAL, "%s: float x float does not take "
			                   "accumulate = align", f);
	}
	if (c->group && fbw && fbw % c->group)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [quant] group = %u does not divide "
		                   "the %s block of %u", f, c->group,
		                   mpq_scheme_name(c->wq.scheme), fbw);
	if (c->group && fba && fba % c->group)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [quant] group = %u does not divide "
		                   "the %s block of %u", f, c->group,
		                   mpq_scheme_name(c->aq.scheme), fba);
	if (c->dataflow == MPS_DF_OS && c->dq_place != MPS_DQ_PE)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [dequant] placement = edge needs "
		                   "[array] dataflow = ws (os dequantizes in the PE)", f);
	if (c->dataflow == MPS_DF_WS && c->dq_place == MPS_DQ_PE && c->dq_latency != 1)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [dequant] latency = %u: with "
		                   "dataflow = ws and placement = pe the dequant is part of the "
		                   "PE's cycle and latency must be 1 (docs/timing.md 3.2)", f,
		                   c->dq_latency);
	if (c->dq_place == MPS_DQ_EDGE && (c->group == 0 || c->group % c->rows))
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [dequant] placement = edge needs "
		                   "[quant] group (%u) to be a non-zero multiple of [array] "
		                   "rows (%u)", f, c->group, c->rows);
	if (c->accumulate == MPQ_ACC_EXACT && c->dataflow == MPS_DF_WS)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [quant] accumulate = exact needs "
		                   "[array] dataflow = os (a ws partial result carries an FP32 "
		                   "accumulator, docs/timing.md 3.2)", f);
	if (c->dq_place == MPS_DQ_EDGE && ff)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: float x float has no group sum to "
		                   "dequantize at the edge", f);
	if (c->dq_interval == 0 || c->dq_interval > MPS_CFG_MAX_DQ_INTERVAL)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [dequant] interval = %u is out of "
		                   "range 1..%u", f, c->dq_interval, MPS_CFG_MAX_DQ_INTERVAL);
	if (c->dq_interval != 1 && ff)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: [dequant] interval = %u: float x "
		                   "float has no dequant unit (every step adds fl32(a w))", f,
		                   c->dq_interval);
	need = mps_cfg_acc_width(c, c->group);
	if (need > 63)
		return mps_err_set(err, MPS_ERR_INVAL, "%s: %s x %s with group %u needs a "
		                   "%u-bit partial sum; this simulator supports at most 63 bits "
		                   "(use a smaller group)", f, mpq_format(c->weight)->name,
		                   mpq_format(c->act)->name, c->group, need);
	if (c->acc_width_set) {
		if (c->acc_width < need && need)
			return mps_err_set(err, MPS_ERR_INVAL, "%s: [pe] AccWidth = %u is below "
			                   "the %u bits the exact group sum needs (docs/pe.md)", f,
			                   c->acc_width, need);
	} else {
		c->acc_width = need;
	}
	return MPS_OK;
}

/* ---- parser ------------------------------------------------------------- */

enum { SEC_TOP = 0, SEC_ARRAY, SEC_PE, SEC_QUANT, SEC_DEQUANT, SEC_MEMORY,
       SEC_CLOCK, SEC_ENERGY, NSEC };
static const char *const sec_names[NSEC] = {
	"", "array", "pe", "quant", "dequant", "memory", "clock", "energy"
};

typedef enum { K_UINT, K_REAL, K_BOOL, K_ENUM, K_FMT, K_SCHEME } ktype_t;

typedef struct {
	int sec;
	const char *key;
	ktype_t type;
	double lo, hi;           /* K_UINT / K_REAL range (K_REAL: lo exclusive) */
	const char *const *enm;  /* K_ENUM: NULL-terminated value names */
} keydef_t;

static const char *const e_dataflow[] = { "os", "ws", NULL };
static const char *const e_kind[] = { "shift-add", "multiplier", NULL };
static const char *const e_acc[] = { "fp32", "exact", "align", NULL };
static const char *const e_rule[] = { "floor", "ceil", NULL };
static const char *const e_dq[] = { "pe", "edge", NULL };

enum {
	KY_VERSION = 0, KY_ROWS, KY_COLS, KY_DATAFLOW, KY_KIND, KY_WEIGHT, KY_ACT,
	KY_ACCW, KY_WSCHEME, KY_ASCHEME, KY_GROUP, KY_ACCUM, KY_ALIGN, KY_RULE,
	KY_ASYM, KY_PLACE, KY_LAT, KY_INTV, KY_IBUF, KY_WBUF, KY_OBUF, KY_BW, KY_DLAT,
	KY_MHZ, NKEY
};

static const keydef_t keys[NKEY] = {
	[KY_VERSION] = { SEC_TOP, "version", K_UINT, 1, 1, NULL },
	[KY_ROWS] = { SEC_ARRAY, "rows", K_UINT, 1, MPS_CFG_MAX_DIM, NULL },
	[KY_COLS] = { SEC_ARRAY, "cols", K_UINT, 1, MPS_CFG_MAX_DIM, NULL },
	[KY_DATAFLOW] = { SEC_ARRAY, "dataflow", K_ENUM, 0, 0, e_dataflow },
	[KY_KIND] = { SEC_PE, "kind", K_ENUM, 0, 0, e_kind },
	[KY_WEIGHT] = { SEC_PE, "weight", K_FMT, 0, 0, NULL },
	[KY_ACT] = { SEC_PE, "act", K_FMT, 0, 0, NULL },
	[KY_ACCW] = { SEC_PE, "AccWidth", K_UINT, 2, MPS_CFG_MAX_ACC_WIDTH, NULL },
	[KY_WSCHEME] = { SEC_QUANT, "wscheme", K_SCHEME, 0, 0, NULL },
	[KY_ASCHEME] = { SEC_QUANT, "ascheme", K_SCHEME, 0, 0, NULL },
	[KY_GROUP] = { SEC_QUANT, "group", K_UINT, 0, 65536, NULL },
	[KY_ACCUM] = { SEC_QUANT, "accumulate", K_ENUM, 0, 0, e_acc },
	[KY_ALIGN] = { SEC_QUANT, "align_bits", K_UINT, 8, 32, NULL },
	[KY_RULE] = { SEC_QUANT, "scale_rule", K_ENUM, 0, 0, e_rule },
	[KY_ASYM] = { SEC_QUANT, "asym", K_BOOL, 0, 0, NULL },
	[KY_PLACE] = { SEC_DEQUANT, "placement", K_ENUM, 0, 0, e_dq },
	[KY_LAT] = { SEC_DEQUANT, "latency", K_UINT, 1, MPS_CFG_MAX_DQ_LATENCY, NULL },
	[KY_INTV] = { SEC_DEQUANT, "interval", K_UINT, 1, MPS_CFG_MAX_DQ_INTERVAL, NULL },
	[KY_IBUF] = { SEC_MEMORY, "ibuf_kib", K_UINT, 1, 1048576, NULL },
	[KY_WBUF] = { SEC_MEMORY, "wbuf_kib", K_UINT, 1, 1048576, NULL },
	[KY_OBUF] = { SEC_MEMORY, "obuf_kib", K_UINT, 1, 1048576, NULL },
	[KY_BW] = { SEC_MEMORY, "dram_bytes_per_cycle", K_UINT, 1, 65536, NULL },
	[KY_DLAT] = { SEC_MEMORY, "dram_latency", K_UINT, 0, 100000, NULL },
	[KY_MHZ] = { SEC_CLOCK, "mhz", K_REAL, 0, 100000, NULL },
};

typedef struct {
	mps_cfg_t *c;
	const char *fname;
	int line;          /* current line (counted by our reader) */
	int seen[NKEY];    /* line where each key was set, 0 = not yet */
	bool wfmt_set, afmt_set;
	int rc;
	mps_err_t *err;
} pstate_t;

static int perr(pstate_t *s, const char *fmt, const char *a, const char *b)
{
	char msg[200];
	snprintf(msg, sizeof msg, fmt, a, b);
	s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s", s->fname, s->line, msg);
	return 0;
}

static int parse_uint(const char *v, unsigned long long *out)
{
	char *end;
	if (!*v || *v == '-' || *v == '+')
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return (errno || *end) ? -1 : 0;
}

static int set_key(pstate_t *s, int k, const char *v)
{
	const keydef_t *d = &keys[k];
	mps_cfg_t *c = s->c;
	unsigned long long u = 0;
	double r = 0.0;
	int ev = 0;
	mpq_fmt_t fm = MPQ_FP32;
	mpq_scheme_t sc = MPQ_S_FP16;
	bool bv = false;
	char rng[64];

	switch (d->type) {
	case K_UINT:
		if (parse_uint(v, &u))
			return perr(s, "%s = '%s': not a non-negative integer", d->key, v);
		if ((double)u < d->lo || (double)u > d->hi) {
			snprintf(rng, sizeof rng, "%.0f..%.0f", d->lo, d->hi);
			s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s = %s: out of "
			                    "range %s", s->fname, s->line, d->key, v, rng);
			return 0;
		}
		break;
	case K_REAL: {
		char *end;
		errno = 0;
		r = strtod(v, &end);
		if (errno || *end || !*v || !isfinite(r))
			return perr(s, "%s = '%s': not a number", d->key, v);
		if (!(r > d->lo && r <= d->hi)) {
			s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s = %s: out of "
			                    "range (%g, %g]", s->fname, s->line, d->key, v,
			                    d->lo, d->hi);
			return 0;
		}
		break;
	}
	case K_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
			bv = true;
		else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
			bv = false;
		else
			return perr(s, "%s = '%s': expected true or false", d->key, v);
		break;
	case K_ENUM: {
		char list[128] = "";
		for (ev = 0; d->enm[ev]; ev++)
			if (!strcmp(v, d->enm[ev]))
				break;
		if (!d->enm[ev]) {
			size_t n = 0;
			for (int i = 0; d->enm[i]; i++)
				n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
				                      i ? "|" : "", d->enm[i]);
			s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s = '%s': "
			                    "expected %s", s->fname, s->line, d->key, v, list);
			return 0;
		}
		break;
	}
	case K_FMT: {
		mps_err_t e2;
		if (mpq_format_lookup(v, &fm, &e2) != MPS_OK) {
			s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s: %s", s->fname,
			                    s->line, d->key, e2.msg);
			return 0;
		}
		break;
	}
	case K_SCHEME: {
		mps_err_t e2;
		if (mpq_scheme_lookup(v, &sc, &e2) != MPS_OK) {
			s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s: %s", s->fname,
			                    s->line, d->key, e2.msg);
			return 0;
		}
		break;
	}
	}

	switch (k) {
	case KY_VERSION: c->version = (int)u; break;
	case KY_ROWS: c->rows = (unsigned)u; break;
	case KY_COLS: c->cols = (unsigned)u; break;
	case KY_DATAFLOW: c->dataflow = (mps_dataflow_t)ev; break;
	case KY_KIND: c->kind = (mps_pe_kind_t)ev; break;
	case KY_WEIGHT: c->weight = fm; s->wfmt_set = true; break;
	case KY_ACT: c->act = fm; s->afmt_set = true; break;
	case KY_ACCW: c->acc_width = (unsigned)u; c->acc_width_set = true; break;
	case KY_WSCHEME: c->wq.scheme = sc; break;
	case KY_ASCHEME: c->aq.scheme = sc; break;
	case KY_GROUP: c->group = (unsigned)u; break;
	case KY_ACCUM: c->accumulate = (mpq_acc_t)ev; break;
	case KY_ALIGN: c->align_bits = (unsigned)u; break;
	case KY_RULE:
		c->wq.rule = c->aq.rule = ev ? MPQ_RULE_CEIL : MPQ_RULE_FLOOR;
		break;
	case KY_ASYM: c->wq.asym = bv; break;
	case KY_PLACE: c->dq_place = (mps_dq_place_t)ev; break;
	case KY_LAT: c->dq_latency = (unsigned)u; break;
	case KY_INTV: c->dq_interval = (unsigned)u; break;
	case KY_IBUF: c->ibuf_kib = (unsigned)u; break;
	case KY_WBUF: c->wbuf_kib = (unsigned)u; break;
	case KY_OBUF: c->obuf_kib = (unsigned)u; break;
	case KY_BW: c->dram_bytes_per_cycle = (unsigned)u; break;
	case KY_DLAT: c->dram_latency = (unsigned)u; break;
	case KY_MHZ: c->mhz = r; break;
	default: break;
	}
	return 1;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	pstate_t *s = user;
	int sec;

	if (s->rc != MPS_OK)
		return 0;
	for (sec = 0; sec < NSEC; sec++)
		if (!strcmp(section, sec_names[sec]))
			break;
	if (sec == NSEC)
		return perr(s, "unknown section [%s]%s", section,
		            " (valid: array, pe, quant, dequant, memory, clock, energy)");
	if (!name) /* a section header (INI_CALL_HANDLER_ON_NEW_SECTION builds) */
		return 1;
	if (sec == SEC_ENERGY) { /* checked by the energy model (sim/energy.c, docs/energy.md) */
		mps_energy_t et;
		mps_err_t e2;
		memset(&et, 0, sizeof et);
		if (mps_energy_set(&et, name, value, &e2) == MPS_OK)
			return 1;
		s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %.180s", s->fname, s->line,
		                    e2.msg);
		return 0;
	}
	for (int k = 0; k < NKEY; k++) {
		if (keys[k].sec != sec || strcmp(keys[k].key, name))
			continue;
		if (s->seen[k]) {
			char prev[32];
			snprintf(prev, sizeof prev, "%d", s->seen[k]);
			return perr(s, "duplicate key '%s' (first set on line %s)", name, prev);
		}
		if (k != KY_VERSION && !s->seen[KY_VERSION])
			return perr(s, "'%s' before 'version = 1' (the version must come "
			            "first)%s", name, "");
		s->seen[k] = s->line;
		return set_key(s, k, value);
	}
	if (sec == SEC_TOP)
		return perr(s, "unknown key '%s' outside any section%s", name, "");
	{
		char msg[160];
		snprintf(msg, sizeof msg, "unknown key '%s' in [%s]", name, section);
		s->rc = mps_err_set(s->err, MPS_ERR_PARSE, "%s:%d: %s", s->fname, s->line,
		                    msg);
	}
	return 0;
}

/* Line readers that count lines, so every message can name file:line. */
typedef struct {
	FILE *f;
	const char *text;
	size_t pos;
	pstate_t *s;
} reader_t;

static char *read_line(char *buf, int size, void *stream)
{
	reader_t *r = stream;
	char *out;

	if (r->f) {
		out = fgets(buf, size, r->f);
	} else {
		size_t i = 0;
		if (!r->text[r->pos])
			return NULL;
		while (r->text[r->pos] && i + 1 < (size_t)size) {
			char ch = r->text[r->pos++];
			buf[i++] = ch;
			if (ch == '\n')
				break;
		}
		buf[i] = '\0';
		out = buf;
	}
	if (out) {
		pstate_t *s = r->s;
		const char *p = out;
		s->line++;
		while (*p == ' ' || *p == '\t')
			p++;
		/* section headers are checked here, where their line is known
		 * (inih calls the handler only for keys) */
		if (*p == '[' && s->rc == MPS_OK) {
			const char *e = strchr(p, ']');
			size_t n = e ? (size_t)(e - p - 1) : 0;
			bool known = false;
			for (int i = 1; e && i < NSEC; i++)
				if (strlen(sec_names[i]) == n && !strncmp(p + 1, sec_names[i], n))
					known = true;
			if (e && !known) {
				char name[64];
				snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), p + 1);
				perr(s, "unknown section [%s]%s", name, " (valid: array, pe, quant, "
				     "dequant, memory, clock, energy)");
			}
		}
	}
	return out;
}

static int load(reader_t *r, const char *fname, mps_cfg_t *c, mps_err_t *err)
{
	pstate_t s;
	int rc;

	memset(&s, 0, sizeof s);
	mps_cfg_default(c);
	c->version = 0;
	c->acc_width = 0;
	c->acc_width_set = false;
	snprintf(c->name, sizeof c->name, "%s", fname);
	s.c = c;
	s.fname = fname;
	s.err = err;
	s.rc = MPS_OK;
	r->s = &s;
	rc = ini_parse_stream(read_line, r, handler, &s);
	if (s.rc != MPS_OK)
		return s.rc;
	if (rc != 0)
		return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: INI syntax error", fname, rc);
	if (!s.seen[KY_VERSION])
		return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: missing required key "
		                   "'version = 1'", fname, s.line > 0 ? s.line : 1);
	if (!s.seen[KY_WSCHEME] || !s.seen[KY_ASCHEME])
		return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: missing required key [quant] "
		                   "%s", fname, s.line > 0 ? s.line : 1,
		                   !s.seen[KY_WSCHEME] ? "wscheme" : "ascheme");
	if (!s.seen[KY_ROWS] || !s.seen[KY_COLS])
		return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: missing required key [array] "
		                   "%s", fname, s.line > 0 ? s.line : 1,
		                   !s.seen[KY_ROWS] ? "rows" : "cols");
	/* derived defaults */
	if (!s.wfmt_set)
		c->weight = scheme_elem(c->wq.scheme, c->wq.asym);
	if (!s.afmt_set)
		c->act = scheme_elem(c->aq.scheme, false);
	if (!s.seen[KY_GROUP]) {
		unsigned fw = fixed_block(c->wq.scheme), fa = fixed_block(c->aq.scheme);
		if (is_plain_float(c->wq.scheme) && is_plain_float(c->aq.scheme))
			c->group = 1;
		else if (is_group_scheme(c->wq.scheme) || is_group_scheme(c->aq.scheme))
			c->group = 128;
		else
			c->group = fw && fa ? (fw < fa ? fw : fa) : (fw ? fw : fa);
	}
	if (is_group_scheme(c->wq.scheme))
		c->wq.block = c->group;
	if (is_group_scheme(c->aq.scheme))
		c->aq.block = c->group;
	rc = mps_cfg_check(c, err);
	if (rc != MPS_OK && err) {
		char msg[sizeof err->msg];
		memcpy(msg, err->msg, sizeof msg);
		return mps_err_set(err, MPS_ERR_PARSE, "%s", msg);
	}
	return rc == MPS_OK ? MPS_OK : MPS_ERR_PARSE;
}

int mps_cfg_load_file(FILE *f, const char *fname, mps_cfg_t *c, mps_err_t *err)
{
	reader_t r = { f, NULL, 0, NULL };
	return load(&r, fname, c, err);
}

int mps_cfg_load_string(const char *text, const char *fname, mps_cfg_t *c,
                        mps_err_t *err)
{
	reader_t r = { NULL, text, 0, NULL };
	return load(&r, fname, c, err);
}

int mps_cfg_load(const char *path, mps_cfg_t *c, mps_err_t *err)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot open: %s", path,
		                   strerror(errno));
	rc = mps_cfg_load_file(f, path, c, err);
	fclose(f);
	return rc;
}

/* ---- generated views ---------------------------------------------------- */

typedef struct {
	const char *name;
	long long v;
	const char *what;
} param_t;

static size_t params(const mps_cfg_t *c, param_t *p)
{
	size_t n = 0;
	int wl = mpq_fixed_lsb(c->weight), al = mpq_fixed_lsb(c->act);

#define P(nm, val, w) (p[n].name = (nm), p[n].v = (long long)(val), p[n].what = (w), n++)
	P("Rows", c->rows, "PE rows R");
	P("Cols", c->cols, "PE columns C");
	P("Dataflow", c->dataflow, "0 os, 1 ws");
	P("PeKind", c->kind, "0 shift-add, 1 multiplier");
	P("PeType", mps_cfg_pe_type(c), "docs/pe.md: 0 w4a8 1 w4a16 2 fp4fp8 3 fp4fp4 4 int8 5 fp8 6 fp16 7 generic");
	P("WeightFmt", c->weight, "mpq_fmt_t of the weight element");
	P("ActFmt", c->act, "mpq_fmt_t of the activation element");
	P("WScheme", c->wq.scheme, "mpq_scheme_t of the weights");
	P("AScheme", c->aq.scheme, "mpq_scheme_t of the activations");
	P("AccWidth", c->acc_width, "bits of the exact group partial sum (0: float MAC)");
	P("Group", c->group, "dequant group along K (0: derived at run time)");
	P("AccMode", c->accumulate, "0 fp32, 1 exact, 2 align");
	P("AlignBits", c->align_bits, "align: pre-aligned activation width");
	P("HasZero", c->wq.asym, "weights carry zero points");
	P("Amx", c->wq.scheme == MPQ_S_AMXFP4, "AMXFP4 sign-split partial sums");
	P("DqEdge", c->dq_place, "0 dequant in PE, 1 at the column edge");
	P("DqLatency", c->dq_latency, "column output unit latency, cycles");
	P("WLsb", wl == INT32_MIN ? 0 : wl, "LSB exponent of the weight integer");
	P("ALsb", (al == INT32_MIN ? 0 : al) + (c->aq.scheme == MPQ_S_MXINT8 ? -6 : 0),
	  "LSB exponent of the activation integer (incl. mxint8 -6)");
#undef P
	return n;
}

int mps_cfg_emit_h(const mps_cfg_t *c, FILE *f, mps_err_t *err)
{
	param_t p[32];
	size_t n = params(c, p);

	fprintf(f, "/* mps_params.h - generated by 'mpsim config' from %s; do not edit. */\n"
	           "#ifndef MPS_PARAMS_H\n#define MPS_PARAMS_H\n\n",
	        c->name[0] ? c->name : "(built-in)");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "#define MPS_P_%-10s %lld /* %s */\n", p[i].name, p[i].v, p[i].what);
	fprintf(f, "#define MPS_P_%-10s %u /* ibuf KiB */\n", "IbufKib", c->ibuf_kib);
	fprintf(f, "#define MPS_P_%-10s %u /* wbuf KiB */\n", "WbufKib", c->wbuf_kib);
	fprintf(f, "#define MPS_P_%-10s %u /* obuf KiB */\n", "ObufKib", c->obuf_kib);
	fprintf(f, "#define MPS_P_%-10s %u /* DRAM bytes/cycle */\n", "DramBw",
	        c->dram_bytes_per_cycle);
	fprintf(f, "#define MPS_P_%-10s %u /* DRAM latency, cycles */\n", "DramLat",
	        c->dram_latency);
	fprintf(f, "#define MPS_P_%-10s %.6f /* clock MHz */\n", "Mhz", c->mhz);
	fprintf(f, "\n#endif /* MPS_PARAMS_H */\n");
	if (ferror(f))
		return mps_err_set(err, MPS_ERR_IO, "write error");
	return MPS_OK;
}

int mps_cfg_emit_svh(const mps_cfg_t *c, FILE *f, mps_err_t *err)
{
	param_t p[32];
	size_t n = params(c, p);

	fprintf(f, "// mps_params.svh - generated by 'mpsim config' from %s; do not edit.\n"
	           "`ifndef MPS_PARAMS_SVH\n`define MPS_PARAMS_SVH\n\n",
	        c->name[0] ? c->name : "(built-in)");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "localparam int %-10s = %lld; // %s\n", p[i].name, p[i].v, p[i].what);
	fprintf(f, "\n`endif // MPS_PARAMS_SVH\n");
	if (ferror(f))
		return mps_err_set(err, MPS_ERR_IO, "write error");
	return MPS_OK;
}

int mps_cfg_emit_json(const mps_cfg_t *c, FILE *f, mps_err_t *err)
{
	param_t p[32];
	size_t n = params(c, p);

	fprintf(f, "{\n  \"name\": \"%s\",\n", c->name);
	fprintf(f, "  \"array\": {\"rows\": %u, \"cols\": %u, \"dataflow\": \"%s\"},\n",
	        c->rows, c->cols, mps_cfg_dataflow_name(c->dataflow));
	fprintf(f, "  \"pe\": {\"kind\": \"%s\", \"weight\": \"%s\", \"act\": \"%s\", "
	           "\"AccWidth\": %u, \"type\": \"%s\"},\n", mps_cfg_kind_name(c->kind),
	        mpq_format(c->weight)->name, mpq_format(c->act)->name, c->acc_width,
	        mps_pe_type_name(mps_cfg_pe_type(c)));
	fprintf(f, "  \"quant\": {\"wscheme\": \"%s\", \"ascheme\": \"%s\", \"group\": %u, "
	           "\"accumulate\": \"%s\", \"align_bits\": %u, \"scale_rule\": \"%s\", "
	           "\"asym\": %s},\n", mpq_scheme_name(c->wq.scheme),
	        mpq_scheme_name(c->aq.scheme), c->group, mps_cfg_acc_name(c->accumulate),
	        c->align_bits, c->wq.rule == MPQ_RULE_CEIL ? "ceil" : "floor",
	        c->wq.asym ? "true" : "false");
	fprintf(f, "  \"dequant\": {\"placement\": \"%s\", \"latency\": %u, \"interval\": %u},\n",
	        mps_cfg_dq_name(c->dq_place), c->dq_latency, c->dq_interval);
	fprintf(f, "  \"memory\": {\"ibuf_kib\": %u, \"wbuf_kib\": %u, \"obuf_kib\": %u, "
	           "\"dram_bytes_per_cycle\": %u, \"dram_latency\": %u},\n", c->ibuf_kib,
	        c->wbuf_kib, c->obuf_kib, c->dram_bytes_per_cycle, c->dram_latency);
	fprintf(f, "  \"clock\": {\"mhz\": %g},\n  \"params\": {", c->mhz);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\"%s\": %lld", i ? ", " : "", p[i].name, p[i].v);
	fprintf(f, "}\n}\n");
	if (ferror(f))
		return mps_err_set(err, MPS_ERR_IO, "write error");
	return MPS_OK;
}
