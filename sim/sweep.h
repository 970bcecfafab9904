/* sim/sweep.h - parameter sweeps: a grid of config overrides x workloads
 * (docs/sweep.md).
 *
 * A sweep file is INI (parsed with inih):
 *
 *   version = 1
 *   [sweep]
 *   base = ../default.ini          ; relative to the sweep file
 *   workload = llama2-7b:decode:16 ; repeatable
 *   gemm = 512,512,512             ; repeatable
 *   mode = fast                    ; fast (default) | cycle | timing (--timing-only)
 *   seed = 1
 *   [grid]
 *   array.rows = 16, 32, 64        ; SECTION.KEY = comma-separated values
 *
 * Points are the cartesian product of the grid axes (first axis slowest)
 * times the workloads (fastest): point i has config index i / nwork and
 * workload i % nwork.  The sweep library plans (writes one merged config
 * per config point) and merges results into CSV; running points is the
 * CLI's business (sim/cmd_sweep.c), locally or as a Slurm job array.
 * Nothing here prints or exits.
 */
#ifndef MPS_SIM_SWEEP_H
#define MPS_SIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../model/err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPS_SWEEP_MAX_POINTS 100000u

typedef struct {
	char *section, *key; /* "array", "rows" */
	char **values;       /* nvalues strings, trimmed */
	size_t nvalues;
	int line;            /* line of the axis in the sweep file */
} mps_sweep_axis_t;

typedef struct {
	char *kind;          /* "workload" or "gemm" */
	char *spec;          /* "llama2-7b:decode:16" or "512,512,512" */
	int line;
} mps_sweep_work_t;

typedef struct {
	char *path;          /* the sweep file */
	char *base;          /* base config path, resolved against the sweep file */
	char *mode;          /* "fast", "cycle" or "timing" */
	uint64_t seed;
	mps_sweep_axis_t *axes;
	size_t naxes;
	mps_sweep_work_t *work;
	size_t nwork;
	size_t nconfigs;     /* product of the axes' value counts (1 without axes) */
} mps_sweep_t;

/* Parse and validate a sweep file (every config point is loaded and checked
 * with mps_cfg_load_string, every workload spec parsed). */
int mps_sweep_load(const char *path, mps_sweep_t *sw, mps_err_t *err);
void mps_sweep_free(mps_sweep_t *sw);

static inline size_t mps_sweep_npoints(const mps_sweep_t *sw)
{
	return sw->nconfigs * sw->nwork;
}

/* Value index of axis `a` in config point `ci`. */
size_t mps_sweep_axis_index(const mps_sweep_t *sw, size_t ci, size_t a);

/* The merged config text of config point ci (caller frees *text). */
int mps_sweep_config_text(const mps_sweep_t *sw, size_t ci, char **text, mps_err_t *err);

/* Write DIR/sweep.json (the manifest), DIR/points/CCCCC.ini for every
 * config point and DIR/points/PPPPP.args (the `mpsim run` arguments of point
 * P, one per line).  Creates DIR/points and DIR/slurm. */
int mps_sweep_plan(const mps_sweep_t *sw, const char *dir, mps_err_t *err);

/* Arguments of point p for `mpsim run`: reads DIR/points/PPPPP.args into
 * argv (NULL-terminated, at most max-1 entries, storage in *buf, caller
 * frees *buf).  Paths in it are as written by mps_sweep_plan. */
int mps_sweep_point_args(const char *dir, size_t p, char **argv, size_t max, char **buf,
                         mps_err_t *err);

typedef struct {
	size_t points, ok, failed;
	long first_failed;   /* -1 if none */
	char first_error[256];
} mps_sweep_summary_t;

/* Merge DIR/points/PPPPP.json of every point in DIR/sweep.json into CSV on
 * f (columns: docs/sweep.md).  A point whose JSON is missing or unreadable
 * is a row with status "failed" and the first line of its .err file. */
int mps_sweep_merge(const char *dir, FILE *f, mps_sweep_summary_t *sum, mps_err_t *err);

/* "DIR/points/PPPPP.EXT" */
void mps_sweep_point_path(char *out, size_t n, const char *dir, size_t p, const char *ext);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_SWEEP_H */
