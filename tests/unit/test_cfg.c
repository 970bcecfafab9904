/* tests/unit/test_cfg.c - config parser (sim/cfg.c): every preset parses,
 * every error class names file:line, combination rules, generated views. */
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "cfg.h"

static const char *BASE =
	"version = 1\n"              /* 1 */
	"[array]\n"                  /* 2 */
	"rows = 8\n"                 /* 3 */
	"cols = 4\n"                 /* 4 */
	"dataflow = os\n"            /* 5 */
	"[pe]\n"                     /* 6 */
	"kind = shift-add\n"         /* 7 */
	"[quant]\n"                  /* 8 */
	"wscheme = int4\n"           /* 9 */
	"ascheme = int8_token\n"     /* 10 */
	"group = 128\n";             /* 11 */

/* Parse BASE + extra; expect an error whose message starts with prefix. */
static void expect_err(const char *extra, const char *prefix)
{
	char text[2048];
	mps_cfg_t c;
	mps_err_t err;
	int rc;

	snprintf(text, sizeof text, "%s%s", BASE, extra);
	memset(&err, 0, sizeof err);
	rc = mps_cfg_load_string(text, "t.ini", &c, &err);
	CU_ASSERT_EQUAL(rc, MPS_ERR_PARSE);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fprintf(stderr, "\n  extra '%s': got '%s', want prefix '%s'\n", extra, err.msg,
		        prefix);
	CU_ASSERT_EQUAL(strncmp(err.msg, prefix, strlen(prefix)), 0);
}

static void test_cfg_base_ok(void)
{
	mps_cfg_t c;
	mps_err_t err;

	CU_ASSERT_EQUAL_FATAL(mps_cfg_load_string(BASE, "t.ini", &c, &err), MPS_OK);
	CU_ASSERT_EQUAL(c.rows, 8);
	CU_ASSERT_EQUAL(c.cols, 4);
	CU_ASSERT_EQUAL(c.weight, MPQ_INT4);
	CU_ASSERT_EQUAL(c.act, MPQ_INT8);
	CU_ASSERT_EQUAL(c.wq.block, 128);
	/* hardware.md 1.3 table: INT8 x INT4 with g = 128 needs 19 bits */
	CU_ASSERT_EQUAL(c.acc_width, 19);
	CU_ASSERT_EQUAL(c.dram_bytes_per_cycle, 128); /* defaults */
	CU_ASSERT_EQUAL(c.mhz, 500.0);
	CU_ASSERT_EQUAL(mps_cfg_pe_type(&c), MPS_PE_W4A8);
}

static void test_cfg_errors_name_line(void)
{
	expect_err("[bogus]\nx = 1\n", "t.ini:12: unknown section [bogus]");
	expect_err("[array]\ndepth = 3\n", "t.ini:13: unknown key 'depth' in [array]");
	expect_err("rows = 9\n", "t.ini:12: unknown key 'rows' in [quant]");
	expect_err("group = 64\n", "t.ini:12: duplicate key 'group'");
	expect_err("accumulate = fp64\n", "t.ini:12: accumulate = 'fp64': expected fp32|exact|align");
	expect_err("align_bits = 40\n", "t.ini:12: align_bits = 40: out of range 8..32");
	expect_err("align_bits = x\n", "t.ini:12: align_bits = 'x': not a non-negative integer");
	expect_err("asym = maybe\n", "t.ini:12: asym = 'maybe': expected true or false");
	expect_err("[clock]\nmhz = -5\n", "t.ini:13: mhz = -5: out of range");
	expect_err("[energy]\npj_mac = 1\n", "t.ini:13: unknown [energy] key 'pj_mac'");
	expect_err("[pe]\nweight = int9\n", "t.ini:13: weight: unknown format");
	expect_err("wscheme2 = int4\n", "t.ini:12: unknown key 'wscheme2'");
	expect_err("[array\n", "t.ini:12: INI syntax error");
	expect_err("[dequant]\ninterval = 0\n", "t.ini:13: interval = 0: out of range 1..64");
	expect_err("[dequant]\ninterval = 65\n", "t.ini:13: interval = 65: out of range 1..64");
	expect_err("[dequant]\ninterval = 2x\n", "t.ini:13: interval = '2x': not a non-negative integer");
	expect_err("[dequant]\ninterval = 2\ninterval = 3\n", "t.ini:14: duplicate key 'interval'");
}

