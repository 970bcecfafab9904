/* sim/energy.c - per-event energy model (docs/energy.md is the reference). */
#include "energy.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- published anchors (docs/energy.md) -------------------------------- */

/* Horowitz ISSCC 2014, 45 nm, 0.9 V, pJ (hardware.md 4.1). */
#define H_ADD8 0.03
#define H_ADD16 0.05
#define H_ADD32 0.1
#define H_MUL8 0.2
#define H_FP16_MUL 1.1
#define H_FP32_ADD 0.9
#define H_FP32_MUL 3.7

/* CACTI 28 nm itrs-hp, per bit of one access (hardware.md 4.3). */
static const struct {
	double bytes, rd, wr;
} sram_pts[] = {
	{ 128.0, 0.0092, 0.013 },
	{ 256.0, 0.010, 0.018 },
	{ 4096.0, 0.033, 0.040 },
	{ 8192.0, 0.035, 0.049 },
};
#define NSRAM (sizeof sram_pts / sizeof sram_pts[0])

/* ---- keys ----------------------------------------------------------------- */

typedef enum { KT_PJ, KT_SCALE, KT_BANKS } ktype_t;

static const struct {
	const char *name;
	size_t off;
	ktype_t t;
} keys[] = {
#define D(f) #f, offsetof(mps_energy_t, f)
	{ D(pe_mac_pj), KT_PJ },
	{ D(pe_sa_term_pj), KT_PJ },
	{ D(pe_acc_pj), KT_PJ },
	{ D(pe_base_pj), KT_PJ },
	{ D(dequant_pj), KT_PJ },
	{ D(acc_fp32_pj), KT_PJ },
	{ D(post_pj), KT_PJ },
	{ D(tech_scale), KT_SCALE },
	{ D(ibuf_rd_pj_per_byte), KT_PJ },
	{ D(ibuf_wr_pj_per_byte), KT_PJ },
	{ D(wbuf_rd_pj_per_byte), KT_PJ },
	{ D(wbuf_wr_pj_per_byte), KT_PJ },
	{ D(obuf_rd_pj_per_byte), KT_PJ },
	{ D(obuf_wr_pj_per_byte), KT_PJ },
	{ D(ibuf_banks), KT_BANKS },
	{ D(wbuf_banks), KT_BANKS },
	{ D(obuf_banks), KT_BANKS },
	{ D(dram_rd_pj_per_byte), KT_PJ },
	{ D(dram_wr_pj_per_byte), KT_PJ },
	{ D(leak_mw_per_mm2), KT_PJ },
	{ D(sram_leak_mw_per_kib), KT_PJ },
	{ D(um2_per_transistor), KT_PJ },
	{ D(pe_area_um2), KT_PJ },
#undef D
};
#define NKEYS (sizeof keys / sizeof keys[0])

unsigned mps_energy_nkeys(void)
{
	return (unsigned)NKEYS;
}

