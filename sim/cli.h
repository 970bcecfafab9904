/* sim/cli.h - the mpsim command table: one entry per git-style subcommand.
 *
 * Each command lives in its own file sim/cmd_<name>.c and exports
 *   int mps_cmd_<name>(int argc, char **argv);
 * argv[0] is the command name.  It returns the process exit status:
 * 0 success, 1 a failed check or mismatch, 2 bad usage or bad input (after
 * printing "mpsim <cmd>: message" to stderr).  Its help text is the
 * mps_help_<name> string, printed by "mpsim help <name>".
 */
#ifndef MPS_SIM_CLI_H
#define MPS_SIM_CLI_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPS_EXIT_OK 0
#define MPS_EXIT_FAIL 1
#define MPS_EXIT_USAGE 2

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary; /* one line for "mpsim help" */
	const char *help;    /* full text for "mpsim help NAME" */
} mps_cmd_t;

/* Print "mpsim <cmd>: <fmt...>\n" to stderr and return MPS_EXIT_USAGE. */
int mps_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define MPS_DECLARE_CMD(n) \
	int mps_cmd_##n(int argc, char **argv); \
	extern const char mps_help_##n[]; \
	extern const char mps_summary_##n[]

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_CLI_H */
