/* sim/stats.c - run statistics: sums, text summary, JSON. */
#include <cJSON.h>

#include "stats.h"

void mps_stats_add(mps_stats_t *a, const mps_stats_t *b)
{
	a->M = b->M;
	a->K = b->K;
	a->N = b->N;
	a->gemms += b->gemms;
	a->nfolds += b->nfolds;
	a->cycles += b->cycles;
	a->compute_cycles += b->compute_cycles;
	a->tail_cycles += b->tail_cycles;
	a->stall_cycles += b->stall_cycles;
	a->macs += b->macs;
	mps_pe_counters_add(&a->ct, &b->ct);
	a->ibuf_rd += b->ibuf_rd;
	a->ibuf_wr += b->ibuf_wr;
	a->wbuf_rd += b->wbuf_rd;
	a->wbuf_wr += b->wbuf_wr;
	a->obuf_rd += b->obuf_rd;
	a->obuf_wr += b->obuf_wr;
	a->dram_rd += b->dram_rd;
	a->dram_wr += b->dram_wr;
	a->rows = b->rows;
	a->cols = b->cols;
	a->mhz = b->mhz;
	a->timing_only = a->timing_only || b->timing_only;
}

double mps_stats_util(const mps_stats_t *s)
{
	double d = (double)s->cycles * s->rows * s->cols;
	return d > 0 ? (double)s->macs / d : 0.0;
}

double mps_stats_compute_util(const mps_stats_t *s)
{
	double d = (double)s->compute_cycles * s->rows * s->cols;
	return d > 0 ? (double)s->macs / d : 0.0;
}

void mps_stats_print(const mps_stats_t *s, const mps_cfg_t *cfg, const char *in, FILE *f)
{
	double us = s->mhz > 0 ? (double)s->cycles / s->mhz : 0.0;

	fprintf(f, "%scycles        %llu  (compute %llu + tail %llu + stall %llu)\n", in,
	        (unsigned long long)s->cycles, (unsigned long long)s->compute_cycles,
	        (unsigned long long)s->tail_cycles, (unsigned long long)s->stall_cycles);
	fprintf(f, "%sfolds         %llu\n", in, (unsigned long long)s->nfolds);
	fprintf(f, "%sMACs          %llu\n", in, (unsigned long long)s->macs);
	fprintf(f, "%sutilization   %.2f%%  (compute only %.2f%%)\n", in,
	        100.0 * mps_stats_util(s), 100.0 * mps_stats_compute_util(s));
	fprintf(f, "%stime          %.3f us at %g MHz  (%.3f TOPS effective)\n", in, us,
	        s->mhz, us > 0 ? 2.0 * (double)s->macs / us * 1e-6 : 0.0);
	if (s->timing_only)
		fprintf(f, "%sactivity      (timing only: no mac_nonzero, sa_terms) ", in);
	else
		fprintf(f, "%sactivity      mac_nonzero %llu (%.1f%%), ", in,
		        (unsigned long long)s->ct.mac_nonzero,
		        s->macs ? 100.0 * (double)s->ct.mac_nonzero / (double)s->macs : 0.0);
	if (cfg->kind == MPS_PEK_SHIFT_ADD && !s->timing_only)
		fprintf(f, "sa_terms %llu (%.2f/MAC), ", (unsigned long long)s->ct.sa_terms,
		        s->macs ? (double)s->ct.sa_terms / (double)s->macs : 0.0);
	fprintf(f, "dequant %llu, acc_updates %llu, post %llu\n",
	        (unsigned long long)s->ct.dequant_ops, (unsigned long long)s->ct.acc_updates,
	        (unsigned long long)s->ct.post_ops);
	fprintf(f, "%smemory        DRAM rd %llu B wr %llu B; IBUF rd %llu; WBUF rd %llu; "
	        "OBUF wr %llu\n", in, (unsigned long long)s->dram_rd,
	        (unsigned long long)s->dram_wr, (unsigned long long)s->ibuf_rd,
	        (unsigned long long)s->wbuf_rd, (unsigned long long)s->obuf_wr);
}

void *mps_stats_json(const mps_stats_t *s, const mps_cfg_t *cfg)
{
	cJSON *o = cJSON_CreateObject(), *act, *mem;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "cycles", (double)s->cycles);
	cJSON_AddNumberToObject(o, "compute_cycles", (double)s->compute_cycles);
	cJSON_AddNumberToObject(o, "tail_cycles", (double)s->tail_cycles);
	cJSON_AddNumberToObject(o, "stall_cycles", (double)s->stall_cycles);
	cJSON_AddNumberToObject(o, "folds", (double)s->nfolds);
	cJSON_AddNumberToObject(o, "macs", (double)s->macs);
	cJSON_AddNumberToObject(o, "utilization", mps_stats_util(s));
	cJSON_AddNumberToObject(o, "compute_utilization", mps_stats_compute_util(s));
	cJSON_AddNumberToObject(o, "time_us", s->mhz > 0 ? (double)s->cycles / s->mhz : 0.0);
	act = cJSON_AddObjectToObject(o, "activity");
	if (act) {
		cJSON *pe = cJSON_AddObjectToObject(act, "pe");
		cJSON *dq = cJSON_AddObjectToObject(act, "dequant");
		cJSON *ou = cJSON_AddObjectToObject(act, "output");
		if (pe) {
			cJSON_AddNumberToObject(pe, "mac_ops", (double)s->ct.mac_ops);
			/* data-dependent: absent without operand values */
			if (!s->timing_only)
				cJSON_AddNumberToObject(pe, "mac_nonzero", (double)s->ct.mac_nonzero);
			if (cfg->kind == MPS_PEK_SHIFT_ADD && !s->timing_only)
				cJSON_AddNumberToObject(pe, "sa_terms", (double)s->ct.sa_terms);
		}
		if (dq) {
			cJSON_AddNumberToObject(dq, "dequant_ops", (double)s->ct.dequant_ops);
			cJSON_AddNumberToObject(dq, "acc_updates", (double)s->ct.acc_updates);
		}
		if (ou) {
			cJSON_AddNumberToObject(ou, "outputs", (double)s->ct.outputs);
			cJSON_AddNumberToObject(ou, "post_ops", (double)s->ct.post_ops);
		}
	}
	mem = cJSON_AddObjectToObject(o, "memory");
	if (mem) {
		cJSON_AddNumberToObject(mem, "ibuf_rd_bytes", (double)s->ibuf_rd);
		cJSON_AddNumberToObject(mem, "ibuf_wr_bytes", (double)s->ibuf_wr);
		cJSON_AddNumberToObject(mem, "wbuf_rd_bytes", (double)s->wbuf_rd);
		cJSON_AddNumberToObject(mem, "wbuf_wr_bytes", (double)s->wbuf_wr);
		cJSON_AddNumberToObject(mem, "obuf_rd_bytes", (double)s->obuf_rd);
		cJSON_AddNumberToObject(mem, "obuf_wr_bytes", (double)s->obuf_wr);
		cJSON_AddNumberToObject(mem, "dram_rd_bytes", (double)s->dram_rd);
		cJSON_AddNumberToObject(mem, "dram_wr_bytes", (double)s->dram_wr);
	}
	return o;
}
