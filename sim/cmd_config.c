/* sim/cmd_config.c - "mpsim config": check a config and write its C and
 * SystemVerilog parameter views (one generator for both, docs/config.md). */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "cli.h"

MPS_DECLARE_CMD(config);

const char mps_summary_config[] = "check a config; emit mps_params.h / .svh / JSON";
const char mps_help_config[] =
	"usage: mpsim config CONFIG [--emit-h FILE] [--emit-svh FILE] [--json]\n"
	"\n"
	"Parses CONFIG strictly (docs/config.md) and prints a one-line summary.\n"
	"  --emit-h FILE    write the C view: #define MPS_P_<Name> value\n"
	"  --emit-svh FILE  write the SystemVerilog view: localparam int <Name> = value;\n"
	"  --json           print the resolved config as JSON on stdout\n"
	"Both views come from one parameter table (Rows, Cols, Dataflow, PeKind,\n"
	"PeType, WeightFmt, ActFmt, WScheme, AScheme, AccWidth, Group, AccMode,\n"
	"AlignBits, HasZero, Amx, DqEdge, DqLatency, WLsb, ALsb).\n"
	"Exit status: 0 ok, 2 bad usage or invalid config (message names file:line).\n";

static int emit(const char *path, const mps_cfg_t *c,
                int (*fn)(const mps_cfg_t *, FILE *, mps_err_t *))
{
	mps_err_t err;
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return mps_cli_usage_error("config", "%s: cannot write", path);
	rc = fn(c, f, &err);
	if (fclose(f) != 0 || rc != MPS_OK)
		return mps_cli_usage_error("config", "%s: write error", path);
	return MPS_EXIT_OK;
}

int mps_cmd_config(int argc, char **argv)
{
	const char *path = NULL, *eh = NULL, *esv = NULL;
	bool json = false;
	mps_cfg_t c;
	mps_err_t err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--emit-h") && i + 1 < argc)
			eh = argv[++i];
		else if (!strcmp(argv[i], "--emit-svh") && i + 1 < argc)
			esv = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || path)
			return mps_cli_usage_error("config", "unexpected argument '%s' "
			                           "(see 'mpsim help config')", argv[i]);
		else
			path = argv[i];
	}
	if (!path)
		return mps_cli_usage_error("config", "missing CONFIG (see 'mpsim help config')");
	if (mps_cfg_load(path, &c, &err) != MPS_OK)
		return mps_cli_usage_error("config", "%s", err.msg);
	if (eh && emit(eh, &c, mps_cfg_emit_h) != MPS_EXIT_OK)
		return MPS_EXIT_USAGE;
	if (esv && emit(esv, &c, mps_cfg_emit_svh) != MPS_EXIT_OK)
		return MPS_EXIT_USAGE;
	if (json) {
		mps_cfg_emit_json(&c, stdout, &err);
	} else {
		printf("%s: %ux%u %s, %s %s PE (%s), %s x %s, group %u, accumulate %s, "
		       "dequant %s/%u, AccWidth %u\n", path, c.rows, c.cols,
		       mps_cfg_dataflow_name(c.dataflow), mps_pe_type_name(mps_cfg_pe_type(&c)),
		       mps_cfg_kind_name(c.kind), mpq_format(c.weight)->name,
		       mpq_scheme_name(c.wq.scheme), mpq_scheme_name(c.aq.scheme), c.group,
		       mps_cfg_acc_name(c.accumulate), mps_cfg_dq_name(c.dq_place),
		       c.dq_latency, c.acc_width);
	}
	return MPS_EXIT_OK;
}
