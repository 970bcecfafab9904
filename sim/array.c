/* sim/array.c - cycle model of the PE array (docs/timing.md 2-4) and the
 * feeder that turns a prepared GEMM into per-cycle input records.
 *
 * Implementation notes (observable behaviour is timing.md's; these are
 * only how the C model gets there quickly):
 *   - Skew.  PE(r, c) at cycle t always works on the record of stream step
 *     u = t - r - c (timing.md 2.1, 3.1).  Instead of shifting R x C operand
 *     registers, the model keeps each row's decoded lane values in a ring
 *     indexed by x = u + r (the cycle the value enters PE(r, 0)) stored in
 *     reverse, and each column's by v = u + c (the cycle it enters PE(0, c)),
 *     so that for a fixed row the C operands of one cycle are contiguous.
 *   - Structure of arrays; the per-cycle hot loop is one pass over a row
 *     with no data-dependent branch: p = (p & keep) + a * w, where keep
 *     clears p on the first k of a group and invalid steps carry a = 0.
 *     Dequantization (once per group) runs in a second pass over the few
 *     PEs whose step ends a group.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "dequant.h"

#define RF_TOK 0x40u   /* ring flag: WS token step */
#define RF_VALID 0x80u /* ring flag: valid step */
#define VB_REAL 0x01u  /* lane bit: a real element */
#define VB_NZ 0x02u    /* lane bit: real and non-zero integer */

typedef struct {
	uint8_t fl;        /* step flags (MPS_LF_*) | RF_* */
	uint8_t valid, load;
	uint32_t m;        /* WS: token index */
	float m_post;      /* WS: post scale of the token */
	float sa0;         /* WS: row 0's activation scale (edge dequant) */
	int ea0;           /* WS: row 0's activation LSB exponent (edge dequant) */
} step_t;

typedef struct {
	uint64_t e;        /* cycle E_f of the drain load */
	float *y;          /* R * C outputs (post applied) */
	uint8_t *real;     /* R * C: 1 = real output */
	bool used;
} drain_t;

struct mps_array {
	mps_cfg_t cfg;
	unsigned R, C, D, mask, DS, Dq;
	size_t RS, CS;     /* row ring stride (2D + 16), column ring stride (C up to 16k) */
	bool narrow;       /* os int16 x int16 -> int32 datapath (see narrow_ok) */
	bool ws, edge, amx, ff, align, exact;
	int F, wlsb, alsb;
	mps_fault_t fault;
	mpq_fmt_t wf, af;
	uint64_t t;
	uint32_t wstok;    /* WS: token steps since the last load step */

	bool w8, a8;        /* weight / activation formats of <= 8 bits (LUT decode) */
	int64_t wlut[256];  /* weight code -> fixed integer (<= 8-bit formats) */
	int64_t wflut[256]; /* weight code -> fault(fixed integer), zero point 0 */
	uint8_t wtlut[256]; /* weight code -> mps_pe_terms(wflut) */
	int64_t alut[256];  /* activation code -> fixed integer (<= 8-bit, not align) */

	/* row rings [R][2D] (reversed, doubled) */
	int64_t *ra;
	uint8_t *rfl, *rvb;
	float *rsc, *raf;
	int16_t *rea;
	/* column rings [D][C] */
	int64_t *cw, *cwn, *cpp, *cppn;
	uint8_t *cvb, *cpc;
	float *csw, *csn, *cwf, *cpa;
	/* step ring [DS] */
	step_t *su;

	/* narrow os path: int16 lanes, int32 partial sums [R*CS] */
	int16_t *ra16, *cw16, *cwn16;
	int32_t *P32, *PN32;

	/* PE state [R*C] */
	int64_t *P, *PN;
	float *ACC;
	mpq_xacc_t *X;     /* accumulate = exact (os) */
	/* WS weight registers [R*C] and row flags [R] */
	int64_t *W, *WN;
	uint8_t *WVB, *WPC, *RFLG;
	float *WSW, *WSN, *WF, *WPOST;

	/* OS */
	uint64_t *glist;   /* steps u with G_LAST still in the array */
	size_t gh, gn, gcap;
	float *lpa, *lpw;  /* latched post scales [R], [C] */
	uint8_t *lra, *lrw;/* latched realness [R], [C] */
	drain_t *dq;
	size_t ndq;

	/* WS output pipelines [(Dq + 2) * C] */
	uint8_t *ov, *ofin;
	uint16_t *orow;
	uint32_t *oacc;
	int64_t *op, *opn;

	mps_pe_counters_t ct;
};

static unsigned pow2_at_least(unsigned x)
{
	unsigned p = 1;
	while (p < x)
		p <<= 1;
	return p;
}

static void *zalloc(size_t n, size_t sz, bool *ok)
{
	void *p = calloc(n ? n : 1, sz);
	if (!p)
		*ok = false;
	return p;
}

static inline uint32_t f32_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

static inline float f32_from_bits(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

/* popcount(|w|), as mps_pe_terms (SWAR: the x86-64 baseline has no popcnt) */
static inline unsigned terms64(int64_t w)
{
	uint64_t m = (uint64_t)(w < 0 ? -w : w);
	m = m - ((m >> 1) & 0x5555555555555555ull);
	m = (m & 0x3333333333333333ull) + ((m >> 2) & 0x3333333333333333ull);
	m = (m + (m >> 4)) & 0x0F0F0F0F0F0F0F0Full;
	return (unsigned)((m * 0x0101010101010101ull) >> 56);
}

void mps_array_free(mps_array_t *a)
{
	if (!a)
		return;
	void *ptrs[] = { a->ra, a->rfl, a->rvb, a->rsc, a->raf, a->rea, a->cw, a->cwn,
	                 a->cpp, a->cppn, a->cvb, a->cpc, a->csw, a->csn, a->cwf,
	                 a->cpa, a->su, a->P, a->PN, a->ACC, a->X, a->W, a->WN, a->WVB,
	                 a->WPC, a->RFLG, a->WSW, a->WSN, a->WF, a->WPOST, a->glist,
	                 a->lpa, a->lpw, a->lra, a->lrw, a->ov, a->ofin, a->orow,
	                 a->oacc, a->op, a->opn, a->ra16, a->cw16, a->cwn16, a->P32,
	                 a->PN32 };
	for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++)
		free(ptrs[i]);
	if (a->dq) {
		for (size_t i = 0; i < a->ndq; i++) {
			free(a->dq[i].y);
			free(a->dq[i].real);
		}
		free(a->dq);
	}
	free(a);
}

