/* tests/unit/test_energy.c - energy model, area composition and report
 * figures (sim/energy.c, sim/area.c, sim/rpt.c): totals are sums of their
 * parts, TOPS = 2 MACs / time, energy and area move the right way when a
 * config grows or the data changes, [energy] overrides and errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "area.h"
#include "energy.h"
#include "rpt.h"
#include "run.h"

static mps_cfg_t cfg_w4a8(void)
{
	mps_cfg_t c;
	mps_err_t e;
	mps_cfg_default(&c);
	CU_ASSERT_EQUAL_FATAL(mps_cfg_check(&c, &e), MPS_OK);
	return c;
}

static mps_stats_t stats_make(uint64_t macs, uint64_t nz, uint64_t terms, uint64_t dram)
{
	mps_stats_t s;
	memset(&s, 0, sizeof s);
	s.gemms = 1;
	s.macs = macs;
	s.cycles = macs / 1000 + 77;
	s.ct.mac_ops = macs;
	s.ct.mac_nonzero = nz;
	s.ct.sa_terms = terms;
	s.ct.dequant_ops = macs / 128;
	s.ct.acc_updates = macs / 128;
	s.ct.post_ops = 64;
	s.ibuf_rd = 1000;
	s.ibuf_wr = 300;
	s.wbuf_rd = 2000;
	s.wbuf_wr = 500;
	s.obuf_rd = 70;
	s.obuf_wr = 90;
	s.dram_rd = dram;
	s.dram_wr = dram / 4;
	s.rows = 32;
	s.cols = 32;
	s.mhz = 500;
	return s;
}

static void test_energy_total_is_sum(void)
{
	mps_cfg_t c = cfg_w4a8();
	mps_energy_t e;
	mps_energy_breakdown_t b;
	mps_stats_t s = stats_make(1000000, 400000, 600000, 12345);

	mps_energy_defaults(&c, &e);
	for (int leak = 0; leak < 2; leak++) {
		mps_energy_eval(&e, &s, leak ? 0.5 : 0.0, s.cycles, &b);
		double sum = b.pe + b.dequant + b.ibuf + b.wbuf + b.obuf + b.dram + b.leakage;
		CU_ASSERT_DOUBLE_EQUAL(b.total, sum, 1e-9 * sum);
		CU_ASSERT(b.pe > 0 && b.dequant > 0 && b.ibuf > 0 && b.wbuf > 0 && b.obuf > 0 &&
		          b.dram > 0);
		CU_ASSERT_EQUAL(b.has_leakage, leak != 0);
		if (!leak)
			CU_ASSERT_EQUAL(b.leakage, 0.0);
	}
	/* SRAM and DRAM parts are exactly traffic x per-byte energy */
	CU_ASSERT_DOUBLE_EQUAL(b.dram, 12345 * e.dram_rd_pj_per_byte +
	                       (12345 / 4) * e.dram_wr_pj_per_byte, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(b.ibuf, 1000 * e.ibuf_rd_pj_per_byte + 300 * e.ibuf_wr_pj_per_byte,
	                       1e-9);
}

