// sim/sc/mps_sc.h - SystemC wrapper of the C cycle model (sim/array.h): the
// module mps_sc::array has exactly the ports of the Verilator --sc model of
// rtl/mp_top.sv (names, directions, C++ types), so either can sit on the same
// sc_signals of a SystemC virtual platform (docs/systemc.md).  C++17: the
// Debian libsystemc 2.3.4 is built as C++17 (toolchain.md 5); never compiled
// into libmpsim.a or the mpsim binary (scripts/build_sc.sh builds it).
//
// Timing (docs/systemc.md "Clocking"): the model evaluates one cycle per
// clock.  At the falling edge of cycle t it samples the lane inputs (which must
// be stable from then to the rising edge), calls mps_array_step and drives the
// output record of cycle t (out_*_o); at the rising edge that ends cycle t it
// drives the PE state after cycle t (st_*_o).  A synchronous consumer that
// samples at the rising edge therefore sees the same values as on the RTL's
// ports: out_*_o of cycle t and st_*_o after cycle t-1.  rst_ni (asynchronous,
// active low) resets the model (mps_array_reset) and zeroes every output.
//
// Port types follow Verilator's --sc mapping: 1 bit -> bool, 2..32 bits ->
// uint32_t, 33..64 -> uint64_t, wider -> sc_dt::sc_bv<W>.  Lane i of a flat
// port lies at bits [i*W +: W]; PE (r, c) state at index r*Cols + c.
#ifndef MPS_SIM_SC_MPS_SC_H
#define MPS_SIM_SC_MPS_SC_H

#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include <systemc>

#include "array.h"
#include "cfg.h"
#include "err.h"
#include "lanes.h"
#include "pe.h"

namespace mps_sc {

// ---- port types and bit packing ----------------------------------------

// The C++ type Verilator --sc gives a port of W bits.
template <unsigned W>
using port_t = std::conditional_t<
	W == 1, bool,
	std::conditional_t<W <= 32, uint32_t,
	                   std::conditional_t<W <= 64, uint64_t, sc_dt::sc_bv<(W > 64 ? W : 65)>>>>;

// A bit vector as 32-bit words (LSB first) with lane access.
class bits {
public:
	explicit bits(unsigned nbits = 0) : w_((nbits + 31) / 32 + 1, 0u) {}
	void resize(unsigned nbits) { w_.assign((nbits + 31) / 32 + 1, 0u); }
	void clear() { std::fill(w_.begin(), w_.end(), 0u); }
	uint32_t *words() { return w_.data(); }
	const uint32_t *words() const { return w_.data(); }
	std::size_t nwords() const { return w_.size(); }
	void put(unsigned lsb, unsigned width, uint64_t v);
	uint64_t get(unsigned lsb, unsigned width) const;
	int64_t sget(unsigned lsb, unsigned width) const; // sign-extended
	bool operator==(const bits &o) const { return w_ == o.w_; }

private:
	std::vector<uint32_t> w_;
};

// Port value <-> bits (the overloads cover every type port_t can be).
inline void to_bits(bool v, bits &b) { b.clear(); b.words()[0] = v ? 1u : 0u; }
inline void to_bits(uint32_t v, bits &b) { b.clear(); b.words()[0] = v; }
inline void to_bits(uint64_t v, bits &b)
{
	b.clear();
	b.words()[0] = (uint32_t)v;
	b.words()[1] = (uint32_t)(v >> 32);
}
template <int N> void to_bits(const sc_dt::sc_bv<N> &v, bits &b)
{
	b.clear();
	for (int i = 0; i < (N + 31) / 32; i++) b.words()[i] = (uint32_t)v.get_word(i);
}
inline void from_bits(const bits &b, bool &v) { v = b.words()[0] & 1u; }
inline void from_bits(const bits &b, uint32_t &v) { v = b.words()[0]; }
inline void from_bits(const bits &b, uint64_t &v)
{
	v = (uint64_t)b.words()[0] | (uint64_t)b.words()[1] << 32;
}
template <int N> void from_bits(const bits &b, sc_dt::sc_bv<N> &v)
{
	for (int i = 0; i < (N + 31) / 32; i++) v.set_word(i, b.words()[i]);
}

// ---- the non-template core (sim/sc/mps_sc_array.cpp) --------------------

// Flat-port indices, in mp_top's port order.
enum in_port {
	IN_A_CODE, IN_A_VALID, IN_A_SCALE, IN_A_ALIGN, IN_A_POST,
	IN_W_CODE, IN_W_VALID, IN_W_SCALE, IN_W_SCALE_N, IN_W_ZERO, IN_W_POST,
	IN_PIN_P, IN_PIN_PN, IN_PIN_ACC, IN_NPORTS
};
enum out_port {
	OUT_VALID, OUT_ROW, OUT_FINAL, OUT_ACC, OUT_P, OUT_PN, OUT_NPORTS
};
enum st_port { ST_P, ST_PN, ST_ACC, ST_NPORTS };

// Lane geometry of mp_top for one build: rows, cols, AccWidth and the input
// code widths (mp_top's ACodeW and WW).
struct geom {
	unsigned rows, cols, acc_width, a_code_w, w_code_w;
	unsigned in_width(in_port p) const;   // bits of flat input port p
	unsigned out_width(out_port p) const; // bits of flat output port p
	unsigned st_width(st_port p) const;   // bits of flat state port p
};

// Packed lanes <-> sim/lanes.h records (the mapping of rtl/shim/dut_vl.cpp).
void pack_in(const geom &g, const mps_lanes_in_t &in, bits *ports /*[IN_NPORTS]*/);
void unpack_in(const geom &g, const bits *ports, mps_lanes_in_t &in);
void pack_out(const geom &g, const mps_lanes_out_t &out, bits *ports /*[OUT_NPORTS]*/);
void unpack_out(const geom &g, const bits *ports, mps_lanes_out_t &out);
void pack_state(const geom &g, const mps_pe_state_t *st, bits *ports /*[ST_NPORTS]*/);
void unpack_state(const geom &g, const bits *ports, mps_pe_state_t *st);

// The C cycle model behind packed ports: owns the mps_array_t and its lanes.
class core {
public:
	core();
	~core();
	core(const core &) = delete;
	core &operator=(const core &) = delete;

