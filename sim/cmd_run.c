/* sim/cmd_run.c - "mpsim run": simulate a config on a trace, a random GEMM
 * or a workload preset; text summary or JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "cfg.h"
#include "cli.h"
#include "dequant.h"
#include "energy.h"
#include "run.h"
#include "stats.h"
#include "trace.h"
#include "workloads.h"

MPS_DECLARE_CMD(run);

const char mps_summary_run[] = "simulate a config on a trace, a GEMM shape or a workload";
const char mps_help_run[] =
	"usage: mpsim run CONFIG (--trace FILE | --gemm M,K,N [--seed N] |\n"
	"                         --workload PRESET [--layer NAME])\n"
	"                  [--mode cycle|fast | --timing-only] [--check N|all] [--json]\n"
	"\n"
	"Simulates the accelerator of CONFIG (docs/config.md) cycle by cycle\n"
	"(--mode cycle, the default) or tile by tile (--mode fast); both give the\n"
	"same cycles, outputs and statistics (docs/timing.md).\n"
	"  --trace FILE      the GEMM of a trace (traces/FORMAT.md).  The trace's\n"
	"                    quantization (schemes, group, accumulate, align_bits)\n"
	"                    replaces CONFIG's [quant] and [pe] weight/act; the array,\n"
	"                    PE kind, dequant, memory and clock come from CONFIG, and\n"
	"                    the combination must pass the config checks.  Outputs\n"
	"                    are compared bit for bit with y.expected.\n"
	"  --gemm M,K,N      seeded synthetic operands (traces/workloads.h generators)\n"
	"                    quantized with CONFIG's schemes; --seed N (default 1)\n"
	"  --workload PRESET every GEMM of a layer preset, e.g. llama2-7b:decode:16\n"
	"                    (qkv, o, gate_up, down), per layer and total; --layer\n"
	"                    NAME runs one of them\n"
	"  --check N|all     --gemm/--workload: compare the simulated outputs with\n"
	"                    the contract answer (model/'s mpq_gemm_ref), bit for\n"
	"                    bit: every output of a GEMM with at most N of them,\n"
	"                    else a seeded sample of about N (tokens x channels,\n"
	"                    always the first and last of each); default 1024\n"
	"  --timing-only     --gemm/--workload: cycles, stalls, traffic and the\n"
	"                    data-independent counters only, from the shapes (no\n"
	"                    operands, no numerics; identical to both modes').\n"
	"                    mac_nonzero, sa_terms, energy and the output check\n"
	"                    need values and are absent\n"
	"  --json            machine-readable results on stdout\n"
	"Exit status: 0 ok, 1 outputs differ from the trace or the reference,\n"
	"2 bad usage or input.\n";

/* ---- progress bar (stderr, terminals only, after one second) ------------- */

typedef struct {
	bool tty;
	struct timespec t0;
	bool shown;
	const char *what;
} progress_t;

