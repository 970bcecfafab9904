/* sim/rpt.c - energy, area and throughput report (docs/energy.md). */
#include "rpt.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

extern char **environ;

void mps_rpt_figures(const mps_stats_t *s, double total_pj, mps_rpt_fig_t *f)
{
	double dram = (double)(s->dram_rd + s->dram_wr);
	memset(f, 0, sizeof *f);
	f->latency_us = s->mhz > 0 ? (double)s->cycles / s->mhz : 0.0;
	f->tops = f->latency_us > 0 ? 2.0 * (double)s->macs / (f->latency_us * 1e-6) / 1e12 : 0.0;
	f->util = mps_stats_util(s);
	f->intensity = dram > 0 ? 2.0 * (double)s->macs / dram : 0.0;
	f->tops_per_w = total_pj > 0 ? 2.0 * (double)s->macs / total_pj : 0.0;
}

static const mps_wl_model_t *find_model(const char *spec)
{
	size_t n = strcspn(spec, ":");
	for (size_t i = 0; i < mps_wl_model_count(); i++) {
		const mps_wl_model_t *m = mps_wl_model(i);
		if (m && strlen(m->id) == n && !strncmp(m->id, spec, n))
			return m;
	}
	return NULL;
}

int mps_rpt_run(const char *cfg_path, const mps_rpt_opts_t *o, mps_rpt_t *r,
                mps_err_t *err)
{
	mps_wl_gemm_t g[MPS_WL_MAX_LAYERS];
	size_t ng = 0;
	const mps_wl_model_t *m;
	mps_run_opts_t ro = { MPS_MODE_FAST, MPS_FAULT_NONE, NULL, NULL };
	int rc;

	memset(r, 0, sizeof *r);
	snprintf(r->cfg_path, sizeof r->cfg_path, "%s", cfg_path);
	snprintf(r->workload, sizeof r->workload, "%s", o->workload);
	if ((rc = mps_cfg_load(cfg_path, &r->cfg, err)))
		return rc;
	mps_energy_defaults(&r->cfg, &r->energy);
	if ((rc = mps_energy_load(cfg_path, &r->energy, err)))
		return rc;
	if ((rc = mps_wl_preset(o->workload, g, &ng, err)))
		return rc;
	m = find_model(o->workload);
	if (m)
		snprintf(r->model_title, sizeof r->model_title, "%s", m->title);
	r->layers = o->layers ? o->layers : (m && m->layers ? m->layers : 1);

	/* area: yosys (cached or run), else the pe_area_um2 assumption */
	if (o->area != MPS_RPT_AREA_NONE) {
		mps_area_opts_t ao = { o->rtl_dir, NULL, NULL, r->energy.um2_per_transistor,
			               o->area == MPS_RPT_AREA_CACHED };
		mps_err_t e2;
		rc = mps_area_synth(&r->cfg, &ao, &r->area, &e2);
		if (rc && o->area == MPS_RPT_AREA_YOSYS) {
			*err = e2;
			return rc;
		}
		if (rc == MPS_OK && r->area.has_rtl && r->area.pe.present) {
			r->has_area = true;
			r->area_mm2 = r->area.array_mm2;
			snprintf(r->area_source, sizeof r->area_source, "yosys 0.23 cmos "
			         "transistors x %.4f um^2/transistor (estimate, docs/energy.md 8)",
			         r->area.um2_per_transistor);
		}
	}
	if (!r->has_area && r->energy.pe_area_um2 > 0) {
		r->has_area = true;
		r->area_mm2 = r->energy.pe_area_um2 * r->cfg.rows * r->cfg.cols * 1e-6;
		snprintf(r->area_source, sizeof r->area_source, "assumption: [energy] "
		         "pe_area_um2 = %g x %u PEs (no yosys area)", r->energy.pe_area_um2,
		         r->cfg.rows * r->cfg.cols);
	}

	for (size_t i = 0; i < ng; i++) {
		mpq_qtensor_t a, w;
		mpq_qparams_t wq, aq;
		mpq_gemm_opts_t go;
		mps_rpt_layer_t *L = &r->layer[i];
		float *y;

		if (o->tokens)
			g[i].M = (size_t)o->tokens;
		r->tokens = g[i].M;
		memcpy(L->name, g[i].name, sizeof L->name);
		L->name[sizeof L->name - 1] = 0;
		mps_run_qparams(&r->cfg, g[i].K, &wq, &aq, &go);
		rc = mps_run_make_operands(&r->cfg, g[i].M, g[i].K, g[i].N, o->seed + i, &a, &w,
		                           err);
		if (rc)
			return rc;
		y = malloc(g[i].M * g[i].N * sizeof *y);
		if (!y)
			rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
		else
			rc = mps_run_gemm(&r->cfg, &a, &w, &go, &ro, y, &L->st, err);
		free(y);
		mpq_qtensor_free(&a);
		mpq_qtensor_free(&w);
		if (rc)
			return mps_err_prefix(err, "%s (%zux%zux%zu)", g[i].name, g[i].M, g[i].K,
			                      g[i].N);
		mps_energy_eval(&r->energy, &L->st, r->has_area ? r->area_mm2 : 0.0, L->st.cycles,
		                &L->en);
		mps_rpt_figures(&L->st, L->en.total, &L->fig);
		mps_stats_add(&r->one, &L->st);
		r->nlayers++;
	}
	mps_energy_eval(&r->energy, &r->one, r->has_area ? r->area_mm2 : 0.0, r->one.cycles,
	                &r->one_en);
	mps_rpt_figures(&r->one, r->one_en.total, &r->one_fig);
	r->model_latency_us = r->one_fig.latency_us * r->layers;
	r->model_energy_pj = r->one_en.total * r->layers;
	r->tokens_per_s = r->model_latency_us > 0 ? (double)r->tokens /
	                  (r->model_latency_us * 1e-6) : 0.0;
	r->peak_tops = 2.0 * r->cfg.rows * r->cfg.cols * r->cfg.mhz * 1e6 / 1e12;
	r->dram_gbps = (double)r->cfg.dram_bytes_per_cycle * r->cfg.mhz / 1000.0;
	return MPS_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static cJSON *layer_json(const char *name, const mps_stats_t *s,
                         const mps_energy_breakdown_t *en, const mps_rpt_fig_t *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	if (s->gemms <= 1) { /* a sum of GEMMs has no single shape */
		cJSON_AddNumberToObject(o, "M", (double)s->M);
		cJSON_AddNumberToObject(o, "K", (double)s->K);
		cJSON_AddNumberToObject(o, "N", (double)s->N);
	}
	cJSON_AddNumberToObject(o, "macs", (double)s->macs);
	cJSON_AddNumberToObject(o, "cycles", (double)s->cycles);
	cJSON_AddNumberToObject(o, "compute_cycles", (double)s->compute_cycles);
	cJSON_AddNumberToObject(o, "tail_cycles", (double)s->tail_cycles);
	cJSON_AddNumberToObject(o, "stall_cycles", (double)s->stall_cycles);
	cJSON_AddNumberToObject(o, "latency_us", f->latency_us);
	cJSON_AddNumberToObject(o, "tops", f->tops);
	cJSON_AddNumberToObject(o, "utilization", f->util);
	cJSON_AddNumberToObject(o, "dram_bytes", (double)(s->dram_rd + s->dram_wr));
	cJSON_AddNumberToObject(o, "dram_rd_bytes", (double)s->dram_rd);
	cJSON_AddNumberToObject(o, "dram_wr_bytes", (double)s->dram_wr);
	cJSON_AddNumberToObject(o, "compute_utilization", mps_stats_compute_util(s));
	cJSON_AddNumberToObject(o, "op_per_dram_byte", f->intensity);
	cJSON_AddItemToObject(o, "energy_pj", mps_energy_json(en));
	cJSON_AddNumberToObject(o, "tops_per_w", f->tops_per_w);
	return o;
}

void *mps_rpt_json(const mps_rpt_t *r)
{
	cJSON *o = cJSON_CreateObject(), *arr, *src, *ek;
	const mps_cfg_t *c = &r->cfg;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "config", r->cfg_path);
	cJSON_AddStringToObject(o, "workload", r->workload);
	if (r->model_title[0])
		cJSON_AddStringToObject(o, "model", r->model_title);
	cJSON_AddStringToObject(o, "pe", mps_pe_type_name(mps_cfg_pe_type(c)));
	cJSON_AddStringToObject(o, "kind", mps_cfg_kind_name(c->kind));
	cJSON_AddStringToObject(o, "dataflow", mps_cfg_dataflow_name(c->dataflow));
	cJSON_AddNumberToObject(o, "rows", c->rows);
	cJSON_AddNumberToObject(o, "cols", c->cols);
	cJSON_AddNumberToObject(o, "mhz", c->mhz);
	cJSON_AddNumberToObject(o, "tokens", (double)r->tokens);
	cJSON_AddNumberToObject(o, "layer_multiplier", r->layers);
	cJSON_AddNumberToObject(o, "peak_tops", r->peak_tops);
	cJSON_AddNumberToObject(o, "dram_gb_per_s", r->dram_gbps);
	arr = cJSON_AddArrayToObject(o, "layers");
	for (size_t i = 0; i < r->nlayers; i++)
		cJSON_AddItemToArray(arr, layer_json(r->layer[i].name, &r->layer[i].st,
		                                     &r->layer[i].en, &r->layer[i].fig));
	cJSON_AddItemToObject(o, "one_layer", layer_json("one_layer", &r->one, &r->one_en,
	                                                 &r->one_fig));
	{
		cJSON *mo = cJSON_AddObjectToObject(o, "model");
		cJSON_AddNumberToObject(mo, "layers", r->layers);
		cJSON_AddNumberToObject(mo, "latency_us", r->model_latency_us);
		cJSON_AddNumberToObject(mo, "energy_pj", r->model_energy_pj);
		cJSON_AddNumberToObject(mo, "tokens_per_s", r->tokens_per_s);
		cJSON_AddNumberToObject(mo, "tops", r->one_fig.tops);
		cJSON_AddNumberToObject(mo, "tops_per_w", r->one_fig.tops_per_w);
	}
	if (r->has_area) {
		cJSON *ao = cJSON_AddObjectToObject(o, "area");
		cJSON_AddNumberToObject(ao, "array_mm2", r->area_mm2);
		cJSON_AddStringToObject(ao, "source", r->area_source);
		if (r->area.has_rtl && r->area.pe.present)
			cJSON_AddItemToObject(ao, "yosys", mps_area_json(&r->area));
	}
	ek = cJSON_AddObjectToObject(o, "energy_model");
	for (unsigned i = 0; i < mps_energy_nkeys(); i++)
		cJSON_AddNumberToObject(ek, mps_energy_key(i), mps_energy_get(&r->energy, i));
	src = cJSON_AddObjectToObject(o, "sources");
	cJSON_AddStringToObject(src, "cycles", "simulated (mpsim fast mode, docs/timing.md)");
	cJSON_AddStringToObject(src, "activity", "simulated counters on seeded synthetic "
	                        "operands (docs/workloads.md)");
	cJSON_AddStringToObject(src, "energy", "model: docs/energy.md 1-7");
	cJSON_AddStringToObject(src, "area", r->has_area ? r->area_source : "absent");
	return o;
}