/* The narrow os datapath is exact when every lane value fits int16 and
 * every group partial sum fits int32: |a| <= 32767, |w_eff| <= max|w| + 255
 * (zero point) <= 32767, and G * max|a| * max|w_eff| < 2^31 (a partial sum
 * is cleared at the first k of every group; invalid lanes carry a = 0).
 * The faults only shrink |w_eff| or flip its sign.  Per-channel groups
 * (group = 0) and the float/exact/align/ws variants take the int64 path. */
static bool narrow_ok(const mps_array_t *a)
{
	int64_t ma = 0, mw = 0;

	if (a->ws || a->ff || a->exact || a->align || a->cfg.group == 0 ||
	    mpq_format(a->wf)->bits > 8 || mpq_format(a->af)->bits > 8)
		return false;
	for (unsigned c = 0; c < (1u << mpq_format(a->wf)->bits); c++)
		mw = llabs(a->wlut[c]) > mw ? llabs(a->wlut[c]) : mw;
	for (unsigned c = 0; c < (1u << mpq_format(a->af)->bits); c++)
		ma = llabs(a->alut[c]) > ma ? llabs(a->alut[c]) : ma;
	mw += 255;
	return ma <= 32767 && mw <= 32767 &&
	       (double)a->cfg.group * (double)ma * (double)mw < 0x1p31;
}

int mps_array_new(const mps_cfg_t *cfg, mps_fault_t fault, mps_array_t **out,
                  mps_err_t *err)
{
	mps_array_t *a;
	bool ok = true;
	size_t R, C, RC, D2;

	*out = NULL;
	if (cfg->accumulate == MPQ_ACC_EXACT && cfg->dataflow == MPS_DF_WS)
		return mps_err_set(err, MPS_ERR_INVAL, "accumulate = exact needs dataflow = os "
		                   "(a ws partial result carries an FP32 accumulator)");
	if (!(a = calloc(1, sizeof *a)))
		return mps_err_set(err, MPS_ERR_NOMEM, "array: out of memory");
	a->cfg = *cfg;
	a->R = cfg->rows;
	a->C = cfg->cols;
	a->D = pow2_at_least(a->R + a->C + 1);
	a->mask = a->D - 1;
	a->DS = pow2_at_least(2 * a->R + a->C + 4);
	a->Dq = cfg->dq_latency;
	a->ws = cfg->dataflow == MPS_DF_WS;
	a->edge = cfg->dq_place == MPS_DQ_EDGE;
	a->amx = cfg->wq.scheme == MPQ_S_AMXFP4;
	a->ff = mps_cfg_pe_type(cfg) == MPS_PE_FP16;
	a->align = cfg->accumulate == MPQ_ACC_ALIGN;
	a->exact = cfg->accumulate == MPQ_ACC_EXACT;
	a->F = (int)(cfg->align_bits ? cfg->align_bits : 16) - 2;
	a->fault = fault;
	a->wf = cfg->weight;
	a->af = cfg->act;
	a->wlsb = a->ff ? 0 : mpq_fixed_lsb(cfg->weight);
	a->alsb = (a->ff || a->align) ? 0 : mpq_fixed_lsb(cfg->act) +
	          (cfg->aq.scheme == MPQ_S_MXINT8 ? -6 : 0);
	a->w8 = mpq_format(a->wf)->bits <= 8;
	a->a8 = mpq_format(a->af)->bits <= 8;
	if (a->w8)
		for (uint32_t c = 0; c < (1u << mpq_format(a->wf)->bits); c++)
			a->wlut[c] = mpq_fixed(a->wf, c);
	for (uint32_t c = 0; c < 256; c++) {
		a->wflut[c] = mps_pe_fault_w(fault, a->wlut[c]);
		a->wtlut[c] = (uint8_t)mps_pe_terms(a->wflut[c]);
	}
	if (a->a8 && !a->align)
		for (uint32_t c = 0; c < (1u << mpq_format(a->af)->bits); c++)
			a->alut[c] = mpq_fixed(a->af, c);

	R = a->R;
	C = a->C;
	RC = R * C;
	a->RS = 2 * (size_t)a->D + 16;
	a->CS = (C + 15) / 16 * 16;
	a->narrow = narrow_ok(a);
	D2 = a->RS;
	a->ra = zalloc(R * D2, sizeof *a->ra, &ok);
	a->rfl = zalloc(R * D2, 1, &ok);
	a->rvb = zalloc(R * D2, 1, &ok);
	a->rsc = zalloc(R * D2, sizeof(float), &ok);
	a->raf = zalloc(R * D2, sizeof(float), &ok);
	a->rea = zalloc(R * D2, sizeof(int16_t), &ok);
	a->cw = zalloc(a->D * a->CS, sizeof(int64_t), &ok);
	a->cwn = zalloc(a->D * a->CS, sizeof(int64_t), &ok);
	a->cpp = zalloc(a->D * a->CS, sizeof(int64_t), &ok);
	a->cppn = zalloc(a->D * a->CS, sizeof(int64_t), &ok);
	a->cvb = zalloc(a->D * a->CS, 1, &ok);
	a->cpc = zalloc(a->D * a->CS, 1, &ok);
	a->csw = zalloc(a->D * a->CS, sizeof(float), &ok);
	a->csn = zalloc(a->D * a->CS, sizeof(float), &ok);
	a->cwf = zalloc(a->D * a->CS, sizeof(float), &ok);
	a->cpa = zalloc(a->D * a->CS, sizeof(float), &ok);
	a->su = zalloc(a->DS, sizeof(step_t), &ok);
	if (a->narrow) {
		a->ra16 = zalloc(R * D2, sizeof(int16_t), &ok);
		a->cw16 = zalloc(a->D * a->CS, sizeof(int16_t), &ok);
		a->cwn16 = zalloc(a->D * a->CS, sizeof(int16_t), &ok);
		a->P32 = zalloc(R * a->CS, sizeof(int32_t), &ok);
		a->PN32 = zalloc(R * a->CS, sizeof(int32_t), &ok);
	}
	a->P = zalloc(RC, sizeof(int64_t), &ok);
	a->PN = zalloc(RC, sizeof(int64_t), &ok);
	a->ACC = zalloc(RC, sizeof(float), &ok);
	if (a->exact)
		a->X = zalloc(RC, sizeof(mpq_xacc_t), &ok);
	a->W = zalloc(RC, sizeof(int64_t), &ok);
	a->WN = zalloc(RC, sizeof(int64_t), &ok);
	a->WVB = zalloc(RC, 1, &ok);
	a->WPC = zalloc(RC, 1, &ok);
	a->RFLG = zalloc(R, 1, &ok);
	a->WSW = zalloc(RC, sizeof(float), &ok);
	a->WSN = zalloc(RC, sizeof(float), &ok);
	a->WF = zalloc(RC, sizeof(float), &ok);
	a->WPOST = zalloc(C, sizeof(float), &ok);
	a->gcap = R + C + 2;
	a->glist = zalloc(a->gcap, sizeof(uint64_t), &ok);
	a->lpa = zalloc(R, sizeof(float), &ok);
	a->lpw = zalloc(C, sizeof(float), &ok);
	a->lra = zalloc(R, 1, &ok);
	a->lrw = zalloc(C, 1, &ok);
	a->ndq = (R + a->Dq) / (R + C - 1) + 2;
	a->dq = zalloc(a->ndq, sizeof(drain_t), &ok);
	for (size_t i = 0; ok && i < a->ndq; i++) {
		a->dq[i].y = zalloc(RC, sizeof(float), &ok);
		a->dq[i].real = zalloc(RC, 1, &ok);
	}
	a->ov = zalloc((a->Dq + 2) * C, 1, &ok);
	a->ofin = zalloc((a->Dq + 2) * C, 1, &ok);
	a->orow = zalloc((a->Dq + 2) * C, sizeof(uint16_t), &ok);
	a->oacc = zalloc((a->Dq + 2) * C, sizeof(uint32_t), &ok);
	a->op = zalloc((a->Dq + 2) * C, sizeof(int64_t), &ok);
	a->opn = zalloc((a->Dq + 2) * C, sizeof(int64_t), &ok);
	if (!ok) {
		mps_array_free(a);
		return mps_err_set(err, MPS_ERR_NOMEM, "array: out of memory for %ux%u",
		                   cfg->rows, cfg->cols);
	}
	mps_array_reset(a);
	*out = a;
	return MPS_OK;
}

