/* model/mpq.h - the golden quantizer library: element formats, casts, block
 * schemes, error metrics and the reference GEMMs.
 *
 * Pure computation: no file I/O, no printing, no global mutable state.
 * Rounding mode, saturation policy and exception flags are arguments.
 * The numerics contract this library implements is ../docs/numerics.md
 * (summary in ARCHITECTURE.md "Numerics contract").
 *
 * Conventions
 *   - Codes are unsigned bit patterns, right-aligned in a uint32_t / uint16_t
 *     (an int4 code is its 4-bit two's complement pattern, 0x0..0xF).
 *   - mbits counts the stored fraction bits only: no sign, no hidden bit
 *     (e2m1 has mbits = 1; microxcaling's "mbits" counts sign and hidden
 *     bit and would say 3).
 *   - GEMM layout: A is M x K (rows = tokens), W is N x K (rows = output
 *     channels, like a PyTorch Linear weight), Y = A * W^T is M x N.  Both
 *     operands are quantized along K.
 */
#ifndef MPS_MODEL_MPQ_H
#define MPS_MODEL_MPQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Element formats
 * ------------------------------------------------------------------------ */

typedef enum {
	MPQ_E2M1 = 0, /* float4_e2m1fn: FP4, no Inf/NaN, max 6 */
	MPQ_E2M3,     /* float6_e2m3fn: no Inf/NaN, max 7.5 */
	MPQ_E3M2,     /* float6_e3m2fn: no Inf/NaN, max 28 */
	MPQ_E4M3,     /* float8_e4m3fn: no Inf, NaN S.1111.111, max 448 */
	MPQ_E5M2,     /* float8_e5m2: IEEE-like, Inf and NaN, max 57344 */
	MPQ_E8M0,     /* float8_e8m0fnu: 2^(c-127), unsigned, no zero, 0xFF NaN */
	MPQ_INT4,     /* two's complement [-8, 7] */
	MPQ_UINT4,    /* [0, 15], asymmetric group quantization codes */
	MPQ_INT8,     /* two's complement [-128, 127] */
	MPQ_UINT8,    /* [0, 255] */
	MPQ_FP16,     /* IEEE binary16 */
	MPQ_BF16,     /* bfloat16 */
	MPQ_FP32,     /* IEEE binary32 */
	MPQ_NFMT
} mpq_fmt_t;

typedef enum {
	MPQ_NAN_NONE = 0, /* no NaN encoding (e2m1, e2m3, e3m2, integers) */
	MPQ_NAN_IEEE,     /* all-ones exponent, non-zero fraction (e5m2, fp16, bf16, fp32) */
	MPQ_NAN_ALLONES   /* only the all-ones magnitude pattern (e4m3 0x7F/0xFF, e8m0 0xFF) */
} mpq_nan_t;

/* One row of the descriptor table.  Integer formats have ebits = mbits = 0. */
typedef struct {
	const char *name;      /* short tag: "e2m1", "int4", ... */
	const char *long_name; /* ml_dtypes name: "float4_e2m1fn", ... */
	unsigned bits;         /* storage width in bits */
	unsigned ebits;        /* exponent field width */
	unsigned mbits;        /* stored fraction bits (no hidden, no sign bit) */
	int bias;              /* exponent bias */
	bool is_signed;        /* has a sign (bit or two's complement) */
	bool is_int;           /* integer format (two's complement if signed) */
	bool has_inf;          /* has an infinity encoding */
	bool has_neg_zero;     /* -0 is a distinct code */
	mpq_nan_t nan;         /* NaN policy */
	double max;            /* largest finite value */
	double min_normal;     /* smallest positive normal (integers: 1) */
	double min_subnormal;  /* smallest positive subnormal (0 if none) */
} mpq_format_t;

/* Descriptor of f; NULL if f is out of range. */
const mpq_format_t *mpq_format(mpq_fmt_t f);

/* Look a format up by its short or long name.  Returns MPS_OK and sets *f, or
 * MPS_ERR_INVAL (with a message listing the valid names) if unknown. */
int mpq_format_lookup(const char *name, mpq_fmt_t *f, mps_err_t *err);

/* ------------------------------------------------------------------------
 * Casts
 * ------------------------------------------------------------------------ */

typedef enum {
	MPQ_RNE = 0, /* round to nearest, ties to even (default) */
	MPQ_RTZ,     /* toward zero ("floor" of the magnitude; e8m0 OCP MX rule) */
	MPQ_RUP      /* toward +infinity ("up"; e8m0 ceil rule) */
} mpq_round_t;