static double elapsed(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void progress_cb(void *user, uint64_t done, uint64_t total)
{
	progress_t *p = user;
	int w = 40, fill;

	if (!p->tty || total == 0 || elapsed(&p->t0) < 1.0)
		return;
	fill = (int)((double)w * (double)done / (double)total);
	fprintf(stderr, "\r%-12s [%.*s%*s] %3d%%", p->what, fill,
	        "########################################", w - fill, "",
	        (int)(100.0 * (double)done / (double)total));
	p->shown = true;
	if (done == total)
		fputc('\n', stderr);
}

static void progress_init(progress_t *p, const char *what)
{
	p->tty = isatty(2);
	p->shown = false;
	p->what = what;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
}

/* ---- trace mode: config + the trace's quantization --------------------- */

static bool has_blocks(const mpq_qtensor_t *q)
{
	return q->scales != NULL || q->zeros != NULL;
}

static int trace_cfg(const mps_cfg_t *base, const mps_trc_t *t, mps_cfg_t *eff,
                     mps_err_t *err)
{
	*eff = *base;
	eff->wq = t->w.params;
	eff->aq = t->a.params;
	eff->weight = t->w.elem;
	eff->act = t->a.elem;
	eff->accumulate = t->opts.acc;
	eff->align_bits = t->opts.align_bits ? t->opts.align_bits : 16;
	if (t->opts.group) {
		eff->group = t->opts.group;
	} else {
		size_t ba = has_blocks(&t->a) ? t->a.block : t->K;
		size_t bw = has_blocks(&t->w) ? t->w.block : t->K;
		eff->group = (unsigned)(ba < bw ? ba : bw);
		if ((t->a.scheme == MPQ_S_FP16 || t->a.scheme == MPQ_S_BF16) &&
		    (t->w.scheme == MPQ_S_FP16 || t->w.scheme == MPQ_S_BF16))
			eff->group = 1;
	}
	eff->acc_width_set = false;
	return mps_cfg_check(eff, err);
}

/* ---- energy (issue 7): "energy_pj" with its breakdown, docs/energy.md --- */

/* Energy of st on cfg with the [energy] section of path applied; leakage
 * only when the config sets pe_area_um2 (no yosys run here: mpsim report). */
static void add_energy(cJSON *s, const char *path, const mps_cfg_t *cfg,
                       const mps_stats_t *st)
{
	mps_energy_t e;
	mps_energy_breakdown_t b;
	double area;

	mps_energy_defaults(cfg, &e);
	if (mps_energy_load(path, &e, NULL) != MPS_OK) /* already checked by mps_cfg_load */
		return;
	area = e.pe_area_um2 > 0 ? e.pe_area_um2 * cfg->rows * cfg->cols * 1e-6 : 0.0;
	mps_energy_eval(&e, st, area, st->cycles, &b);
	cJSON_AddItemToObject(s, "energy_pj", mps_energy_json(&b));
}

/* ---- output ------------------------------------------------------------- */

static void add_shape(cJSON *o, const mps_stats_t *s)
{
	cJSON_AddNumberToObject(o, "M", (double)s->M);
	cJSON_AddNumberToObject(o, "K", (double)s->K);
	cJSON_AddNumberToObject(o, "N", (double)s->N);
}

/* The self-check's fields (docs/timing.md is silent; README "run"):
 * outputs_checked, outputs_match, mismatches, first_mismatch, check. */
static void add_check(cJSON *o, const mps_check_t *c, uint64_t seed)
{
	cJSON *d;
	char buf[64];

	cJSON_AddNumberToObject(o, "outputs_checked", (double)c->checked);
	cJSON_AddBoolToObject(o, "outputs_match", c->mismatches == 0);
	cJSON_AddNumberToObject(o, "mismatches", (double)c->mismatches);
	if (c->mismatches) {
		cJSON *mm = cJSON_AddObjectToObject(o, "first_mismatch");
		cJSON_AddNumberToObject(mm, "m", (double)c->first_m);
		cJSON_AddNumberToObject(mm, "n", (double)c->first_n);
		snprintf(buf, sizeof buf, "%a", (double)c->expected);
		cJSON_AddStringToObject(mm, "expected", buf);
		snprintf(buf, sizeof buf, "0x%08" PRIx32, mps_f32_bits(c->expected));
		cJSON_AddStringToObject(mm, "expected_hex", buf);
		snprintf(buf, sizeof buf, "%a", (double)c->got);
		cJSON_AddStringToObject(mm, "got", buf);
		snprintf(buf, sizeof buf, "0x%08" PRIx32, mps_f32_bits(c->got));
		cJSON_AddStringToObject(mm, "got_hex", buf);
	}
	d = cJSON_AddObjectToObject(o, "check");
	cJSON_AddStringToObject(d, "reference", "mpq_gemm_ref");
	cJSON_AddBoolToObject(d, "sampled", c->checked < c->total);
	cJSON_AddNumberToObject(d, "tokens", (double)c->rows);
	cJSON_AddNumberToObject(d, "channels", (double)c->cols);
	cJSON_AddNumberToObject(d, "outputs_total", (double)c->total);
	cJSON_AddNumberToObject(d, "seed", (double)seed);
}

static void print_check(const mps_check_t *c)
{
	if (c->mismatches)
		printf("  outputs       MISMATCH with the reference (mpq_gemm_ref): %" PRIu64
		       " of %" PRIu64 " checked differ; first (m %zu, n %zu): expected %a "
		       "(0x%08" PRIx32 "), got %a (0x%08" PRIx32 ")\n", c->mismatches, c->checked,
		       c->first_m, c->first_n, (double)c->expected, mps_f32_bits(c->expected),
		       (double)c->got, mps_f32_bits(c->got));
	else if (c->checked < c->total)
		printf("  outputs       match the reference (mpq_gemm_ref) bit for bit on a "
		       "sample of %" PRIu64 " of %" PRIu64 " (%zu tokens x %zu channels)\n",
		       c->checked, c->total, c->rows, c->cols);
	else
		printf("  outputs       match the reference (mpq_gemm_ref) bit for bit "
		       "(all %" PRIu64 ")\n", c->checked);
}

static int parse_gemm(const char *s, size_t *M, size_t *K, size_t *N)
{
	unsigned long long a, b, c;
	char tail;
	if (sscanf(s, "%llu,%llu,%llu%c", &a, &b, &c, &tail) != 3 || !a || !b || !c ||
	    a > 1000000 || b > 1000000 || c > 1000000)
		return -1;
	*M = (size_t)a;
	*K = (size_t)b;
	*N = (size_t)c;
	return 0;
}

int mps_cmd_run(int argc, char **argv)
{
	const char *cpath = NULL, *trace = NULL, *gemm = NULL, *wl = NULL, *layer = NULL;
	bool json = false, tonly = false, mode_set = false;
	uint64_t seed = 1, check = 1024;
	mps_run_opts_t ro = { MPS_MODE_CYCLE, MPS_FAULT_NONE, progress_cb, NULL };
	mps_cfg_t cfg, eff;
	mps_err_t err;
	progress_t pg;
	int status = MPS_EXIT_OK;
	cJSON *root = NULL;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(o, "--trace") && more)
			trace = argv[++i];
		else if (!strcmp(o, "--gemm") && more)
			gemm = argv[++i];
		else if (!strcmp(o, "--workload") && more)
			wl = argv[++i];
		else if (!strcmp(o, "--layer") && more)
			layer = argv[++i];
		else if (!strcmp(o, "--seed") && more) {
			char *end;
			errno = 0;
			seed = strtoull(argv[++i], &end, 0);
			if (errno || *end)
				return mps_cli_usage_error("run", "--seed '%s': not an integer", argv[i]);
		} else if (!strcmp(o, "--mode") && more) {
			const char *m = argv[++i];
			mode_set = true;
			if (!strcmp(m, "cycle"))
				ro.mode = MPS_MODE_CYCLE;
			else if (!strcmp(m, "fast"))
				ro.mode = MPS_MODE_FAST;
			else
				return mps_cli_usage_error("run", "--mode '%s': expected cycle or fast", m);
		} else if (!strcmp(o, "--check") && more) {
			const char *v = argv[++i];
			char *end;
			if (!strcmp(v, "all")) {
				check = UINT64_MAX;
			} else {
				errno = 0;
				check = strtoull(v, &end, 10);
				if (errno || *end || check == 0 || v[0] == '-')
					return mps_cli_usage_error("run", "--check '%s': expected a "
					                           "positive integer or 'all'", v);
			}
		} else if (!strcmp(o, "--json")) {
			json = true;
		} else if (!strcmp(o, "--timing-only")) {
			tonly = true;
		} else if (o[0] == '-' || cpath) {
			return mps_cli_usage_error("run", "unexpected argument '%s' (see 'mpsim "
			                           "help run')", o);
		} else {
			cpath = o;
		}
	}
	if (!cpath)
		return mps_cli_usage_error("run", "missing CONFIG (see 'mpsim help run')");
	if ((trace != NULL) + (gemm != NULL) + (wl != NULL) != 1)
		return mps_cli_usage_error("run", "give exactly one of --trace, --gemm, --workload");
	if (layer && !wl)
		return mps_cli_usage_error("run", "--layer needs --workload");
	if (tonly && (trace || mode_set))
		return mps_cli_usage_error("run", "--timing-only takes --gemm or --workload and "
		                           "no --mode (it needs no operands and runs no engine)");
	if (mps_cfg_load(cpath, &cfg, &err) != MPS_OK)
		return mps_cli_usage_error("run", "%s", err.msg);
	progress_init(&pg, "simulating");
	ro.progress_user = &pg;
	if (json) {
		root = cJSON_CreateObject();
		cJSON_AddStringToObject(root, "config", cpath);
		cJSON_AddStringToObject(root, "mode", tonly ? "timing-only" :
		                        ro.mode == MPS_MODE_FAST ? "fast" : "cycle");
		if (tonly)
			cJSON_AddBoolToObject(root, "timing_only", true);
		cJSON_AddStringToObject(root, "pe", mps_pe_type_name(mps_cfg_pe_type(&cfg)));
		cJSON_AddStringToObject(root, "dataflow", mps_cfg_dataflow_name(cfg.dataflow));
		cJSON_AddNumberToObject(root, "rows", cfg.rows);
		cJSON_AddNumberToObject(root, "cols", cfg.cols);
	}

	if (trace) {
		mps_trc_t t;
		mps_stats_t st;
		float *y;
		if (mps_trc_read(trace, &t, &err) != MPS_OK) {
			cJSON_Delete(root);
			return mps_cli_usage_error("run", "%s", err.msg);
		}
		if (trace_cfg(&cfg, &t, &eff, &err) != MPS_OK) {
			mps_trc_free(&t);
			cJSON_Delete(root);
			return mps_cli_usage_error("run", "trace %s does not fit config %s: %s",
			                           trace, cpath, err.msg);
		}
		y = calloc(t.M * t.N, sizeof *y);
		if (!y || mps_run_gemm(&eff, &t.a, &t.w, &t.opts, &ro, y, &st, &err) != MPS_OK) {
			free(y);
			mps_trc_free(&t);
			cJSON_Delete(root);
			return mps_cli_usage_error("run", "%s: %s", trace, y ? err.msg : "out of memory");
		}
		size_t bad = 0, first = 0;
		for (size_t i = 0; i < t.M * t.N; i++)
			if (mps_f32_bits(y[i]) != mps_f32_bits(t.y_expected[i]) && bad++ == 0)
				first = i;
		if (bad)
			status = MPS_EXIT_FAIL;
		if (json) {
			cJSON *s = mps_stats_json(&st, &eff);
			add_shape(s, &st);
			add_energy(s, cpath, &eff, &st);
			cJSON_AddItemToObject(root, "stats", s);
			cJSON_AddStringToObject(root, "trace", trace);
			cJSON_AddBoolToObject(root, "outputs_match", bad == 0);
			cJSON_AddNumberToObject(root, "mismatches", (double)bad);
			if (bad) {
				char buf[64];
				cJSON *mm = cJSON_AddObjectToObject(root, "first_mismatch");
				cJSON_AddNumberToObject(mm, "m", (double)(first / t.N));
				cJSON_AddNumberToObject(mm, "n", (double)(first % t.N));
				snprintf(buf, sizeof buf, "%a", (double)t.y_expected[first]);
				cJSON_AddStringToObject(mm, "expected", buf);
				snprintf(buf, sizeof buf, "0x%08" PRIx32, mps_f32_bits(t.y_expected[first]));
				cJSON_AddStringToObject(mm, "expected_hex", buf);
				snprintf(buf, sizeof buf, "%a", (double)y[first]);
				cJSON_AddStringToObject(mm, "got", buf);
				snprintf(buf, sizeof buf, "0x%08" PRIx32, mps_f32_bits(y[first]));
				cJSON_AddStringToObject(mm, "got_hex", buf);
			}
		} else {
			printf("%s on %s (%s mode): %zux%zux%zu, %s x %s, %s PE, %ux%u %s\n", trace,
			       cpath, ro.mode == MPS_MODE_FAST ? "fast" : "cycle", t.M, t.K, t.N,
			       mpq_scheme_name(t.w.scheme), mpq_scheme_name(t.a.scheme),
			       mps_pe_type_name(mps_cfg_pe_type(&eff)), eff.rows, eff.cols,
			       mps_cfg_dataflow_name(eff.dataflow));
			mps_stats_print(&st, &eff, "  ", stdout);
			if (bad)
				printf("  outputs       MISMATCH: %zu of %zu differ; first (m %zu, n %zu): "
				       "expected %a (0x%08" PRIx32 "), got %a (0x%08" PRIx32 ")\n", bad,
				       t.M * t.N, first / t.N, first % t.N, (double)t.y_expected[first],
				       mps_f32_bits(t.y_expected[first]), (double)y[first],
				       mps_f32_bits(y[first]));
			else
				printf("  outputs       match y.expected bit for bit (%zu values)\n",
				       t.M * t.N);
		}
		free(y);
		mps_trc_free(&t);
	} else {
		mps_wl_gemm_t g[MPS_WL_MAX_LAYERS];
		size_t ng = 0;
		mps_stats_t total;
		cJSON *layers = NULL;
		uint64_t checked = 0, mism = 0;

		if (gemm) {
			memset(&g[0], 0, sizeof g[0]);
			snprintf(g[0].name, sizeof g[0].name, "gemm");
			if (parse_gemm(gemm, &g[0].M, &g[0].K, &g[0].N)) {
				cJSON_Delete(root);
				return mps_cli_usage_error("run", "--gemm '%s': expected M,K,N (positive "
				                           "integers up to 1000000)", gemm);
			}
			ng = 1;
		} else if (layer) {
			if (mps_wl_layer(wl, layer, &g[0], &err) != MPS_OK) {
				cJSON_Delete(root);
				return mps_cli_usage_error("run", "%s", err.msg);
			}
			ng = 1;
		} else if (mps_wl_preset(wl, g, &ng, &err) != MPS_OK) {
			cJSON_Delete(root);
			return mps_cli_usage_error("run", "%s", err.msg);
		}
		memset(&total, 0, sizeof total);
		if (json && wl)
			layers = cJSON_AddArrayToObject(root, "layers");
		if (!json)
			printf("%s on %s (%s mode): %ux%u %s, %s PE (%s), %s x %s\n",
			       gemm ? "GEMM" : wl, cpath,
			       tonly ? "timing-only" : ro.mode == MPS_MODE_FAST ? "fast" : "cycle",
			       cfg.rows, cfg.cols, mps_cfg_dataflow_name(cfg.dataflow),
			       mps_pe_type_name(mps_cfg_pe_type(&cfg)), mps_cfg_kind_name(cfg.kind),
			       mpq_scheme_name(cfg.wq.scheme), mpq_scheme_name(cfg.aq.scheme));
		for (size_t i = 0; i < ng; i++) {
			mpq_qtensor_t a, w;
			mpq_qparams_t wq, aq;
			mpq_gemm_opts_t o;
			mps_stats_t st;
			mps_check_t ck;
			float *y;
			int rc;

			memset(&ck, 0, sizeof ck);
			mps_run_qparams(&cfg, g[i].K, &wq, &aq, &o);
			memset(&a, 0, sizeof a);
			memset(&w, 0, sizeof w);
			y = NULL;
			pg.what = g[i].name;
			if (tonly) {
				/* no operands: the plan and the data-independent counters */
				rc = mps_run_timing(&cfg, g[i].M, g[i].K, g[i].N, &st, &err);
			} else {
				rc = mps_run_make_operands(&cfg, g[i].M, g[i].K, g[i].N, seed + i, &a,
				                           &w, &err);
				y = rc == MPS_OK ? malloc(g[i].M * g[i].N * sizeof *y) : NULL;
				if (rc == MPS_OK && !y)
					rc = mps_err_set(&err, MPS_ERR_NOMEM, "out of memory");
				if (rc == MPS_OK)
					rc = mps_run_gemm(&cfg, &a, &w, &o, &ro, y, &st, &err);
				if (rc == MPS_OK)
					rc = mps_run_check(&a, &w, &o, y, check, seed + i, &ck, &err);
			}
			free(y);
			mpq_qtensor_free(&a);
			mpq_qtensor_free(&w);
			if (rc != MPS_OK) {
				cJSON_Delete(root);
				return mps_cli_usage_error("run", "%s (%zux%zux%zu): %s", g[i].name,
				                           g[i].M, g[i].K, g[i].N, err.msg);
			}
			mps_stats_add(&total, &st);
			checked += ck.checked;
			mism += ck.mismatches;
			if (ck.mismatches)
				status = MPS_EXIT_FAIL;
			if (json && layers) {
				cJSON *s = mps_stats_json(&st, &cfg);
				cJSON_AddStringToObject(s, "name", g[i].name);
				if (!tonly) /* energy needs the data-dependent counters */
					add_energy(s, cpath, &cfg, &st);
				add_shape(s, &st);
				if (!tonly)
					add_check(s, &ck, seed + i);
				cJSON_AddItemToArray(layers, s);
			} else if (json) {
				if (!tonly)
					add_check(root, &ck, seed + i);
			} else {
				printf("%s %zux%zux%zu (M x K x N)\n", g[i].name, g[i].M, g[i].K, g[i].N);
				mps_stats_print(&st, &cfg, "  ", stdout);
				if (!tonly)
					print_check(&ck);
			}
		}
		if (json) {
			cJSON *s = mps_stats_json(&total, &cfg);
			if (gemm)
				add_shape(s, &total);
			if (!tonly)
				add_energy(s, cpath, &cfg, &total);
			cJSON_AddItemToObject(root, wl ? "total" : "stats", s);
			if (!tonly)
				cJSON_AddNumberToObject(root, "seed", (double)seed);
			if (layers && !tonly) {
				cJSON_AddNumberToObject(root, "outputs_checked", (double)checked);
				cJSON_AddBoolToObject(root, "outputs_match", mism == 0);
				cJSON_AddNumberToObject(root, "mismatches", (double)mism);
			}
		} else if (ng > 1) {
			printf("total (%zu GEMMs)\n", ng);
			mps_stats_print(&total, &cfg, "  ", stdout);
			if (!tonly)
				printf("  outputs       %s the reference on all %" PRIu64 " checked "
			       "outputs of %zu GEMMs\n", mism ? "DIFFER from" : "match", checked, ng);
		}
	}
	if (json) {
		char *txt = cJSON_Print(root);
		if (txt)
			puts(txt);
		free(txt);
		cJSON_Delete(root);
	}
	return status;
}
