/* sim/cfg.h - architecture configuration of one simulated accelerator:
 * array, PE, quantization, dequant unit, memory and clock.  Parsed from an
 * INI file (docs/config.md is the key reference) or filled in by code.
 *
 * Keys that have an RTL counterpart carry the Verilog parameter's name in
 * the comments below ("RTL: Rows"); `mpsim config --emit-h/--emit-svh`
 * writes both views of one config (mps_cfg_emit_h / mps_cfg_emit_svh), so
 * the C model and the RTL cannot drift apart.
 */
#ifndef MPS_SIM_CFG_H
#define MPS_SIM_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "mpq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Current config file version (the `version` key). */
#define MPS_CFG_VERSION 1

/* Limits checked by the parser (inclusive). */
#define MPS_CFG_MAX_DIM 1024u        /* rows, cols */
#define MPS_CFG_MAX_DQ_LATENCY 64u   /* [dequant] latency, cycles */
#define MPS_CFG_MAX_DQ_INTERVAL 64u  /* [dequant] interval, cycles */
#define MPS_CFG_MAX_ACC_WIDTH 64u    /* AccWidth, bits (int64 partial sums) */

typedef enum {
	MPS_DF_OS = 0, /* output-stationary: rows <-> m, cols <-> n, K streamed (RTL: Dataflow 0) */
	MPS_DF_WS = 1  /* weight-stationary: rows <-> k, cols <-> n, M streamed (RTL: Dataflow 1) */
} mps_dataflow_t;

typedef enum {
	MPS_PEK_SHIFT_ADD = 0, /* 4-bit weight decomposed into gated shifts + adds (RTL: PeKind 0) */
	MPS_PEK_MULTIPLIER = 1 /* conventional multiplier MAC (RTL: PeKind 1) */
} mps_pe_kind_t;

typedef enum {
	MPS_DQ_PE = 0,  /* dequant inside every PE, in the cycle of the group's last MAC (RTL: DqEdge 0) */
	MPS_DQ_EDGE = 1 /* one pipelined dequant unit per column at the array's bottom edge,
	                 * ws only, needs group % rows == 0 (RTL: DqEdge 1) */
} mps_dq_place_t;

/* PE datapath types (docs/pe.md has one section per type).  Derived from
 * [pe] kind/weight/act and [quant] by mps_cfg_pe_type. */
typedef enum {
	MPS_PE_W4A8 = 0,  /* int4/uint4/e2m1 weight x int8 activation, shift-add */
	MPS_PE_W4A16,     /* int4/uint4/e2m1 weight x pre-aligned fp16/bf16, shift-add */
	MPS_PE_FP4FP8,    /* e2m1 weight (mxfp4, zqfp, amxfp4 sign-split) x fp8/fp6, shift-add */
	MPS_PE_FP4FP4,    /* e2m1 x e2m1 (nvfp4 x nvfp4 / mxfp4 x mxfp4), shift-add */
	MPS_PE_INT8,      /* int8 x int8 multiplier */
	MPS_PE_FP8,       /* fp8/fp6/fp4 x fp8/fp6/fp4 multiplier (fixed-point products) */
	MPS_PE_FP16,      /* fp16/bf16 x fp16/bf16 multiplier, fp32 accumulation, group 1 */
	MPS_PE_GENERIC,   /* any other fixed-point pair the contract allows, multiplier */
	MPS_NPE
} mps_pe_type_t;

