/* sim/fast.c - fast mode: outputs through model/'s bit-exact prepared-operand
 * path (mpq_gemm_terms / mpq_term_fl32 / mpq_apply_post, the same calls
 * mpq_gemm_ref makes, in the same accumulation order as the array), and the
 * activity counters by formula over per-k operand statistics (docs/pe.md):
 *   mac_nonzero = sum_k nnz_a(k) nnz_w(k)
 *   sa_terms    = sum_k nnz_a(k) sum_n popcount|w_eff(n, k)|
 * Cycles come from the same plan (sim/ctrl.c) in both modes (run.c). */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "quant.h"
#include "run.h"

static int64_t get(unsigned width, const void *arr, size_t i)
{
	switch (width) {
	case 16: return ((const int16_t *)arr)[i];
	case 32: return ((const int32_t *)arr)[i];
	default: return ((const int64_t *)arr)[i];
	}
}

static void put(unsigned width, void *arr, size_t i, int64_t v)
{
	switch (width) {
	case 16: ((int16_t *)arr)[i] = (int16_t)v; break;
	case 32: ((int32_t *)arr)[i] = (int32_t)v; break;
	default: ((int64_t *)arr)[i] = v; break;
	}
}

/* w_eff of weight (n, k): integer after the zero point (either sign array). */
static int64_t w_eff(const mpq_prep_t *pw, size_t n, size_t k)
{
	size_t i = n * pw->cols + k;
	int64_t v = get(pw->width, pw->ints, i);
	if (pw->ints_neg)
		v += get(pw->width, pw->ints_neg, i);
	if (pw->zero)
		v -= pw->zero[n * pw->ngrp + k / pw->group];
	return v;
}

/* Replace every w_eff by the faulty PE's (tests only). */
static void apply_fault(mpq_prep_t *pw, mps_fault_t fault)
{
	for (size_t n = 0; n < pw->rows; n++)
		for (size_t k = 0; k < pw->cols; k++) {
			size_t i = n * pw->cols + k;
			int64_t v = mps_pe_fault_w(fault, w_eff(pw, n, k));
			bool neg = pw->ints_neg && get(pw->width, pw->ints_neg, i) != 0;
			put(pw->width, neg ? pw->ints_neg : pw->ints, i, v);
		}
	if (pw->zero)
		memset(pw->zero, 0, pw->rows * pw->ngrp * sizeof *pw->zero);
}

int mps_fast_gemm(void *feed, mps_fault_t fault, float *y, mps_pe_counters_t *ct,
                  mps_err_t *err)
{
	mps_feed_t *f = feed;
	mpq_prep_t *pa = &f->pa, *pw = &f->pw;
	const size_t M = f->M, K = f->K, N = f->N;
	const bool exact = f->opts.acc == MPQ_ACC_EXACT;
	const bool ff = mps_cfg_pe_type(f->cfg) == MPS_PE_FP16;
	const bool sa = f->cfg->kind == MPS_PEK_SHIFT_ADD;
	uint32_t *nnz_a = NULL, *nnz_w = NULL;
	uint64_t *pc_w = NULL;
	unsigned nt = pw->ints_neg ? 2 : 1;
	mpq_term_t t[2];

	if (fault != MPS_FAULT_NONE)
		apply_fault(pw, fault);

	/* outputs: y = the contract (n outer, m inner, groups in increasing k);
	 * fp32/align accumulation through model/'s shared loop */
	if (!exact)
		mpqi_gemm_fp32(pa, pw, y);
	for (size_t n = 0; exact && n < N; n++) {
		for (size_t m = 0; m < M; m++) {
			float acc = 0.0f;
			if (exact) {
				mpq_xacc_t x;
				mpq_xacc_clear(&x);
				for (size_t g = 0; g < pa->ngrp; g++) {
					unsigned k = mpq_gemm_terms(pa, m, pw, n, g, t);
					for (unsigned i = 0; i < k; i++)
						mpq_term_xacc_add(&x, &t[i]);
				}
				acc = mpq_xacc_to_f32(&x);
			}
			y[m * N + n] = mpq_apply_post(acc, pa, m, pw, n);
		}
	}

	/* counters by formula */
	nnz_a = calloc(K, sizeof *nnz_a);
	nnz_w = calloc(K, sizeof *nnz_w);
	pc_w = calloc(K, sizeof *pc_w);
	if (!nnz_a || !nnz_w || !pc_w) {
		free(nnz_a);
		free(nnz_w);
		free(pc_w);
		return mps_err_set(err, MPS_ERR_NOMEM, "fast: out of memory");
	}
	if (pa->width == 16) {
		const int16_t *A = pa->ints;
		for (size_t m = 0; m < M; m++)
			for (size_t k = 0; k < K; k++)
				nnz_a[k] += A[m * K + k] != 0;
	} else {
		for (size_t m = 0; m < M; m++)
			for (size_t k = 0; k < K; k++)
				nnz_a[k] += get(pa->width, pa->ints, m * K + k) != 0;
	}
	if (pw->width == 16 && !pw->zero) {
		/* |w_eff| < 2^15: popcount through a 256-entry table, two bytes */
		uint8_t pc8[256];
		const int16_t *W = pw->ints, *WN = pw->ints_neg;
		for (unsigned i = 0; i < 256; i++)
			pc8[i] = (uint8_t)((i & 1) + ((i >> 1) & 1) + ((i >> 2) & 1) + ((i >> 3) & 1) +
			                   ((i >> 4) & 1) + ((i >> 5) & 1) + ((i >> 6) & 1) + (i >> 7));
		for (size_t n = 0; n < N; n++) {
			const int16_t *wr = W + n * K, *wn = WN ? WN + n * K : NULL;
			for (size_t k = 0; k < K; k++) {
				int32_t v = wr[k] + (wn ? wn[k] : 0);
				uint32_t mg = (uint32_t)(v < 0 ? -v : v);
				nnz_w[k] += v != 0;
				pc_w[k] += (uint64_t)pc8[mg & 0xFF] + pc8[(mg >> 8) & 0xFF];
			}
		}
	} else {
		for (size_t n = 0; n < N; n++)
			for (size_t k = 0; k < K; k++) {
				int64_t v = w_eff(pw, n, k);
				nnz_w[k] += v != 0;
				pc_w[k] += mps_pe_terms(v);
			}
	}
	memset(ct, 0, sizeof *ct);
	ct->mac_ops = (uint64_t)M * N * K;
	for (size_t k = 0; k < K; k++) {
		ct->mac_nonzero += (uint64_t)nnz_a[k] * nnz_w[k];
		if (sa)
			ct->sa_terms += (uint64_t)nnz_a[k] * pc_w[k];
	}
	if (ff) {
		ct->acc_updates = ct->mac_ops;
	} else {
		ct->dequant_ops = (uint64_t)M * N * pa->ngrp * nt;
		ct->acc_updates = ct->dequant_ops;
	}
	ct->outputs = (uint64_t)M * N;
	free(nnz_a);
	free(nnz_w);
	free(pc_w);
	return MPS_OK;
}
