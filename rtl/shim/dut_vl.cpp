// rtl/shim/dut_vl.cpp - the Verilator shim: implements rtl/shim/dut.h over the
// Verilated mp_top of one config.  The project's one C++ file.
//
// Built per config by sim/dut_build.c (scripts/build_dut.sh) into libdut.so
// with -DMPS_DUT_ROWS/COLS/ACCW/DF/AW/WW from the config's generated view.
// Port widths: Verilator maps a port of <= 8/16/32/64 bits to CData/SData/
// IData/QData and wider ones to VlWide<N>; the overloads of to_port/from_port
// hide that, and fields are packed into / unpacked from 32-bit word buffers.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include "Vmp_top.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

#include "dut.h"

#ifndef MPS_DUT_ROWS
#error "build with -DMPS_DUT_ROWS=... (sim/dut_build.c)"
#endif

namespace {

constexpr unsigned R = MPS_DUT_ROWS, C = MPS_DUT_COLS, ACCW = MPS_DUT_ACCW;
constexpr unsigned AW = MPS_DUT_AW, WW = MPS_DUT_WW, DF = MPS_DUT_DF;

int set_err(mps_err_t *err, int code, const char *msg)
{
	if (err) {
		err->code = code;
		std::snprintf(err->msg, sizeof err->msg, "%s", msg);
	}
	return code;
}

// ---- bit buffers -------------------------------------------------------
struct Buf {
	std::vector<uint32_t> w;
	explicit Buf(unsigned bits) : w((bits + 31) / 32 + 1, 0u) {}
	void clear() { std::fill(w.begin(), w.end(), 0u); }
	void put(unsigned lsb, unsigned width, uint64_t v)
	{
		for (unsigned done = 0; done < width;) {
			unsigned bit = lsb + done, wi = bit / 32, off = bit % 32;
			unsigned n = 32 - off;
			if (n > width - done) n = width - done;
			uint32_t mask = (n == 32) ? 0xffffffffu : (((1u << n) - 1u) << off);
			w[wi] = (w[wi] & ~mask) | ((uint32_t)(v >> done) << off & mask);
			done += n;
		}
	}
	uint64_t get(unsigned lsb, unsigned width) const
	{
		uint64_t v = 0;
		for (unsigned done = 0; done < width;) {
			unsigned bit = lsb + done, wi = bit / 32, off = bit % 32;
			unsigned n = 32 - off;
			if (n > width - done) n = width - done;
			uint64_t part = (w[wi] >> off) & ((n == 32) ? 0xffffffffu : ((1u << n) - 1u));
			v |= part << done;
			done += n;
		}
		return v;
	}
	int64_t sget(unsigned lsb, unsigned width) const
	{
		if (width == 0) return 0; /* no partial sum (fp16 MAC: AccWidth 0) */
		uint64_t v = get(lsb, width);
		if (width < 64 && (v >> (width - 1) & 1u)) v |= ~0ull << width;
		return (int64_t)v;
	}
};

template <typename T> void to_port(T &p, const Buf &b)
{
	p = (T)((uint64_t)b.w[0] | ((uint64_t)b.w[1] << 32));
}
template <std::size_t N> void to_port(VlWide<N> &p, const Buf &b)
{
	for (std::size_t i = 0; i < N; i++) p[i] = b.w[i];
}
template <typename T> void from_port(const T &p, Buf &b)
{
	uint64_t v = (uint64_t)p;
	b.w[0] = (uint32_t)v;
	b.w[1] = (uint32_t)(v >> 32);
}
template <std::size_t N> void from_port(const VlWide<N> &p, Buf &b)
{
	for (std::size_t i = 0; i < N; i++) b.w[i] = p[i];
}

} // namespace

struct mps_dut {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vmp_top> top;
#if VM_TRACE
	std::unique_ptr<VerilatedFstC> tfp;
#endif
	uint64_t cycle = 0;
	Buf a_code{R * AW}, a_valid{R}, a_scale{R * 32}, a_align{R * 16}, a_post{R * 32};
	Buf w_code{C * WW}, w_valid{C}, w_scale{C * 32}, w_scale_n{C * 32}, w_zero{C * 8};
	Buf w_post{C * 32}, pin_p{C * ACCW}, pin_pn{C * ACCW}, pin_acc{C * 32};
	Buf o_valid{C}, o_row{C * 16}, o_final{C}, o_acc{C * 32}, o_p{C * ACCW}, o_pn{C * ACCW};
	Buf s_p{R * C * ACCW}, s_pn{R * C * ACCW}, s_acc{R * C * 32};

