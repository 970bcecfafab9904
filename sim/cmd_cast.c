/* sim/cmd_cast.c - "mpsim cast": encode numbers from stdin into one element
 * format (ARCHITECTURE.md, CLI contract).
 *
 * Input: one C99 strtod number per line (decimal, hex-float, inf, nan, with
 * an optional sign and surrounding blanks).  Output: "0xHH VALUE" per line,
 * HH the code in lower-case hex with two digits for formats up to 8 bits,
 * four for fp16/bf16 and eight for fp32; VALUE the decoded code in %.9g
 * ("nan", "inf", "-inf", "-0").  Lines already written stay written when a
 * later line is bad (the output is a stream).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mpq.h"

MPS_DECLARE_CMD(cast);

const char mps_summary_cast[] = "encode numbers from stdin into an element format";
const char mps_help_cast[] =
	"usage: mpsim cast --format F [--no-saturate]\n"
	"                  [--round nearest-even|toward-zero|up]\n"
	"\n"
	"Reads one number per line on stdin (C99 strtod syntax: decimal, hex-float\n"
	"such as 0x1.8p+2, inf, nan, optional sign) and writes one line per input:\n"
	"  0xHH VALUE\n"
	"HH is the code in lower-case hex (two digits up to 8-bit formats, int4/int8\n"
	"in two's complement; four for fp16/bf16; eight for fp32).  VALUE is the\n"
	"decoded code in %.9g (nan, inf, -inf, -0).\n"
	"\n"
	"  --format F       e2m1 e2m3 e3m2 e4m3 e5m2 e8m0 int4 uint4 int8 uint8 fp16\n"
	"                   bf16 fp32 (or the ml_dtypes names, e.g. float8_e4m3fn)\n"
	"  --no-saturate    IEEE overflow: Inf, or NaN for e4m3/e8m0 (default:\n"
	"                   overflow and +-Inf give +-max finite)\n"
	"  --round MODE     nearest-even (default), toward-zero, up (toward +inf);\n"
	"                   e8m0 scales use toward-zero (OCP MX floor) or up\n"
	"\n"
	"A NaN into a format without NaN (FP4, FP6, integers) gives +-max and a\n"
	"warning on stderr naming the line; so does a negative number into e8m0\n"
	"(|x| is used, as CUDA does).  The special-value policy is docs/formats.md.\n"
	"Exit status: 0 ok; 2 bad flag, empty input, or a line that is not one\n"
	"number (the message names the line).\n";

static const struct {
	const char *name;
	mpq_round_t rm;
} round_modes[] = {
	{ "nearest-even", MPQ_RNE },
	{ "toward-zero", MPQ_RTZ },
	{ "up", MPQ_RUP },
};

static void put_value(FILE *out, double v)
{
	if (isnan(v))
		fputs("nan", out);
	else
		fprintf(out, "%.9g", v); /* glibc: inf, -inf, -0 */
}

/* Trim trailing blanks in place; return the first non-blank character. */
static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
	                 s[n - 1] == '\t' || s[n - 1] == '\v' || s[n - 1] == '\f'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f')
		s++;
	return s;
}

int mps_cmd_cast(int argc, char **argv)
{
	const char *fmt_name = NULL;
	mpq_fmt_t f = MPQ_E2M1;
	mpq_round_t rm = MPQ_RNE;
	mpq_sat_t sat = MPQ_SAT;
	const mpq_format_t *d;
	mps_err_t err;
	static char obuf[1 << 16]; /* stdout buffer: lines are small */
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int digits, rc = MPS_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		if (strcmp(a, "--no-saturate") == 0) {
			sat = MPQ_NOSAT;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(mps_help_cast, stdout);
			return MPS_EXIT_OK;
		}
		if (strncmp(a, "--format=", 9) == 0 || strncmp(a, "--round=", 8) == 0) {
			val = strchr(a, '=') + 1;
		} else if (strcmp(a, "--format") == 0 || strcmp(a, "--round") == 0) {
			if (i + 1 >= argc)
				return mps_cli_usage_error("cast", "%s needs a value", a);
			val = argv[++i];
		} else {
			return mps_cli_usage_error("cast", "unknown flag '%s' (see 'mpsim help cast')", a);
		}
		if (a[2] == 'f') {
			fmt_name = val;
		} else {
			size_t k, n = sizeof round_modes / sizeof round_modes[0];
			for (k = 0; k < n; k++)
				if (strcmp(val, round_modes[k].name) == 0)
					break;
			if (k == n)
				return mps_cli_usage_error("cast", "--round: unknown mode '%s' "
				                           "(valid: nearest-even, toward-zero, up)", val);
			rm = round_modes[k].rm;
		}
	}
	if (!fmt_name)
		return mps_cli_usage_error("cast", "--format is required (see 'mpsim help cast')");
	if (mpq_format_lookup(fmt_name, &f, &err) != MPS_OK)
		return mps_cli_usage_error("cast", "--format: %s", err.msg);
	d = mpq_format(f);
	digits = d->bits <= 8 ? 2 : (int)d->bits / 4;

	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	while (getline(&line, &cap, stdin) != -1) {
		char *s, *end;
		double x;
		uint32_t code, flags = 0;

		lineno++;
		s = trim(line);
		if (*s == '\0') {
			rc = mps_cli_usage_error("cast", "stdin line %lu: empty line (one number per line)",
			                         lineno);
			goto done;
		}
		errno = 0;
		x = strtod(s, &end); /* ERANGE is not an error: strtod gives +-inf
		                      * or the rounded tiny value, which is cast */
		if (end == s) {
			rc = mps_cli_usage_error("cast", "stdin line %lu: not a number: '%s'", lineno, s);
			goto done;
		}
		if (*end != '\0') {
			rc = mps_cli_usage_error("cast", "stdin line %lu: trailing text after the number: '%s'",
			                         lineno, s);
			goto done;
		}
		code = mpq_encode(f, x, rm, sat, &flags);
		fprintf(stdout, "0x%0*x ", digits, (unsigned)code);
		put_value(stdout, mpq_decode(f, code));
		fputc('\n', stdout);
		if (flags & MPQ_FLAG_INVALID) {
			fflush(stdout);
			fprintf(stderr, "mpsim cast: warning: stdin line %lu: '%s' has no %s "
			        "encoding (invalid); wrote 0x%0*x\n", lineno, s, d->name,
			        digits, (unsigned)code);
		}
	}
	if (ferror(stdin)) {
		rc = mps_cli_usage_error("cast", "reading stdin failed");
		goto done;
	}
	if (lineno == 0)
		rc = mps_cli_usage_error("cast", "empty input: expected one number per line on stdin");
done:
	free(line);
	if (fflush(stdout) != 0 && rc == MPS_EXIT_OK) {
		fprintf(stderr, "mpsim cast: writing stdout failed\n");
		rc = MPS_EXIT_USAGE;
	}
	return rc;
}
