/* sim/rpt.h - energy, area and throughput report of one config on one
 * workload: simulate every layer GEMM (fast mode), apply the energy model
 * (sim/energy.h) and the yosys area (sim/area.h), and write report.json,
 * report.csv, report.md, run.txt and PNG plots (scripts/plot_report.py).
 * Every figure carries its source (simulated / model / yosys / assumption).
 */
#ifndef MPS_SIM_RPT_H
#define MPS_SIM_RPT_H

#include <stdbool.h>
#include <stdint.h>

#include "area.h"
#include "cfg.h"
#include "energy.h"
#include "err.h"
#include "stats.h"
#include "workloads.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	MPS_RPT_AREA_YOSYS = 0, /* run yosys unless cached */
	MPS_RPT_AREA_CACHED,    /* use a cached yosys result only */
	MPS_RPT_AREA_NONE       /* no yosys: area only from [energy] pe_area_um2 */
} mps_rpt_area_mode_t;

typedef struct {
	const char *workload;        /* preset "MODEL:PHASE[:N]" (traces/workloads.h) */
	uint64_t tokens;             /* > 0: override M of every GEMM (tokens) */
	unsigned layers;             /* > 0: layer-count multiplier; 0 = the model's */
	uint64_t seed;               /* operand seed (default 1) */
	mps_rpt_area_mode_t area;    /* where the area comes from */
	const char *rtl_dir;         /* NULL: "rtl" */
} mps_rpt_opts_t;

/* Derived figures of a stats record. */
typedef struct {
	double latency_us;           /* cycles / MHz */
	double tops;                 /* 2 MACs / latency, 1e12 op/s */
	double util;                 /* MACs / (cycles R C) */
	double intensity;            /* 2 MACs / DRAM bytes, op/B */
	double tops_per_w;           /* 2 MACs / energy pJ (= Top/J) */
} mps_rpt_fig_t;

typedef struct {
	char name[64];               /* layer name */
	mps_stats_t st;              /* simulated */
	mps_energy_breakdown_t en;   /* model */
	mps_rpt_fig_t fig;
} mps_rpt_layer_t;

typedef struct {
	char cfg_path[512];
	mps_cfg_t cfg;
	mps_energy_t energy;         /* defaults + [energy] overrides */
	mps_area_t area;             /* yosys (area.has_rtl / pe.present) */
	bool has_area;               /* area_mm2 is known */
	double area_mm2;             /* array logic area used for leakage */
	char area_source[160];       /* "yosys ..." / "assumption ..." */
	char workload[128];
	char model_title[64];
	unsigned layers;             /* multiplier applied to the per-layer totals */
	uint64_t tokens;             /* M of the GEMMs (tokens per pass) */
	size_t nlayers;
	mps_rpt_layer_t layer[MPS_WL_MAX_LAYERS];
	mps_stats_t one;             /* sum of the GEMMs of one model layer */
	mps_energy_breakdown_t one_en;
	mps_rpt_fig_t one_fig;
	double model_latency_us;     /* one * layers */
	double model_energy_pj;      /* one_en.total * layers */
	double tokens_per_s;         /* tokens / model latency */
	double peak_tops;            /* 2 R C MHz */
	double dram_gbps;            /* DRAM bytes/cycle x MHz / 1000, GB/s */
} mps_rpt_t;

/* Compute the figures of s with energy total_pj (<= 0: no TOPS/W). */
void mps_rpt_figures(const mps_stats_t *s, double total_pj, mps_rpt_fig_t *f);

/* Load the config (with its [energy] section), simulate every GEMM of the
 * workload in fast mode and fill *r.  Errors: those of mps_cfg_load,
 * mps_energy_load, mps_wl_preset, mps_run_gemm, mps_area_synth (yosys
 * failures are errors only in MPS_RPT_AREA_YOSYS mode). */
int mps_rpt_run(const char *cfg_path, const mps_rpt_opts_t *o, mps_rpt_t *r,
                mps_err_t *err);

/* A cJSON object (void *) of the whole report. */
void *mps_rpt_json(const mps_rpt_t *r);

/* Write report.json, report.csv, report.md and run.txt into dir (created),
 * then the plots with python (NULL: no plots) running
 * scripts/plot_report.py.  *plots_ok tells whether the plots were made.
 * Errors: MPS_ERR_IO. */
int mps_rpt_write(const mps_rpt_t *r, const char *dir, const char *python,
                  bool *plots_ok, mps_err_t *err);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_RPT_H */
