/* sim/energy.h - per-event energy model: PE operations by PE type and
 * activity class, dequantization, SRAM per byte by buffer (bank) size, DRAM
 * per byte, leakage proportional to area.  docs/energy.md gives every
 * default with its source; every field is overridable in the config's
 * [energy] section (key = the field name below).
 *
 * Units: energies in pJ, powers in mW, areas in mm^2 / um^2.  PE and
 * dequant energies are stored at their source node (45 nm, Horowitz ISSCC
 * 2014 / BitFusion) and multiplied by tech_scale when evaluated; SRAM
 * energies are CACTI 28 nm values and are used as they are; DRAM energies
 * are per byte at the interface and never scaled.
 */
#ifndef MPS_SIM_ENERGY_H
#define MPS_SIM_ENERGY_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	/* PE, pJ per event at 45 nm (x tech_scale), docs/energy.md section 2 */
	double pe_mac_pj;        /* product of one pair with both operands nonzero
	                          * (multiplier PEs; 0 for shift-add PEs) */
	double pe_sa_term_pj;    /* one shift-add term (one adder of the product
	                          * width; shift-add PEs; 0 for multiplier PEs) */
	double pe_acc_pj;        /* exact group partial-sum add, per nonzero pair */
	double pe_base_pj;       /* every pair, zero or not: operand registers and
	                          * forwarding (the whole cost of a zero pair) */
	/* dequant and output unit, pJ per event at 45 nm (x tech_scale), section 3 */
	double dequant_pj;       /* one group dequant fl32(P 2^e s_w s_a): 2 FP32 mul */
	double acc_fp32_pj;      /* one FP32 accumulator add */
	double post_pj;          /* one post-scale FP32 multiply */
	double tech_scale;       /* 45 nm -> target node energy factor (section 6) */
	/* SRAM, pJ per byte, 28 nm CACTI interpolated by bank size (section 4) */
	double ibuf_rd_pj_per_byte, ibuf_wr_pj_per_byte;
	double wbuf_rd_pj_per_byte, wbuf_wr_pj_per_byte;
	double obuf_rd_pj_per_byte, obuf_wr_pj_per_byte;
	unsigned ibuf_banks, wbuf_banks, obuf_banks; /* banks per buffer (bank size
	                          * = buffer / banks picks the CACTI point) */
	/* DRAM, pJ per byte (section 5) */
	double dram_rd_pj_per_byte, dram_wr_pj_per_byte;
	/* leakage and area (section 7) */
	double leak_mw_per_mm2;  /* logic leakage power density, mW per mm^2 */
	double sram_leak_mw_per_kib; /* SRAM leakage, mW per KiB of IBUF+WBUF+OBUF
	                          * (default 0: excluded, as in the MixPE artifact) */
	double um2_per_transistor; /* area per yosys `stat -tech cmos` transistor at
	                          * the target node, um^2 (section 8) */
	double pe_area_um2;      /* PE area, um^2, when no yosys area is available;
	                          * 0 = not set (then leakage needs a yosys area) */
	/* context (not keys) */
	double ibuf_kib, wbuf_kib, obuf_kib; /* buffer sizes, KiB (from the config) */
	double mhz;              /* clock, MHz (from the config) */
	mps_pe_type_t pe_type;   /* the PE type the defaults were derived for */
	uint32_t set_mask[2];    /* keys set explicitly (bit = key index) */
} mps_energy_t;

/* Energy of one run by component, pJ.  total = the sum of the seven parts. */
typedef struct {
	double pe;       /* PE datapath: products, shift-add terms, group adds, base */
	double dequant;  /* group dequant, FP32 accumulator adds, post scales */
	double ibuf;     /* IBUF reads + writes */
	double wbuf;     /* WBUF reads + writes */
	double obuf;     /* OBUF reads + writes */
	double dram;     /* DRAM reads + writes */
	double leakage;  /* logic (+ SRAM if sram_leak_mw_per_kib > 0) leakage over
	                  * the run's cycles; 0 and has_leakage false without an area */
	double total;    /* sum of the above */
	bool has_leakage; /* false: no area was known, leakage is not included */
} mps_energy_breakdown_t;

/* Fill *e with the documented defaults for a checked config (its PE type,
 * group, AccWidth, buffer sizes and clock).  docs/energy.md section 1-8. */
void mps_energy_defaults(const mps_cfg_t *cfg, mps_energy_t *e);

/* Set one [energy] key from its text value (a number >= 0; banks: an
 * integer >= 1; tech_scale > 0).  Shorthands: dram_pj_per_byte (read and
 * write), sram_read_pj_per_byte / sram_write_pj_per_byte (all three
 * buffers).  Errors: MPS_ERR_INVAL "unknown [energy] key 'k' (valid: ...)"
 * or "bad value ...".  The message has no file:line: callers prefix it. */
int mps_energy_set(mps_energy_t *e, const char *key, const char *value, mps_err_t *err);

/* Apply the [energy] section of the INI file at path to *e (after
 * mps_energy_defaults).  Errors: MPS_ERR_IO, MPS_ERR_PARSE "file:line: ...". */
int mps_energy_load(const char *path, mps_energy_t *e, mps_err_t *err);

/* Same on INI text held in memory; fname names it in messages. */
int mps_energy_load_string(const char *text, const char *fname, mps_energy_t *e,
                           mps_err_t *err);

/* Evaluate the energy of a run: activity and traffic from *st, leakage from
 * area_mm2 (logic area of the array; <= 0: unknown, leakage left out) over
 * cycles at e->mhz.  Never fails. */
void mps_energy_eval(const mps_energy_t *e, const mps_stats_t *st, double area_mm2,
                     uint64_t cycles, mps_energy_breakdown_t *out);

/* CACTI 28 nm per-bit energy of one access to a bank of bank_bytes, pJ per
 * bit (read or write): log-log interpolation between the anchors of
 * docs/energy.md section 4, extrapolated as sqrt(size) outside them. */
double mps_energy_sram_pj_per_bit(double bank_bytes, bool write);

/* Horowitz 45 nm integer add of w bits, pJ: linear fit of 8/16/32-bit adds. */
double mps_energy_add_pj(unsigned w);

/* Number of keys and the i-th key name (for docs and messages). */
unsigned mps_energy_nkeys(void);
const char *mps_energy_key(unsigned i);

/* The value of key i in *e (after tech_scale is NOT applied). */
double mps_energy_get(const mps_energy_t *e, unsigned i);

/* A cJSON object (void *: cast to cJSON *) of a breakdown: each component in
 * pJ and "total"; "leakage" is absent when has_leakage is false.  NULL on
 * allocation failure. */
void *mps_energy_json(const mps_energy_breakdown_t *b);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_ENERGY_H */