	void dump(uint64_t t)
	{
#if VM_TRACE
		if (tfp) tfp->dump(t);
#else
		(void)t;
#endif
	}
	void tick()
	{
		top->clk_i = 1;
		top->eval();
		dump(cycle * 10 + 5);
		top->clk_i = 0;
		top->eval();
		cycle++;
		dump(cycle * 10);
	}
	void apply(const mps_lanes_in_t *in)
	{
		top->en_i = in->en ? 1 : 0;
		if (!in->en) return; // a stall: nothing else is read
		top->valid_i = in->valid;
		top->load_i = in->load;
		top->flags_i = in->flags;
		top->load_row_i = in->load_row;
		top->m_post_i = in->m_post;
		for (unsigned r = 0; r < R; r++) {
			a_code.put(r * AW, AW, in->a_code ? in->a_code[r] : 0);
			a_valid.put(r, 1, in->a_valid ? in->a_valid[r] : 0);
			a_scale.put(r * 32, 32, in->a_scale ? in->a_scale[r] : 0);
			a_align.put(r * 16, 16, in->a_align ? (uint16_t)in->a_align[r] : 0);
			a_post.put(r * 32, 32, in->a_post ? in->a_post[r] : 0);
		}
		for (unsigned c = 0; c < C; c++) {
			w_code.put(c * WW, WW, in->w_code ? in->w_code[c] : 0);
			w_valid.put(c, 1, in->w_valid ? in->w_valid[c] : 0);
			w_scale.put(c * 32, 32, in->w_scale ? in->w_scale[c] : 0);
			w_scale_n.put(c * 32, 32, in->w_scale_n ? in->w_scale_n[c] : 0);
			w_zero.put(c * 8, 8, in->w_zero ? in->w_zero[c] : 0);
			w_post.put(c * 32, 32, in->w_post ? in->w_post[c] : 0);
			pin_p.put(c * ACCW, ACCW, in->pin_p ? (uint64_t)in->pin_p[c] : 0);
			pin_pn.put(c * ACCW, ACCW, in->pin_pn ? (uint64_t)in->pin_pn[c] : 0);
			pin_acc.put(c * 32, 32, in->pin_acc ? in->pin_acc[c] : 0);
		}
		to_port(top->a_code_i, a_code);
		to_port(top->a_valid_i, a_valid);
		to_port(top->a_scale_i, a_scale);
		to_port(top->a_align_i, a_align);
		to_port(top->a_post_i, a_post);
		to_port(top->w_code_i, w_code);
		to_port(top->w_valid_i, w_valid);
		to_port(top->w_scale_i, w_scale);
		to_port(top->w_scale_n_i, w_scale_n);
		to_port(top->w_zero_i, w_zero);
		to_port(top->w_post_i, w_post);
		to_port(top->pin_p_i, pin_p);
		to_port(top->pin_pn_i, pin_pn);
		to_port(top->pin_acc_i, pin_acc);
	}
	void sample(mps_lanes_out_t *out)
	{
		from_port(top->out_valid_o, o_valid);
		from_port(top->out_row_o, o_row);
		from_port(top->out_final_o, o_final);
		from_port(top->out_acc_o, o_acc);
		from_port(top->out_p_o, o_p);
		from_port(top->out_pn_o, o_pn);
		for (unsigned c = 0; c < C; c++) {
			if (out->valid) out->valid[c] = (uint8_t)o_valid.get(c, 1);
			if (out->row) out->row[c] = (uint16_t)o_row.get(c * 16, 16);
			if (out->final) out->final[c] = (uint8_t)o_final.get(c, 1);
			if (out->acc) out->acc[c] = (uint32_t)o_acc.get(c * 32, 32);
			if (out->p) out->p[c] = o_p.sget(c * ACCW, ACCW);
			if (out->pn) out->pn[c] = o_pn.sget(c * ACCW, ACCW);
		}
	}
};