/* ---- files --------------------------------------------------------------- */

static int mkdirs(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return (mkdir(tmp, 0777) && errno != EEXIST) ? -1 : 0;
}

static void csv_row(FILE *f, const char *name, const mps_stats_t *s,
                    const mps_energy_breakdown_t *e, const mps_rpt_fig_t *g, bool leak)
{
	if (s->gemms > 1)
		fprintf(f, "%s,,,,", name); /* a sum of GEMMs has no single shape */
	else
		fprintf(f, "%s,%llu,%llu,%llu,", name, (unsigned long long)s->M,
		        (unsigned long long)s->K, (unsigned long long)s->N);
	fprintf(f, "%llu,%llu,%llu,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,"
	        "%.6f", (unsigned long long)s->macs,
	        (unsigned long long)s->cycles, (unsigned long long)s->stall_cycles,
	        g->latency_us, g->tops, 100.0 * g->util, e->pe, e->dequant, e->ibuf, e->wbuf,
	        e->obuf, e->dram);
	if (leak)
		fprintf(f, ",%.6f", e->leakage);
	fprintf(f, ",%.6f,%.6f\n", e->total, g->tops_per_w);
}

static void md_energy(FILE *f, const char *name, const mps_energy_breakdown_t *e)
{
	fprintf(f, "| %s | %.4g | %.4g | %.4g | %.4g | %.4g | %.4g | ", name, e->pe * 1e-6,
	        e->dequant * 1e-6, e->ibuf * 1e-6, e->wbuf * 1e-6, e->obuf * 1e-6,
	        e->dram * 1e-6);
	if (e->has_leakage)
		fprintf(f, "%.4g | ", e->leakage * 1e-6);
	else
		fprintf(f, "absent | ");
	fprintf(f, "%.4g |\n", e->total * 1e-6);
}

