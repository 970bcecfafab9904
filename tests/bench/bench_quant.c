/* tests/bench/bench_quant.c - quantization throughput of mxfp4, nvfp4 and
 * amxfp4 on one core, beside memcpy bandwidth measured in the same run.
 *
 * usage: bench_quant [MELEMENTS]   (default 16: 16 Mi FP32 elements)
 * Prints the median of 7 runs per scheme in elements/s, memcpy expressed
 * as 4-byte elements/s, and the target "MXFP4 >= 25% of memcpy" with the
 * measured ratio.  Prints, never asserts (timings are machine dependent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpq.h"

#define RUNS 7

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return t[n / 2];
}

/* Deterministic Gaussian-ish data (sum of uniforms), no global state. */
static void fill(float *x, size_t n)
{
	uint64_t s = 0x9E3779B97F4A7C15ull;

	for (size_t i = 0; i < n; i++) {
		double acc = 0.0;
		for (int j = 0; j < 4; j++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			acc += (double)(s >> 11) * 0x1p-53;
		}
		x[i] = (float)((acc - 2.0) * 1.7);
	}
}

int main(int argc, char **argv)
{
	static const mpq_scheme_t sch[] = { MPQ_S_MXFP4, MPQ_S_NVFP4, MPQ_S_AMXFP4 };
	size_t n = (size_t)(argc > 1 ? atoi(argv[1]) : 16) << 20;
	const size_t cols = 4096;
	float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	double t[RUNS], mem, rate[3];

	if (!x || !y || n % cols) {
		fprintf(stderr, "bench_quant: bad size or out of memory\n");
		return 2;
	}
	fill(x, n);
	memcpy(y, x, n * sizeof *x); /* fault the pages in */
	for (int r = 0; r < RUNS; r++) {
		double t0 = now();
		memcpy(y, x, n * sizeof *x);
		t[r] = now() - t0;
		x[r] += y[n - 1 - (size_t)r] * 0.0f; /* keep the copy observable */
	}
	mem = (double)n / median(t, RUNS);
	printf("bench-quant: %zu FP32 elements (%zu x %zu), median of %d runs, one core\n",
	       n, n / cols, cols, RUNS);
	printf("  %-8s %10.3g elements/s  (%.2f GB/s)\n", "memcpy", mem,
	       mem * 4.0 / 1e9);
	for (int s = 0; s < 3; s++) {
		mpq_qparams_t p = { sch[s], 0, MPQ_RULE_FLOOR, false };
		mps_err_t err;

		for (int r = 0; r < RUNS; r++) {
			mpq_qtensor_t q;
			double t0 = now();
			if (mpq_quantize(x, n / cols, cols, &p, &q, NULL, &err) != MPS_OK) {
				fprintf(stderr, "bench_quant: %s\n", err.msg);
				return 1;
			}
			t[r] = now() - t0;
			mpq_qtensor_free(&q);
		}
		rate[s] = (double)n / median(t, RUNS);
		printf("  %-8s %10.3g elements/s  (%.1f%% of memcpy)\n",
		       mpq_scheme_name(sch[s]), rate[s], 100.0 * rate[s] / mem);
	}
	printf("  target: MXFP4 >= 25%% of memcpy; measured %.1f%% (%s)\n",
	       100.0 * rate[0] / mem, rate[0] >= 0.25 * mem ? "met" : "NOT met");
	free(x);
	free(y);
	return 0;
}
