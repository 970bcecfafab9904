/* sim/pe.c - PE datapath helpers: the shift-add product decompositions,
 * the counter arithmetic and the test-only fault models (docs/pe.md). */
#include <stdlib.h>

#include "pe.h"

void mps_pe_counters_add(mps_pe_counters_t *a, const mps_pe_counters_t *b)
{
	a->mac_ops += b->mac_ops;
	a->mac_nonzero += b->mac_nonzero;
	a->sa_terms += b->sa_terms;
	a->acc_updates += b->acc_updates;
	a->dequant_ops += b->dequant_ops;
	a->post_ops += b->post_ops;
	a->outputs += b->outputs;
}

unsigned mps_pe_terms(int64_t w_eff)
{
	uint64_t m = (uint64_t)(w_eff < 0 ? -w_eff : w_eff);

	/* SWAR popcount: the x86-64 baseline has no popcnt instruction and
	 * __builtin_popcountll would call libgcc */
	m = m - ((m >> 1) & 0x5555555555555555ull);
	m = (m & 0x3333333333333333ull) + ((m >> 2) & 0x3333333333333333ull);
	m = (m + (m >> 4)) & 0x0F0F0F0F0F0F0F0Full;
	return (unsigned)((m * 0x0101010101010101ull) >> 56);
}

int64_t mps_pe_fault_w(mps_fault_t fault, int64_t w_eff)
{
	switch (fault) {
	case MPS_FAULT_SIGN:
		return w_eff < 0 ? -w_eff : w_eff;
	case MPS_FAULT_DROP_TERM: {
		int64_t m = w_eff < 0 ? -w_eff : w_eff;
		m &= m - 1; /* clear the lowest set bit: its shift-add term is lost */
		return w_eff < 0 ? -m : m;
	}
	default:
		return w_eff;
	}
}

int64_t mps_pe_product(mps_pe_type_t t, int64_t w_eff, int64_t a_int,
                       mps_fault_t fault, uint64_t *terms)
{
	int64_t w = mps_pe_fault_w(fault, w_eff);
	uint64_t mag = (uint64_t)(w < 0 ? -w : w);
	int64_t s = 0;

	switch (t) {
	case MPS_PE_W4A8:
	case MPS_PE_W4A16:
	case MPS_PE_FP4FP8:
	case MPS_PE_FP4FP4:
		/* gated shifts of the activation, one per set bit of |w| */
		for (unsigned i = 0; mag >> i; i++)
			if ((mag >> i) & 1u)
				s += (int64_t)((uint64_t)a_int << i);
		if (terms && a_int != 0)
			*terms += (uint64_t)__builtin_popcountll(mag);
		return w < 0 ? -s : s;
	default:
		return w * a_int;
	}
}

int64_t mps_pe_e2m1_shift_add(uint32_t code, int64_t a)
{
	unsigned e = (code >> 1) & 3u, m = code & 1u;
	int64_t s = 0;

	if (e >= 1)
		s += (int64_t)((uint64_t)a << e);
	if (m)
		s += (int64_t)((uint64_t)a << (e >= 1 ? e - 1 : 0));
	return (code & 8u) ? -s : s;
}