typedef enum {
	MPQ_SAT = 0, /* overflow and +-Inf give +-max finite (default) */
	MPQ_NOSAT    /* IEEE overflow: Inf, or NaN where the format has no Inf */
} mpq_sat_t;

/* Exception flags, OR-ed into *flags (SoftFloat style). */
#define MPQ_FLAG_INEXACT 0x01u   /* the result differs from the input */
#define MPQ_FLAG_OVERFLOW 0x02u  /* magnitude above max finite after rounding */
#define MPQ_FLAG_SAT 0x04u       /* result was clamped to +-max finite */
#define MPQ_FLAG_INVALID 0x08u   /* NaN (or negative into an unsigned format)
                                  * with no faithful encoding */
#define MPQ_FLAG_UNDERFLOW 0x10u /* tiny non-zero input rounded to zero/min */

/* Encode x into format f.  Exact for every double input (one rounding).
 * Never fails; unusual cases set flags (flags may be NULL).
 * Special inputs (fixed here, documented in docs/formats.md):
 *   NaN  -> the format's NaN (canonical: e4m3 0x7F/0xFF by sign, e5m2 0x7F/0xFF,
 *           fp16 0x7E00, bf16 0x7FC0, e8m0 0xFF); formats without NaN return
 *           +max with the NaN's sign (CUDA's behaviour) and set INVALID.
 *   +-Inf -> saturating: +-max (SAT flag); non-saturating: Inf, or NaN for e4m3,
 *           or +-max plus INVALID where the format has neither.
 *   e8m0 (unsigned, no zero): |x| is used for negatives (CUDA), 0 and values
 *           that round below 2^-127 give 0x00 with UNDERFLOW.
 *   Integers: round with rm, then clamp to the range (SAT flag). */
uint32_t mpq_encode(mpq_fmt_t f, double x, mpq_round_t rm, mpq_sat_t sat,
                    uint32_t *flags);

/* Decode code (low f->bits bits used) to a double (exact for every format). */
double mpq_decode(mpq_fmt_t f, uint32_t code);

/* Fixed-point view of an element, used by the datapath reference and the PE
 * models: value(code) == mpq_fixed(f, code) * 2^mpq_fixed_lsb(f) exactly.
 * Defined for e2m1 (lsb -1), e2m3 (-3), e3m2 (-4), e4m3 (-9), e5m2 (-16),
 * int4/uint4/int8/uint8 (0) and fp16 (-24).  NaN/Inf codes return 0 (callers
 * must reject them first with mpq_is_finite).  Not defined for bf16, fp32,
 * e8m0: mpq_fixed_lsb returns INT32_MIN for those. */
int64_t mpq_fixed(mpq_fmt_t f, uint32_t code);
int32_t mpq_fixed_lsb(mpq_fmt_t f);

/* true if code is a finite value of f (not NaN, not Inf). */
bool mpq_is_finite(mpq_fmt_t f, uint32_t code);

/* Slow reference cast (model/ref.c): enumerates every representable value of
 * f and picks the result by explicit comparison, breaking ties explicitly.
 * Same contract as mpq_encode; used only by tests. */
uint32_t mpq_encode_slow(mpq_fmt_t f, double x, mpq_round_t rm,
                         mpq_sat_t sat, uint32_t *flags);

/* ------------------------------------------------------------------------
 * FP32 helpers that fix the contract's roundings (fl32 = one RNE rounding)
 * ------------------------------------------------------------------------ */

/* fl32(p * 2^e * s1 * s2): the exact product rounded once to FP32 (RNE,
 * with FP32 subnormals and overflow to +-Inf).  p is an exact integer
 * (|p| < 2^62); s1, s2 are FP32 scale factors (pass 1.0f when unused).  A
 * NaN factor gives NaN; an Inf factor gives +-Inf (NaN if p == 0).  This is
 * the contract's per-group dequantization d_g = fl32(P_g * S_g) with the
 * combined scale S_g = s_w * s_a kept exact (docs/numerics.md). */
float mpq_fl32_scale(int64_t p, int e, float s1, float s2);

/* Exact (Kulisch) accumulator for accumulate = exact: holds any sum of terms
 * p * 2^e * s1 * s2 (s1, s2 finite FP32, |p| < 2^62, -400 < e < 400)
 * without rounding. */
