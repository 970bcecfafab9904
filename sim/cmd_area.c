/* sim/cmd_area.c - "mpsim area": yosys area of a config's PE and array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "area.h"
#include "cfg.h"
#include "cli.h"
#include "energy.h"

MPS_DECLARE_CMD(area);

const char mps_summary_area[] = "yosys area of a config's PE types and array";
const char mps_help_area[] =
	"usage: mpsim area CONFIG [--json] [--rtl DIR] [--cache-only]\n"
	"\n"
	"Synthesizes the RTL of CONFIG's PE with yosys (scripts/syn/area.sh):\n"
	"rtl/mp_top at 1x1 with the config's generated parameters (the same view\n"
	"as 'mpsim config --emit-svh'), flattened except for the PE, its product\n"
	"and dequant units, the output unit and the w4a16 row aligner; synth\n"
	"-noabc, async2sync + dffunmap, abc -g to simple gates, then\n"
	"'stat -json -tech cmos'.  Prints cells by type and a transistor estimate\n"
	"(every flop included) for each unit, and composes the R x C array from\n"
	"them plus the skew/drain registers (docs/energy.md section 8).  Areas in\n"
	"um^2 are an estimate: transistors x um2_per_transistor ([energy] key; no\n"
	"open standard-cell liberty is installable from Debian or PyPI); the\n"
	"sky130_fd_sc_hd figure puts one drive-1 cell of that open library\n"
	"(130 nm, LEF areas) per gate.\n"
	"Environment: MPS_SYN_ABC picks the ABC script (energy.md 8): bounded\n"
	"(default; ABC's default script with its SAT sweep limited to 1000\n"
	"conflicts per node), full (unlimited: does not finish on a PE), dch (no\n"
	"SAT sweep), fast (abc -fast), none (yosys techmap gates).\n"
	"MPS_LIBERTY=FILE.lib also maps to that library and reports its area.\n"
	"Results are cached in build/syn/<hash>/; the first run of a PE type\n"
	"takes one to a few minutes.\n"
	"  --json        machine-readable output on stdout\n"
	"  --rtl DIR     RTL tree (default rtl)\n"
	"  --cache-only  never run yosys; fail if the result is not cached\n"
	"Exit status: 0 ok (also when the PE type has no RTL: reported as such),\n"
	"2 bad usage, invalid config or a yosys failure.\n";

/* "$paramod$<hash>\\mp_pe_os" -> "mp_pe_os" */
static const char *base_name(const char *m)
{
	const char *b = strrchr(m, '\\');
	return b ? b + 1 : m;
}

static void print_unit(const char *what, const mps_area_unit_t *u, double upt)
{
	printf("  %-14s %9llu cells %7llu flops %10llu transistors  ~%.0f um^2  (%s)\n", what,
	       (unsigned long long)u->cells, (unsigned long long)u->flops,
	       (unsigned long long)u->transistors, (double)u->transistors * upt,
	       base_name(u->module));
	printf("  %-14s ", "");
	for (size_t i = 0; i < u->ntypes; i++)
		printf("%s%s %llu", i ? ", " : "", u->by_type[i].type,
		       (unsigned long long)u->by_type[i].n);
	printf("\n");
}

