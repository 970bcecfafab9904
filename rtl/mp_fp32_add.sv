// SPDX-License-Identifier: Apache-2.0
// mp_fp32_add: y = fl32(a + b), IEEE-754 binary32 addition, round to nearest even.
//
// Combinational.  Matches C `float + float` (binary32, RNE, no FTZ/DAZ) bit for bit
// on every non-NaN result (docs/numerics.md §3.3):
//   - subnormal inputs and results, overflow to +-Inf;
//   - Inf + x = Inf, Inf + (-Inf) = NaN, any NaN input gives NaN;
//   - an exact zero sum is +0, except (-0) + (-0) = -0.
// NaN results are always the canonical 32'h7FC0_0000 (mpsim compares NaN-ness only,
// never payloads; C propagates the input's payload).
// No parameters.
//
// Datapath: order the operands by magnitude (|l| >= |s|), align s to l with a
// right shift that jams the shifted-out bits into a sticky bit, add or subtract in
// 28 bits (carry, 24 significand bits, guard, round, sticky), then round once in
// mp_fp32_round.  The jammed sticky is exact for RNE: if the shift is >= 2, |l - s|
// >= 2^25 in these units, so at most one bit of normalization is lost and bit 0
// stays below the round bit; if the shift is <= 1 nothing is shifted out.
`default_nettype none

module mp_fp32_add (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);

  localparam logic [31:0] CanonNaN = 32'h7FC0_0000;

  // ---- classify ----
  logic a_emax, b_emax, a_nan, b_nan, a_inf, b_inf;
  assign a_emax = &a_i[30:23];
  assign b_emax = &b_i[30:23];
  assign a_nan  = a_emax & (|a_i[22:0]);
  assign b_nan  = b_emax & (|b_i[22:0]);
  assign a_inf  = a_emax & ~(|a_i[22:0]);
  assign b_inf  = b_emax & ~(|b_i[22:0]);

  // ---- order by magnitude: |l| >= |s| (the 31-bit magnitude codes order like the values) ----
  logic        swap;
  logic [31:0] l;
  logic [30:0] s;  // the smaller magnitude (its sign enters through eff_sub)
  assign swap = b_i[30:0] > a_i[30:0];
  assign l    = swap ? b_i : a_i;
  assign s    = swap ? a_i[30:0] : b_i[30:0];

  // significands with the hidden bit; subnormals use exponent 1
  logic [23:0] l_sig, s_sig;
  logic [7:0]  l_exp, s_exp, diff;
  assign l_sig = {|l[30:23], l[22:0]};
  assign s_sig = {|s[30:23], s[22:0]};
  assign l_exp = (l[30:23] == 8'd0) ? 8'd1 : l[30:23];
  assign s_exp = (s[30:23] == 8'd0) ? 8'd1 : s[30:23];
  assign diff  = l_exp - s_exp;  // >= 0

  // ---- align s (27 bits: significand, guard, round, sticky) ----
  logic [4:0]  dsh;
  logic [53:0] s_wide;
  logic [26:0] s_al;
  assign dsh    = (diff > 8'd27) ? 5'd27 : diff[4:0];  // 27 leaves only the sticky
  assign s_wide = {s_sig, 30'd0} >> dsh;
  assign s_al   = {s_wide[53:28], |s_wide[27:0]};

  // ---- add / subtract magnitudes ----
  logic        eff_sub, sum_sign;
  logic [27:0] sum;
  assign eff_sub  = a_i[31] ^ b_i[31];
  assign sum      = eff_sub ? ({1'b0, l_sig, 3'd0} - {1'b0, s_al})
                            : ({1'b0, l_sig, 3'd0} + {1'b0, s_al});
  // exact zero: +0 unless both operands are -0 (RNE rule)
  assign sum_sign = (sum == 28'd0) ? (a_i[31] & b_i[31]) : l[31];

  // value = sum * 2^(l_exp - 150 - 3)
  logic signed [9:0] sum_exp;
  assign sum_exp = $signed({2'b00, l_exp}) - 10'sd153;

  logic [31:0] rounded;
  mp_fp32_round #(
    .MW(28),
    .XW(10)
  ) u_round (
    .sign_i(sum_sign),
    .mag_i (sum),
    .exp_i (sum_exp),
    .y_o   (rounded)
  );

  logic is_nan;
  assign is_nan = a_nan | b_nan | (a_inf & b_inf & eff_sub);
  assign y_o    = is_nan ? CanonNaN
                : a_inf  ? {a_i[31], 8'hFF, 23'd0}
                : b_inf  ? {b_i[31], 8'hFF, 23'd0}
                : rounded;

endmodule

`default_nettype wire
