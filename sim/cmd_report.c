/* sim/cmd_report.c - "mpsim report": energy, area and throughput report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "cli.h"
#include "rpt.h"

MPS_DECLARE_CMD(report);

const char mps_summary_report[] = "energy, area and throughput report with plots";
const char mps_help_report[] =
	"usage: mpsim report CONFIG --workload PRESET [--out DIR] [--tokens M]\n"
	"                    [--layers N] [--area yosys|cached|none] [--no-plots]\n"
	"                    [--seed N] [--json]\n"
	"\n"
	"Simulates every layer GEMM of PRESET (e.g. llama2-7b:decode:16; see\n"
	"docs/workloads.md) in fast mode on CONFIG and reports per layer and in\n"
	"total: cycles, latency at the clock, TOPS (2 MACs / time), tokens/s,\n"
	"utilization, energy by component (docs/energy.md), TOPS/W and area.\n"
	"Writes report.json, report.csv, report.md, run.txt and PNG plots\n"
	"(energy.png, latency.png, area.png, roofline.png; scripts/plot_report.py)\n"
	"into DIR (default build/reports/<config>_<preset>/).\n"
	"  --tokens M    override M (tokens) of every GEMM\n"
	"  --layers N    model totals = one layer x N (default: the model's layers)\n"
	"  --area MODE   yosys: synthesize unless cached (default; minutes the first\n"
	"                time per PE type); cached: only a cached result; none: no\n"
	"                yosys ([energy] pe_area_um2 if set, else area is absent)\n"
	"  --no-plots    skip the matplotlib plots\n"
	"  --json        print report.json on stdout\n"
	"Environment: MPSIM_PYTHON (default build/venv/bin/python).\n"
	"Exit status: 0 ok, 2 bad usage, bad config or a failure (message says which).\n";

static void run_name(const char *cfg, const char *wl, char *out, size_t n)
{
	const char *b = strrchr(cfg, '/');
	size_t len;
	b = b ? b + 1 : cfg;
	len = strcspn(b, ".");
	snprintf(out, n, "%.*s_%s", (int)len, b, wl);
	for (char *p = out; *p; p++)
		if (*p == ':' || *p == '/' || *p == ' ')
			*p = '_';
}

int mps_cmd_report(int argc, char **argv)
{
	const char *cpath = NULL, *out = NULL;
	mps_rpt_opts_t o = { NULL, 0, 0, 1, MPS_RPT_AREA_YOSYS, NULL };
	bool plots = true, json = false, plots_ok = false;
	char dir[1024], name[512];
	const char *py = getenv("MPSIM_PYTHON");
	mps_rpt_t *r;
	mps_err_t err;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--workload") && more) {
			o.workload = argv[++i];
		} else if (!strcmp(a, "--out") && more) {
			out = argv[++i];
		} else if ((!strcmp(a, "--tokens") || !strcmp(a, "--layers") ||
		            !strcmp(a, "--seed")) && more) {
			char *end;
			unsigned long long v;
			errno = 0;
			v = strtoull(argv[++i], &end, 0);
			if (errno || *end || (strcmp(a, "--seed") && (v == 0 || v > 1000000)))
				return mps_cli_usage_error("report", "%s '%s': expected a positive "
				                           "integer", a, argv[i]);
			if (!strcmp(a, "--tokens"))
				o.tokens = v;
			else if (!strcmp(a, "--layers"))
				o.layers = (unsigned)v;
			else
				o.seed = v;
		} else if (!strcmp(a, "--area") && more) {
			const char *m = argv[++i];
			if (!strcmp(m, "yosys"))
				o.area = MPS_RPT_AREA_YOSYS;
			else if (!strcmp(m, "cached"))
				o.area = MPS_RPT_AREA_CACHED;
			else if (!strcmp(m, "none"))
				o.area = MPS_RPT_AREA_NONE;
			else
				return mps_cli_usage_error("report", "--area '%s': expected yosys, "
				                           "cached or none", m);
		} else if (!strcmp(a, "--no-plots")) {
			plots = false;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (a[0] == '-' || cpath) {
			return mps_cli_usage_error("report", "unexpected argument '%s' (see 'mpsim "
			                           "help report')", a);
		} else {
			cpath = a;
		}
	}
	if (!cpath || !o.workload)
		return mps_cli_usage_error("report", "need CONFIG and --workload PRESET (see "
		                           "'mpsim help report')");
	if (!py)
		py = "build/venv/bin/python";
	if (plots && access(py, X_OK) != 0)
		return mps_cli_usage_error("report", "%s: not found (run scripts/setup.sh, set "
		                           "MPSIM_PYTHON, or use --no-plots)", py);
	run_name(cpath, o.workload, name, sizeof name);
	if (out)
		snprintf(dir, sizeof dir, "%s", out);
	else
		snprintf(dir, sizeof dir, "build/reports/%s", name);
	r = malloc(sizeof *r);
	if (!r)
		return mps_cli_usage_error("report", "out of memory");
	if (o.area == MPS_RPT_AREA_YOSYS && isatty(2))
		fprintf(stderr, "mpsim report: yosys area (cached in build/syn/; minutes the "
		                "first time per PE type)...\n");
	rc = mps_rpt_run(cpath, &o, r, &err);
	if (rc == MPS_OK)
		rc = mps_rpt_write(r, dir, plots ? py : NULL, &plots_ok, &err);
	if (rc != MPS_OK) {
		free(r);
		return mps_cli_usage_error("report", "%s", err.msg);
	}
	if (json) {
		cJSON *j = mps_rpt_json(r);
		char *t = j ? cJSON_Print(j) : NULL;
		if (t)
			puts(t);
		free(t);
		cJSON_Delete(j);
	} else {
		printf("%s on %s: %ux%u %s, %zu GEMMs x %u layers, M = %llu\n", cpath, o.workload,
		       r->cfg.rows, r->cfg.cols, mps_pe_type_name(mps_cfg_pe_type(&r->cfg)),
		       r->nlayers, r->layers, (unsigned long long)r->tokens);
		printf("  latency %.1f us, %.1f tokens/s, %.3f TOPS (peak %.3f), util %.1f%%\n",
		       r->model_latency_us, r->tokens_per_s, r->one_fig.tops, r->peak_tops,
		       100.0 * r->one_fig.util);
		printf("  energy %.4g uJ, %.3f TOPS/W%s", r->model_energy_pj * 1e-6,
		       r->one_fig.tops_per_w, r->one_en.has_leakage ? "" : " (no leakage: no area)");
		if (r->has_area)
			printf(", array %.3f mm^2\n", r->area_mm2);
		else
			printf(", area absent\n");
		printf("  wrote %s/report.{json,csv,md}, run.txt%s\n", dir,
		       plots ? (plots_ok ? ", *.png" : " (plots FAILED: see plot.log)") : "");
	}
	free(r);
	return plots && !plots_ok ? MPS_EXIT_USAGE : MPS_EXIT_OK;
}