int mps_cmd_area(int argc, char **argv)
{
	const char *cpath = NULL;
	bool json = false;
	mps_area_opts_t o = { NULL, NULL, NULL, 0.0, false };
	mps_cfg_t cfg;
	mps_energy_t e;
	mps_area_t a;
	mps_err_t err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--rtl") && i + 1 < argc)
			o.rtl_dir = argv[++i];
		else if (!strcmp(argv[i], "--cache-only"))
			o.cache_only = true;
		else if (argv[i][0] == '-' || cpath)
			return mps_cli_usage_error("area", "unexpected argument '%s' (see 'mpsim "
			                           "help area')", argv[i]);
		else
			cpath = argv[i];
	}
	if (!cpath)
		return mps_cli_usage_error("area", "missing CONFIG (see 'mpsim help area')");
	if (mps_cfg_load(cpath, &cfg, &err) != MPS_OK)
		return mps_cli_usage_error("area", "%s", err.msg);
	mps_energy_defaults(&cfg, &e);
	if (mps_energy_load(cpath, &e, &err) != MPS_OK)
		return mps_cli_usage_error("area", "%s", err.msg);
	o.um2_per_transistor = e.um2_per_transistor;
	if (!json && isatty(2))
		fprintf(stderr, "mpsim area: synthesizing with yosys (cached in build/syn/; "
		                "minutes on the first run)...\n");
	if (mps_area_synth(&cfg, &o, &a, &err) != MPS_OK)
		return mps_cli_usage_error("area", "%s", err.msg);
	if (json) {
		cJSON *j = mps_area_json(&a);
		char *t;
		cJSON_AddStringToObject(j, "config", cpath);
		t = cJSON_Print(j);
		if (t)
			puts(t);
		free(t);
		cJSON_Delete(j);
		return MPS_EXIT_OK;
	}
	printf("%s: %ux%u %s array of %s PEs\n", cpath, cfg.rows, cfg.cols,
	       mps_cfg_dataflow_name(cfg.dataflow), mps_pe_type_name(a.pe_type));
	if (!a.has_rtl) {
		printf("  area absent: %s (mpsim verify's rule)\n", a.no_rtl);
		return MPS_EXIT_OK;
	}
	printf("  yosys 0.23, stat -tech cmos after async2sync + dffunmap + %s (%s%s)\n",
	       mps_area_method_desc(a.method),
	       a.dir, a.cached ? ", cached" : "");
	if (a.seconds > 0)
		printf("  yosys took %.1f s%s\n", a.seconds, a.cached ? " (when cached)" : "");
	print_unit("PE", &a.pe, a.um2_per_transistor);
	if (a.prod.present)
		print_unit("product unit", &a.prod, a.um2_per_transistor);
	if (a.dq.present)
		print_unit("dequant unit", &a.dq, a.um2_per_transistor);
	if (a.out.present)
		print_unit("output unit", &a.out, a.um2_per_transistor);
	if (a.align.present)
		print_unit("row aligner", &a.align, a.um2_per_transistor);
	print_unit("1x1 mp_top", &a.top1, a.um2_per_transistor);
	printf("  array %ux%u: %u PEs x %llu + %u output units x %llu", a.rows, a.cols,
	       a.rows * a.cols, (unsigned long long)a.pe.transistors, a.cols,
	       (unsigned long long)a.out.transistors);
	if (a.edge_dq_units)
		printf(" + %llu edge dequant units x %llu", (unsigned long long)a.edge_dq_units,
		       (unsigned long long)a.dq.transistors);
	if (a.align.present)
		printf(" + %u row aligners x %llu", a.rows, (unsigned long long)a.align.transistors);
	printf(" + edge registers %llu bits x 28 = %llu transistors\n",
	       (unsigned long long)a.edge_flop_bits, (unsigned long long)a.array_transistors);
	printf("  area estimate: PE %.0f um^2, array %.3f mm^2 at %.4f um^2/transistor "
	       "(assumption, docs/energy.md 8; no liberty)\n", a.pe_um2, a.array_mm2,
	       a.um2_per_transistor);
	if (a.pe_sky130_um2 > 0)
		printf("  sky130_fd_sc_hd cells (130 nm, one drive-1 cell per gate, LEF areas): "
		       "PE %.0f um^2, array %.3f mm^2\n", a.pe_sky130_um2, a.array_sky130_mm2);
	if (a.has_lib)
		printf("  liberty (%s): PE %.0f um^2, array %.3f mm^2\n", getenv("MPS_LIBERTY"),
		       a.pe_lib_um2, a.array_lib_mm2);
	return MPS_EXIT_OK;
}
