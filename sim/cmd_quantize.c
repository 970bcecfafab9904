/* sim/cmd_quantize.c - "mpsim quantize": quantize a tensor read from stdin
 * with one block scheme and print the dequantized values (and codes).
 * The CLI contract is ARCHITECTURE.md "CLI contract"; the recipes are
 * docs/numerics.md section 2.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mpq.h"

MPS_DECLARE_CMD(quantize);

const char mps_summary_quantize[] = "quantize numbers from stdin with a block scheme";

const char mps_help_quantize[] =
	"usage: mpsim quantize --scheme S [--block N] [--scale-rule floor|ceil]\n"
	"                      [--asym] [--rows R] [--codes]\n"
	"\n"
	"Reads one number per line on stdin (C99 strtod syntax: decimal, hex-float,\n"
	"inf, nan; blank lines are skipped): one tensor of R rows in row-major\n"
	"order, quantized along each row; consecutive values form blocks of N.\n"
	"Writes one dequantized value per line in %.9g.  Error metrics (MSE, SQNR,\n"
	"max abs error) go to stderr.\n"
	"\n"
	"  --scheme S        mxfp4 mxfp6_e2m3 mxfp6_e3m2 mxfp8_e4m3 mxfp8_e5m2 mxint8\n"
	"                    nvfp4 amxfp4 int4 int8 zqfp_m1 zqfp_m2 int8_token\n"
	"                    e4m3_token e4m3_tensor fp16 bf16 (docs/numerics.md 2)\n"
	"  --block N         block/group size (int4, int8, zqfp_m1/m2: any N >= 1,\n"
	"                    default 128; MX and amxfp4 32, nvfp4 16 are fixed)\n"
	"  --scale-rule R    MX scale rule: floor (OCP, default) or ceil (NVIDIA RCEIL)\n"
	"  --asym            int4/int8: asymmetric groups with a zero point\n"
	"  --rows R          the input is R rows of equal length (default 1)\n"
	"  --codes           each line becomes: VALUE CODE [SCALE...] [ZERO] [POST]\n"
	"\n"
	"--codes line format (space separated):\n"
	"  VALUE   dequantized value, %.9g\n"
	"  CODE    element code, lower-case hex with 0x, as many digits as the\n"
	"          element needs (1 for 4-bit, 2 for 6/8-bit, 4 for fp16/bf16;\n"
	"          int4/int8 in two's complement)\n"
	"  SCALE   the element's block scale code(s), 0x-hex: e8m0 (MX, zqfp),\n"
	"          e4m3 (nvfp4), two e5m2 'sp sn' (amxfp4), fp16 (int4/int8, 4 digits)\n"
	"  ZERO    int4/int8 --asym only: the group's zero point, 0x-hex\n"
	"  POST    schemes with an FP32 post scale only (nvfp4 g_dec, zqfp_m2 s_row,\n"
	"          int8_token, e4m3_token, e4m3_tensor): the row's post scale, %.9g\n"
	"\n"
	"Exit status: 0 ok; 2 bad usage or input (non-numeric line, unknown\n"
	"scheme, bad block, empty input, count not divisible by --rows).\n";

#define CMD "quantize"

static int parse_uint(const char *s, const char *flag, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > 1u << 30)
		return mps_cli_usage_error(CMD, "%s: expected a positive integer, got '%s'",
		                           flag, s);
	*out = (unsigned)v;
	return MPS_EXIT_OK;
}

/* Read every number on stdin into *out (malloc'ed). */
static int read_input(float **out, size_t *count)
{
	char line[512];
	size_t n = 0, cap = 0, lineno = 0;
	float *v = NULL;

	while (fgets(line, sizeof line, stdin)) {
		char *p = line, *end;
		double d;

		lineno++;
		if (!strchr(line, '\n') && !feof(stdin)) {
			free(v);
			return mps_cli_usage_error(CMD, "stdin line %zu: line too long", lineno);
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\r' || *p == '\0')
			continue;
		errno = 0;
		d = strtod(p, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
			end++;
		if (end == p || *end) {
			line[strcspn(line, "\r\n")] = '\0';
			free(v);
			return mps_cli_usage_error(CMD, "stdin line %zu: not a number: '%s'",
			                           lineno, line);
		}
		if (n == cap) {
			float *nv;
			cap = cap ? cap * 2 : 1024;
			nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				free(v);
				return mps_cli_usage_error(CMD, "out of memory");
			}
			v = nv;
		}
		v[n++] = (float)d; /* one RNE rounding to the FP32 input */
	}
	if (n == 0) {
		free(v);
		return mps_cli_usage_error(CMD, "no numbers on stdin");
	}
	*out = v;
	*count = n;
	return MPS_EXIT_OK;
}

static int hex_digits(mpq_fmt_t f)
{
	return ((int)mpq_format(f)->bits + 3) / 4;
}

static void print_value(float v)
{
	if (isnan(v))
		fputs("nan", stdout);
	else if (v == 0.0f && signbit(v))
		fputs("-0", stdout);
	else
		printf("%.9g", (double)v);
}

int mps_cmd_quantize(int argc, char **argv)
{
	mpq_qparams_t p = { MPQ_S_MXFP4, 0, MPQ_RULE_FLOOR, false };
	const char *scheme = NULL;
	unsigned rows = 1;
	bool codes = false;
	float *x = NULL, *deq = NULL;
	size_t n = 0, cols;
	mpq_qtensor_t q;
	mpq_metrics_t m;
	mps_err_t err = { 0, "" };
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (strcmp(a, "--scheme") == 0 && has_val) {
			scheme = argv[++i];
		} else if (strcmp(a, "--block") == 0 && has_val) {
			if (parse_uint(argv[++i], "--block", &p.block))
				return MPS_EXIT_USAGE;
		} else if (strcmp(a, "--rows") == 0 && has_val) {
			if (parse_uint(argv[++i], "--rows", &rows))
				return MPS_EXIT_USAGE;
		} else if (strcmp(a, "--scale-rule") == 0 && has_val) {
			const char *r = argv[++i];
			if (strcmp(r, "floor") == 0)
				p.rule = MPQ_RULE_FLOOR;
			else if (strcmp(r, "ceil") == 0)
				p.rule = MPQ_RULE_CEIL;
			else
				return mps_cli_usage_error(CMD, "--scale-rule: expected floor "
				                           "or ceil, got '%s'", r);
		} else if (strcmp(a, "--asym") == 0) {
			p.asym = true;
		} else if (strcmp(a, "--codes") == 0) {
			codes = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(mps_help_quantize, stdout);
			return MPS_EXIT_OK;
		} else {
			return mps_cli_usage_error(CMD, "unknown or incomplete option '%s' "
			                           "(see 'mpsim help quantize')", a);
		}
	}
	if (!scheme)
		return mps_cli_usage_error(CMD, "--scheme is required (see 'mpsim help "
		                           "quantize')");
	if (mpq_scheme_lookup(scheme, &p.scheme, &err) != MPS_OK)
		return mps_cli_usage_error(CMD, "%s", err.msg);
	rc = read_input(&x, &n);
	if (rc)
		return rc;
	if (n % rows) {
		free(x);
		return mps_cli_usage_error(CMD, "%zu values do not divide into --rows %u",
		                           n, rows);
	}
	cols = n / rows;
	if (mpq_quantize(x, rows, cols, &p, &q, &m, &err) != MPS_OK) {
		free(x);
		return mps_cli_usage_error(CMD, "%s", err.msg);
	}
	deq = malloc(n * sizeof *deq);
	if (!deq) {
		free(x);
		mpq_qtensor_free(&q);
		return mps_cli_usage_error(CMD, "out of memory");
	}
	mpq_dequantize(&q, deq);
	for (size_t i = 0; i < n; i++) {
		size_t r = i / cols, b = (i % cols) / q.block;
		print_value(deq[i]);
		if (codes) {
			printf(" 0x%0*x", hex_digits(q.elem), (unsigned)q.codes[i]);
			for (unsigned s = 0; q.scales && s < q.nscale; s++)
				printf(" 0x%0*x", hex_digits(q.scale_fmt),
				       (unsigned)q.scales[(r * q.nblk + b) * q.nscale + s]);
			if (q.zeros)
				printf(" 0x%0*x", hex_digits(q.elem),
				       (unsigned)q.zeros[r * q.nblk + b]);
			if (q.post)
				printf(" %.9g", (double)q.post[r]);
		}
		putchar('\n');
	}
	fprintf(stderr, "mpsim quantize: %s, %u x %zu, block %u: mse %.6g, sqnr %.4g dB, "
	        "max abs error %.6g\n", mpq_scheme_name(p.scheme), rows, cols,
	        q.block, m.mse, m.sqnr_db, m.max_abs);
	free(x);
	free(deq);
	mpq_qtensor_free(&q);
	if (fflush(stdout) != 0)
		return mps_cli_usage_error(CMD, "write error on stdout");
	return MPS_EXIT_OK;
}
