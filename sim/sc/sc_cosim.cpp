// sim/sc/sc_cosim.cpp - mpsim-sc-cosim: the C cycle model (mps_sc::array) and
// the Verilator --sc model of mp_top in one SystemC kernel on one sc_clock,
// fed the same lane records of regression traces (the C feeder of sim/feed.c,
// replaying the C simulator's fold order and stall schedule as mpsim verify
// does).  Every cycle both models' output records and PE states are compared;
// at the end the outputs of both against the trace's y.expected and the cycle
// total against the C simulator's (docs/systemc.md).  C++17.
//
// Built per config by scripts/build_sc.sh with -DMPS_SC_ROWS/COLS/ACCW/DF/AW/WW
// and the build's parameters in mps_sc_built.h.
//
// usage: mpsim-sc-cosim [--fault sign|drop_term] CONFIG TRACE...
// Exit 0 every trace agrees, 1 a mismatch, 2 bad usage or input.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <systemc>

#include "Vmp_top.h"
#include "verilated.h"

#include "mps_sc.h"
#include "mps_sc_built.h"

#include "array.h"
#include "cfg.h"
#include "ctrl.h"
#include "dequant.h"
#include "trace.h"
#include "verify.h"

#ifndef MPS_SC_ROWS
#error "build with -DMPS_SC_ROWS=... (scripts/build_sc.sh)"
#endif