extern "C" {

void mps_dut_built_cfg(mps_dut_cfg_t *cfg)
{
	cfg->rows = R;
	cfg->cols = C;
	cfg->acc_width = ACCW;
	cfg->dataflow = DF;
}

mps_dut_t *mps_dut_new(const mps_dut_cfg_t *cfg, mps_err_t *err)
{
	try {
		if (cfg && (cfg->rows != R || cfg->cols != C || cfg->acc_width != ACCW ||
		            cfg->dataflow != DF)) {
			char m[200];
			std::snprintf(m, sizeof m,
			              "model built for %ux%u AccWidth %u dataflow %u, asked for "
			              "%ux%u AccWidth %u dataflow %u",
			              R, C, ACCW, DF, cfg->rows, cfg->cols, cfg->acc_width,
			              cfg->dataflow);
			set_err(err, MPS_ERR_INVAL, m);
			return nullptr;
		}
		std::unique_ptr<mps_dut> d(new mps_dut);
		d->ctx.reset(new VerilatedContext);
		d->ctx->fatalOnError(false);
		d->ctx->randReset(2); // randomize uninitialized state: exposes missing resets
#if VM_TRACE
		d->ctx->traceEverOn(true);
#endif
		d->top.reset(new Vmp_top(d->ctx.get(), "mp_top"));
		d->top->clk_i = 0;
		d->top->rst_ni = 1;
		d->top->en_i = 0;
		d->top->eval();
		return d.release();
	} catch (const std::exception &e) {
		set_err(err, MPS_ERR_DUT, e.what());
	} catch (...) {
		set_err(err, MPS_ERR_DUT, "unknown C++ exception in mps_dut_new");
	}
	return nullptr;
}

void mps_dut_free(mps_dut_t *d)
{
	if (!d) return;
	try {
#if VM_TRACE
		if (d->tfp) d->tfp->close();
#endif
		d->top->final();
	} catch (...) {
	}
	delete d;
}

int mps_dut_reset(mps_dut_t *d, unsigned cycles, mps_err_t *err)
{
	try {
		d->top->en_i = 0;
		d->top->clk_i = 0;
		d->top->rst_ni = 1;
		d->top->eval();
		d->top->rst_ni = 0; // explicit 1 -> 0 edge (toolchain.md: reset pitfall)
		d->top->eval();
		for (unsigned i = 0; i < cycles; i++) {
			d->top->clk_i = 1;
			d->top->eval();
			d->top->clk_i = 0;
			d->top->eval();
		}
		d->top->rst_ni = 1;
		d->top->eval();
		d->cycle = 0;
		return MPS_OK;
	} catch (const std::exception &e) {
		return set_err(err, MPS_ERR_DUT, e.what());
	} catch (...) {
		return set_err(err, MPS_ERR_DUT, "unknown C++ exception in mps_dut_reset");
	}
}

int mps_dut_step(mps_dut_t *d, const mps_lanes_in_t *in, mps_lanes_out_t *out,
                 mps_err_t *err)
{
	try {
		d->apply(in);
		d->top->eval();
		if (out) d->sample(out);
		d->tick();
		return MPS_OK;
	} catch (const std::exception &e) {
		return set_err(err, MPS_ERR_DUT, e.what());
	} catch (...) {
		return set_err(err, MPS_ERR_DUT, "unknown C++ exception in mps_dut_step");
	}
}

int mps_dut_run(mps_dut_t *d, unsigned long n, const mps_lanes_in_t *ins,
                mps_lanes_out_t *outs, mps_err_t *err)
{
	for (unsigned long i = 0; i < n; i++) {
		int rc = mps_dut_step(d, &ins[i], outs ? &outs[i] : nullptr, err);
		if (rc) return rc;
	}
	return MPS_OK;
}

int mps_dut_state(mps_dut_t *d, mps_pe_state_t *st, mps_err_t *err)
{
	try {
		from_port(d->top->st_p_o, d->s_p);
		from_port(d->top->st_pn_o, d->s_pn);
		from_port(d->top->st_acc_o, d->s_acc);
		for (unsigned i = 0; i < R * C; i++) {
			st[i].p = d->s_p.sget(i * ACCW, ACCW);
			st[i].pn = d->s_pn.sget(i * ACCW, ACCW);
			st[i].acc = (uint32_t)d->s_acc.get(i * 32, 32);
		}
		return MPS_OK;
	} catch (const std::exception &e) {
		return set_err(err, MPS_ERR_DUT, e.what());
	} catch (...) {
		return set_err(err, MPS_ERR_DUT, "unknown C++ exception in mps_dut_state");
	}
}

int mps_dut_trace_open(mps_dut_t *d, const char *path, mps_err_t *err)
{
#if VM_TRACE
	try {
		if (d->tfp) d->tfp->close();
		d->tfp.reset(new VerilatedFstC);
		d->top->trace(d->tfp.get(), 99);
		d->tfp->open(path);
		if (!d->tfp->isOpen()) {
			d->tfp.reset();
			return set_err(err, MPS_ERR_IO, "cannot open the FST waveform file");
		}
		d->dump(d->cycle * 10);
		return MPS_OK;
	} catch (const std::exception &e) {
		return set_err(err, MPS_ERR_DUT, e.what());
	} catch (...) {
		return set_err(err, MPS_ERR_DUT, "unknown C++ exception in mps_dut_trace_open");
	}
#else
	(void)d;
	(void)path;
	return set_err(err, MPS_ERR_UNSUPPORTED, "model built without --trace-fst");
#endif
}

int mps_dut_trace_close(mps_dut_t *d, mps_err_t *err)
{
	(void)err;
#if VM_TRACE
	try {
		if (d->tfp) {
			d->tfp->close();
			d->tfp.reset();
		}
	} catch (...) {
		return set_err(err, MPS_ERR_DUT, "exception closing the waveform");
	}
#else
	(void)d;
#endif
	return MPS_OK;
}

} // extern "C"