void mps_array_reset(mps_array_t *a)
{
	size_t R = a->R, C = a->C, RC = R * C, D2 = a->RS, DC = a->D * a->CS;

	a->t = 0;
	a->wstok = 0;
	memset(a->ra, 0, R * D2 * sizeof *a->ra);
	memset(a->rfl, 0, R * D2);
	memset(a->rvb, 0, R * D2);
	memset(a->rsc, 0, R * D2 * sizeof(float));
	memset(a->raf, 0, R * D2 * sizeof(float));
	memset(a->rea, 0, R * D2 * sizeof(int16_t));
	memset(a->cw, 0, DC * sizeof(int64_t));
	memset(a->cwn, 0, DC * sizeof(int64_t));
	memset(a->cpp, 0, DC * sizeof(int64_t));
	memset(a->cppn, 0, DC * sizeof(int64_t));
	memset(a->cvb, 0, DC);
	memset(a->cpc, 0, DC);
	memset(a->csw, 0, DC * sizeof(float));
	memset(a->csn, 0, DC * sizeof(float));
	memset(a->cwf, 0, DC * sizeof(float));
	memset(a->cpa, 0, DC * sizeof(float));
	memset(a->su, 0, a->DS * sizeof(step_t));
	if (a->narrow) {
		memset(a->ra16, 0, R * D2 * sizeof(int16_t));
		memset(a->cw16, 0, DC * sizeof(int16_t));
		memset(a->cwn16, 0, DC * sizeof(int16_t));
		memset(a->P32, 0, R * a->CS * sizeof(int32_t));
		memset(a->PN32, 0, R * a->CS * sizeof(int32_t));
	}
	memset(a->P, 0, RC * sizeof(int64_t));
	memset(a->PN, 0, RC * sizeof(int64_t));
	memset(a->ACC, 0, RC * sizeof(float));
	if (a->X)
		for (size_t i = 0; i < RC; i++)
			mpq_xacc_clear(&a->X[i]);
	memset(a->W, 0, RC * sizeof(int64_t));
	memset(a->WN, 0, RC * sizeof(int64_t));
	memset(a->WVB, 0, RC);
	memset(a->WPC, 0, RC);
	memset(a->RFLG, 0, R);
	memset(a->WSW, 0, RC * sizeof(float));
	memset(a->WSN, 0, RC * sizeof(float));
	memset(a->WF, 0, RC * sizeof(float));
	for (size_t c = 0; c < C; c++)
		a->WPOST[c] = 1.0f;
	a->gh = a->gn = 0;
	for (size_t i = 0; i < R; i++) {
		a->lpa[i] = 1.0f;
		a->lra[i] = 0;
	}
	for (size_t i = 0; i < C; i++) {
		a->lpw[i] = 1.0f;
		a->lrw[i] = 0;
	}
	for (size_t i = 0; i < a->ndq; i++)
		a->dq[i].used = false;
	memset(a->ov, 0, (a->Dq + 2) * C);
	memset(&a->ct, 0, sizeof a->ct);
}