static void test_energy_tops_is_2macs_over_time(void)
{
	mps_stats_t s = stats_make(1u << 30, 0, 0, 1u << 20);
	mps_rpt_fig_t f;
	double t;

	s.cycles = 1234567;
	mps_rpt_figures(&s, 5e9, &f);
	t = (double)s.cycles / (s.mhz * 1e6);
	CU_ASSERT_DOUBLE_EQUAL(f.latency_us, t * 1e6, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(f.tops, 2.0 * (double)s.macs / t / 1e12, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(f.tops_per_w, 2.0 * (double)s.macs / 5e9, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f.util, (double)s.macs / ((double)s.cycles * 32 * 32), 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(f.intensity, 2.0 * (double)s.macs / (double)(s.dram_rd + s.dram_wr),
	                       1e-9);
}

static void test_energy_grows_with_config(void)
{
	mps_cfg_t c = cfg_w4a8(), c2;
	mps_area_t a, a2;
	mps_energy_t e;
	mps_energy_breakdown_t b1, b2;
	mps_stats_t s = stats_make(1000000, 400000, 600000, 10000), s2;

	/* more rows -> more area -> more leakage */
	memset(&a, 0, sizeof a);
	a.pe.present = a.out.present = true;
	a.pe.transistors = 80000;
	a.out.transistors = 40000;
	a2 = a;
	c2 = c;
	c2.rows = 2 * c.rows;
	mps_area_compose(&c, 0.048, &a);
	mps_area_compose(&c2, 0.048, &a2);
	CU_ASSERT(a2.array_transistors > a.array_transistors);
	CU_ASSERT(a2.array_mm2 > a.array_mm2);
	CU_ASSERT(a.array_transistors >= (uint64_t)c.rows * c.cols * 80000);
	mps_energy_defaults(&c, &e);
	mps_energy_eval(&e, &s, a.array_mm2, s.cycles, &b1);
	mps_energy_eval(&e, &s, a2.array_mm2, s.cycles, &b2);
	CU_ASSERT(b2.leakage > b1.leakage);
	/* more DRAM bytes -> more DRAM energy, nothing else changes */
	s2 = s;
	s2.dram_rd *= 3;
	mps_energy_eval(&e, &s2, a.array_mm2, s.cycles, &b2);
	CU_ASSERT(b2.dram > b1.dram);
	CU_ASSERT_DOUBLE_EQUAL(b2.pe, b1.pe, 1e-9);
	/* fewer nonzero pairs / terms -> less PE energy */
	s2 = s;
	s2.ct.mac_nonzero /= 2;
	s2.ct.sa_terms /= 2;
	mps_energy_eval(&e, &s2, a.array_mm2, s.cycles, &b2);
	CU_ASSERT(b2.pe < b1.pe);
	/* bigger banks cost more per bit; anchors are hit exactly */
	CU_ASSERT(mps_energy_sram_pj_per_bit(8192, false) > mps_energy_sram_pj_per_bit(4096, false));
	CU_ASSERT(mps_energy_sram_pj_per_bit(65536, true) > mps_energy_sram_pj_per_bit(8192, true));
	CU_ASSERT_DOUBLE_EQUAL(mps_energy_sram_pj_per_bit(4096, false), 0.033, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(mps_energy_sram_pj_per_bit(128, true), 0.013, 1e-12);
	CU_ASSERT(mps_energy_add_pj(32) > mps_energy_add_pj(16));
}

/* A real simulated GEMM: zeroing every weight lowers the PE energy. */
static void test_energy_zero_weights_cost_less(void)
{
	mps_cfg_t c = cfg_w4a8();
	mps_energy_t e;
	mpq_qtensor_t a, w;
	mpq_qparams_t wq, aq;
	mpq_gemm_opts_t o;
	mps_run_opts_t ro = { MPS_MODE_FAST, MPS_FAULT_NONE, NULL, NULL };
	mps_stats_t s1, s0;
	mps_energy_breakdown_t b1, b0;
	mps_err_t err;
	float y[16 * 48];

	mps_energy_defaults(&c, &e);
	mps_run_qparams(&c, 256, &wq, &aq, &o);
	CU_ASSERT_EQUAL_FATAL(mps_run_make_operands(&c, 16, 256, 48, 7, &a, &w, &err), MPS_OK);
	CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &ro, y, &s1, &err), MPS_OK);
	for (size_t i = 0; i < w.rows * w.cols; i++)
		w.codes[i] = 0; /* int4 code 0 = 0 */
	CU_ASSERT_EQUAL_FATAL(mps_run_gemm(&c, &a, &w, &o, &ro, y, &s0, &err), MPS_OK);
	mps_energy_eval(&e, &s1, 0, s1.cycles, &b1);
	mps_energy_eval(&e, &s0, 0, s0.cycles, &b0);
	CU_ASSERT(s1.ct.mac_nonzero > 0);
	CU_ASSERT_EQUAL(s0.ct.mac_nonzero, 0);
	CU_ASSERT_EQUAL(s0.ct.sa_terms, 0);
	CU_ASSERT(b0.pe < b1.pe);
	CU_ASSERT(b0.pe > 0); /* the base cost of every pair remains */
	CU_ASSERT_EQUAL(s0.cycles, s1.cycles);
	mpq_qtensor_free(&a);
	mpq_qtensor_free(&w);
}

static void test_energy_overrides(void)
{
	mps_cfg_t c = cfg_w4a8();
	mps_energy_t e, d;
	mps_err_t err;
	mps_energy_breakdown_t b1, b2;
	mps_stats_t s = stats_make(1000, 500, 700, 100);
	const char *ini = "version = 1\n[array]\nrows = 4\n[energy]\n"
	                  "dram_pj_per_byte = 5.5   # artifact-like\n"
	                  "tech_scale = 1\n"
	                  "sram_read_pj_per_byte = 0.5\n"
	                  "pe_sa_term_pj = 0.25\n"
	                  "[clock]\nmhz = 500\n";

	mps_energy_defaults(&c, &d);
	e = d;
	CU_ASSERT_EQUAL_FATAL(mps_energy_load_string(ini, "t.ini", &e, &err), MPS_OK);
	CU_ASSERT_DOUBLE_EQUAL(e.dram_rd_pj_per_byte, 5.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(e.dram_wr_pj_per_byte, 5.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(e.tech_scale, 1.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(e.obuf_rd_pj_per_byte, 0.5, 0);
	CU_ASSERT_DOUBLE_EQUAL(e.pe_sa_term_pj, 0.25, 0);
	CU_ASSERT_DOUBLE_EQUAL(e.wbuf_wr_pj_per_byte, d.wbuf_wr_pj_per_byte, 0);
	mps_energy_eval(&d, &s, 0, s.cycles, &b1);
	mps_energy_eval(&e, &s, 0, s.cycles, &b2);
	CU_ASSERT_DOUBLE_EQUAL(b2.dram, 5.5 * 125, 1e-9);
	CU_ASSERT(b2.pe > b1.pe);
	/* banks re-derive the SRAM energies that were not set by hand */
	e = d;
	CU_ASSERT_EQUAL(mps_energy_set(&e, "obuf_banks", "1", &err), MPS_OK);
	CU_ASSERT(e.obuf_rd_pj_per_byte > d.obuf_rd_pj_per_byte);
}

static void test_energy_bad_keys(void)
{
	mps_cfg_t c = cfg_w4a8();
	mps_energy_t e;
	mps_err_t err;

	mps_energy_defaults(&c, &e);
	CU_ASSERT_EQUAL(mps_energy_load_string("version = 1\n[energy]\n\nfoo_pj = 1\n", "x.ini", &e,
	                                       &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "x.ini:4:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "foo_pj"));
	CU_ASSERT_EQUAL(mps_energy_load_string("[energy]\ndram_pj_per_byte = -1\n", "y.ini", &e,
	                                       &err), MPS_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "y.ini:2:"));
	CU_ASSERT_EQUAL(mps_energy_load_string("[energy]\ntech_scale = 0\n", "z.ini", &e, &err),
	                MPS_ERR_PARSE);
	CU_ASSERT_EQUAL(mps_energy_load_string("[energy]\nibuf_banks = 2.5\n", "z.ini", &e, &err),
	                MPS_ERR_PARSE);
	CU_ASSERT_EQUAL(mps_energy_set(&e, "pe_mac_pj", "abc", &err), MPS_ERR_INVAL);
	/* keys of other sections are not the energy model's business */
	CU_ASSERT_EQUAL(mps_energy_load_string("[array]\nfoo = 1\n", "w.ini", &e, &err), MPS_OK);
}

static void test_energy_cmos_cost_table(void)
{
	CU_ASSERT_EQUAL(mps_area_cmos_cost("$_NAND_"), 4);
	CU_ASSERT_EQUAL(mps_area_cmos_cost("$_XOR_"), 12);
	CU_ASSERT_EQUAL(mps_area_cmos_cost("$_DFF_P_"), 16);
	CU_ASSERT_EQUAL(mps_area_cmos_cost("$_DFFE_PN0P_"), -1);
}


/* Hierarchical stat JSON: units are summed over their sub-module trees with
 * the cmos cost table. */
static void test_energy_area_parse_stat(void)
{
	static const char js[] =
		"{\"modules\": {"
		"\"$paramod$1\\\\mp_pe_prod\": {\"num_cells_by_type\": {\"$_XOR_\": 10, \"$_AND_\": 5}},"
		"\"$paramod$2\\\\mp_pe_os\": {\"num_cells_by_type\": {\"$_DFF_P_\": 4, \"$_MUX_\": 4,"
		"  \"$paramod$1\\\\mp_pe_prod\": 1}},"
		"\"$paramod$3\\\\mp_dequant\": {\"num_cells_by_type\": {\"$_NAND_\": 7}},"
		"\"\\\\mp_top\": {\"num_cells_by_type\": {\"$paramod$2\\\\mp_pe_os\": 1,"
		"  \"$paramod$3\\\\mp_dequant\": 1, \"$_NOT_\": 1}}}}";
	char path[] = "/tmp/mps_stat_XXXXXX";
	int fd = mkstemp(path);
	mps_area_t a;
	mps_err_t err;
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(js, f);
	fclose(f);
	memset(&a, 0, sizeof a);
	CU_ASSERT_EQUAL(mps_area_parse_stat(path, &a, &err), MPS_OK);
	CU_ASSERT_EQUAL(a.prod.transistors, 10 * 12 + 5 * 6);
	CU_ASSERT_EQUAL(a.pe.transistors, 4 * 16 + 4 * 12 + 150);
	CU_ASSERT_EQUAL(a.pe.flops, 4);
	CU_ASSERT_EQUAL(a.pe.cells, 4 + 4 + 15);
	CU_ASSERT_EQUAL(a.out.transistors, 28);
	CU_ASSERT_EQUAL(a.top1.transistors, 262 + 28 + 2);
	unlink(path);
}

static CU_TestInfo tests[] = {
	{ "test_energy_total_is_sum", test_energy_total_is_sum },
	{ "test_energy_tops_is_2macs_over_time", test_energy_tops_is_2macs_over_time },
	{ "test_energy_grows_with_config", test_energy_grows_with_config },
	{ "test_energy_zero_weights_cost_less", test_energy_zero_weights_cost_less },
	{ "test_energy_overrides", test_energy_overrides },
	{ "test_energy_bad_keys", test_energy_bad_keys },
	{ "test_energy_cmos_cost_table", test_energy_cmos_cost_table },
	{ "test_energy_area_parse_stat", test_energy_area_parse_stat },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_energy[] = {
	{ "energy", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
