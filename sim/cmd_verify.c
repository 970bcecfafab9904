/* sim/cmd_verify.c - "mpsim verify": the Verilated RTL against the trace's
 * expected outputs, the C simulator's cycles and (--lockstep) the C cycle
 * model every cycle.  docs/verification.md. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cli.h"
#include "verify.h"

MPS_DECLARE_CMD(verify);

/* The Verilated model runs on a thread of its own with a large stack: its
 * evaluation functions keep their temporaries (wide port values) on the stack,
 * one slot each at -O0, and for a 64x64 array one settle function needs 36 MB,
 * beyond the usual 8 MB limit of the main thread (a segfault, not an error).
 * The stack is reserved address space; only the pages used are committed. */
#define VERIFY_STACK ((size_t)1 << 30)

struct verify_job {
	const mps_cfg_t *cfg;
	const mps_verify_opts_t *o;
	mps_verify_result_t *r;
	mps_err_t *err;
	int rc;
};

static void *verify_thread(void *arg)
{
	struct verify_job *j = arg;

	j->rc = mps_verify_run(j->cfg, j->o, j->r, j->err);
	return NULL;
}

static int verify_big_stack(const mps_cfg_t *cfg, const mps_verify_opts_t *o,
                            mps_verify_result_t *r, mps_err_t *err)
{
	struct verify_job j = { cfg, o, r, err, 0 };
	pthread_attr_t a;
	pthread_t t;
	int e;

	if ((e = pthread_attr_init(&a)))
		return mps_err_set(err, MPS_ERR_NOMEM, "cannot start the verify thread: %s", strerror(e));
	e = pthread_attr_setstacksize(&a, VERIFY_STACK);
	if (!e)
		e = pthread_create(&t, &a, verify_thread, &j);
	pthread_attr_destroy(&a);
	if (e)
		return mps_err_set(err, MPS_ERR_NOMEM,
		                   "cannot start the verify thread (%zu MiB stack): %s",
		                   VERIFY_STACK >> 20, strerror(e));
	pthread_join(t, NULL);
	return j.rc;
}

const char mps_summary_verify[] = "run a trace on the Verilated RTL and compare (--lockstep)";
const char mps_help_verify[] =
	"usage: mpsim verify CONFIG --trace FILE [--lockstep] [--wave FILE.fst] [--json]\n"
	"                    [--rtl DIR]\n"
	"\n"
	"Builds the Verilated RTL of CONFIG (cached in build/vl/<hash>/, hash of the\n"
	"config's generated parameters and every RTL file; C++ level $MPSIM_VL_OPT,\n"
	"default -O3; without tracing, plus a traced build only when a waveform\n"
	"window is written), runs the trace through it\n"
	"with the same per-cycle lane records the C cycle model consumes (stalls of the\n"
	"memory model replayed as en = 0 cycles), and compares every output with the\n"
	"trace's y.expected bit for bit (NaN-ness only for NaNs) and the total cycles\n"
	"with the C simulator's.\n"
	"\n"
	"  --lockstep   also step the C cycle model beside the RTL and compare the\n"
	"               output record and every PE's state (p, pn, acc) every cycle;\n"
	"               stop at the first divergence\n"
	"  --wave FILE  where the FST waveform window (32 cycles before the first\n"
	"               divergence to 8 after) goes; default build/verify/<trace>.fst.\n"
	"               Given, the model is built with tracing from the start (one\n"
	"               build instead of two when a divergence is expected)\n"
	"  --json       machine-readable result on stdout\n"
	"  --rtl DIR    RTL tree to build instead of rtl/ (broken-variant tests)\n"
	"\n"
	"The trace's accumulate mode, element formats, zero points and AMXFP4 split\n"
	"must be the ones CONFIG's RTL is built for (its schemes may differ: scales\n"
	"come from the trace); otherwise verify exits 2 naming both.\n"
	"\n"
	"Exit status: 0 everything agrees; 1 a mismatch (cycle, PE row and column,\n"
	"signal, expected and got are reported); 2 bad input, or a config the RTL does\n"
	"not implement (\"not implemented in RTL: ...\").\n";

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