uint64_t mps_array_cycles(const mps_array_t *a)
{
	return a->t;
}

void mps_array_counters(const mps_array_t *a, mps_pe_counters_t *ct)
{
	*ct = a->ct;
}

/* ---- edge decoders (the array's input side) ----------------------------- */

static inline int64_t decode_w(const mps_array_t *a, uint16_t code)
{
	if (a->w8)
		return a->wlut[code & 0xFF];
	return mpq_fixed(a->wf, code);
}

/* Activation integer; align: sign(a) floor(|a| 2^(F - E)) (numerics.md 3.5). */
static inline int64_t decode_a(const mps_array_t *a, uint16_t code, int E)
{
	if (a->align) {
		double v = mpq_decode(a->af, code), m;
		if (v == 0.0)
			return 0;
		m = floor(ldexp(fabs(v), a->F - E));
		return (int64_t)(v < 0.0 ? -m : m);
	}
	if (a->a8)
		return a->alut[code & 0xFF];
	return mpq_fixed(a->af, code);
}

static inline size_t ridx(const mps_array_t *a, unsigned r, uint64_t x)
{
	return (size_t)r * a->RS + ((size_t)(0 - x) & a->mask);
}

static inline void rput_i64(mps_array_t *a, int64_t *arr, size_t i, int64_t v)
{
	arr[i] = v;
	arr[i + a->D] = v;
}

/* ---- injection of one record -------------------------------------------- */