namespace {

constexpr unsigned R = MPS_SC_ROWS, C = MPS_SC_COLS, ACCW = MPS_SC_ACCW;
constexpr unsigned AW = MPS_SC_AW, WW = MPS_SC_WW;
using mps_sc::port_t;
using cmodel_t = mps_sc::array<R, C, ACCW, AW, WW>;

// ---- the wires: shared inputs, one set of outputs per model ---------------

struct in_wires {
	sc_core::sc_signal<bool> rst_ni{"rst_ni", true}; // high before the first eval
	sc_core::sc_signal<bool> en{"en_i"}, valid{"valid_i"}, load{"load_i"};
	sc_core::sc_signal<uint32_t> flags{"flags_i"}, load_row{"load_row_i"}, m_post{"m_post_i"};
	sc_core::sc_signal<port_t<R * AW>> a_code{"a_code_i"};
	sc_core::sc_signal<port_t<R>> a_valid{"a_valid_i"};
	sc_core::sc_signal<port_t<R * 32>> a_scale{"a_scale_i"};
	sc_core::sc_signal<port_t<R * 16>> a_align{"a_align_i"};
	sc_core::sc_signal<port_t<R * 32>> a_post{"a_post_i"};
	sc_core::sc_signal<port_t<C * WW>> w_code{"w_code_i"};
	sc_core::sc_signal<port_t<C>> w_valid{"w_valid_i"};
	sc_core::sc_signal<port_t<C * 32>> w_scale{"w_scale_i"};
	sc_core::sc_signal<port_t<C * 32>> w_scale_n{"w_scale_n_i"};
	sc_core::sc_signal<port_t<C * 8>> w_zero{"w_zero_i"};
	sc_core::sc_signal<port_t<C * 32>> w_post{"w_post_i"};
	sc_core::sc_signal<port_t<C * ACCW>> pin_p{"pin_p_i"};
	sc_core::sc_signal<port_t<C * ACCW>> pin_pn{"pin_pn_i"};
	sc_core::sc_signal<port_t<C * 32>> pin_acc{"pin_acc_i"};
};

struct out_wires {
	explicit out_wires(const std::string &p)
	    : valid((p + "_out_valid").c_str()), row((p + "_out_row").c_str()),
	      final_((p + "_out_final").c_str()), acc((p + "_out_acc").c_str()),
	      p_((p + "_out_p").c_str()), pn((p + "_out_pn").c_str()),
	      st_p((p + "_st_p").c_str()), st_pn((p + "_st_pn").c_str()),
	      st_acc((p + "_st_acc").c_str())
	{
	}
	sc_core::sc_signal<port_t<C>> valid;
	sc_core::sc_signal<port_t<C * 16>> row;
	sc_core::sc_signal<port_t<C>> final_;
	sc_core::sc_signal<port_t<C * 32>> acc;
	sc_core::sc_signal<port_t<C * ACCW>> p_;
	sc_core::sc_signal<port_t<C * ACCW>> pn;
	sc_core::sc_signal<port_t<R * C * ACCW>> st_p;
	sc_core::sc_signal<port_t<R * C * ACCW>> st_pn;
	sc_core::sc_signal<port_t<R * C * 32>> st_acc;
};

// Bind a model with mp_top's ports (Vmp_top or mps_sc::array): the same code
// for both, so a port whose name or type differs fails to compile.
template <class M>
void bind(M &m, sc_core::sc_clock &clk, in_wires &i, out_wires &o)
{
	m.clk_i(clk);
	m.rst_ni(i.rst_ni);
	m.en_i(i.en);
	m.valid_i(i.valid);
	m.load_i(i.load);
	m.flags_i(i.flags);
	m.load_row_i(i.load_row);
	m.m_post_i(i.m_post);
	m.a_code_i(i.a_code);
	m.a_valid_i(i.a_valid);
	m.a_scale_i(i.a_scale);
	m.a_align_i(i.a_align);
	m.a_post_i(i.a_post);
	m.w_code_i(i.w_code);
	m.w_valid_i(i.w_valid);
	m.w_scale_i(i.w_scale);
	m.w_scale_n_i(i.w_scale_n);
	m.w_zero_i(i.w_zero);
	m.w_post_i(i.w_post);
	m.pin_p_i(i.pin_p);
	m.pin_pn_i(i.pin_pn);
	m.pin_acc_i(i.pin_acc);
	m.out_valid_o(o.valid);
	m.out_row_o(o.row);
	m.out_final_o(o.final_);
	m.out_acc_o(o.acc);
	m.out_p_o(o.p_);
	m.out_pn_o(o.pn);
	m.st_p_o(o.st_p);
	m.st_pn_o(o.st_pn);
	m.st_acc_o(o.st_acc);
}

template <class T> void put(sc_core::sc_signal<T> &s, const mps_sc::bits &b)
{
	T v{};
	mps_sc::from_bits(b, v);
	s.write(v);
}

// ---- comparison helpers (as sim/verify.c) ---------------------------------

bool f32_same(uint32_t a, uint32_t b)
{
	bool an = (a & 0x7f800000u) == 0x7f800000u && (a & 0x7fffffu);
	bool bn = (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu);
	return an || bn ? (an && bn) : a == b;
}

std::string f32_str(uint32_t b)
{
	char s[64];
	std::snprintf(s, sizeof s, "0x%08x (%.9g)", (unsigned)b, (double)mps_f32_from_bits(b));
	return s;
}

// Outputs of one model, gathered fold by fold (verify.c's collect()).
struct collector {
	uint64_t ofold = 0, ocount = 0, last_out = 0, outputs = 0;
	std::vector<uint32_t> y;
	std::vector<uint8_t> seen;
};

struct trace_job {
	std::string path;
	mps_trc_t trc{};
	mps_feed_t feed{};
	mps_ctrl_plan_t plan{};
	bool have_trc = false, have_feed = false, have_plan = false;
};

struct verdict {
	bool agree = true;
	uint64_t cycles = 0;     // clocks driven (stalls included)
	uint64_t sc_cycles = 0;  // cycles of the run: last output + 1 + drain stalls
	uint64_t outputs = 0;
	std::string first;       // first divergence, one line
};

// ---- the driver ------------------------------------------------------------

SC_MODULE(driver)
{
	sc_core::sc_in<bool> clk;
	in_wires *iw = nullptr;
	out_wires *rw = nullptr, *cw = nullptr; // RTL, C model
	const mps_cfg_t *cfg = nullptr;
	std::vector<trace_job> *jobs = nullptr;
	std::vector<verdict> verdicts;

	SC_CTOR(driver) : clk("clk")
	{
		SC_THREAD(run);
		sensitive << clk.pos();
	}

private:
	const mps_sc::geom g{R, C, ACCW, AW, WW};
	trace_job *job = nullptr;
	verdict *vd = nullptr;
	mps_lanes_buf_t lb{}, ro{}, co{}; // inputs; RTL outputs; C outputs
	std::vector<mps_pe_state_t> srtl, sc;
	mps_sc::bits ports[mps_sc::IN_NPORTS];
	collector col_rtl, col_c;
	std::vector<int64_t> pp[2], ppn[2];
	std::vector<uint32_t> pacc[2];
	uint64_t cycle = 0, tau = 0, prev_tau = 0;
	size_t si = 0;
	bool stop = false;

	// First divergence of the trace, at cycle cyc (stalls included) = compute
	// cycle tu (a stall: the compute cycle it precedes).
	// exp comes from en (the C model unless named), got from gn.
	void diverge(uint64_t cyc, uint64_t tu, int row, int col, const char *sig,
	             const std::string &exp, const std::string &got,
	             const char *en = "C model", const char *gn = "RTL")
	{
		vd->agree = false;
		if (!vd->first.empty()) return;
		char s[512];
		char where[64];
		if (row >= 0 && col >= 0)
			std::snprintf(where, sizeof where, "PE(%d,%d)", row, col);
		else if (col >= 0)
			std::snprintf(where, sizeof where, "column %d", col);
		else
			std::snprintf(where, sizeof where, "array");
		std::snprintf(s, sizeof s, "cycle %" PRIu64 " (compute %" PRIu64 "), %s, %s: "
		              "expected (%s) %s, got (%s) %s", cyc, tu, where, sig, en, exp.c_str(),
		              gn, got.c_str());
		vd->first = s;
		stop = true;
	}

	void drive(const mps_lanes_in_t &in)
	{
		iw->en.write(in.en != 0);
		iw->valid.write(in.valid != 0);
		iw->load.write(in.load != 0);
		iw->flags.write(in.flags);
		iw->load_row.write(in.load_row);
		iw->m_post.write(in.m_post);
		mps_sc::pack_in(g, in, ports);
		put(iw->a_code, ports[mps_sc::IN_A_CODE]);
		put(iw->a_valid, ports[mps_sc::IN_A_VALID]);
		put(iw->a_scale, ports[mps_sc::IN_A_SCALE]);
		put(iw->a_align, ports[mps_sc::IN_A_ALIGN]);
		put(iw->a_post, ports[mps_sc::IN_A_POST]);
		put(iw->w_code, ports[mps_sc::IN_W_CODE]);
		put(iw->w_valid, ports[mps_sc::IN_W_VALID]);
		put(iw->w_scale, ports[mps_sc::IN_W_SCALE]);
		put(iw->w_scale_n, ports[mps_sc::IN_W_SCALE_N]);
		put(iw->w_zero, ports[mps_sc::IN_W_ZERO]);
		put(iw->w_post, ports[mps_sc::IN_W_POST]);
		put(iw->pin_p, ports[mps_sc::IN_PIN_P]);
		put(iw->pin_pn, ports[mps_sc::IN_PIN_PN]);
		put(iw->pin_acc, ports[mps_sc::IN_PIN_ACC]);
	}

	// Sample one model's wires: the output record and the PE states.
	void sample(out_wires &w, mps_lanes_out_t &out, mps_pe_state_t *st)
	{
		mps_sc::bits o[mps_sc::OUT_NPORTS], s[mps_sc::ST_NPORTS];
		for (int i = 0; i < mps_sc::OUT_NPORTS; i++) o[i].resize(g.out_width((mps_sc::out_port)i));
		for (int i = 0; i < mps_sc::ST_NPORTS; i++) s[i].resize(g.st_width((mps_sc::st_port)i));
		mps_sc::to_bits(w.valid.read(), o[mps_sc::OUT_VALID]);
		mps_sc::to_bits(w.row.read(), o[mps_sc::OUT_ROW]);
		mps_sc::to_bits(w.final_.read(), o[mps_sc::OUT_FINAL]);
		mps_sc::to_bits(w.acc.read(), o[mps_sc::OUT_ACC]);
		mps_sc::to_bits(w.p_.read(), o[mps_sc::OUT_P]);
		mps_sc::to_bits(w.pn.read(), o[mps_sc::OUT_PN]);
		mps_sc::to_bits(w.st_p.read(), s[mps_sc::ST_P]);
		mps_sc::to_bits(w.st_pn.read(), s[mps_sc::ST_PN]);
		mps_sc::to_bits(w.st_acc.read(), s[mps_sc::ST_ACC]);
		mps_sc::unpack_out(g, o, out);
		mps_sc::unpack_state(g, s, st);
	}

	// PE states after cycle cyc: C model (expected) vs RTL (got).
	void compare_state(uint64_t cyc, uint64_t tu)
	{
		for (unsigned r = 0; r < R && !stop; r++)
			for (unsigned c = 0; c < C && !stop; c++) {
				size_t i = (size_t)r * C + c;
				const mps_pe_state_t &e = sc[i], &q = srtl[i];
				if (e.p != q.p)
					diverge(cyc, tu, (int)r, (int)c, "pe.p", std::to_string(e.p), std::to_string(q.p));
				else if (e.pn != q.pn)
					diverge(cyc, tu, (int)r, (int)c, "pe.pn", std::to_string(e.pn),
					        std::to_string(q.pn));
				else if (!f32_same(e.acc, q.acc))
					diverge(cyc, tu, (int)r, (int)c, "pe.acc", f32_str(e.acc), f32_str(q.acc));
			}
	}

	// Output records of cycle cyc: C model (expected) vs RTL (got).
	void compare_out(uint64_t cyc, uint64_t tu)
	{
		const mps_lanes_out_t &e = co.out, &q = ro.out;
		for (unsigned c = 0; c < C && !stop; c++) {
			int rr = e.valid[c] ? e.row[c] : -1;
			if (e.valid[c] != q.valid[c]) {
				diverge(cyc, tu, -1, (int)c, "out.valid", std::to_string(e.valid[c]),
				        std::to_string(q.valid[c]));
			} else if (!e.valid[c]) {
				continue;
			} else if (e.row[c] != q.row[c] || e.final[c] != q.final[c]) {
				diverge(cyc, tu, rr, (int)c, "out.row/final",
				        "row " + std::to_string(e.row[c]) + " final " + std::to_string(e.final[c]),
				        "row " + std::to_string(q.row[c]) + " final " + std::to_string(q.final[c]));
			} else if (!f32_same(e.acc[c], q.acc[c])) {
				diverge(cyc, tu, rr, (int)c, e.final[c] ? "out.y" : "out.acc", f32_str(e.acc[c]),
				        f32_str(q.acc[c]));
			} else if (e.p[c] != q.p[c] || e.pn[c] != q.pn[c]) {
				diverge(cyc, tu, rr, (int)c, "out.p",
				        "p " + std::to_string(e.p[c]) + " pn " + std::to_string(e.pn[c]),
				        "p " + std::to_string(q.p[c]) + " pn " + std::to_string(q.pn[c]));
			}
		}
	}

	// One model's outputs of an enabled cycle (sim/verify.c collect()).
	// partials: this model's WS partial results feed the next k-fold.
	void collect(const mps_lanes_out_t &o, collector &k, bool partials, const char *who)
	{
		const bool ws = cfg->dataflow == MPS_DF_WS;
		const mps_trc_t &t = job->trc;
		const size_t M = t.M, N = t.N;
		const uint64_t oper = ws ? (uint64_t)M * C : (uint64_t)R * C;
		for (unsigned c = 0; c < C; c++) {
			if (!o.valid[c]) continue;
			k.last_out = cycle + 1;
			if (k.ofold >= job->plan.nfolds) {
				diverge(cycle, tau, -1, (int)c, "out.valid", "0 (all folds done)", "1",
				        "plan", who);
				continue;
			}
			mps_ctrl_fold_t fd;
			mps_ctrl_fold(&job->plan, k.ofold, &fd);
			size_t m = ws ? o.row[c] : fd.m0 + o.row[c];
			size_t n = fd.n0 + c;
			if (ws && !o.final[c]) {
				unsigned kf = (unsigned)(fd.k0 / R);
				size_t i = (size_t)o.row[c] * C + c;
				if (partials && o.row[c] < M) {
					pp[kf & 1][i] = o.p[c];
					ppn[kf & 1][i] = o.pn[c];
					pacc[kf & 1][i] = o.acc[c];
				}
			} else if (m < M && n < N && c < fd.n_len && (ws || o.row[c] < fd.m_len)) {
				k.y[m * N + n] = o.acc[c];
				k.seen[m * N + n] = 1;
				k.outputs++;
			}
			if (++k.ocount == oper) {
				k.ocount = 0;
				k.ofold++;
			}
		}
	}

	// One clock: drive the record, wait for the rising edge, sample both
	// models (outputs of this cycle, PE states after the previous one).
	void clock(const mps_lanes_in_t &in)
	{
		if (stop) return;
		drive(in);
		wait();
		sample(*rw, ro.out, srtl.data());
		sample(*cw, co.out, sc.data());
		if (cycle > 0) compare_state(cycle - 1, prev_tau);
		if (!stop) compare_out(cycle, tau);
		prev_tau = tau;
		if (in.en && !stop) {
			collect(ro.out, col_rtl, true, "RTL");
			collect(co.out, col_c, false, "C model");
		}
		cycle++;
		vd->cycles++;
	}

	void stalls()
	{
		const mps_ctrl_plan_t &p = job->plan;
		while (si < p.nstalls && p.stalls[si].at == tau) {
			mps_feed_idle(R, C, 0, &lb.in);
			for (uint64_t i = 0; i < p.stalls[si].n && !stop; i++) clock(lb.in);
			si++;
		}
	}

	void reset_models()
	{
		mps_feed_idle(R, C, 0, &lb.in);
		drive(lb.in);
		iw->rst_ni.write(false); // explicit 1 -> 0 edge (toolchain.md: reset pitfall)
		wait();
		wait();
		iw->rst_ni.write(true);
	}

	// The y of one model against y.expected.
	void check_y(const collector &k, const char *who)
	{
		const mps_trc_t &t = job->trc;
		for (size_t i = 0; i < t.M * t.N && !stop; i++) {
			uint32_t want = mps_f32_bits(t.y_expected[i]);
			char sig[64];
			std::snprintf(sig, sizeof sig, "y[%zu][%zu]", i / t.N, i % t.N);
			if (!k.seen[i])
				diverge(cycle, tau, -1, -1, sig, f32_str(want), "no output", "y.expected", who);
			else if (!f32_same(k.y[i], want))
				diverge(cycle, tau, -1, -1, sig, f32_str(want), f32_str(k.y[i]), "y.expected",
				        who);
		}
	}

	void run_one()
	{
		const bool ws = cfg->dataflow == MPS_DF_WS;
		const mps_trc_t &t = job->trc;
		const mps_ctrl_plan_t &p = job->plan;
		cycle = tau = prev_tau = 0;
		si = 0;
		stop = false;
		for (collector *k : {&col_rtl, &col_c}) {
			*k = collector{};
			k->y.assign(t.M * t.N, 0u);
			k->seen.assign(t.M * t.N, 0);
		}
		for (int i = 0; i < 2; i++) {
			pp[i].assign(t.M * C, 0);
			ppn[i].assign(t.M * C, 0);
			pacc[i].assign(t.M * C, 0u);
		}
		reset_models();
		for (uint64_t i = 0; i < p.nfolds && !stop; i++) {
			mps_ctrl_fold_t fd;
			mps_ctrl_fold(&p, i, &fd);
			bool lastk = !ws || fd.k0 + fd.k_len >= t.K;
			unsigned kf = ws ? (unsigned)(fd.k0 / R) : 0;
			const int64_t *q = nullptr, *qn = nullptr;
			const uint32_t *qa = nullptr;
			if (ws && kf > 0) {
				q = pp[(kf - 1) & 1].data();
				qn = ppn[(kf - 1) & 1].data();
				qa = pacc[(kf - 1) & 1].data();
			}
			for (uint64_t s = 0; s < fd.len && !stop; s++) {
				stalls();
				mps_feed_step(&job->feed, &fd, s, lastk, q, qn, qa, &lb.in);
				clock(lb.in);
				tau++;
			}
		}
		for (uint64_t j = 0; j < p.tail && !stop; j++) {
			stalls();
			mps_feed_idle(R, C, 1, &lb.in);
			clock(lb.in);
			tau++;
		}
		if (!stop) stalls();
		// one more (stalled) clock to compare the PE states after the last cycle
		mps_feed_idle(R, C, 0, &lb.in);
		clock(lb.in);
		if (stop) return;
		check_y(col_rtl, "RTL");
		check_y(col_c, "C model");
		vd->outputs = col_rtl.outputs;
		vd->sc_cycles = col_rtl.last_out + p.drain_stalls;
		if (!stop && (col_rtl.last_out != col_c.last_out || vd->sc_cycles != p.cycles))
			diverge(cycle, tau, -1, -1, "cycles", std::to_string(p.cycles),
			        std::to_string(vd->sc_cycles) + " / " +
			                std::to_string(col_c.last_out + p.drain_stalls),
			        "C simulator", "RTL / C model");
	}

	void run()
	{
		srtl.assign((size_t)R * C, mps_pe_state_t{});
		sc.assign((size_t)R * C, mps_pe_state_t{});
		if (mps_lanes_buf_init(&lb, R, C) || mps_lanes_buf_init(&ro, R, C) ||
		    mps_lanes_buf_init(&co, R, C)) {
			verdicts.clear();
			sc_core::sc_stop();
			return;
		}
		wait(); // one clock with rst_ni high before the reset edge
		for (trace_job &j : *jobs) {
			job = &j;
			verdicts.emplace_back();
			vd = &verdicts.back();
			run_one();
		}
		mps_lanes_buf_free(&lb);
		mps_lanes_buf_free(&ro);
		mps_lanes_buf_free(&co);
		sc_core::sc_stop();
	}
};

// The config's generated parameters without comment lines (as the build
// hashed them), to check the binary was built for this config.
std::string svh_of(const mps_cfg_t *cfg, mps_err_t *err)
{
	char *buf = nullptr;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) return {};
	int rc = mps_cfg_emit_svh(cfg, f, err);
	std::fclose(f);
	std::string s, all = rc ? std::string() : std::string(buf, len), line;
	std::free(buf);
	size_t i = 0;
	while (i < all.size()) {
		size_t e = all.find('\n', i);
		if (e == std::string::npos) e = all.size();
		line = all.substr(i, e - i);
		if (line.compare(0, 2, "//") != 0) s += line + "\n";
		i = e + 1;
	}
	return s;
}