int mps_cmd_verify(int argc, char **argv)
{
	const char *cfgpath = NULL;
	mps_verify_opts_t o;
	mps_verify_result_t r;
	mps_cfg_t cfg;
	mps_err_t err;
	bool json = false;
	int rc;

	memset(&o, 0, sizeof o);
	memset(&err, 0, sizeof err);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--trace") && i + 1 < argc)
			o.trace = argv[++i];
		else if (!strcmp(argv[i], "--wave") && i + 1 < argc)
			o.wave = argv[++i];
		else if (!strcmp(argv[i], "--rtl") && i + 1 < argc)
			o.rtl_dir = argv[++i];
		else if (!strcmp(argv[i], "--lockstep"))
			o.lockstep = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-')
			return mps_cli_usage_error("verify", "unknown option '%s' (see mpsim help verify)",
			                           argv[i]);
		else if (!cfgpath)
			cfgpath = argv[i];
		else
			return mps_cli_usage_error("verify", "unexpected argument '%s'", argv[i]);
	}
	if (!cfgpath || !o.trace)
		return mps_cli_usage_error("verify", "usage: mpsim verify CONFIG --trace FILE "
		                           "[--lockstep] [--wave FILE.fst] [--json]");
	if ((rc = mps_cfg_load(cfgpath, &cfg, &err)) || (rc = mps_cfg_check(&cfg, &err)))
		return mps_cli_usage_error("verify", "%s", err.msg);
	rc = verify_big_stack(&cfg, &o, &r, &err);
	if (rc) {
		if (json) {
			printf("{\"status\":\"error\",\"exit\":2,\"message\":");
			json_str(err.msg);
			printf("}\n");
		}
		return mps_cli_usage_error("verify", "%s", err.msg);
	}
	if (json) {
		printf("{\"status\":\"%s\",\"exit\":%d,\"config\":", r.agree ? "pass" : "fail",
		       r.agree ? 0 : 1);
		json_str(cfgpath);
		printf(",\"trace\":");
		json_str(o.trace);
		printf(",\"lockstep\":%s,\"model\":", o.lockstep ? "true" : "false");
		json_str(r.so);
		printf(",\"cached\":%s,\"build_s\":%.3f,\"run_s\":%.3f,\"rtl_cycles\":%llu,"
		       "\"sim_cycles\":%llu,\"outputs\":%llu,\"output_mismatches\":%llu,"
		       "\"outputs_missing\":%llu,\"lockstep_cycles\":%llu",
		       r.cached ? "true" : "false", r.build_s, r.run_s,
		       (unsigned long long)r.rtl_cycles, (unsigned long long)r.sim_cycles,
		       (unsigned long long)r.outputs, (unsigned long long)r.out_mismatch,
		       (unsigned long long)r.out_missing, (unsigned long long)r.lockstep_cycles);
		if (r.have_first) {
			printf(",\"first\":{\"cycle\":%llu,\"tau\":%llu,\"row\":%d,\"col\":%d,"
			       "\"m\":%lld,\"n\":%lld,\"signal\":",
			       (unsigned long long)r.cycle, (unsigned long long)r.tau, r.row, r.col,
			       r.m, r.n);
			json_str(r.signal);
			printf(",\"expected\":");
			json_str(r.expected);
			printf(",\"got\":");
			json_str(r.got);
			printf("},\"wave\":");
			json_str(r.wave);
			if (r.wave_err[0]) {
				printf(",\"wave_error\":");
				json_str(r.wave_err);
			}
		}
		printf("}\n");
	} else {
		printf("verify %s on %s: %s\n", cfgpath, o.trace, r.agree ? "PASS" : "FAIL");
		printf("  model %s (%s, %.1f s); run %.2f s\n", r.so, r.cached ? "cached" : "built",
		       r.build_s, r.run_s);
		printf("  outputs %llu, mismatches %llu, missing %llu; cycles rtl %llu, sim %llu%s\n",
		       (unsigned long long)r.outputs, (unsigned long long)r.out_mismatch,
		       (unsigned long long)r.out_missing, (unsigned long long)r.rtl_cycles,
		       (unsigned long long)r.sim_cycles,
		       r.rtl_cycles == r.sim_cycles ? " (equal)" : "");
		if (o.lockstep)
			printf("  lockstep: %llu cycles compared\n",
			       (unsigned long long)r.lockstep_cycles);
		if (r.have_first) {
			printf("  first divergence: cycle %llu (compute cycle %llu)",
			       (unsigned long long)r.cycle, (unsigned long long)r.tau);
			if (r.row >= 0)
				printf(", PE row %d", r.row);
			if (r.col >= 0)
				printf(", %s %d", r.row >= 0 ? "column" : "PE column", r.col);
			if (r.m >= 0)
				printf(", y[%lld][%lld]", r.m, r.n);
			printf(", signal %s: expected %s, got %s\n", r.signal, r.expected, r.got);
			if (r.wave[0])
				printf("  waveform: %s (cycles %llu..%llu)\n", r.wave,
				       (unsigned long long)r.wave_from, (unsigned long long)r.wave_to);
			else if (r.wave_err[0])
				printf("  no waveform: %s\n", r.wave_err);
		}
	}
	return r.agree ? MPS_EXIT_OK : MPS_EXIT_FAIL;
}