static void inject(mps_array_t *a, const mps_lanes_in_t *in)
{
	const uint64_t u = a->t;
	const unsigned R = a->R, C = a->C, D = a->D;
	step_t *st = &a->su[u & (a->DS - 1)];
	const bool tok = a->ws ? (in->valid && !in->load) : in->valid;
	uint8_t fl = in->valid ? (uint8_t)(in->flags | RF_VALID) : 0;

	memset(st, 0, sizeof *st);
	st->fl = fl;
	st->valid = in->valid;
	st->load = in->load;
	if (a->ws && tok)
		fl |= RF_TOK;

	/* WS weight load: latched into PE row load_row at once */
	if (a->ws && in->load) {
		unsigned r = in->load_row;
		if (r < R) {
			a->RFLG[r] = (uint8_t)(in->valid ? (in->flags | RF_VALID) : 0);
			for (unsigned c = 0; c < C; c++) {
				size_t i = (size_t)r * C + c;
				int64_t w = 0;
				if (in->valid) {
					w = mps_pe_fault_w(a->fault, decode_w(a, in->w_code[c]) -
					                   (int64_t)in->w_zero[c]);
				}
				bool neg = a->amx && ((in->w_code[c] >> 3) & 1u);
				a->W[i] = neg ? 0 : w;
				a->WN[i] = neg ? w : 0;
				a->WVB[i] = (uint8_t)((in->valid && in->w_valid[c] ? VB_REAL : 0) |
				                      (in->valid && in->w_valid[c] && w ? VB_NZ : 0));
				a->WPC[i] = (uint8_t)mps_pe_terms(w);
				a->WSW[i] = f32_from_bits(in->w_scale[c]);
				a->WSN[i] = f32_from_bits(in->w_scale_n[c]);
				a->WF[i] = a->ff ? (float)mpq_decode(a->wf, in->w_code[c]) : 0.0f;
			}
			if (r == 0)
				for (unsigned c = 0; c < C; c++)
					a->WPOST[c] = f32_from_bits(in->w_post[c]);
		}
	}

	/* OS, integer MAC: the lanes the os datapath reads (ra / ra16, rfl,
	 * rvb, rsc, rea; cw / cw16, cwn / cwn16, cvb, cpc, csw, csn).  The
	 * ring pointers live in locals: byte stores would otherwise make the
	 * compiler reload them from *a for every lane. */
	if (!a->ws && !a->ff && !a->align) {
		const size_t RS = a->RS, CS = a->CS, mask = a->mask;
		const bool narrow = a->narrow, amx = a->amx, w8 = a->w8;
		const uint8_t rf = tok ? fl : 0;
		const size_t r0 = (size_t)(0 - (u)) & mask; /* ring slot of x = u + r is r0 - r */
		int16_t *ra16 = a->ra16;
		int64_t *ra = a->ra;
		uint8_t *rfl = a->rfl, *rvb = a->rvb;
		float *rsc = a->rsc;
		for (unsigned r = 0; r < R; r++) {
			size_t i = (size_t)r * RS + ((r0 - r) & mask);
			int64_t v = 0;
			uint8_t vb = 0;
			float sc = 1.0f;
			if (tok) {
				v = decode_a(a, in->a_code[r], 0);
				vb = (uint8_t)(in->a_valid[r] ? (VB_REAL | (v ? VB_NZ : 0)) : 0);
				sc = f32_from_bits(in->a_scale[r]);
			}
			if (narrow) {
				ra16[i] = ra16[i + D] = (int16_t)v;
			} else {
				ra[i] = ra[i + D] = v;
			}
			rfl[i] = rfl[i + D] = rf;
			rvb[i] = rvb[i + D] = vb;
			rsc[i] = rsc[i + D] = sc;
		}
		{
			int16_t *cw16 = a->cw16, *cwn16 = a->cwn16;
			int64_t *cw = a->cw, *cwn = a->cwn;
			uint8_t *cvb = a->cvb, *cpc = a->cpc;
			float *csw = a->csw, *csn = a->csn;
			const int64_t *wflut = a->wflut;
			const uint8_t *wtlut = a->wtlut;
			for (unsigned c = 0; c < C; c++) {
				size_t i = (size_t)((u + c) & mask) * CS + c;
				int64_t w = 0;
				unsigned pc = 0;
				bool neg = false;
				if (tok) {
					uint16_t code = in->w_code[c];
					if (w8 && !in->w_zero[c]) {
						w = wflut[code & 0xFF];
						pc = wtlut[code & 0xFF];
					} else {
						w = mps_pe_fault_w(a->fault, decode_w(a, code) -
						                   (int64_t)in->w_zero[c]);
						pc = terms64(w);
					}
					neg = amx && ((code >> 3) & 1u);
				}
				if (narrow) {
					cw16[i] = (int16_t)(neg ? 0 : w);
					if (amx)
						cwn16[i] = (int16_t)(neg ? w : 0);
				} else {
					cw[i] = neg ? 0 : w;
					cwn[i] = neg ? w : 0;
				}
				cvb[i] = (uint8_t)(tok && in->w_valid[c] ?
				                   (VB_REAL | (w ? VB_NZ : 0)) : 0);
				cpc[i] = (uint8_t)pc;
				csw[i] = tok ? f32_from_bits(in->w_scale[c]) : 1.0f;
				if (amx)
					csn[i] = tok ? f32_from_bits(in->w_scale_n[c]) : 1.0f;
			}
		}
		goto lanes_done;
	}

	/* row lanes: x = u + r */
	for (unsigned r = 0; r < R; r++) {
		size_t i = ridx(a, r, u + r);
		int64_t v = 0;
		uint8_t vb = 0;
		float sc = 1.0f, af = 0.0f;
		int16_t ea = (int16_t)a->alsb;
		if (tok) {
			int E = in->a_align[r];
			v = decode_a(a, in->a_code[r], E);
			if (a->align)
				ea = (int16_t)(E - a->F);
			if (a->ff) {
				af = (float)mpq_decode(a->af, in->a_code[r]);
				v = af != 0.0f;
			}
			vb = (uint8_t)(in->a_valid[r] ? (VB_REAL | (v ? VB_NZ : 0)) : 0);
			sc = f32_from_bits(in->a_scale[r]);
			if (a->ff)
				v = 0;
		}
		if (a->narrow)
			a->ra16[i] = a->ra16[i + D] = (int16_t)v;
		else
			rput_i64(a, a->ra, i, v);
		a->rfl[i] = a->rfl[i + D] = tok ? fl : 0;
		a->rvb[i] = a->rvb[i + D] = vb;
		a->rsc[i] = a->rsc[i + D] = sc;
		a->raf[i] = a->raf[i + D] = af;
		a->rea[i] = a->rea[i + D] = ea;
	}
	if (a->ws && tok) {
		st->m_post = f32_from_bits(in->m_post);
		st->sa0 = f32_from_bits(in->a_scale[0]);
		st->ea0 = a->align ? in->a_align[0] - a->F : a->alsb;
	}

	/* column lanes: v = u + c */
	for (unsigned c = 0; c < C; c++) {
		size_t i = (size_t)((u + c) & a->mask) * a->CS + c;
		if (!a->ws) {
			int64_t w = 0;
			bool neg = false;
			if (tok) {
				w = mps_pe_fault_w(a->fault, decode_w(a, in->w_code[c]) -
				                   (int64_t)in->w_zero[c]);
				neg = a->amx && ((in->w_code[c] >> 3) & 1u);
			}
			if (a->narrow) {
				a->cw16[i] = (int16_t)(neg ? 0 : w);
				a->cwn16[i] = (int16_t)(neg ? w : 0);
			} else {
				a->cw[i] = neg ? 0 : w;
				a->cwn[i] = neg ? w : 0;
			}
			a->cvb[i] = (uint8_t)(tok && in->w_valid[c] ?
			                      (VB_REAL | (w ? VB_NZ : 0)) : 0);
			a->cpc[i] = (uint8_t)mps_pe_terms(w);
			a->csw[i] = tok ? f32_from_bits(in->w_scale[c]) : 1.0f;
			a->csn[i] = tok ? f32_from_bits(in->w_scale_n[c]) : 1.0f;
			if (a->ff) {
				float wv = tok ? (float)mpq_decode(a->wf, in->w_code[c]) : 0.0f;
				a->cwf[i] = wv;
				a->cvb[i] = (uint8_t)(tok && in->w_valid[c] ?
				                      (VB_REAL | (wv != 0.0f ? VB_NZ : 0)) : 0);
			}
		} else {
			a->cpp[i] = tok ? in->pin_p[c] : 0;
			a->cppn[i] = tok ? in->pin_pn[c] : 0;
			a->cpa[i] = tok ? f32_from_bits(in->pin_acc[c]) : 0.0f;
		}
	}

lanes_done:
	if (!a->ws && in->valid) {
		if (in->flags & MPS_LF_K_LAST) {
			for (unsigned r = 0; r < R; r++) {
				a->lpa[r] = f32_from_bits(in->a_post[r]);
				a->lra[r] = in->a_valid[r];
			}
			for (unsigned c = 0; c < C; c++) {
				a->lpw[c] = f32_from_bits(in->w_post[c]);
				a->lrw[c] = in->w_valid[c];
			}
		}
		if (in->flags & MPS_LF_G_LAST) {
			a->glist[(a->gh + a->gn) % a->gcap] = u;
			a->gn++;
		}
	}
	if (a->ws && in->load)
		a->wstok = 0;
	if (a->ws && tok) {
		/* token index: counts token steps since the last load step (idle
		 * bubbles between tokens, timing.md 3.4, do not count) */
		st->m = a->wstok++;
	}
}

/* ---- OS -------------------------------------------------------------------- */

static float pe_acc_value(const mps_array_t *a, size_t i)
{
	return a->exact ? mpq_xacc_to_f32(&a->X[i]) : a->ACC[i];
}

