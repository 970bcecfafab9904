/* sim/cmd_formats.c - "mpsim formats": the element-format table, and every
 * value of the 4- and 6-bit formats, as text or JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "mpq.h"

MPS_DECLARE_CMD(formats);

const char mps_summary_formats[] = "list the element formats and their value tables";
const char mps_help_formats[] =
	"usage: mpsim formats [--json]\n"
	"\n"
	"Prints every element format: short and ml_dtypes name, bits, exponent and\n"
	"stored fraction bits (E, M; M excludes the hidden bit), bias, largest\n"
	"finite value, smallest normal and subnormal, and whether it has Inf and\n"
	"NaN (NaN: ieee = all-ones exponent, allones = only S.1..1 codes).  Then\n"
	"the value of every code of the 4- and 6-bit formats (e2m1, e2m3, e3m2,\n"
	"int4, uint4).  --json prints the same as one JSON object on stdout:\n"
	"{\"formats\": [{\"name\", \"long_name\", \"bits\", \"ebits\", \"mbits\", \"bias\",\n"
	"\"signed\", \"int\", \"max\", \"min_normal\", \"min_subnormal\", \"inf\", \"nan\",\n"
	"\"values\" (small formats only: one number per code; null for none)}]}.\n"
	"Details and sources: docs/formats.md.\n";

static const char *nan_name(mpq_nan_t n)
{
	return n == MPQ_NAN_IEEE ? "ieee" : n == MPQ_NAN_ALLONES ? "allones" : "none";
}

static bool small(const mpq_format_t *d)
{
	return d->bits <= 6;
}

static int print_json(void)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *txt;

	if (!root)
		goto nomem;
	arr = cJSON_AddArrayToObject(root, "formats");
	if (!arr)
		goto nomem;
	for (unsigned i = 0; i < MPQ_NFMT; i++) {
		mpq_fmt_t f = (mpq_fmt_t)i;
		const mpq_format_t *d = mpq_format(f);
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o))
			goto nomem;
		cJSON_AddStringToObject(o, "name", d->name);
		cJSON_AddStringToObject(o, "long_name", d->long_name);
		cJSON_AddNumberToObject(o, "bits", d->bits);
		cJSON_AddNumberToObject(o, "ebits", d->ebits);
		cJSON_AddNumberToObject(o, "mbits", d->mbits);
		cJSON_AddNumberToObject(o, "bias", d->bias);
		cJSON_AddBoolToObject(o, "signed", d->is_signed);
		cJSON_AddBoolToObject(o, "int", d->is_int);
		cJSON_AddNumberToObject(o, "max", d->max);
		cJSON_AddNumberToObject(o, "min_normal", d->min_normal);
		cJSON_AddNumberToObject(o, "min_subnormal", d->min_subnormal);
		cJSON_AddBoolToObject(o, "inf", d->has_inf);
		cJSON_AddStringToObject(o, "nan", nan_name(d->nan));
		if (small(d)) {
			cJSON *v = cJSON_AddArrayToObject(o, "values");
			if (!v)
				goto nomem;
			for (uint32_t c = 0; c < (1u << d->bits); c++) {
				double x = mpq_decode(f, c);
				/* JSON has no -0: the sign of zero codes is the sign bit */
				if (!cJSON_AddItemToArray(v, cJSON_CreateNumber(x)))
					goto nomem;
			}
		}
	}
	txt = cJSON_Print(root);
	if (!txt)
		goto nomem;
	puts(txt);
	free(txt);
	cJSON_Delete(root);
	return MPS_EXIT_OK;
nomem:
	cJSON_Delete(root);
	fprintf(stderr, "mpsim formats: out of memory\n");
	return MPS_EXIT_FAIL;
}

static void print_text(void)
{
	printf("%-6s %-15s %4s %2s %2s %4s %-15s %-15s %-15s %-3s %s\n", "name", "long name",
	       "bits", "E", "M", "bias", "max", "min normal", "min subnormal", "inf", "nan");
	for (unsigned i = 0; i < MPQ_NFMT; i++) {
		const mpq_format_t *d = mpq_format((mpq_fmt_t)i);
		printf("%-6s %-15s %4u %2u %2u %4d %-15.9g %-15.9g ", d->name, d->long_name,
		       d->bits, d->ebits, d->mbits, d->bias, d->max, d->min_normal);
		if (d->min_subnormal > 0)
			printf("%-15.9g ", d->min_subnormal);
		else
			printf("%-15s ", "-");
		printf("%-3s %s\n", d->has_inf ? "yes" : "no", nan_name(d->nan));
	}
	for (unsigned i = 0; i < MPQ_NFMT; i++) {
		mpq_fmt_t f = (mpq_fmt_t)i;
		const mpq_format_t *d = mpq_format(f);
		unsigned n = 1u << d->bits, half;
		if (!small(d))
			continue;
		half = n / 2;
		printf("\n%s (%s): value of every code\n", d->name, d->long_name);
		for (unsigned c = 0; c < half; c++)
			printf("  0x%02x %-10.9g   0x%02x %.9g\n", c, mpq_decode(f, c),
			       c + half, mpq_decode(f, c + half));
	}
}

int mps_cmd_formats(int argc, char **argv)
{
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(mps_help_formats, stdout);
			return MPS_EXIT_OK;
		} else
			return mps_cli_usage_error("formats", "unknown flag '%s' (see 'mpsim help formats')",
			                           argv[i]);
	}
	if (json)
		return print_json();
	print_text();
	return MPS_EXIT_OK;
}