void usage(const char *prog)
{
	std::fprintf(stderr, "usage: %s [--fault sign|drop_term] CONFIG TRACE...\n", prog);
}

} // namespace

static int cosim_main(int argc, char **argv);

// SystemC reports errors as exceptions; they are usage or build problems
// (exit 2), never a verdict.
// The Verilated model is evaluated on the SystemC kernel's stack, the main
// thread's, and a 64x64 model's settle function keeps about 40 MB of
// temporaries there at -O1 (gcc -fstack-usage); an 8 MB limit ends in a
// segfault. Linux grows the main stack up to the current soft limit (the gap
// below it is at least 128 MB), so raise that limit before the model exists.
// mpsim verify runs its model on a thread with a 1 GiB stack instead.
static void raise_stack_limit()
{
	const rlim_t want = (rlim_t)1 << 30;
	struct rlimit rl;

	if (getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want) ? want : rl.rlim_max;
	setrlimit(RLIMIT_STACK, &rl);
}

int sc_main(int argc, char **argv)
{
	raise_stack_limit();
	try {
		return cosim_main(argc, argv);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "mpsim-sc-cosim: SystemC: %s\n", e.what());
	} catch (...) {
		std::fprintf(stderr, "mpsim-sc-cosim: unknown C++ exception\n");
	}
	return 2;
}