const char *mps_energy_key(unsigned i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

double mps_energy_get(const mps_energy_t *e, unsigned i)
{
	const char *p = (const char *)e;
	if (i >= NKEYS)
		return 0.0;
	if (keys[i].t == KT_BANKS)
		return (double)*(const unsigned *)(const void *)(p + keys[i].off);
	return *(const double *)(const void *)(p + keys[i].off);
}

/* ---- helpers ---------------------------------------------------------------- */

double mps_energy_add_pj(unsigned w)
{
	/* least-squares line through (8, 0.03), (16, 0.05), (32, 0.1):
	 * 0.00295 pJ/bit + 0.0055 pJ; clamped at the 8-bit point from below */
	double e = 0.0055 + 0.00295 * (double)w;
	(void)H_ADD8;
	(void)H_ADD16;
	(void)H_ADD32;
	return e < 0.01 ? 0.01 : e;
}

double mps_energy_sram_pj_per_bit(double bank_bytes, bool write)
{
	size_t i;
	double lo, hi, x;

	if (bank_bytes <= 0)
		bank_bytes = sram_pts[0].bytes;
	if (bank_bytes <= sram_pts[0].bytes) {
		double v = write ? sram_pts[0].wr : sram_pts[0].rd;
		return v * sqrt(bank_bytes / sram_pts[0].bytes);
	}
	if (bank_bytes >= sram_pts[NSRAM - 1].bytes) {
		double v = write ? sram_pts[NSRAM - 1].wr : sram_pts[NSRAM - 1].rd;
		return v * sqrt(bank_bytes / sram_pts[NSRAM - 1].bytes);
	}
	for (i = 0; i + 1 < NSRAM; i++)
		if (bank_bytes <= sram_pts[i + 1].bytes)
			break;
	lo = write ? sram_pts[i].wr : sram_pts[i].rd;
	hi = write ? sram_pts[i + 1].wr : sram_pts[i + 1].rd;
	x = log(bank_bytes / sram_pts[i].bytes) / log(sram_pts[i + 1].bytes / sram_pts[i].bytes);
	return exp(log(lo) + x * (log(hi) - log(lo)));
}

static unsigned ceil_log2(unsigned v)
{
	unsigned n = 0;
	while ((1u << n) < v && n < 31)
		n++;
	return n;
}

/* Significand width (with hidden bit) of a format; integer formats: bits. */
static unsigned sig_bits(mpq_fmt_t f)
{
	const mpq_format_t *d = mpq_format(f);
	if (!d)
		return 8;
	if (d->is_int)
		return d->bits;
	return d->mbits + 1;
}

static void sram_defaults(mps_energy_t *e)
{
	double ib = e->ibuf_kib * 1024.0 / e->ibuf_banks;
	double wb = e->wbuf_kib * 1024.0 / e->wbuf_banks;
	double ob = e->obuf_kib * 1024.0 / e->obuf_banks;
	e->ibuf_rd_pj_per_byte = 8.0 * mps_energy_sram_pj_per_bit(ib, false);
	e->ibuf_wr_pj_per_byte = 8.0 * mps_energy_sram_pj_per_bit(ib, true);
	e->wbuf_rd_pj_per_byte = 8.0 * mps_energy_sram_pj_per_bit(wb, false);
	e->wbuf_wr_pj_per_byte = 8.0 * mps_energy_sram_pj_per_bit(wb, true);
	e->obuf_rd_pj_per_byte = 8.0 * mps_energy_sram_pj_per_bit(ob, false);
	e->obuf_wr_pj_per_byte = 8.0 * mps_energy_sram_pj_per_bit(ob, true);
}

void mps_energy_defaults(const mps_cfg_t *cfg, mps_energy_t *e)
{
	unsigned g = cfg->group ? cfg->group : 32;
	unsigned accw = cfg->acc_width ? cfg->acc_width : 24;
	unsigned prodw = accw > ceil_log2(g) + 2 ? accw - ceil_log2(g) : accw;
	double prod = 0.0;

	memset(e, 0, sizeof *e);
	e->pe_type = mps_cfg_pe_type(cfg);
	e->mhz = cfg->mhz;
	e->ibuf_kib = cfg->ibuf_kib;
	e->wbuf_kib = cfg->wbuf_kib;
	e->obuf_kib = cfg->obuf_kib;

	/* section 2: PE datapath */
	switch (e->pe_type) {
	case MPS_PE_W4A8:
	case MPS_PE_W4A16:
	case MPS_PE_FP4FP8:
	case MPS_PE_FP4FP4:
		/* one adder of the product width per set weight bit */
		e->pe_sa_term_pj = mps_energy_add_pj(prodw);
		e->pe_acc_pj = mps_energy_add_pj(accw);
		prod = 2.0 * e->pe_sa_term_pj; /* ~2 terms per nonzero pair, for the base */
		break;
	case MPS_PE_INT8:
		e->pe_mac_pj = H_MUL8;
		e->pe_acc_pj = mps_energy_add_pj(accw);
		prod = e->pe_mac_pj;
		break;
	case MPS_PE_FP8: {
		/* significand multiply scaled from the 8-bit multiply by n^2,
		 * plus an 8-bit exponent add */
		double sw = sig_bits(cfg->weight), sa = sig_bits(cfg->act);
		e->pe_mac_pj = H_MUL8 * (sw * sa) / 64.0 + mps_energy_add_pj(8);
		e->pe_acc_pj = mps_energy_add_pj(accw);
		prod = e->pe_mac_pj;
		break;
	}
	case MPS_PE_FP16:
		/* FP16 multiply; the FP32 add is counted per acc_update */
		e->pe_mac_pj = H_FP16_MUL;
		e->pe_acc_pj = 0.0;
		prod = e->pe_mac_pj;
		break;
	default: {
		double bw = mpq_format(cfg->weight) ? mpq_format(cfg->weight)->bits : 8;
		double ba = mpq_format(cfg->act) ? mpq_format(cfg->act)->bits : 8;
		e->pe_mac_pj = H_MUL8 * (bw * ba) / 64.0;
		e->pe_acc_pj = mps_energy_add_pj(accw);
		prod = e->pe_mac_pj;
		break;
	}
	}
	/* assumption [I]: operand registers and forwarding cost 10% of a
	 * nonzero pair's datapath energy, and a zero pair costs only that */
	e->pe_base_pj = 0.1 * (prod + e->pe_acc_pj);

	/* section 3: dequant, FP32 accumulator, post scale */
	e->dequant_pj = 2.0 * H_FP32_MUL;
	e->acc_fp32_pj = H_FP32_ADD;
	e->post_pj = H_FP32_MUL;

	/* section 6: 45 nm -> 28 nm, C ~ L, V unchanged (0.9 V) */
	e->tech_scale = 28.0 / 45.0;

	/* section 4: SRAM banks as in the MixPE artifact */
	e->ibuf_banks = 32;
	e->wbuf_banks = 32;
	e->obuf_banks = 1024;
	sram_defaults(e);

	/* section 5: DRAM, Horowitz DDR3 64-bit access 1300 pJ -> 20.3 pJ/bit */
	e->dram_rd_pj_per_byte = 1300.0 / 8.0;
	e->dram_wr_pj_per_byte = 1300.0 / 8.0;

	/* section 7: BitFusion INT8 MAC 22.95 uW / 687.6 um^2 */
	e->leak_mw_per_mm2 = 22.95e-3 / 687.6e-6;
	e->sram_leak_mw_per_kib = 0.0;

	/* section 8: 0.124 um^2 per cmos transistor at 45 nm (Horowitz areas /
	 * yosys counts), x (28/45)^2 */
	e->um2_per_transistor = 0.124 * (28.0 / 45.0) * (28.0 / 45.0);
	e->pe_area_um2 = 0.0;
}

static int find_key(const char *k)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, k))
			return (int)i;
	return -1;
}

