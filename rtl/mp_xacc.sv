// SPDX-License-Identifier: Apache-2.0
// mp_xacc: exact (Kulisch) accumulator of `accumulate = exact` (docs/numerics.md
// 3.3, docs/xacc.md): the RTL of model/fl32.c's mpq_xacc_add / mpq_xacc_to_f32.
//
// State: X, a two's complement fixed-point register of XW bits whose bit 0 weighs
// 2^ELo, and a NaN flag. In a cycle with en_i & upd_i it adds NT terms exactly,
//   X' = (clr_i ? 0 : X) + sum_t p_t * 2^ProdExp * s1_t * s2
// (p_t signed integers, s1_t, s2 binary32 scales, subnormals allowed); a term with
// a non-finite s1_t or s2 sets the NaN flag (whatever p_t is; mpq_xacc_add), clr_i
// clears it first. y_o = fl32(X), ONE rounding to nearest even (FP32 subnormals,
// overflow to +-Inf, an exact zero sum is +0; mpq_xacc_to_f32), or the canonical
// NaN 32'h7FC0_0000 when the flag is set. Combinational from the registers.
//
// Width (exact for every input within the bounds below):
//   every finite s1 is a multiple of 2^S1Lsb with |s1| <= 2^S1Max (s2: S2Lsb,
//   S2Max), and the |p_t| added between two clears sum to at most 2^SumLog2. Then
//   every term and every partial sum is a multiple of 2^ELo,
//   ELo = ProdExp + S1Lsb + S2Lsb, with |X| <= 2^ETop,
//   ETop = ProdExp + SumLog2 + S1Max + S2Max, so XW = ETop - ELo + 2 bits hold X
//   in two's complement without wrapping.
// Safety net: a term outside these bounds (its bits below 2^ELo non-zero, or a
// shift beyond the range the bounds allow) or a sum that leaves the register sets
// the NaN flag instead of wrapping, so a violated bound shows up as a NaN against
// the C model, never as a silently wrong number.
//
// Datapath per term: m = |p| * sig(s1) * sig(s2) (PW + 48 bits, exact), its LSB
// exponent te = ProdExp + e1 + e2 (e = max(field, 1) - 150); since every value is
// a multiple of 2^ELo and a binary32 significand has 24 bits, te >= ELo - 46, so
// m is shifted left by te - ELo + 46 into a TW-bit vector whose 46 low bits are
// zero; the rest is added to or subtracted from X. The rounding normalizes |X|
// with mp_fp32_round (MW = XW).
//
// Parameters:
//   PW       width of each signed p_i term (>= 2).
//   NT       terms per update: 1, or 2 (AMXFP4: p with s_w, then pn with s_wn).
//   ProdExp  LSB exponent of p (WLsb + ALsb).
//   SumLog2  log2 of the bound on sum |p_t| between clears.
//   S1Lsb, S1Max, S2Lsb, S2Max  value bounds of the scales (see above).
`default_nettype none

module mp_xacc #(
  parameter int PW = 20,
  parameter int NT = 1,
  parameter int ProdExp = 0,
  parameter int SumLog2 = 43,
  parameter int S1Lsb = -149,
  parameter int S1Max = 128,
  parameter int S2Lsb = -149,
  parameter int S2Max = 128,
  localparam int ELo = ProdExp + S1Lsb + S2Lsb,
  localparam int ETop = ProdExp + SumLog2 + S1Max + S2Max,
  localparam int XW = ETop - ELo + 2
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               en_i,
  input  logic               upd_i,
  input  logic               clr_i,
  input  logic [NT*PW-1:0]   p_i,
  input  logic [NT*32-1:0]   s1_i,
  input  logic [31:0]        s2_i,
  output logic [31:0]        y_o
);
  localparam logic [31:0] CanonNaN = 32'h7FC0_0000;
  localparam int Drop = 46;                          // bits below 2^ELo in the shifter
  localparam int MW = PW + 48;                       // |p| * sig1 * sig2
  localparam int ShMax = S1Max + S2Max - S1Lsb - S2Lsb;  // largest te - ELo + Drop
  localparam int ShOff = Drop - 300 - S1Lsb - S2Lsb;     // sh = f1 + f2 + ShOff
  localparam int TW0 = MW + ShMax;
  localparam int TW = (TW0 > XW - 1 + Drop) ? TW0 : XW - 1 + Drop;
  localparam int ShW = $clog2(ShMax + 1) + 1;
  localparam int SW = 12;                            // signed shift computation
  localparam int RXW = 14;                           // mp_fp32_round exponent width

  // elaboration checks: every tool fails on an instance of a missing module
  if (NT < 1 || NT > 2 || PW < 2 || XW < 26 || XW + 300 >= (1 << (RXW - 2)) ||
      ELo < -(1 << (RXW - 2)) || ShMax < 0 || ShMax + 600 >= (1 << (SW - 1))) begin : g_bad
    mp_xacc_bad_parameters u_bad ();
  end

  logic signed [XW-1:0] x_q, x_base;
  logic                 nan_q, nan_base;
  assign x_base   = clr_i ? '0 : x_q;
  assign nan_base = clr_i ? 1'b0 : nan_q;

  // ---- terms: signed XW-bit addends and their poison flags ----
  logic [NT*XW-1:0]      term;  // term t at [t*XW +: XW]
  logic [NT-1:0]         bad;
  logic [31:0]           s2;
  logic [23:0]           sig2;
  logic [8:0]            f2;
  assign s2   = s2_i;
  assign sig2 = {|s2[30:23], s2[22:0]};
  assign f2   = {1'b0, (s2[30:23] == 8'd0) ? 8'd1 : s2[30:23]};

  for (genvar t = 0; t < NT; t++) begin : g_term
    logic signed [PW-1:0] p;
    logic [31:0]          s1;
    logic [PW-1:0]        p_mag;
    logic [23:0]          sig1;
    logic [47:0]          sig12;
    logic [MW-1:0]        m;
    logic [8:0]           f1;
    logic signed [SW-1:0] sh;
    logic                 sh_lo, sh_hi, neg, nonfin, m_zero;
    logic [ShW-1:0]       shc;
    logic [TW-1:0]        tv;
    logic [XW-1:0]        mag;
    logic                 lost;

    assign p      = p_i[t*PW +: PW];
    assign s1     = s1_i[t*32 +: 32];
    assign p_mag  = p[PW-1] ? (~p + PW'(1)) : p;
    assign sig1   = {|s1[30:23], s1[22:0]};
    assign sig12  = {24'd0, sig1} * {24'd0, sig2};
    assign m      = {{48{1'b0}}, p_mag} * {{PW{1'b0}}, sig12};
    assign m_zero = m == '0;
    assign f1     = {1'b0, (s1[30:23] == 8'd0) ? 8'd1 : s1[30:23]};
    assign sh     = $signed({{(SW - 9){1'b0}}, f1}) + $signed({{(SW - 9){1'b0}}, f2})
                  + $signed(SW'(ShOff));
    assign sh_lo  = sh < 0;
    assign sh_hi  = sh > $signed(SW'(ShMax));
    assign shc    = (sh_lo || sh_hi) ? '0 : sh[ShW-1:0];
    assign tv     = {{(TW - MW){1'b0}}, m} << shc;
    // bits below 2^ELo, or above the register's magnitude range: outside the bounds
    assign lost   = (|tv[Drop-1:0]) | (|(tv >> (Drop + XW - 1)));
    assign mag    = {1'b0, tv[Drop +: XW-1]};
    assign neg    = p[PW-1] ^ s1[31] ^ s2[31];
    assign nonfin = (&s1[30:23]) | (&s2[30:23]);
    assign term[t*XW +: XW] = neg ? (~mag + XW'(1)) : mag;
    assign bad[t]           = nonfin | (~m_zero & (sh_lo | sh_hi | lost));
  end

  // ---- exact sum; a signed overflow (never within the bounds) poisons ----
  logic signed [XW-1:0] x_new;
  logic                 nan_new;
  always_comb begin
    logic signed [XW-1:0] acc, add, sum;
    acc     = x_base;
    nan_new = nan_base;
    for (int t = 0; t < NT; t++) begin
      add     = $signed(term[t*XW +: XW]);
      sum     = acc + add;
      nan_new = nan_new | bad[t] | (((acc < 0) == (add < 0)) && ((sum < 0) != (acc < 0)));
      acc     = sum;
    end
    x_new = acc;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      x_q   <= '0;
      nan_q <= 1'b0;
    end else if (en_i && upd_i) begin
      x_q   <= x_new;
      nan_q <= nan_new;
    end
  end

  // ---- one rounding of X to binary32 ----
  logic          x_neg;
  logic [XW-1:0] x_mag;
  logic [31:0]   rounded;
  assign x_neg = x_q[XW-1];
  assign x_mag = x_neg ? (~x_q + XW'(1)) : x_q;

  mp_fp32_round #(
    .MW(XW),
    .XW(RXW)
  ) u_round (
    .sign_i(x_neg),
    .mag_i (x_mag),
    .exp_i (RXW'(ELo)),
    .y_o   (rounded)
  );

  assign y_o = nan_q ? CanonNaN : rounded;
endmodule

`default_nettype wire