static void os_dequant(mps_array_t *a, unsigned r, unsigned c, uint64_t u)
{
	const uint64_t t = a->t;
	size_t i = (size_t)r * a->C + c;
	size_t ri = ridx(a, r, t - c);
	size_t ci = (size_t)((t - r) & a->mask) * a->CS + c;
	uint8_t f = a->rfl[ri];
	/* the os integer path keeps no per-step alignment ring: without
	 * accumulate = align it is the constant alsb */
	int e = a->wlsb + ((a->align || a->ff) ? a->rea[ri] : a->alsb);
	float sa = a->rsc[ri];

	(void)u;
	if (a->exact) {
		if (f & MPS_LF_FOLD_FIRST)
			mpq_xacc_clear(&a->X[i]);
		mpq_xacc_add(&a->X[i], a->P[i], e, a->csw[ci], sa);
		if (a->amx)
			mpq_xacc_add(&a->X[i], a->PN[i], e, a->csn[ci], sa);
	} else if (a->narrow) {
		size_t j = (size_t)r * a->CS + c;
		float acc = (f & MPS_LF_FOLD_FIRST) ? 0.0f : a->ACC[i];
		acc = acc + mps_dq_term(a->P32[j], e, a->csw[ci], sa);
		if (a->amx)
			acc = acc + mps_dq_term(a->PN32[j], e, a->csn[ci], sa);
		a->ACC[i] = acc;
		a->P32[j] = 0;
		a->PN32[j] = 0;
	} else {
		float acc = (f & MPS_LF_FOLD_FIRST) ? 0.0f : a->ACC[i];
		acc = acc + mps_dq_term(a->P[i], e, a->csw[ci], sa);
		if (a->amx)
			acc = acc + mps_dq_term(a->PN[i], e, a->csn[ci], sa);
		a->ACC[i] = acc;
	}
	a->P[i] = 0;
	a->PN[i] = 0;
	if (a->rvb[ri] & a->cvb[ci] & VB_REAL) {
		unsigned n = a->amx ? 2u : 1u;
		a->ct.dequant_ops += n;
		a->ct.acc_updates += n;
	}
}

/* p = (p & keep) + a * w for 16 PEs of a row, keep = 0 on the first k of a
 * group.  The partial sums go through a local copy so that the compiler
 * sees no aliasing and vectorizes (int16 x int16 -> int32, SSE2). */
static inline void mac16(int32_t *restrict p, const int16_t *restrict av,
                         const int16_t *restrict wv, const uint8_t *restrict fl)
{
	for (int j = 0; j < 16; j++) {
		int32_t keep = (int32_t)((fl[j] & MPS_LF_G_FIRST) != 0) - 1;
		p[j] = (p[j] & keep) + (int32_t)av[j] * wv[j];
	}
}

typedef uint8_t v16u8 __attribute__((vector_size(16)));

/* Sum of the 16 bytes of v (each <= 255). */
static inline uint64_t hsum16(v16u8 v)
{
	uint64_t x[2];
	memcpy(x, &v, sizeof x);
	for (int i = 0; i < 2; i++) {
		x[i] = (x[i] & 0x00FF00FF00FF00FFull) + ((x[i] >> 8) & 0x00FF00FF00FF00FFull);
		x[i] = (x[i] * 0x0001000100010001ull) >> 48;
	}
	return x[0] + x[1];
}