static void mark(mps_energy_t *e, int i)
{
	e->set_mask[(unsigned)i / 32] |= 1u << ((unsigned)i % 32);
}

static int set_one(mps_energy_t *e, int i, double v, const char *key, const char *value,
                   mps_err_t *err)
{
	char *p = (char *)e;
	if (keys[i].t == KT_BANKS) {
		if (v < 1 || v > 1048576 || v != floor(v))
			return mps_err_set(err, MPS_ERR_INVAL, "[energy] %s: bad value '%s' "
			                   "(an integer 1..1048576)", key, value);
		*(unsigned *)(void *)(p + keys[i].off) = (unsigned)v;
		/* re-derive the per-byte SRAM energies of the buffers not set by hand */
		{
			mps_energy_t t = *e;
			sram_defaults(&t);
			static const char *const sk[] = {
				"ibuf_rd_pj_per_byte", "ibuf_wr_pj_per_byte", "wbuf_rd_pj_per_byte",
				"wbuf_wr_pj_per_byte", "obuf_rd_pj_per_byte", "obuf_wr_pj_per_byte"
			};
			for (size_t j = 0; j < 6; j++) {
				int kj = find_key(sk[j]);
				if (!(e->set_mask[(unsigned)kj / 32] & (1u << ((unsigned)kj % 32))))
					*(double *)(void *)(p + keys[kj].off) =
						*(const double *)(const void *)((const char *)&t + keys[kj].off);
			}
		}
	} else {
		if (keys[i].t == KT_SCALE && !(v > 0))
			return mps_err_set(err, MPS_ERR_INVAL, "[energy] %s: bad value '%s' "
			                   "(a number > 0)", key, value);
		*(double *)(void *)(p + keys[i].off) = v;
	}
	mark(e, i);
	return MPS_OK;
}

int mps_energy_set(mps_energy_t *e, const char *key, const char *value, mps_err_t *err)
{
	char *end;
	double v;
	int i, rc;

	errno = 0;
	v = strtod(value, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == value || *end || errno || !isfinite(v) || v < 0)
		return mps_err_set(err, MPS_ERR_INVAL, "[energy] %s: bad value '%s' (a number "
		                   ">= 0)", key, value);
	if (!strcmp(key, "dram_pj_per_byte")) {
		if ((rc = set_one(e, find_key("dram_rd_pj_per_byte"), v, key, value, err)))
			return rc;
		return set_one(e, find_key("dram_wr_pj_per_byte"), v, key, value, err);
	}
	if (!strcmp(key, "sram_read_pj_per_byte") || !strcmp(key, "sram_write_pj_per_byte")) {
		const char *rw = key[5] == 'r' ? "rd" : "wr";
		static const char *const b[] = { "ibuf", "wbuf", "obuf" };
		for (size_t j = 0; j < 3; j++) {
			char k2[64];
			snprintf(k2, sizeof k2, "%s_%s_pj_per_byte", b[j], rw);
			if ((rc = set_one(e, find_key(k2), v, key, value, err)))
				return rc;
		}
		return MPS_OK;
	}
	i = find_key(key);
	if (i < 0)
		return mps_err_set(err, MPS_ERR_INVAL, "unknown [energy] key '%s' (see "
		                   "docs/energy.md for the keys)", key);
	return set_one(e, i, v, key, value, err);
}