static int cosim_main(int argc, char **argv)
{
	const char *prog = "mpsim-sc-cosim";
	mps_fault_t fault = MPS_FAULT_NONE;
	std::vector<const char *> pos;
	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--fault") && i + 1 < argc) {
			const char *f = argv[++i];
			if (!std::strcmp(f, "sign"))
				fault = MPS_FAULT_SIGN;
			else if (!std::strcmp(f, "drop_term"))
				fault = MPS_FAULT_DROP_TERM;
			else {
				std::fprintf(stderr, "%s: unknown fault '%s'\n", prog, f);
				return 2;
			}
		} else if (argv[i][0] == '-') {
			usage(prog);
			return 2;
		} else {
			pos.push_back(argv[i]);
		}
	}
	if (pos.size() < 2) {
		usage(prog);
		return 2;
	}

	mps_err_t err{};
	mps_cfg_t cfg;
	if (mps_cfg_load(pos[0], &cfg, &err)) {
		std::fprintf(stderr, "%s: %s\n", prog, err.msg);
		return 2;
	}
	if (const char *why = mps_verify_unsupported(&cfg)) {
		std::fprintf(stderr, "%s: %s: not implemented in RTL: %s\n", prog, pos[0], why);
		return 2;
	}
	std::string svh = svh_of(&cfg, &err);
	if (svh != mps_sc_built_svh) {
		std::fprintf(stderr, "%s: %s: this binary was built for other parameters "
		             "(scripts/build_sc.sh %s builds the right one)\n", prog, pos[0], pos[0]);
		return 2;
	}

	// every trace loaded and planned before elaboration (bad input: exit 2)
	std::vector<trace_job> jobs(pos.size() - 1);
	int bad = 0;
	for (size_t i = 1; i < pos.size() && !bad; i++) {
		trace_job &j = jobs[i - 1];
		j.path = pos[i];
		mps_ctrl_shape_t shape;
		if (mps_trc_read(pos[i], &j.trc, &err)) {
			bad = 1;
			break;
		}
		j.have_trc = true;
		if (j.trc.opts.acc != cfg.accumulate) {
			mps_err_set(&err, MPS_ERR_INVAL, "%s: trace accumulate = %s, config %s", pos[i],
			            mps_cfg_acc_name(j.trc.opts.acc), mps_cfg_acc_name(cfg.accumulate));
			bad = 1;
			break;
		}
		if (mps_feed_init(&j.feed, &cfg, &j.trc.a, &j.trc.w, &j.trc.opts, &err)) {
			bad = 1;
			break;
		}
		j.have_feed = true;
		mps_ctrl_shape_from_qt(&j.trc.a, &j.trc.w, j.feed.G, &shape);
		if (mps_ctrl_plan(&cfg, &shape, &j.plan, &err)) {
			bad = 1;
			break;
		}
		j.have_plan = true;
	}
	auto release = [&jobs]() {
		for (trace_job &j : jobs) {
			if (j.have_plan) mps_ctrl_plan_free(&j.plan);
			if (j.have_feed) mps_feed_free(&j.feed);
			if (j.have_trc) mps_trc_free(&j.trc);
		}
	};
	if (bad) {
		std::fprintf(stderr, "%s: %s\n", prog, err.msg);
		release();
		return 2;
	}

	// ---- elaboration: one kernel, one clock, both models --------------------
	// first rising edge at 5 ns; the driver writes right after each edge
	sc_core::sc_clock clk("clk", 10, sc_core::SC_NS, 0.5, 5, sc_core::SC_NS, true);
	Verilated::randReset(2); // uninitialised RTL state randomised: exposes missing resets
	in_wires iw;
	out_wires rw("rtl"), cw("cm");
	Vmp_top rtl("rtl");
	cmodel_t cm("cmodel", &cfg, fault);
	if (cm.status() != MPS_OK) {
		std::fprintf(stderr, "%s: C model: %s\n", prog, cm.error().msg);
		release();
		return 2;
	}
	bind(rtl, clk, iw, rw);
	bind(cm, clk, iw, cw);
	driver drv("driver");
	drv.clk(clk);
	drv.iw = &iw;
	drv.rw = &rw;
	drv.cw = &cw;
	drv.cfg = &cfg;
	drv.jobs = &jobs;

	// sc_stop() at the end is the normal way out: no "stopped by user" note
	sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
	sc_core::sc_start();
	rtl.final();

	int pass = 0, fail = 0;
	for (size_t i = 0; i < jobs.size(); i++) {
		const char *b = std::strrchr(jobs[i].path.c_str(), '/');
		b = b ? b + 1 : jobs[i].path.c_str();
		if (i >= drv.verdicts.size()) {
			std::printf("FAIL %s: not run\n", b);
			fail++;
			continue;
		}
		const verdict &v = drv.verdicts[i];
		if (v.agree) {
			pass++;
			std::printf("PASS %s: %" PRIu64 " clocks, %" PRIu64 " cycles (= C simulator), "
			            "%" PRIu64 " outputs; RTL and C model agree every cycle (outputs, "
			            "%u PE states), both = y.expected\n",
			            b, v.cycles, v.sc_cycles, v.outputs, R * C);
		} else {
			fail++;
			std::printf("FAIL %s: %s\n", b, v.first.c_str());
		}
	}
	std::printf("SystemC time %s\n", sc_core::sc_time_stamp().to_string().c_str());
	std::printf("%d passed, %d failed\n", pass, fail);
	release();
	return fail ? 1 : 0;
}