static void os_compute(mps_array_t *a)
{
	const uint64_t t = a->t;
	const unsigned R = a->R, C = a->C;
	uint64_t ops = 0, nz = 0, sa = 0;

	if (a->narrow) {
		/* 16 columns at a time (padding columns carry w = 0 and no lane
		 * bits), column chunk outer, rows inner; the activity counters
		 * accumulate per lane in bytes and are summed every 16 rows */
		const size_t CS = a->CS, RS = a->RS, mask = a->mask;
		const size_t x0 = (size_t)(0 - t) & mask; /* ridx(r, t) = r RS + x0 */
		const bool amx = a->amx;
		int32_t *const P32 = a->P32, *const PN32 = a->PN32;
		const int16_t *const ra16 = a->ra16, *const cw16 = a->cw16, *const cwn16 = a->cwn16;
		const uint8_t *const rfl = a->rfl, *const rvb = a->rvb;
		const uint8_t *const cvb = a->cvb, *const cpc = a->cpc;
		for (size_t c0 = 0; c0 < CS; c0 += 16) {
			v16u8 ob = { 0 }, zb = { 0 }, sb = { 0 };
			unsigned nacc = 0;
			for (unsigned r = 0; r < R; r++) {
				size_t rb = (size_t)r * RS + x0 + c0;
				size_t kb = (size_t)((t - r) & mask) * CS + c0;
				v16u8 rv, cv, pc, b;
				mac16(P32 + (size_t)r * CS + c0, ra16 + rb, cw16 + kb, rfl + rb);
				if (amx)
					mac16(PN32 + (size_t)r * CS + c0, ra16 + rb, cwn16 + kb, rfl + rb);
				memcpy(&rv, rvb + rb, 16);
				memcpy(&cv, cvb + kb, 16);
				memcpy(&pc, cpc + kb, 16);
				b = rv & cv;
				ob += b & 1;
				zb += (b >> 1) & 1;
				sb += pc & -((rv >> 1) & 1);
				if (++nacc == 16) {
					ops += hsum16(ob);
					nz += hsum16(zb);
					sa += hsum16(sb);
					ob = zb = sb = (v16u8){ 0 };
					nacc = 0;
				}
			}
			ops += hsum16(ob);
			nz += hsum16(zb);
			sa += hsum16(sb);
		}
	}

	for (unsigned r = 0; r < (a->narrow ? 0u : R); r++) {
		size_t rb = ridx(a, r, t);                      /* x = t - c at rb + c */
		size_t cb = (size_t)((t - r) & a->mask) * a->CS; /* v = t - r */
		const int64_t *av = a->ra + rb;
		const uint8_t *fl = a->rfl + rb, *rv = a->rvb + rb;
		const int64_t *wv = a->cw + cb;
		const uint8_t *cv = a->cvb + cb, *pc = a->cpc + cb;
		int64_t *p = a->P + (size_t)r * C;
		uint32_t o = 0, z = 0, s = 0;

		if (a->ff) {
			const float *af = a->raf + rb, *wf = a->cwf + cb;
			float *acc = a->ACC + (size_t)r * C;
			for (unsigned c = 0; c < C; c++) {
				uint8_t f = fl[c];
				float d = af[c] * wf[c]; /* exact: fp16 x fp16 fits FP32 */
				float base = (f & MPS_LF_FOLD_FIRST) ? 0.0f : acc[c];
				if (a->exact && (f & RF_VALID)) {
					mpq_xacc_t *x = &a->X[(size_t)r * C + c];
					if (f & MPS_LF_FOLD_FIRST)
						mpq_xacc_clear(x);
					mpq_xacc_add_f32(x, d);
				}
				acc[c] = (f & RF_VALID) ? base + d : acc[c];
				uint8_t b = rv[c] & cv[c];
				o += b & 1u;
				z += (b >> 1) & 1u;
			}
			ops += o;
			nz += z;
			continue;
		}
		for (unsigned c = 0; c < C; c++) {
			int64_t keep = (int64_t)((fl[c] & MPS_LF_G_FIRST) != 0) - 1;
			uint8_t b = rv[c] & cv[c];
			p[c] = (p[c] & keep) + av[c] * wv[c];
			o += b & 1u;
			z += (b >> 1) & 1u;
			s += pc[c] & (uint32_t)-(int32_t)((rv[c] >> 1) & 1u);
		}
		if (a->amx) {
			const int64_t *wn = a->cwn + cb;
			int64_t *pn = a->PN + (size_t)r * C;
			for (unsigned c = 0; c < C; c++) {
				int64_t keep = (int64_t)((fl[c] & MPS_LF_G_FIRST) != 0) - 1;
				pn[c] = (pn[c] & keep) + av[c] * wn[c];
			}
		}
		ops += o;
		nz += z;
		sa += s;
	}
	a->ct.mac_ops += ops;
	a->ct.mac_nonzero += nz;
	if (a->cfg.kind == MPS_PEK_SHIFT_ADD)
		a->ct.sa_terms += sa;
	if (a->ff)
		a->ct.acc_updates += ops;

	/* dequant of every PE whose step ends a group (at most one per row per group) */
	if (!a->ff) {
		const uint64_t oldest = t + 2 >= (uint64_t)R + C ? t + 2 - R - C : 0;
		while (a->gn && a->glist[a->gh] < oldest) {
			a->gh = (a->gh + 1) % a->gcap;
			a->gn--;
		}
		for (size_t j = 0; j < a->gn; j++) {
			uint64_t u = a->glist[(a->gh + j) % a->gcap];
			for (unsigned r = 0; r < R; r++) {
				if (t < u + r)
					break;
				uint64_t c = t - u - r;
				if (c < C)
					os_dequant(a, r, (unsigned)c, u);
			}
		}
	} else {
		while (a->gn) { /* unused by the float MAC */
			a->gh = (a->gh + 1) % a->gcap;
			a->gn--;
		}
	}

	/* fold end: PE(R-1, C-1) did k = K-1 this cycle -> load the drain chain */
	if (t + 2 >= (uint64_t)R + C) {
		const step_t *st = &a->su[(t + 2 - R - C) & (a->DS - 1)];
		if ((st->fl & RF_VALID) && (st->fl & MPS_LF_K_LAST)) {
			drain_t *d = NULL;
			for (size_t i = 0; i < a->ndq && !d; i++)
				if (!a->dq[i].used)
					d = &a->dq[i];
			if (d) {
				d->used = true;
				d->e = t;
				for (unsigned r = 0; r < R; r++)
					for (unsigned c = 0; c < C; c++) {
						size_t i = (size_t)r * C + c;
						d->y[i] = mps_dq_post(pe_acc_value(a, i), a->lpa[r],
						                      a->lpw[c]);
						d->real[i] = a->lra[r] && a->lrw[c];
					}
			}
		}
	}
}

static void os_output(mps_array_t *a, mps_lanes_out_t *out)
{
	const uint64_t t = a->t;
	const unsigned R = a->R, C = a->C;

	for (size_t i = 0; i < a->ndq; i++) {
		drain_t *d = &a->dq[i];
		if (!d->used || t < d->e + a->Dq + 1)
			continue;
		uint64_t j = t - d->e - a->Dq; /* 1 .. R */
		unsigned r = (unsigned)(R - j);
		for (unsigned c = 0; c < C; c++) {
			size_t k = (size_t)r * C + c;
			if (out) {
				out->valid[c] = 1;
				out->row[c] = (uint16_t)r;
				out->final[c] = 1;
				out->acc[c] = f32_bits(d->y[k]);
				out->p[c] = 0;
				out->pn[c] = 0;
			}
		}
		if (j >= R)
			d->used = false;
	}
}

/* ---- WS -------------------------------------------------------------------- */