typedef struct {
	uint64_t limb[24]; /* two's complement fixed point, LSB weight 2^-800 */
	bool nan;          /* a NaN or Inf term was added */
} mpq_xacc_t;

void mpq_xacc_clear(mpq_xacc_t *x);
void mpq_xacc_add(mpq_xacc_t *x, int64_t p, int e, float s1, float s2);
void mpq_xacc_add_f32(mpq_xacc_t *x, float v);
float mpq_xacc_to_f32(const mpq_xacc_t *x); /* one RNE rounding */

/* ------------------------------------------------------------------------
 * Block schemes and quantized tensors
 * ------------------------------------------------------------------------ */

typedef enum {
	MPQ_S_MXFP4 = 0,   /* OCP MX: e2m1 elements, e8m0 scale, block 32 */
	MPQ_S_MXFP6_E2M3,
	MPQ_S_MXFP6_E3M2,
	MPQ_S_MXFP8_E4M3,
	MPQ_S_MXFP8_E5M2,
	MPQ_S_MXINT8,      /* int8 elements read as k/64, k in [-127, 127] */
	MPQ_S_NVFP4,       /* e2m1, e4m3 scale per 16, fp32 per-tensor (TRT-LLM order) */
	MPQ_S_AMXFP4,      /* e2m1, two e5m2 scales (pos, neg) per 32 */
	MPQ_S_INT4,        /* group quantization, fp16 scales (sym: int4; asym: uint4 + zero) */
	MPQ_S_INT8,        /* group quantization, fp16 scales (sym: int8; asym: uint8 + zero) */
	MPQ_S_ZQFP_M1,     /* ZeroQuant-FP weights: e2m1, power-of-two group scale */
	MPQ_S_ZQFP_M2,     /* ZeroQuant-FP weights: e2m1, fp32 row scale x power-of-two group scale */
	MPQ_S_INT8_TOKEN,  /* per-row symmetric int8, fp32 row scale (activations) */
	MPQ_S_E4M3_TOKEN,  /* per-row e4m3, fp32 row scale amax/448 */
	MPQ_S_E4M3_TENSOR, /* per-tensor e4m3, fp32 scale amax/448 */
	MPQ_S_FP16,        /* plain cast to fp16 */
	MPQ_S_BF16,        /* plain cast to bf16 */
	MPQ_NSCHEME
} mpq_scheme_t;

typedef enum {
	MPQ_RULE_FLOOR = 0, /* OCP MX v1.0 section 6.3: 2^(floor(log2 amax) - emax) */
	MPQ_RULE_CEIL       /* NVIDIA RCEIL: +1 when the block max would clip */
} mpq_rule_t;

typedef struct {
	mpq_scheme_t scheme;
	unsigned block;  /* block/group size along K; 0 = the scheme's default
	                  * (MX/AMX 32, NVFP4 16, INT4/INT8/ZQ 128); for the
	                  * per-row/per-tensor/plain schemes it is ignored */
	mpq_rule_t rule; /* MX scale rule */
	bool asym;       /* INT4/INT8 groups: asymmetric with zero point */
} mpq_qparams_t;

/* What kind of scale a tensor carries per block. */
typedef enum {
	MPQ_SCALE_NONE = 0,
	MPQ_SCALE_CODE /* scales[] holds codes of scale_fmt */
} mpq_scale_kind_t;

/* A quantized tensor of rows x cols, blocks along cols.  Owns its arrays. */
typedef struct {
	mpq_scheme_t scheme;
	mpq_qparams_t params;  /* as resolved (block filled in) */
	size_t rows, cols;
	mpq_fmt_t elem;        /* element format */
	int elem_exp2;         /* extra power of two on every element (mxint8: -6) */
	uint16_t *codes;       /* rows * cols element codes, row-major */
	unsigned block;        /* block size along cols (cols for per-row schemes) */
	size_t nblk;           /* blocks per row = ceil(cols / block) */
	mpq_fmt_t scale_fmt;   /* format of scales[] codes (e8m0, e4m3, e5m2, fp16) */
	unsigned nscale;       /* scales per block: 1, or 2 for amxfp4 (pos, neg) */
	uint16_t *scales;      /* rows * nblk * nscale codes, or NULL */
	uint8_t *zeros;        /* rows * nblk zero points (asym groups), or NULL */
	float *post;           /* rows post-scales in fp32 (per-row, or the per-tensor
	                        * scale repeated), applied after accumulation; NULL = 1 */
	bool post_per_tensor;  /* post[] holds one value repeated */
} mpq_qtensor_t;