	// Create the array of a checked config for geometry g.  Errors:
	// MPS_ERR_INVAL (g differs from the config), those of mps_array_new.
	int init(const mps_cfg_t *cfg, const geom &g, mps_fault_t fault, mps_err_t *err);
	bool ok() const { return arr_ != nullptr; }
	const geom &geometry() const { return g_; }

	void reset(); // mps_array_reset; outputs and state ports to 0
	// One clock: in[IN_NPORTS] and the scalar inputs of cycle t -> out ports
	// of cycle t (mps_array_step); then the state after cycle t in st.
	void step(bool en, bool valid, bool load, uint32_t flags, uint32_t load_row,
	          uint32_t m_post, const bits *in);
	bits out[OUT_NPORTS]; // output record of the last step
	bits st[ST_NPORTS];   // PE state after the last step
	uint64_t cycles() const; // enabled cycles since reset

private:
	geom g_{};
	mps_array_t *arr_ = nullptr;
	mps_lanes_buf_t lb_{};
	std::vector<mps_pe_state_t> pes_;
};

// ---- the module ---------------------------------------------------------

// The C cycle model with mp_top's ports.  R, C, ACCW: Rows, Cols, AccWidth;
// AW, WW: mp_top's ACodeW and WW (element code widths of the lanes).
// Construction cannot fail loudly (library code never prints or throws on
// bad input): check status() after constructing; a module whose status is
// not MPS_OK drives 0 on every output.
template <unsigned R, unsigned C, unsigned ACCW, unsigned AW, unsigned WW>
class array : public sc_core::sc_module {
public:
	sc_core::sc_in<bool> clk_i;
	sc_core::sc_in<bool> rst_ni;
	// mps_lanes_in_t
	sc_core::sc_in<bool> en_i;
	sc_core::sc_in<bool> valid_i;
	sc_core::sc_in<bool> load_i;
	sc_core::sc_in<uint32_t> flags_i;
	sc_core::sc_in<uint32_t> load_row_i;
	sc_core::sc_in<uint32_t> m_post_i;
	sc_core::sc_in<port_t<R * AW>> a_code_i;
	sc_core::sc_in<port_t<R>> a_valid_i;
	sc_core::sc_in<port_t<R * 32>> a_scale_i;
	sc_core::sc_in<port_t<R * 16>> a_align_i;
	sc_core::sc_in<port_t<R * 32>> a_post_i;
	sc_core::sc_in<port_t<C * WW>> w_code_i;
	sc_core::sc_in<port_t<C>> w_valid_i;
	sc_core::sc_in<port_t<C * 32>> w_scale_i;
	sc_core::sc_in<port_t<C * 32>> w_scale_n_i;
	sc_core::sc_in<port_t<C * 8>> w_zero_i;
	sc_core::sc_in<port_t<C * 32>> w_post_i;
	sc_core::sc_in<port_t<C * ACCW>> pin_p_i;
	sc_core::sc_in<port_t<C * ACCW>> pin_pn_i;
	sc_core::sc_in<port_t<C * 32>> pin_acc_i;
	// mps_lanes_out_t
	sc_core::sc_out<port_t<C>> out_valid_o;
	sc_core::sc_out<port_t<C * 16>> out_row_o;
	sc_core::sc_out<port_t<C>> out_final_o;
	sc_core::sc_out<port_t<C * 32>> out_acc_o;
	sc_core::sc_out<port_t<C * ACCW>> out_p_o;
	sc_core::sc_out<port_t<C * ACCW>> out_pn_o;
	// mps_pe_state_t of every PE
	sc_core::sc_out<port_t<R * C * ACCW>> st_p_o;
	sc_core::sc_out<port_t<R * C * ACCW>> st_pn_o;
	sc_core::sc_out<port_t<R * C * 32>> st_acc_o;

