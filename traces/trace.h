/* traces/trace.h - GEMM trace files: a safetensors container holding one
 * quantized GEMM problem (two mpq_qtensor_t operands), its bit-exact
 * contract answer y.expected and the float64 ideal answer y.ideal.
 *
 * The on-disk layout is specified in traces/FORMAT.md.  Two layers:
 *   - the container (mps_trc_st_*): any safetensors file, e.g. a model's
 *     weights; tensors are views into one buffer owned by the container;
 *   - the trace (mps_trc_*): the container plus the trace schema (names,
 *     dtypes, shapes, metadata, CRC32 of every tensor).
 * Every reader entry point validates its input fully and never reads out of
 * bounds; failures return an mps_status_t and a message naming the file and
 * the tensor or key at fault.  Nothing here prints or exits.
 */
#ifndef MPS_TRACES_TRACE_H
#define MPS_TRACES_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "mpq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest JSON header a reader accepts (the safetensors limit). */
#define MPS_TRC_MAX_HEADER (100u * 1000u * 1000u)
/* Largest number of dimensions of one tensor. */
#define MPS_TRC_MAX_DIM 8

/* ------------------------------------------------------------------------
 * safetensors container
 * ------------------------------------------------------------------------ */

/* safetensors dtypes (the strings of the format's "dtype" field). */
typedef enum {
	MPS_DT_BOOL = 0,
	MPS_DT_U8,
	MPS_DT_I8,
	MPS_DT_F8_E5M2,
	MPS_DT_F8_E4M3,
	MPS_DT_I16,
	MPS_DT_U16,
	MPS_DT_F16,
	MPS_DT_BF16,
	MPS_DT_I32,
	MPS_DT_U32,
	MPS_DT_F32,
	MPS_DT_F64,
	MPS_DT_I64,
	MPS_DT_U64,
	MPS_NDT
} mps_dtype_t;

/* "U8", "F32", ...; NULL if out of range. */
const char *mps_trc_dtype_name(mps_dtype_t d);
/* Bytes per element of d (0 if out of range). */
size_t mps_trc_dtype_size(mps_dtype_t d);

/* One tensor of a container: a view into the container's buffer. */
typedef struct {
	char *name;                     /* NUL-terminated, owned by the container */
	mps_dtype_t dtype;
	unsigned ndim;                  /* 0..MPS_TRC_MAX_DIM */
	uint64_t shape[MPS_TRC_MAX_DIM];
	uint64_t nelem;                 /* product of shape (1 for ndim 0) */
	uint64_t begin, end;            /* data_offsets, bytes from the data start */
	const uint8_t *data;            /* end - begin bytes, little-endian */
} mps_trc_tensor_t;

/* A parsed safetensors file. */
typedef struct {
	uint8_t *buf;              /* owned copy of the file, or NULL (borrowed) */
	size_t len;                /* bytes of the file */
	size_t ntensor;
	mps_trc_tensor_t *tensors; /* in file order of data_offsets */
	size_t nmeta;
	char **meta_key;           /* __metadata__ keys (owned) */
	char **meta_val;           /* and their string values (owned) */
} mps_trc_st_t;

/* Parse a safetensors image of len bytes at buf.  The container borrows buf:
 * it must outlive *st.  fname names the input in messages.  Checks: the
 * 8-byte header length fits the file and is at most MPS_TRC_MAX_HEADER, the
 * header is a JSON object of tensor entries (dtype, shape, data_offsets) and
 * an optional "__metadata__" object of strings, every dtype is known, every
 * size matches its shape, and the data_offsets tile the data area exactly
 * (no gap, no overlap, nothing beyond the end).
 * Errors: MPS_ERR_PARSE (malformed input), MPS_ERR_NOMEM. */
int mps_trc_st_parse(const uint8_t *buf, size_t len, const char *fname,
                     mps_trc_st_t *st, mps_err_t *err);

/* Read the file at path into memory and parse it (the container owns the
 * copy).  Errors: MPS_ERR_IO, MPS_ERR_PARSE, MPS_ERR_NOMEM. */
int mps_trc_st_load(const char *path, mps_trc_st_t *st, mps_err_t *err);

/* Release everything *st owns and zero it.  NULL-safe. */
void mps_trc_st_free(mps_trc_st_t *st);

/* Tensor by name, or NULL. */
const mps_trc_tensor_t *mps_trc_st_find(const mps_trc_st_t *st, const char *name);

/* __metadata__ value by key, or NULL. */
const char *mps_trc_st_meta(const mps_trc_st_t *st, const char *key);