typedef struct {
	int version;                 /* must be MPS_CFG_VERSION */

	/* [array] */
	unsigned rows;               /* R, PE rows, 1..1024                (RTL: Rows) */
	unsigned cols;               /* C, PE columns, 1..1024             (RTL: Cols) */
	mps_dataflow_t dataflow;     /* os | ws                            (RTL: Dataflow) */

	/* [pe] */
	mps_pe_kind_t kind;          /* shift-add | multiplier             (RTL: PeKind) */
	mpq_fmt_t weight;            /* weight element format, must equal wscheme's (RTL: WeightFmt) */
	mpq_fmt_t act;               /* activation element format, must equal ascheme's (RTL: ActFmt) */
	unsigned acc_width;          /* AccWidth, bits of the exact group partial sum p:
	                              * derived (mps_cfg_acc_width) unless [pe] AccWidth
	                              * overrides it with a value >= the derived one (RTL: AccWidth) */
	bool acc_width_set;          /* true if AccWidth came from the file */

	/* [quant] */
	mpq_qparams_t wq;            /* weight scheme; .block = group for int4/int8/zqfp schemes
	                              * (0 = the whole K: per channel), scheme default otherwise */
	mpq_qparams_t aq;            /* activation scheme, same rules */
	unsigned group;              /* dequant group G along K, elements; 0 = derived from the
	                              * block sizes at run time (numerics.md 3.2) (RTL: Group) */
	mpq_acc_t accumulate;        /* fp32 | exact | align               (RTL: AccMode) */
	unsigned align_bits;         /* align mode: aligned activation width, 8..32 (default 16)
	                              * (RTL: AlignBits) */

	/* [dequant] */
	mps_dq_place_t dq_place;     /* pe | edge                          (RTL: DqEdge) */
	unsigned dq_latency;         /* Dq, cycles, 1..64: latency of the column output
	                              * unit (post scale; edge dequant); pe+ws needs 1 (RTL: DqLatency) */
	unsigned dq_interval;        /* N, cycles, 1..64: a dequant unit starts one group term
	                              * every N cycles (docs/timing.md 2.4, 3.4); 1 = one group
	                              * end per cycle.  C model only: the RTL implements 1 */

	/* [memory] (C model only) */
	unsigned ibuf_kib;           /* input (activation) buffer, KiB, double-buffered, 1..1048576 */
	unsigned wbuf_kib;           /* weight buffer, KiB, double-buffered */
	unsigned obuf_kib;           /* output buffer, KiB, double-buffered */
	unsigned dram_bytes_per_cycle; /* DRAM channel bandwidth, bytes per array cycle, 1..65536 */
	unsigned dram_latency;       /* DRAM latency, cycles from request to first byte, 0..100000 */

	/* [clock] */
	double mhz;                  /* array clock, MHz, (0, 100000] */

	char name[256];              /* file name the config came from ("" if built in code) */
} mps_cfg_t;

/* Fill *c with the built-in defaults (the values docs/config.md lists; the
 * [quant]/[pe] defaults are the W4A8 MixPE pair int4 g128 x int8_token,
 * shift-add, 32x32 os).  The result passes mps_cfg_check. */
void mps_cfg_default(mps_cfg_t *c);

/* Parse the INI file at path into *c (strict: docs/config.md).  Errors:
 * MPS_ERR_IO (cannot open), MPS_ERR_PARSE ("file:line: message" for unknown
 * section or key, duplicate key, bad or out-of-range value, missing
 * version or required key, INI syntax error; "file: message" for invalid
 * combinations found after the whole file was read). */
int mps_cfg_load(const char *path, mps_cfg_t *c, mps_err_t *err);

/* Same as mps_cfg_load on an open stream; fname names it in messages. */
int mps_cfg_load_file(FILE *f, const char *fname, mps_cfg_t *c, mps_err_t *err);

/* Parse INI text held in memory (tests).  Same errors as mps_cfg_load. */
int mps_cfg_load_string(const char *text, const char *fname, mps_cfg_t *c,
                        mps_err_t *err);

/* Check the combination rules of docs/config.md (formats consistent with the
 * schemes, dataflow/dequant/latency rules, shift-add needs a 4-bit weight,
 * AccWidth override >= derived, ...) and fill c->acc_width if not set.
 * Errors: MPS_ERR_INVAL with a message naming the keys. */
int mps_cfg_check(mps_cfg_t *c, mps_err_t *err);

/* The PE datapath type of a checked config. */
mps_pe_type_t mps_cfg_pe_type(const mps_cfg_t *c);

/* Cycles B a dequant unit is busy per group end (docs/timing.md 2.4):
 * B = 1 + t (interval - 1) with t the terms of one group end (2 for AMXFP4,
 * 1 otherwise, 0 for the fp16 MAC, which has no dequant unit). */
unsigned mps_cfg_dq_busy(const mps_cfg_t *c);

/* Name of a PE type ("w4a8", "fp4fp8", ...). */
const char *mps_pe_type_name(mps_pe_type_t t);

/* Derived accumulator width for group size g (g = 0: use the largest
 * supported K, 65536): ceil(log2(g * max|w_eff| * max|a_int| + 1)) + 1 bits
 * (docs/pe.md table); 0 if the pair has no fixed-point product (fp16 x fp16
 * float MAC). */
unsigned mps_cfg_acc_width(const mps_cfg_t *c, unsigned g);

/* Names of enum values as written in config files. */
const char *mps_cfg_dataflow_name(mps_dataflow_t d);
const char *mps_cfg_kind_name(mps_pe_kind_t k);
const char *mps_cfg_dq_name(mps_dq_place_t d);
const char *mps_cfg_acc_name(mpq_acc_t a);

/* Write the C view (#defines MPS_P_<Name>) / SystemVerilog view
 * (localparams) / JSON of a checked config to f.  Both views come from one
 * table of parameters (docs/config.md lists it).  Errors: MPS_ERR_IO. */
int mps_cfg_emit_h(const mps_cfg_t *c, FILE *f, mps_err_t *err);
int mps_cfg_emit_svh(const mps_cfg_t *c, FILE *f, mps_err_t *err);
int mps_cfg_emit_json(const mps_cfg_t *c, FILE *f, mps_err_t *err);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_CFG_H */