	SC_HAS_PROCESS(array);

	// cfg: a checked config with these rows, cols and AccWidth (borrowed for
	// the call only).  fault: MPS_FAULT_NONE, or a deliberately wrong PE
	// datapath for negative controls.
	array(sc_core::sc_module_name nm, const mps_cfg_t *cfg, mps_fault_t fault = MPS_FAULT_NONE)
	    : sc_core::sc_module(nm), clk_i("clk_i"), rst_ni("rst_ni"), en_i("en_i"),
	      valid_i("valid_i"), load_i("load_i"), flags_i("flags_i"), load_row_i("load_row_i"),
	      m_post_i("m_post_i"), a_code_i("a_code_i"), a_valid_i("a_valid_i"),
	      a_scale_i("a_scale_i"), a_align_i("a_align_i"), a_post_i("a_post_i"),
	      w_code_i("w_code_i"), w_valid_i("w_valid_i"), w_scale_i("w_scale_i"),
	      w_scale_n_i("w_scale_n_i"), w_zero_i("w_zero_i"), w_post_i("w_post_i"),
	      pin_p_i("pin_p_i"), pin_pn_i("pin_pn_i"), pin_acc_i("pin_acc_i"),
	      out_valid_o("out_valid_o"), out_row_o("out_row_o"), out_final_o("out_final_o"),
	      out_acc_o("out_acc_o"), out_p_o("out_p_o"), out_pn_o("out_pn_o"),
	      st_p_o("st_p_o"), st_pn_o("st_pn_o"), st_acc_o("st_acc_o")
	{
		const geom g{R, C, ACCW, AW, WW};
		for (int i = 0; i < IN_NPORTS; i++) in_[i].resize(g.in_width((in_port)i));
		status_ = core_.init(cfg, g, fault, &err_);
		// one process drives every output (SystemC allows one writer per signal)
		SC_METHOD(on_event);
		sensitive << clk_i << rst_ni;
		dont_initialize();
	}

	int status() const { return status_; }          // MPS_OK or an mps_status_t
	const mps_err_t &error() const { return err_; } // message when status() != 0
	uint64_t cycles() const { return core_.cycles(); }

private:
	core core_;
	int status_ = MPS_OK;
	mps_err_t err_{};
	bits in_[IN_NPORTS];

	template <typename P> void rd(const P &port, in_port i) { to_bits(port.read(), in_[i]); }
	template <typename P> static void wr(P &port, const bits &b)
	{
		std::decay_t<decltype(port.read())> v{};
		from_bits(b, v);
		port.write(v);
	}
	void drive_out()
	{
		wr(out_valid_o, core_.out[OUT_VALID]);
		wr(out_row_o, core_.out[OUT_ROW]);
		wr(out_final_o, core_.out[OUT_FINAL]);
		wr(out_acc_o, core_.out[OUT_ACC]);
		wr(out_p_o, core_.out[OUT_P]);
		wr(out_pn_o, core_.out[OUT_PN]);
	}
	void drive_state()
	{
		wr(st_p_o, core_.st[ST_P]);
		wr(st_pn_o, core_.st[ST_PN]);
		wr(st_acc_o, core_.st[ST_ACC]);
	}
	// rst_ni low: reset (asynchronous).  Falling edge of cycle t: sample the
	// inputs, step, drive out(t).  Rising edge ending cycle t: the registers
	// take their new values (st_*_o after cycle t).
	void on_event()
	{
		if (!core_.ok()) return;
		if (!rst_ni.read()) {
			if (rst_ni.event()) {
				core_.reset();
				drive_out();
				drive_state();
			}
			return;
		}
		if (clk_i.posedge()) {
			drive_state();
			return;
		}
		if (!clk_i.negedge()) return;
		rd(a_code_i, IN_A_CODE);
		rd(a_valid_i, IN_A_VALID);
		rd(a_scale_i, IN_A_SCALE);
		rd(a_align_i, IN_A_ALIGN);
		rd(a_post_i, IN_A_POST);
		rd(w_code_i, IN_W_CODE);
		rd(w_valid_i, IN_W_VALID);
		rd(w_scale_i, IN_W_SCALE);
		rd(w_scale_n_i, IN_W_SCALE_N);
		rd(w_zero_i, IN_W_ZERO);
		rd(w_post_i, IN_W_POST);
		rd(pin_p_i, IN_PIN_P);
		rd(pin_pn_i, IN_PIN_PN);
		rd(pin_acc_i, IN_PIN_ACC);
		core_.step(en_i.read(), valid_i.read(), load_i.read(), flags_i.read(),
		           load_row_i.read(), m_post_i.read(), in_);
		drive_out();
	}
};

} // namespace mps_sc

#endif // MPS_SIM_SC_MPS_SC_H