/* A minimal line reader for the [energy] section (the config parser checks
 * the rest of the file). */
static int load_text(const char *text, const char *fname, mps_energy_t *e, mps_err_t *err)
{
	const char *p = text;
	int line = 0;
	bool in = false;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[512], *s, *eq, *k, *v, *t;

		line++;
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, p, len);
		buf[len] = 0;
		p = nl ? nl + 1 : p + strlen(p);
		s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		t = s + strlen(s);
		while (t > s && (t[-1] == '\r' || t[-1] == ' ' || t[-1] == '\t'))
			*--t = 0;
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			in = !strncmp(s, "[energy]", 8);
			continue;
		}
		if (!in)
			continue;
		eq = strchr(s, '=');
		if (!eq)
			return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: expected 'key = value'",
			                   fname, line);
		*eq = 0;
		k = s;
		v = eq + 1;
		t = eq;
		while (t > k && (t[-1] == ' ' || t[-1] == '\t'))
			*--t = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		/* inline comments as inih strips them */
		if ((t = strstr(v, " #")) || (t = strstr(v, " ;")) || (t = strstr(v, "\t#")))
			*t = 0;
		t = v + strlen(v);
		while (t > v && (t[-1] == ' ' || t[-1] == '\t'))
			*--t = 0;
		if (mps_energy_set(e, k, v, err) != MPS_OK)
			return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: %s", fname, line,
			                   err ? err->msg : "bad [energy] key");
	}
	return MPS_OK;
}

int mps_energy_load_string(const char *text, const char *fname, mps_energy_t *e,
                           mps_err_t *err)
{
	mps_err_t tmp;
	return load_text(text, fname, e, err ? err : &tmp);
}

int mps_energy_load(const char *path, mps_energy_t *e, mps_err_t *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int rc;

	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot read", path);
	}
	buf = malloc((size_t)n + 1);
	if (!buf) {
		fclose(f);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot read", path);
	}
	buf[n] = 0;
	fclose(f);
	rc = mps_energy_load_string(buf, path, e, err);
	free(buf);
	return rc;
}

void mps_energy_eval(const mps_energy_t *e, const mps_stats_t *st, double area_mm2,
                     uint64_t cycles, mps_energy_breakdown_t *o)
{
	const mps_pe_counters_t *c = &st->ct;
	double ts = e->tech_scale;
	double nz = (double)c->mac_nonzero;

	memset(o, 0, sizeof *o);
	o->pe = ts * ((double)c->mac_ops * e->pe_base_pj + nz * (e->pe_mac_pj + e->pe_acc_pj) +
	              (double)c->sa_terms * e->pe_sa_term_pj);
	o->dequant = ts * ((double)c->dequant_ops * e->dequant_pj +
	                   (double)c->acc_updates * e->acc_fp32_pj +
	                   (double)c->post_ops * e->post_pj);
	o->ibuf = (double)st->ibuf_rd * e->ibuf_rd_pj_per_byte +
	          (double)st->ibuf_wr * e->ibuf_wr_pj_per_byte;
	o->wbuf = (double)st->wbuf_rd * e->wbuf_rd_pj_per_byte +
	          (double)st->wbuf_wr * e->wbuf_wr_pj_per_byte;
	o->obuf = (double)st->obuf_rd * e->obuf_rd_pj_per_byte +
	          (double)st->obuf_wr * e->obuf_wr_pj_per_byte;
	o->dram = (double)st->dram_rd * e->dram_rd_pj_per_byte +
	          (double)st->dram_wr * e->dram_wr_pj_per_byte;
	if (area_mm2 > 0 && e->mhz > 0) {
		double mw = area_mm2 * e->leak_mw_per_mm2 +
		            e->sram_leak_mw_per_kib * (e->ibuf_kib + e->wbuf_kib + e->obuf_kib);
		/* mW x us = nJ; x 1000 = pJ */
		o->leakage = mw * ((double)cycles / e->mhz) * 1000.0;
		o->has_leakage = true;
	}
	o->total = o->pe + o->dequant + o->ibuf + o->wbuf + o->obuf + o->dram + o->leakage;
}

void *mps_energy_json(const mps_energy_breakdown_t *b)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "pe", b->pe);
	cJSON_AddNumberToObject(o, "dequant", b->dequant);
	cJSON_AddNumberToObject(o, "ibuf", b->ibuf);
	cJSON_AddNumberToObject(o, "wbuf", b->wbuf);
	cJSON_AddNumberToObject(o, "obuf", b->obuf);
	cJSON_AddNumberToObject(o, "dram", b->dram);
	if (b->has_leakage)
		cJSON_AddNumberToObject(o, "leakage", b->leakage);
	cJSON_AddNumberToObject(o, "total", b->total);
	return o;
}