/* Error metrics of a dequantized tensor against its float input. */
typedef struct {
	double mse;      /* mean squared error */
	double sqnr_db;  /* 10 log10(sum x^2 / sum err^2); +inf if err == 0 */
	double max_abs;  /* largest |x - q(x)| */
	size_t n;        /* elements compared */
} mpq_metrics_t;

/* Scheme name <-> id ("mxfp4", "nvfp4", "int4", "zqfp_m2", "int8_token", ...).
 * Lookup returns MPS_ERR_INVAL with the list of valid names on failure. */
const char *mpq_scheme_name(mpq_scheme_t s);
int mpq_scheme_lookup(const char *name, mpq_scheme_t *s, mps_err_t *err);

/* Quantize x (rows x cols, row-major, finite FP32) into *q (allocated here;
 * release with mpq_qtensor_free).  If m is non-NULL, fills the error metrics
 * of the dequantized tensor against x.  Errors: MPS_ERR_INVAL (bad params,
 * e.g. block 0 for a scheme that needs one), MPS_ERR_NOMEM. */
int mpq_quantize(const float *x, size_t rows, size_t cols,
                 const mpq_qparams_t *p, mpq_qtensor_t *q, mpq_metrics_t *m,
                 mps_err_t *err);

/* Dequantized value of every element, in FP32, following the scheme's decode
 * recipe (docs/numerics.md).  out has rows * cols entries. */
void mpq_dequantize(const mpq_qtensor_t *q, float *out);

/* Error metrics of a against b (n values). */
void mpq_metrics(const float *ref, const float *got, size_t n, mpq_metrics_t *m);

void mpq_qtensor_free(mpq_qtensor_t *q); /* NULL-safe; zeroes *q */

/* ------------------------------------------------------------------------
 * Reference GEMMs
 * ------------------------------------------------------------------------ */

typedef enum {
	MPQ_ACC_FP32 = 0, /* exact group sums, fl32 dequant per group, FP32 RNE
	                   * accumulation across groups in increasing k */
	MPQ_ACC_EXACT,    /* exact group sums, all groups summed exactly, one
	                   * rounding to FP32 */
	MPQ_ACC_ALIGN     /* W4A16: activations aligned per (row, group) to the
	                   * group's max exponent in align_bits-bit signed
	                   * integers (truncating), then as MPQ_ACC_FP32 */
} mpq_acc_t;

typedef struct {
	mpq_acc_t acc;
	unsigned group;      /* dequant group along K; 0 = derived from the operands'
	                      * block sizes (the smaller one; the larger must be a
	                      * multiple of it; per-row/plain schemes count as K) */
	unsigned align_bits; /* MPQ_ACC_ALIGN only: width of the aligned activation
	                      * integer, 8..32 (default 0 = 16) */
} mpq_gemm_opts_t;

/* y = a * w^T in float64 from unquantized FP32 operands (a: M x K, w: N x K). */
void mpq_gemm_ideal(const float *a, const float *w, size_t M, size_t K,
                    size_t N, double *y);

/* The bit-accurate contract answer (docs/numerics.md): y is M x N FP32.
 * Errors: MPS_ERR_INVAL for operands whose shapes, element formats or group
 * sizes cannot be combined (the message says which), MPS_ERR_NOMEM. */
int mpq_gemm_ref(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                 const mpq_gemm_opts_t *o, float *y, mps_err_t *err);

/* Naive reference: dequantize both operands (mpq_dequantize) and multiply in
 * float64, rounding each output once to FP32. */
int mpq_gemm_naive(const mpq_qtensor_t *a, const mpq_qtensor_t *w, float *y,
                   mps_err_t *err);

/* ---- The datapath's building blocks, shared with the simulator's PE models.
 * mpq_gemm_ref is exactly:
 *     mpq_prep_pair(a, w, o, &pa, &pw);
 *     for each (m, n): acc = +0.0f (or an mpq_xacc_t in exact mode);
 *         for g in 0 .. ngrp-1: for each of the nt = mpq_gemm_terms(...)
 *             terms t: acc = acc + mpq_term_fl32(&t)  (exact: mpq_term_xacc_add)
 *         y = mpq_apply_post(acc, &pa, m, &pw, n);
 * so a PE model that reproduces these calls reproduces y.expected. */