/* [dequant] interval: default 1, parsed, B = 1 + t (N - 1) per PE type,
 * rejected for the fp16 MAC (no dequant unit), echoed in the JSON view. */
static void test_cfg_dq_interval(void)
{
	mps_cfg_t c;
	mps_err_t err;
	char text[2048], json[4096];
	FILE *f;
	size_t n;
	const char *ff =
		"version = 1\n[array]\nrows = 8\ncols = 4\n[pe]\nkind = multiplier\n[quant]\n"
		"wscheme = fp16\nascheme = fp16\ngroup = 1\n[dequant]\ninterval = 2\n";
	const char *amx =
		"version = 1\n[array]\nrows = 8\ncols = 4\n[quant]\nwscheme = amxfp4\n"
		"ascheme = mxfp8_e4m3\ngroup = 32\n[dequant]\ninterval = 4\n";

	CU_ASSERT_EQUAL_FATAL(mps_cfg_load_string(BASE, "t.ini", &c, &err), MPS_OK);
	CU_ASSERT_EQUAL(c.dq_interval, 1);
	CU_ASSERT_EQUAL(mps_cfg_dq_busy(&c), 1);
	snprintf(text, sizeof text, "%s[dequant]\ninterval = 5\n", BASE);
	CU_ASSERT_EQUAL_FATAL(mps_cfg_load_string(text, "t.ini", &c, &err), MPS_OK);
	CU_ASSERT_EQUAL(c.dq_interval, 5);
	CU_ASSERT_EQUAL(mps_cfg_dq_busy(&c), 5);          /* t = 1 */
	f = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(mps_cfg_emit_json(&c, f, &err), MPS_OK);
	rewind(f);
	n = fread(json, 1, sizeof json - 1, f);
	json[n] = 0;
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"interval\": 5"));
	CU_ASSERT_EQUAL_FATAL(mps_cfg_load_string(amx, "a.ini", &c, &err), MPS_OK);
	CU_ASSERT_EQUAL(mps_cfg_dq_busy(&c), 7);          /* t = 2: 1 + 2 x 3 */
	CU_ASSERT_EQUAL(mps_cfg_load_string(ff, "f.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "f.ini: [dequant] interval = 2: float x float "
	                                       "has no dequant unit"));
}