static void run_capture(FILE *out, const char *label, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char line[256];
	fprintf(out, "%s: ", label);
	if (!p) {
		fprintf(out, "(unavailable)\n");
		return;
	}
	if (fgets(line, sizeof line, p))
		fputs(line, out);
	else
		fprintf(out, "(unavailable)\n");
	while (fgets(line, sizeof line, p))
		;
	pclose(p);
}

static int write_md(const mps_rpt_t *r, const char *path, mps_err_t *err)
{
	FILE *f = fopen(path, "w");
	const mps_cfg_t *c = &r->cfg;
	const mps_energy_t *e = &r->energy;

	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	fprintf(f, "# mpsim report: %s on %s\n\n", r->cfg_path, r->workload);
	fprintf(f, "%ux%u %s array of %s PEs (%s), %s x %s, group %u, %g MHz. "
	        "Workload %s%s%s: %zu GEMMs per layer with M = %llu tokens; model totals = "
	        "one layer x %u layers (attention score/context GEMMs are not modelled, as in "
	        "docs/workloads.md).\n\n", c->rows, c->cols, mps_cfg_dataflow_name(c->dataflow),
	        mps_pe_type_name(mps_cfg_pe_type(c)), mps_cfg_kind_name(c->kind),
	        mpq_scheme_name(c->wq.scheme), mpq_scheme_name(c->aq.scheme), c->group, c->mhz,
	        r->workload, r->model_title[0] ? " = " : "", r->model_title, r->nlayers,
	        (unsigned long long)r->tokens, r->layers);
	fprintf(f, "Sources: **[sim]** simulated by mpsim in fast mode (cycle-identical to "
	        "cycle mode, docs/timing.md), activity counted on seeded synthetic operands "
	        "(docs/workloads.md); **[model]** energy model, docs/energy.md (section in "
	        "brackets); **[yosys]** yosys 0.23 synthesis of rtl/ (docs/energy.md 8); "
	        "**[assumption]** stated where used.\n\n");
	fprintf(f, "## Summary (whole model)\n\n| figure | value | source |\n|---|---|---|\n");
	fprintf(f, "| latency | %.1f us | [sim] cycles / clock, x %u layers |\n",
	        r->model_latency_us, r->layers);
	fprintf(f, "| tokens/s | %.1f | [sim] %llu tokens / latency |\n", r->tokens_per_s,
	        (unsigned long long)r->tokens);
	fprintf(f, "| throughput | %.3f TOPS (peak %.3f) | [sim] 2 MACs / time; peak = 2 R C f |\n",
	        r->one_fig.tops, r->peak_tops);
	fprintf(f, "| utilization | %.2f %% | [sim] MACs / (cycles R C) |\n",
	        100.0 * r->one_fig.util);
	fprintf(f, "| energy | %.4g uJ | [model] docs/energy.md 1 |\n", r->model_energy_pj * 1e-6);
	fprintf(f, "| efficiency | %.3f TOPS/W | [model] 2 MACs / energy |\n",
	        r->one_fig.tops_per_w);
	if (r->has_area) {
		fprintf(f, "| array area | %.3f mm^2 | %s |\n", r->area_mm2,
		        r->area.has_rtl && r->area.pe.present ? "[yosys] + [assumption] um^2 "
		        "per transistor, docs/energy.md 8" : "[assumption] [energy] pe_area_um2");
		fprintf(f, "| area efficiency | %.3f TOPS/mm^2 | [sim] / area |\n",
		        r->one_fig.tops / r->area_mm2);
	} else if (r->area.has_rtl) {
		fprintf(f, "| array area | absent | yosys area not requested or not cached "
		        "(--area), no [energy] pe_area_um2; leakage is therefore not included |\n");
	} else {
		fprintf(f, "| array area | absent | no yosys area: no RTL for PE type %s "
		        "(rtl/mp_pe_%s.sv) or --area none, and no [energy] pe_area_um2; leakage "
		        "is therefore not included |\n",
		        mps_pe_type_name(mps_cfg_pe_type(c)), mps_pe_type_name(mps_cfg_pe_type(c)));
	}
	fprintf(f, "\n## Per layer (one model layer) [sim]\n\n| layer | M x K x N | MACs | "
	        "cycles | stall cycles | latency (us) | TOPS | util (%%) | TOPS/W [model] |\n"
	        "|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->nlayers; i++) {
		const mps_rpt_layer_t *L = &r->layer[i];
		fprintf(f, "| %s | %llux%llux%llu | %llu | %llu | %llu | %.2f | %.3f | %.2f | "
		        "%.3f |\n", L->name, (unsigned long long)L->st.M,
		        (unsigned long long)L->st.K, (unsigned long long)L->st.N,
		        (unsigned long long)L->st.macs, (unsigned long long)L->st.cycles,
		        (unsigned long long)L->st.stall_cycles, L->fig.latency_us, L->fig.tops,
		        100.0 * L->fig.util, L->fig.tops_per_w);
	}
	fprintf(f, "| **one layer** | | %llu | %llu | %llu | %.2f | %.3f | %.2f | %.3f |\n",
	        (unsigned long long)r->one.macs, (unsigned long long)r->one.cycles,
	        (unsigned long long)r->one.stall_cycles, r->one_fig.latency_us, r->one_fig.tops,
	        100.0 * r->one_fig.util, r->one_fig.tops_per_w);
	fprintf(f, "\n## Energy by component, uJ per layer [model]\n\n| layer | PE (2) | "
	        "dequant (3) | IBUF (4) | WBUF (4) | OBUF (4) | DRAM (5) | leakage (7) | "
	        "total |\n|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->nlayers; i++)
		md_energy(f, r->layer[i].name, &r->layer[i].en);
	md_energy(f, "**one layer**", &r->one_en);
	fprintf(f, "\nActivity behind the PE energy [sim]: %llu MACs, %.1f %% with both "
	        "operands nonzero", (unsigned long long)r->one.ct.mac_ops,
	        r->one.ct.mac_ops ? 100.0 * (double)r->one.ct.mac_nonzero /
	        (double)r->one.ct.mac_ops : 0.0);
	if (c->kind == MPS_PEK_SHIFT_ADD)
		fprintf(f, ", %.3f shift-add terms per MAC",
		        r->one.ct.mac_ops ? (double)r->one.ct.sa_terms / (double)r->one.ct.mac_ops
		        : 0.0);
	fprintf(f, "; %llu dequant ops, %llu FP32 accumulator adds. Traffic [sim]: DRAM "
	        "%llu B read, %llu B written.\n", (unsigned long long)r->one.ct.dequant_ops,
	        (unsigned long long)r->one.ct.acc_updates, (unsigned long long)r->one.dram_rd,
	        (unsigned long long)r->one.dram_wr);
	fprintf(f, "\nModel parameters used [model] (docs/energy.md 9; 45-nm PE/dequant values "
	        "are multiplied by tech_scale = %.3f [assumption, 6]): pe_mac %.4g, "
	        "pe_sa_term %.4g, pe_acc %.4g, pe_base %.4g, dequant %.4g, acc_fp32 %.4g pJ; "
	        "IBUF %.3f/%.3f, WBUF %.3f/%.3f, OBUF %.3f/%.3f pJ/B read/write (CACTI 28 nm, 4); "
	        "DRAM %.4g/%.4g pJ/B (5); leakage %.3g mW/mm^2 (7).\n", e->tech_scale,
	        e->pe_mac_pj, e->pe_sa_term_pj, e->pe_acc_pj, e->pe_base_pj, e->dequant_pj,
	        e->acc_fp32_pj, e->ibuf_rd_pj_per_byte, e->ibuf_wr_pj_per_byte,
	        e->wbuf_rd_pj_per_byte, e->wbuf_wr_pj_per_byte, e->obuf_rd_pj_per_byte,
	        e->obuf_wr_pj_per_byte, e->dram_rd_pj_per_byte, e->dram_wr_pj_per_byte,
	        e->leak_mw_per_mm2);
	if (r->area.has_rtl && r->area.pe.present) {
		const mps_area_t *a = &r->area;
		fprintf(f, "\n## Area [yosys]\n\n| unit | cells | flops | transistors | um^2 "
		        "(estimate) |\n|---|---|---|---|---|\n");
		fprintf(f, "| PE | %llu | %llu | %llu | %.0f |\n", (unsigned long long)a->pe.cells,
		        (unsigned long long)a->pe.flops, (unsigned long long)a->pe.transistors,
		        a->pe_um2);
		if (a->prod.present)
			fprintf(f, "| product unit (in the PE) | %llu | %llu | %llu | %.0f |\n",
			        (unsigned long long)a->prod.cells, (unsigned long long)a->prod.flops,
			        (unsigned long long)a->prod.transistors,
			        (double)a->prod.transistors * a->um2_per_transistor);
		if (a->dq.present)
			fprintf(f, "| dequant unit (%s) | %llu | %llu | %llu | %.0f |\n",
			        a->edge_dq_units ? "per column, at the edge" : "in the PE",
			        (unsigned long long)a->dq.cells, (unsigned long long)a->dq.flops,
			        (unsigned long long)a->dq.transistors,
			        (double)a->dq.transistors * a->um2_per_transistor);
		if (a->out.present)
			fprintf(f, "| column output unit | %llu | %llu | %llu | %.0f |\n",
			        (unsigned long long)a->out.cells, (unsigned long long)a->out.flops,
			        (unsigned long long)a->out.transistors,
			        (double)a->out.transistors * a->um2_per_transistor);
		fprintf(f, "| array %ux%u (composed) | | | %llu | %.3f mm^2 |\n", a->rows, a->cols,
		        (unsigned long long)a->array_transistors, a->array_mm2);
		fprintf(f, "\nTransistors: yosys `stat -tech cmos` after async2sync + dffunmap + "
		        "%s (every flop included), cached in `%s`. um^2 = transistors x %.4f "
		        "[assumption, docs/energy.md 8: no open standard-cell liberty is installable "
		        "here]. The array is composed: R C PEs + C output units + %llu edge "
		        "register bits (skew, drain) x 28 transistors. SRAM macros are not "
		        "included.\n", mps_area_method_desc(a->method), a->dir,
		        a->um2_per_transistor,
		        (unsigned long long)a->edge_flop_bits);
	}
	fprintf(f, "\n## Plots\n\n![energy](energy.png)\n![latency](latency.png)\n"
	        "![area](area.png)\n![roofline](roofline.png)\n");
	fclose(f);
	return MPS_OK;
}

int mps_rpt_write(const mps_rpt_t *r, const char *dir, const char *python, bool *plots_ok,
                  mps_err_t *err)
{
	char path[1200];
	FILE *f;
	cJSON *j;
	char *txt;
	int rc;
	bool leak = r->one_en.has_leakage;

	*plots_ok = false;
	if (mkdirs(dir))
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", dir, strerror(errno));
	/* report.json */
	snprintf(path, sizeof path, "%s/report.json", dir);
	j = mps_rpt_json(r);
	txt = j ? cJSON_Print(j) : NULL;
	cJSON_Delete(j);
	f = fopen(path, "w");
	if (!f || !txt) {
		free(txt);
		if (f)
			fclose(f);
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot write", path);
	}
	fputs(txt, f);
	fputc('\n', f);
	fclose(f);
	free(txt);
	/* report.csv */
	snprintf(path, sizeof path, "%s/report.csv", dir);
	f = fopen(path, "w");
	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	fprintf(f, "layer,M,K,N,macs,cycles,stall_cycles,latency_us,tops,utilization_pct,"
	        "pe_pj,dequant_pj,ibuf_pj,wbuf_pj,obuf_pj,dram_pj%s,total_pj,tops_per_w\n",
	        leak ? ",leakage_pj" : "");
	for (size_t i = 0; i < r->nlayers; i++)
		csv_row(f, r->layer[i].name, &r->layer[i].st, &r->layer[i].en, &r->layer[i].fig,
		        leak);
	csv_row(f, "one_layer", &r->one, &r->one_en, &r->one_fig, leak);
	fclose(f);
	/* report.md */
	snprintf(path, sizeof path, "%s/report.md", dir);
	if ((rc = write_md(r, path, err)))
		return rc;
	/* run.txt: config echoed, git describe, tool versions */
	snprintf(path, sizeof path, "%s/run.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	fprintf(f, "mpsim report %s --workload %s\n", r->cfg_path, r->workload);
	run_capture(f, "git describe", "git describe --always --dirty 2>/dev/null");
	run_capture(f, "yosys", "yosys -V 2>/dev/null");
	run_capture(f, "cc", "cc --version 2>/dev/null");
	if (python) {
		char cmd[600];
		snprintf(cmd, sizeof cmd, "%s -c 'import sys, matplotlib; print(sys.version.split()"
		         "[0], \"matplotlib\", matplotlib.__version__)' 2>/dev/null", python);
		run_capture(f, "python", cmd);
	}
	fprintf(f, "\n--- config %s ---\n", r->cfg_path);
	{
		FILE *cf = fopen(r->cfg_path, "r");
		char line[512];
		while (cf && fgets(line, sizeof line, cf))
			fputs(line, f);
		if (cf)
			fclose(cf);
	}
	fclose(f);
	/* plots */
	if (python) {
		posix_spawn_file_actions_t fa;
		pid_t pid;
		int status = 0;
		char a0[512], a1[] = "scripts/plot_report.py", a2[1200], a3[1024], log[1200];
		char *argv[] = { a0, a1, a2, a3, NULL };
		snprintf(a0, sizeof a0, "%s", python);
		snprintf(a2, sizeof a2, "%s/report.json", dir);
		snprintf(a3, sizeof a3, "%s", dir);
		snprintf(log, sizeof log, "%s/plot.log", dir);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
		rc = posix_spawnp(&pid, python, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		if (rc == 0) {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			*plots_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		}
	}
	return MPS_OK;
}