/* One operand decoded for the datapath (docs/numerics.md section 3). */
typedef struct {
	size_t rows, cols;  /* of the quantized tensor; cols = K */
	unsigned group;     /* dequant group size G along K (same for both operands) */
	size_t ngrp;        /* groups per row, ceil(K / G); the last may be partial */
	unsigned width;     /* bits of one stored integer: 16, 32 or 64 (the
	                     * same for both operands of a pair) */
	void *ints;         /* rows * cols fixed-point element integers, row-major,
	                     * int16_t / int32_t / int64_t per width; value =
	                     * int * 2^lsb.  amxfp4: the sign-0 elements only */
	void *ints_neg;     /* amxfp4 weights: the sign-1 elements (others 0); else NULL */
	int lsb;            /* exponent of one integer LSB (includes elem_exp2) */
	int32_t *glsb;      /* rows * ngrp per-(row, group) LSB exponents replacing
	                     * lsb (accumulate = align activations, and the
	                     * float x float group-1 path); NULL = lsb everywhere */
	float *scale;       /* rows * ngrp * nscale decoded block scale of each group
	                     * (1.0f if the scheme has none; NaN for MX 0xFF) */
	unsigned nscale;    /* 1, or 2 for amxfp4 ([0] = sp for sign 0, [1] = sn) */
	int32_t *zero;      /* rows * ngrp zero points (asymmetric weights), or NULL */
	int64_t *gsum;      /* rows * ngrp sum of ints over each group (activations,
	                     * prepared when the weights have zero points), or NULL */
	const float *post;  /* rows post scales, borrowed from the tensor, or NULL */
	int64_t maxabs;     /* bound on |int| (from the element format) */
} mpq_prep_t;

/* One dequantized group term: d = fl32(P * 2^e * s_w * s_a), where the
 * exact partial sum is P = hi * 2^32 + p.  hi is 0 (and |p| < 2^62) except
 * for very wide sums (e4m3/e5m2/fp16 elements with long groups); use
 * mpq_term_fl32 / mpq_term_xacc_add rather than reading p directly. */
typedef struct {
	int64_t p;        /* the exact partial sum of the group, after the
	                   * zero-point correction P - z * sum(a_int); if hi != 0,
	                   * its low 32 bits (0 <= p < 2^32) */
	int64_t hi;       /* P >> 32 when P does not fit in 62 bits, else 0 */
	int e;            /* lsb(W) + lsb(A) of this group */
	float s_w, s_a;   /* decoded block scales of the weight and activation */
} mpq_term_t;

/* Check that a (M x K activations) and w (N x K weights) can be combined
 * under *o (NULL = defaults), derive the group size, and decode both into
 * *pa and *pw (allocated here; free with mpq_prep_free).  Errors:
 * MPS_ERR_INVAL with a message naming the offending operand, format or group
 * (K mismatch, a block not a multiple of the group, bf16 without align,
 * align with non-fp16/bf16 activations, amxfp4 or asymmetric activations,
 * float x float with a group other than 1, non-finite element codes,
 * align_bits outside 8..32), MPS_ERR_NOMEM. */
int mpq_prep_pair(const mpq_qtensor_t *a, const mpq_qtensor_t *w,
                  const mpq_gemm_opts_t *o, mpq_prep_t *pa, mpq_prep_t *pw,
                  mps_err_t *err);

void mpq_prep_free(mpq_prep_t *p); /* NULL-safe; zeroes *p */

/* The terms of group g of output (m, n), in accumulation order: one term,
 * or two for amxfp4 weights (sign-0 part with sp, then sign-1 part with sn).
 * Writes t[0..nt-1] and returns nt.  No rounding happens here. */
unsigned mpq_gemm_terms(const mpq_prep_t *pa, size_t m, const mpq_prep_t *pw,
                        size_t n, size_t g, mpq_term_t t[2]);

/* fl32(P * 2^e * s_w * s_a), one RNE rounding (mpq_fl32_scale when
 * hi == 0): the contract's d for the term. */
float mpq_term_fl32(const mpq_term_t *t);

/* Add the term exactly to an exact accumulator (accumulate = exact). */
void mpq_term_xacc_add(mpq_xacc_t *x, const mpq_term_t *t);

/* Post scales (numerics.md 3.4): fl32(acc * post_a[m] * post_w[n]), one
 * rounding; acc itself if neither operand has post scales. */
float mpq_apply_post(float acc, const mpq_prep_t *pa, size_t m,
                     const mpq_prep_t *pw, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MPS_MODEL_MPQ_H */