static void test_cfg_missing_keys(void)
{
	mps_cfg_t c;
	mps_err_t err;

	CU_ASSERT_EQUAL(mps_cfg_load_string("[array]\nrows = 2\n", "m.ini", &c, &err),
	                MPS_ERR_PARSE);
	CU_ASSERT_EQUAL(strncmp(err.msg, "m.ini:2: 'rows' before 'version = 1'", 36), 0);
	CU_ASSERT_EQUAL(mps_cfg_load_string("version = 1\n[array]\nrows = 2\ncols = 2\n",
	                                    "m.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "m.ini:4: missing required key [quant] wscheme"));
	CU_ASSERT_EQUAL(mps_cfg_load_string("", "m.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "missing required key 'version = 1'"));
	CU_ASSERT_EQUAL(mps_cfg_load_string("version = 2\n", "m.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "m.ini:1: version = 2: out of range"));
}

static void test_cfg_combinations(void)
{
	expect_err("[pe]\nkind = shift-add\n", "t.ini:13: duplicate key 'kind'");
	expect_err("[dequant]\nplacement = edge\n", "t.ini: [dequant] placement = edge needs [array] dataflow = ws");
	expect_err("[pe]\nweight = e2m1\n", "t.ini: [pe] weight = e2m1 does not match");
	expect_err("accumulate = align\n", "t.ini: [quant] accumulate = align needs fp16 or bf16");
}

static void test_cfg_combinations2(void)
{
	mps_cfg_t c;
	mps_err_t err;
	const char *ws_edge_bad =
		"version = 1\n[array]\nrows = 8\ncols = 4\ndataflow = ws\n[quant]\n"
		"wscheme = int4\nascheme = int8_token\ngroup = 12\n[dequant]\nplacement = edge\n";
	const char *sa_int8 =
		"version = 1\n[array]\nrows = 8\ncols = 4\n[pe]\nkind = shift-add\n[quant]\n"
		"wscheme = int8\nascheme = int8_token\n";
	const char *ff_group =
		"version = 1\n[array]\nrows = 8\ncols = 4\n[pe]\nkind = multiplier\n[quant]\n"
		"wscheme = fp16\nascheme = fp16\ngroup = 4\n";
	const char *ws_pe_lat =
		"version = 1\n[array]\nrows = 8\ncols = 4\ndataflow = ws\n[quant]\n"
		"wscheme = int4\nascheme = int8_token\n[dequant]\nlatency = 3\n";
	const char *accw_small =
		"version = 1\n[array]\nrows = 8\ncols = 4\n[pe]\nAccWidth = 12\n[quant]\n"
		"wscheme = int4\nascheme = int8_token\n";

	CU_ASSERT_EQUAL(mps_cfg_load_string(ws_edge_bad, "e.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "multiple of [array] rows (8)"));
	CU_ASSERT_EQUAL(mps_cfg_load_string(sa_int8, "e.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "shift-add needs a 4-bit weight"));
	CU_ASSERT_EQUAL(mps_cfg_load_string(ff_group, "e.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "needs [quant] group = 1"));
	CU_ASSERT_EQUAL(mps_cfg_load_string(ws_pe_lat, "e.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "latency must be 1"));
	CU_ASSERT_EQUAL(mps_cfg_load_string(accw_small, "e.ini", &c, &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "AccWidth = 12 is below the 19 bits"));
}

static void test_cfg_presets_parse(void)
{
	glob_t g;
	mps_cfg_t c;
	mps_err_t err;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(glob("configs/*.ini", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int rc = mps_cfg_load(g.gl_pathv[i], &c, &err);
		if (rc != MPS_OK)
			fprintf(stderr, "\n  %s: %s\n", g.gl_pathv[i], err.msg);
		CU_ASSERT_EQUAL(rc, MPS_OK);
		n++;
	}
	globfree(&g);
	CU_ASSERT(n >= 12); /* the presets issue 5 asks for, plus default */
	CU_ASSERT_EQUAL(mps_cfg_load("configs/no-such.ini", &c, &err), MPS_ERR_IO);
}

static void test_cfg_emit_views(void)
{
	mps_cfg_t c;
	mps_err_t err;
	char buf[8192];
	FILE *f;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(mps_cfg_load_string(BASE, "t.ini", &c, &err), MPS_OK);
	f = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(mps_cfg_emit_svh(&c, f, &err), MPS_OK);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "localparam int Rows       = 8;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "localparam int AccWidth   = 19;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "localparam int Group      = 128;"));
	f = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(mps_cfg_emit_h(&c, f, &err), MPS_OK);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "#define MPS_P_Cols       4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "#define MPS_P_WLsb       0"));
}

static void test_cfg_acc_width_table(void)
{
	mps_cfg_t c;

	/* hardware.md 1.3 / 2.2 tables (exhaustive range checks, not our code) */
	mps_cfg_default(&c);
	CU_ASSERT_EQUAL(mps_cfg_acc_width(&c, 32), 17);  /* INT8 x INT4, g 32 */
	CU_ASSERT_EQUAL(mps_cfg_acc_width(&c, 256), 20); /* g 256 */
	c.weight = MPQ_E2M1;
	c.wq.scheme = MPQ_S_MXFP4;
	CU_ASSERT_EQUAL(mps_cfg_acc_width(&c, 128), 19); /* INT8 x E2M1 (x2), g 128 */
	c.act = MPQ_E4M3;
	c.aq.scheme = MPQ_S_MXFP8_E4M3;
	CU_ASSERT_EQUAL(mps_cfg_acc_width(&c, 32), 28);  /* FP8 E4M3 x E2M1, g 32 */
	CU_ASSERT_EQUAL(mps_cfg_acc_width(&c, 128), 30);
}

static CU_TestInfo tests[] = {
	{ "test_cfg_base_ok", test_cfg_base_ok },
	{ "test_cfg_errors_name_line", test_cfg_errors_name_line },
	{ "test_cfg_missing_keys", test_cfg_missing_keys },
	{ "test_cfg_combinations", test_cfg_combinations },
	{ "test_cfg_combinations2", test_cfg_combinations2 },
	{ "test_cfg_presets_parse", test_cfg_presets_parse },
	{ "test_cfg_emit_views", test_cfg_emit_views },
	{ "test_cfg_acc_width_table", test_cfg_acc_width_table },
	{ "test_cfg_dq_interval", test_cfg_dq_interval },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_cfg[] = {
	{ "cfg", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
