/* sim/stats.h - the statistics of one simulated GEMM (or a sum of GEMMs):
 * cycles, utilization, activity counters and memory traffic, with the text
 * summary and the JSON view (cJSON) of `mpsim run`. */
#ifndef MPS_SIM_STATS_H
#define MPS_SIM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cfg.h"
#include "pe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	uint64_t M, K, N;          /* GEMM shape (sums keep the last one) */
	uint64_t gemms;            /* GEMMs summed into this record */
	uint64_t nfolds;           /* folds */
	uint64_t cycles;           /* compute + tail + stall cycles */
	uint64_t compute_cycles;   /* sum of fold lengths (= SCALE-Sim + 1) */
	uint64_t tail_cycles;      /* drain after the last fold */
	uint64_t stall_cycles;     /* memory stalls (en = 0) */
	uint64_t macs;             /* real multiply-accumulates M*N*K */
	mps_pe_counters_t ct;      /* activity (pe.h) */
	uint64_t ibuf_rd, ibuf_wr, wbuf_rd, wbuf_wr, obuf_rd, obuf_wr; /* bytes */
	uint64_t dram_rd, dram_wr; /* bytes */
	unsigned rows, cols;       /* array */
	double mhz;                /* clock */
	bool timing_only;          /* mps_run_timing: no operand values, so the
	                            * data-dependent counters (ct.mac_nonzero,
	                            * ct.sa_terms) were not computed: they are 0 here
	                            * and absent from the JSON and the summary */
} mps_stats_t;

/* Sum b into a (cycles add: GEMMs run back to back). */
void mps_stats_add(mps_stats_t *a, const mps_stats_t *b);

/* macs / (cycles R C), macs / (compute_cycles R C). */
double mps_stats_util(const mps_stats_t *s);
double mps_stats_compute_util(const mps_stats_t *s);

/* Readable multi-line summary; indent prefixes every line. */
void mps_stats_print(const mps_stats_t *s, const mps_cfg_t *cfg, const char *indent,
                     FILE *f);

/* A cJSON object (as void * so this header needs no cJSON include; the
 * caller casts to cJSON *) with every field; NULL on allocation failure. */
void *mps_stats_json(const mps_stats_t *s, const mps_cfg_t *cfg);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_STATS_H */
