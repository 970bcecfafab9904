// sim/sc/mps_sc_array.cpp - the non-template part of the SystemC wrapper of
// the C cycle model (sim/sc/mps_sc.h): bit packing of mp_top's flat lane
// ports and the core that calls mps_array_step once per clock.  C++17.
#include "mps_sc.h"

#include <cstring>

namespace mps_sc {

// ---- bits ------------------------------------------------------------------

void bits::put(unsigned lsb, unsigned width, uint64_t v)
{
	for (unsigned done = 0; done < width;) {
		unsigned bit = lsb + done, wi = bit / 32, off = bit % 32;
		unsigned n = 32 - off;
		if (n > width - done) n = width - done;
		uint32_t mask = (n == 32) ? 0xffffffffu : (((1u << n) - 1u) << off);
		w_[wi] = (w_[wi] & ~mask) | ((uint32_t)(v >> done) << off & mask);
		done += n;
	}
}

uint64_t bits::get(unsigned lsb, unsigned width) const
{
	uint64_t v = 0;
	for (unsigned done = 0; done < width;) {
		unsigned bit = lsb + done, wi = bit / 32, off = bit % 32;
		unsigned n = 32 - off;
		if (n > width - done) n = width - done;
		uint64_t part = (w_[wi] >> off) & ((n == 32) ? 0xffffffffu : ((1u << n) - 1u));
		v |= part << done;
		done += n;
	}
	return v;
}

int64_t bits::sget(unsigned lsb, unsigned width) const
{
	uint64_t v = get(lsb, width);
	if (width > 0 && width < 64 && (v >> (width - 1) & 1u)) v |= ~0ull << width;
	return (int64_t)v;
}

// ---- geometry --------------------------------------------------------------

unsigned geom::in_width(in_port p) const
{
	switch (p) {
	case IN_A_CODE: return rows * a_code_w;
	case IN_A_VALID: return rows;
	case IN_A_SCALE: case IN_A_POST: return rows * 32;
	case IN_A_ALIGN: return rows * 16;
	case IN_W_CODE: return cols * w_code_w;
	case IN_W_VALID: return cols;
	case IN_W_SCALE: case IN_W_SCALE_N: case IN_W_POST: case IN_PIN_ACC: return cols * 32;
	case IN_W_ZERO: return cols * 8;
	case IN_PIN_P: case IN_PIN_PN: return cols * acc_width;
	default: return 0;
	}
}

unsigned geom::out_width(out_port p) const
{
	switch (p) {
	case OUT_VALID: case OUT_FINAL: return cols;
	case OUT_ROW: return cols * 16;
	case OUT_ACC: return cols * 32;
	case OUT_P: case OUT_PN: return cols * acc_width;
	default: return 0;
	}
}

unsigned geom::st_width(st_port p) const
{
	return p == ST_ACC ? rows * cols * 32 : rows * cols * acc_width;
}

// ---- lanes <-> flat ports (the mapping of rtl/shim/dut_vl.cpp) -------------

void pack_in(const geom &g, const mps_lanes_in_t &in, bits *p)
{
	const unsigned AW = g.a_code_w, WW = g.w_code_w, A = g.acc_width;
	for (int i = 0; i < IN_NPORTS; i++) p[i].resize(g.in_width((in_port)i));
	for (unsigned r = 0; r < g.rows; r++) {
		p[IN_A_CODE].put(r * AW, AW, in.a_code ? in.a_code[r] : 0);
		p[IN_A_VALID].put(r, 1, in.a_valid ? in.a_valid[r] : 0);
		p[IN_A_SCALE].put(r * 32, 32, in.a_scale ? in.a_scale[r] : 0);
		p[IN_A_ALIGN].put(r * 16, 16, in.a_align ? (uint16_t)in.a_align[r] : 0);
		p[IN_A_POST].put(r * 32, 32, in.a_post ? in.a_post[r] : 0);
	}
	for (unsigned c = 0; c < g.cols; c++) {
		p[IN_W_CODE].put(c * WW, WW, in.w_code ? in.w_code[c] : 0);
		p[IN_W_VALID].put(c, 1, in.w_valid ? in.w_valid[c] : 0);
		p[IN_W_SCALE].put(c * 32, 32, in.w_scale ? in.w_scale[c] : 0);
		p[IN_W_SCALE_N].put(c * 32, 32, in.w_scale_n ? in.w_scale_n[c] : 0);
		p[IN_W_ZERO].put(c * 8, 8, in.w_zero ? in.w_zero[c] : 0);
		p[IN_W_POST].put(c * 32, 32, in.w_post ? in.w_post[c] : 0);
		p[IN_PIN_P].put(c * A, A, in.pin_p ? (uint64_t)in.pin_p[c] : 0);
		p[IN_PIN_PN].put(c * A, A, in.pin_pn ? (uint64_t)in.pin_pn[c] : 0);
		p[IN_PIN_ACC].put(c * 32, 32, in.pin_acc ? in.pin_acc[c] : 0);
	}
}

void unpack_in(const geom &g, const bits *p, mps_lanes_in_t &in)
{
	const unsigned AW = g.a_code_w, WW = g.w_code_w, A = g.acc_width;
	for (unsigned r = 0; r < g.rows; r++) {
		in.a_code[r] = (uint16_t)p[IN_A_CODE].get(r * AW, AW);
		in.a_valid[r] = (uint8_t)p[IN_A_VALID].get(r, 1);
		in.a_scale[r] = (uint32_t)p[IN_A_SCALE].get(r * 32, 32);
		in.a_align[r] = (int16_t)(uint16_t)p[IN_A_ALIGN].get(r * 16, 16);
		in.a_post[r] = (uint32_t)p[IN_A_POST].get(r * 32, 32);
	}
	for (unsigned c = 0; c < g.cols; c++) {
		in.w_code[c] = (uint16_t)p[IN_W_CODE].get(c * WW, WW);
		in.w_valid[c] = (uint8_t)p[IN_W_VALID].get(c, 1);
		in.w_scale[c] = (uint32_t)p[IN_W_SCALE].get(c * 32, 32);
		in.w_scale_n[c] = (uint32_t)p[IN_W_SCALE_N].get(c * 32, 32);
		in.w_zero[c] = (uint8_t)p[IN_W_ZERO].get(c * 8, 8);
		in.w_post[c] = (uint32_t)p[IN_W_POST].get(c * 32, 32);
		in.pin_p[c] = p[IN_PIN_P].sget(c * A, A);
		in.pin_pn[c] = p[IN_PIN_PN].sget(c * A, A);
		in.pin_acc[c] = (uint32_t)p[IN_PIN_ACC].get(c * 32, 32);
	}
}

void pack_out(const geom &g, const mps_lanes_out_t &out, bits *p)
{
	const unsigned A = g.acc_width;
	for (int i = 0; i < OUT_NPORTS; i++) p[i].resize(g.out_width((out_port)i));
	for (unsigned c = 0; c < g.cols; c++) {
		p[OUT_VALID].put(c, 1, out.valid[c]);
		p[OUT_ROW].put(c * 16, 16, out.row[c]);
		p[OUT_FINAL].put(c, 1, out.final[c]);
		p[OUT_ACC].put(c * 32, 32, out.acc[c]);
		p[OUT_P].put(c * A, A, (uint64_t)out.p[c]);
		p[OUT_PN].put(c * A, A, (uint64_t)out.pn[c]);
	}
}

void unpack_out(const geom &g, const bits *p, mps_lanes_out_t &out)
{
	const unsigned A = g.acc_width;
	for (unsigned c = 0; c < g.cols; c++) {
		out.valid[c] = (uint8_t)p[OUT_VALID].get(c, 1);
		out.row[c] = (uint16_t)p[OUT_ROW].get(c * 16, 16);
		out.final[c] = (uint8_t)p[OUT_FINAL].get(c, 1);
		out.acc[c] = (uint32_t)p[OUT_ACC].get(c * 32, 32);
		out.p[c] = p[OUT_P].sget(c * A, A);
		out.pn[c] = p[OUT_PN].sget(c * A, A);
	}
}

void pack_state(const geom &g, const mps_pe_state_t *st, bits *p)
{
	const unsigned A = g.acc_width, n = g.rows * g.cols;
	for (int i = 0; i < ST_NPORTS; i++) p[i].resize(g.st_width((st_port)i));
	for (unsigned i = 0; i < n; i++) {
		p[ST_P].put(i * A, A, (uint64_t)st[i].p);
		p[ST_PN].put(i * A, A, (uint64_t)st[i].pn);
		p[ST_ACC].put(i * 32, 32, st[i].acc);
	}
}

void unpack_state(const geom &g, const bits *p, mps_pe_state_t *st)
{
	const unsigned A = g.acc_width, n = g.rows * g.cols;
	for (unsigned i = 0; i < n; i++) {
		st[i].p = p[ST_P].sget(i * A, A);
		st[i].pn = p[ST_PN].sget(i * A, A);
		st[i].acc = (uint32_t)p[ST_ACC].get(i * 32, 32);
	}
}

// ---- core ------------------------------------------------------------------

core::core() = default;

core::~core()
{
	mps_array_free(arr_);
	if (lb_.mem) mps_lanes_buf_free(&lb_);
}

int core::init(const mps_cfg_t *cfg, const geom &g, mps_fault_t fault, mps_err_t *err)
{
	if (arr_)
		return mps_err_set(err, MPS_ERR_INVAL, "mps_sc::core initialised twice");
	if (!cfg || cfg->rows != g.rows || cfg->cols != g.cols || cfg->acc_width != g.acc_width)
		return mps_err_set(err, MPS_ERR_INVAL,
		                   "module built for %ux%u AccWidth %u, config is %ux%u AccWidth %u",
		                   g.rows, g.cols, g.acc_width, cfg ? cfg->rows : 0,
		                   cfg ? cfg->cols : 0, cfg ? cfg->acc_width : 0);
	if (g.a_code_w == 0 || g.a_code_w > 16 || g.w_code_w == 0 || g.w_code_w > 16 ||
	    g.acc_width > 64) /* AccWidth 0: float MAC PEs, no partial sum lanes */
		return mps_err_set(err, MPS_ERR_INVAL, "bad lane widths (codes %u/%u, AccWidth %u)",
		                   g.a_code_w, g.w_code_w, g.acc_width);
	int rc = mps_lanes_buf_init(&lb_, g.rows, g.cols);
	if (rc) return mps_err_set(err, rc, "out of memory (lane buffers)");
	mps_array_t *a = nullptr;
	if ((rc = mps_array_new(cfg, fault, &a, err))) {
		mps_lanes_buf_free(&lb_);
		lb_ = mps_lanes_buf_t{};
		return rc;
	}
	g_ = g;
	arr_ = a;
	pes_.assign((size_t)g.rows * g.cols, mps_pe_state_t{});
	reset();
	return MPS_OK;
}

void core::reset()
{
	if (!arr_) return;
	mps_array_reset(arr_);
	for (int i = 0; i < OUT_NPORTS; i++) out[i].resize(g_.out_width((out_port)i));
	for (int i = 0; i < ST_NPORTS; i++) st[i].resize(g_.st_width((st_port)i));
}

void core::step(bool en, bool valid, bool load, uint32_t flags, uint32_t load_row,
                uint32_t m_post, const bits *in)
{
	if (!arr_) return;
	mps_lanes_in_t &li = lb_.in;
	li.en = en;
	li.valid = valid;
	li.load = load;
	li.flags = (uint8_t)flags;
	li.load_row = (uint16_t)load_row;
	li.m_post = m_post;
	unpack_in(g_, in, li);
	mps_array_step(arr_, &li, &lb_.out);
	pack_out(g_, lb_.out, out);
	for (unsigned r = 0; r < g_.rows; r++)
		for (unsigned c = 0; c < g_.cols; c++)
			mps_array_pe_state(arr_, r, c, &pes_[(size_t)r * g_.cols + c]);
	pack_state(g_, pes_.data(), st);
}

uint64_t core::cycles() const
{
	return arr_ ? mps_array_cycles(arr_) : 0;
}

} // namespace mps_sc