/* Copy a F32, F16 or BF16 tensor of 1 or 2 dimensions into a new float
 * array (*out, release with free()).  A 1-D tensor of n elements is 1 x n.
 * Errors: MPS_ERR_INVAL (missing tensor, other dtype or rank; the message
 * names fname and the tensor), MPS_ERR_NOMEM. */
int mps_trc_st_tensor_f32(const mps_trc_st_t *st, const char *fname,
                          const char *name, float **out, size_t *rows,
                          size_t *cols, mps_err_t *err);

/* ------------------------------------------------------------------------
 * Traces
 * ------------------------------------------------------------------------ */

/* One GEMM trace in memory: y = a * w^T (docs/numerics.md section 1). */
typedef struct {
	size_t M, K, N;           /* a is M x K, w is N x K, y is M x N */
	mpq_qtensor_t a, w;       /* quantized operands (owned) */
	mpq_gemm_opts_t opts;     /* accumulate mode, dequant group, align bits */
	float *y_expected;        /* M*N, mpq_gemm_ref's answer (owned) */
	double *y_ideal;          /* M*N, float64 product of the refs (owned) */
	float *a_ref;             /* M*K unquantized activations, or NULL (owned) */
	float *w_ref;             /* N*K unquantized weights, or NULL (owned) */
	uint64_t seed;            /* PRNG seed of the synthetic operands */
	char source[256];         /* gemm | workload:<preset>:<layer> | weights:<file>:<tensor> */
	char generator[64];       /* "mpsim <version>" of the writer */
} mps_trc_t;

/* The generator string this build writes ("mpsim 0.1.0"). */
const char *mps_trc_generator(void);

/* Write t to path as a safetensors trace (FORMAT.md), through a temporary
 * file renamed into place.  The trace is validated first with the same
 * rules the reader applies.  Errors: MPS_ERR_INVAL (inconsistent trace,
 * message names the tensor or key), MPS_ERR_IO, MPS_ERR_NOMEM. */
int mps_trc_write(const char *path, const mps_trc_t *t, mps_err_t *err);

/* Serialize t into a new buffer (*out, release with free()) of *len bytes.
 * Same checks and errors as mps_trc_write, without MPS_ERR_IO. */
int mps_trc_serialize(const mps_trc_t *t, uint8_t **out, size_t *len,
                      mps_err_t *err);

/* Parse a trace image of len bytes (borrowed; *t gets its own copies).
 * fname names the input in messages.  Performs every check of FORMAT.md
 * section 6: container, required tensors and metadata, dtypes, shapes
 * against M/K/N/block/format, CRC32 of every tensor, metadata values, and
 * finite element codes.  On failure *t is left empty.
 * Errors: MPS_ERR_PARSE, MPS_ERR_NOMEM. */
int mps_trc_parse(const uint8_t *buf, size_t len, const char *fname,
                  mps_trc_t *t, mps_err_t *err);

/* Read and parse the trace at path.  Errors: MPS_ERR_IO, MPS_ERR_PARSE,
 * MPS_ERR_NOMEM. */
int mps_trc_read(const char *path, mps_trc_t *t, mps_err_t *err);

/* Recompute y.expected with mpq_gemm_ref and compare it bit for bit; when
 * the refs are present also recompute y.ideal with mpq_gemm_ideal (bit for
 * bit) and requantize the refs, comparing every code, scale, zero point and
 * post scale.  Errors: MPS_ERR_MISMATCH (the message gives the first
 * differing element and the count), MPS_ERR_INVAL (mpq_gemm_ref rejected
 * the operands), MPS_ERR_NOMEM. */
int mps_trc_check(const mps_trc_t *t, mps_err_t *err);

/* Release everything *t owns and zero it.  NULL-safe. */
void mps_trc_free(mps_trc_t *t);

/* Name of an accumulate mode ("fp32", "exact", "align") and its lookup. */
const char *mps_trc_acc_name(mpq_acc_t a);
int mps_trc_acc_lookup(const char *s, mpq_acc_t *a, mps_err_t *err);

/* Storage of one operand's element codes in a trace: 4-bit formats packed
 * two per byte (U8), 5..8-bit formats one per byte (U8), fp16/bf16 U16.
 * Returns the dtype and sets *cols_stored to the stored row length. */
mps_dtype_t mps_trc_code_dtype(mpq_fmt_t elem, size_t cols, size_t *cols_stored);

/* SQNR in dB of got against ref (n values): 10 log10(sum ref^2 / sum err^2);
 * +inf when equal, -inf or NaN cases follow IEEE. */
double mps_trc_sqnr(const double *ref, const float *got, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MPS_TRACES_TRACE_H */