static void ws_compute(mps_array_t *a)
{
	const uint64_t t = a->t;
	const unsigned R = a->R, C = a->C;
	uint64_t ops = 0, nz = 0, sa = 0, dq = 0;

	for (unsigned r = R; r-- > 0;) {
		size_t rb = ridx(a, r, t);
		const int64_t *av = a->ra + rb;
		const uint8_t *fl = a->rfl + rb, *rv = a->rvb + rb;
		const float *rsc = a->rsc + rb, *raf = a->raf + rb;
		const int16_t *rea = a->rea + rb;
		const uint8_t rf = a->RFLG[r];
		const bool rowvalid = rf & RF_VALID;
		size_t top = (size_t)(t & a->mask) * a->CS;
		int64_t *p = a->P + (size_t)r * C, *pn = a->PN + (size_t)r * C;
		float *acc = a->ACC + (size_t)r * C;

		for (unsigned c = 0; c < C; c++) {
			if (!(fl[c] & RF_TOK))
				continue; /* no token at this PE: hold */
			size_t i = (size_t)r * C + c;
			int64_t pin, pnin;
			float ain;
			if (r == 0) {
				pin = a->edge ? 0 : a->cpp[top + c];
				pnin = a->edge ? 0 : a->cppn[top + c];
				ain = a->edge ? 0.0f : a->cpa[top + c];
			} else {
				pin = a->P[i - C];
				pnin = a->PN[i - C];
				ain = a->ACC[i - C];
			}
			if (!rowvalid) {
				p[c] = pin;
				pn[c] = pnin;
				acc[c] = ain;
				continue;
			}
			uint8_t b = rv[c] & a->WVB[i];
			ops += b & 1u;
			nz += (b >> 1) & 1u;
			sa += (rv[c] & VB_NZ) ? a->WPC[i] : 0u;
			if (a->ff) {
				float d = raf[c] * a->WF[i];
				acc[c] = ain + d;
				p[c] = 0;
				if (b & VB_REAL)
					a->ct.acc_updates++;
				continue;
			}
			int64_t np = av[c] * a->W[i], npn = av[c] * a->WN[i];
			if (a->edge || !(rf & MPS_LF_G_FIRST)) {
				np += pin;
				npn += pnin;
			}
			if (!a->edge && (rf & MPS_LF_G_LAST)) {
				int e = a->wlsb + rea[c];
				float s = ain + mps_dq_term(np, e, a->WSW[i], rsc[c]);
				if (a->amx)
					s = s + mps_dq_term(npn, e, a->WSN[i], rsc[c]);
				acc[c] = s;
				np = npn = 0;
				if (b & VB_REAL)
					dq += a->amx ? 2u : 1u;
			} else {
				acc[c] = ain;
			}
			p[c] = np;
			pn[c] = npn;
		}
	}
	a->ct.mac_ops += ops;
	a->ct.mac_nonzero += nz;
	if (a->cfg.kind == MPS_PEK_SHIFT_ADD)
		a->ct.sa_terms += sa;
	a->ct.dequant_ops += dq;
	a->ct.acc_updates += dq;

	/* bottom of every column -> edge unit, result valid Dq + 1 cycles later */
	bool fold_gfirst = a->RFLG[0] & MPS_LF_G_FIRST, fold_glast = false;
	for (unsigned r = 0; r < R; r++)
		if ((a->RFLG[r] & RF_VALID) && (a->RFLG[r] & MPS_LF_G_LAST))
			fold_glast = true;
	for (unsigned c = 0; c < C; c++) {
		if (t + 1 < (uint64_t)R + c)
			continue;
		uint64_t u = t + 1 - R - c;
		const step_t *st = &a->su[u & (a->DS - 1)];
		size_t ri = ridx(a, R - 1, t - c);
		if (!(a->rfl[ri] & RF_TOK))
			continue;
		size_t bi = (size_t)(R - 1) * C + c;
		size_t pi = (size_t)((u + c) & a->mask) * a->CS + c;
		int64_t p = a->P[bi], pn = a->PN[bi];
		float acc = a->ACC[bi];
		if (a->edge) {
			int64_t pp = fold_gfirst ? 0 : a->cpp[pi];
			int64_t ppn = fold_gfirst ? 0 : a->cppn[pi];
			p += pp;
			pn += ppn;
			acc = a->cpa[pi];
			if (fold_glast) {
				int e = a->wlsb + st->ea0;
				acc = acc + mps_dq_term(p, e, a->WSW[c], st->sa0);
				if (a->amx)
					acc = acc + mps_dq_term(pn, e, a->WSN[c], st->sa0);
				p = pn = 0;
				/* real (m, n): tokens are always real in ws; the column is
				 * real if row 0's weight lane was (n < N) */
				if (a->WVB[c] & VB_REAL) {
					unsigned n = a->amx ? 2u : 1u;
					a->ct.dequant_ops += n;
					a->ct.acc_updates += n;
				}
			}
		}
		size_t slot = (size_t)((t + 1 + a->Dq) % (a->Dq + 2)) * C + c;
		bool fin = st->fl & MPS_LF_LAST_KFOLD;
		a->ov[slot] = 1;
		a->orow[slot] = (uint16_t)st->m;
		a->ofin[slot] = fin;
		a->oacc[slot] = f32_bits(fin ? mps_dq_post(acc, st->m_post, a->WPOST[c]) : acc);
		a->op[slot] = fin ? 0 : p;
		a->opn[slot] = fin ? 0 : pn;
	}
}

static void ws_output(mps_array_t *a, mps_lanes_out_t *out)
{
	const unsigned C = a->C;
	size_t base = (size_t)(a->t % (a->Dq + 2)) * C;

	for (unsigned c = 0; c < C; c++) {
		size_t s = base + c;
		if (!a->ov[s])
			continue;
		if (out) {
			out->valid[c] = 1;
			out->row[c] = a->orow[s];
			out->final[c] = a->ofin[s];
			out->acc[c] = a->oacc[s];
			out->p[c] = a->op[s];
			out->pn[c] = a->opn[s];
		}
		a->ov[s] = 0;
	}
}

void mps_array_step(mps_array_t *a, const mps_lanes_in_t *in, mps_lanes_out_t *out)
{
	if (out)
		memset(out->valid, 0, a->C);
	if (!in->en)
		return;
	inject(a, in);
	if (a->ws) {
		ws_output(a, out);
		ws_compute(a);
	} else {
		os_compute(a);
		os_output(a, out);
	}
	a->t++;
}

void mps_array_pe_state(const mps_array_t *a, unsigned r, unsigned c,
                        mps_pe_state_t *st)
{
	size_t i = (size_t)r * a->C + c;

	if (a->narrow) {
		size_t j = (size_t)r * a->CS + c;
		st->p = a->P32[j];
		st->pn = a->amx ? a->PN32[j] : 0;
	} else {
		st->p = a->P[i];
		st->pn = a->amx ? a->PN[i] : 0;
	}
	st->acc = f32_bits(pe_acc_value(a, i));
}
