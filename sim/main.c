/* sim/main.c - the mpsim binary: dispatches git-style subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef MPS_VERSION
#define MPS_VERSION "0.1.0"
#endif

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("mpsim %s\n", MPS_VERSION);
	return MPS_EXIT_OK;
}

/* Every command: add one MPS_DECLARE_CMD line and one table row. */
MPS_DECLARE_CMD(run);
MPS_DECLARE_CMD(config);
MPS_DECLARE_CMD(trace);
MPS_DECLARE_CMD(quantize);
MPS_DECLARE_CMD(cast);
MPS_DECLARE_CMD(formats);
MPS_DECLARE_CMD(verify);
MPS_DECLARE_CMD(area);
MPS_DECLARE_CMD(report);
MPS_DECLARE_CMD(sweep);

static const mps_cmd_t cmds[] = {
	{ "version", cmd_version, "print the version", "usage: mpsim version\n" },
	{ "run", mps_cmd_run, mps_summary_run, mps_help_run },
	{ "config", mps_cmd_config, mps_summary_config, mps_help_config },
	{ "trace", mps_cmd_trace, mps_summary_trace, mps_help_trace },
	{ "quantize", mps_cmd_quantize, mps_summary_quantize, mps_help_quantize },
	{ "cast", mps_cmd_cast, mps_summary_cast, mps_help_cast },
	{ "formats", mps_cmd_formats, mps_summary_formats, mps_help_formats },
	{ "verify", mps_cmd_verify, mps_summary_verify, mps_help_verify },
	{ "area", mps_cmd_area, mps_summary_area, mps_help_area },
	{ "report", mps_cmd_report, mps_summary_report, mps_help_report },
	{ "sweep", mps_cmd_sweep, mps_summary_sweep, mps_help_sweep },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

int mps_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "mpsim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return MPS_EXIT_USAGE;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mpsim COMMAND [ARGS...]\n\n"
	           "mpsim simulates low-bit LLM accelerator arrays bit- and cycle-exactly.\n\n"
	           "commands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n'mpsim help COMMAND' describes one command.\n"
	           "Exit status: 0 ok, 1 failed check or mismatch, 2 bad usage or input.\n");
}

static const mps_cmd_t *find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const mps_cmd_t *c;

	if (argc < 2) {
		usage(stderr);
		return MPS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc < 3) {
			usage(stdout);
			return MPS_EXIT_OK;
		}
		c = find(argv[2]);
		if (!c) {
			fprintf(stderr, "mpsim help: unknown command '%s'\n", argv[2]);
			return MPS_EXIT_USAGE;
		}
		fputs(c->help, stdout);
		return MPS_EXIT_OK;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "mpsim: unknown command '%s' (try 'mpsim help')\n", argv[1]);
		return MPS_EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
