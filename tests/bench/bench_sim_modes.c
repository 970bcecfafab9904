/* tests/bench/bench_sim_modes.c - simulation speed of the two modes, timing
 * only mps_run_gemm (operand generation and quantization excluded):
 *   cycle: PE-cycles/s = R * C * cycles / s   (target 5e8)
 *   fast : simulated MACs/s on a Llama-2-7B decode layer (target 1e9)
 * usage: bench_sim_modes CONFIG [BATCH] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "run.h"
#include "workloads.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time of this process: one core, not disturbed by other load */
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	mps_cfg_t c;
	mps_err_t err;
	mps_wl_gemm_t g[MPS_WL_MAX_LAYERS];
	size_t ng;
	char spec[64];
	double tf = 0, macs = 0, tc = 0, pec = 0;

	if (argc < 2 || mps_cfg_load(argv[1], &c, &err) != MPS_OK) {
		fprintf(stderr, "bench_sim_modes: %s\n", argc < 2 ? "usage: CONFIG [BATCH]" : err.msg);
		return 2;
	}
	snprintf(spec, sizeof spec, "llama2-7b:decode:%s", argc > 2 ? argv[2] : "16");
	if (mps_wl_preset(spec, g, &ng, &err) != MPS_OK)
		return 2;
	for (size_t i = 0; i < ng; i++) {
		mpq_qtensor_t a, w;
		mpq_qparams_t wq, aq;
		mpq_gemm_opts_t o;
		mps_stats_t st;
		mps_run_opts_t ro = { MPS_MODE_FAST, MPS_FAULT_NONE, NULL, NULL };
		float *y = malloc(g[i].M * g[i].N * sizeof *y);
		mps_run_qparams(&c, g[i].K, &wq, &aq, &o);
		if (!y || mps_run_make_operands(&c, g[i].M, g[i].K, g[i].N, 1 + i, &a, &w, &err))
			return 2;
		double t0 = now();
		if (mps_run_gemm(&c, &a, &w, &o, &ro, y, &st, &err) != MPS_OK)
			return 2;
		tf += now() - t0;
		macs += (double)st.macs;
		if (i == 1) { /* the o projection (4096 x 4096) in cycle mode */
			ro.mode = MPS_MODE_CYCLE;
			t0 = now();
			if (mps_run_gemm(&c, &a, &w, &o, &ro, y, &st, &err) != MPS_OK)
				return 2;
			tc = now() - t0;
			pec = (double)st.cycles * c.rows * c.cols;
		}
		free(y);
		mpq_qtensor_free(&a);
		mpq_qtensor_free(&w);
	}
	printf("%-14s %14s  %12s  %8s  %s\n", "name", "measured", "target", "ratio", "unit / note");
	printf("%-14s %14.4g  %12.3g  %8.3g  %s\n", "fast-gemm", macs / tf, 1e9, macs / tf / 1e9,
	       "simulated MAC/s, mps_run_gemm only (no operand generation), CPU time");
	printf("%-14s %14s  %12s  %8s  (%s, %s %ux%u)\n", "", "", "", "", spec, argv[1], c.rows, c.cols);
	printf("%-14s %14.4g  %12.3g  %8.3g  %s\n", "cycle-gemm", pec / tc, 5e8, pec / tc / 5e8,
	       "PE-cycles/s, o projection, mps_run_gemm only, CPU time");
	return 0;
}
