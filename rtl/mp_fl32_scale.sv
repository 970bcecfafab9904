// SPDX-License-Identifier: Apache-2.0
// mp_fl32_scale: y = fl32(p * 2^e * s1 * s2), the exact product rounded once (RNE).
//
// Combinational RTL of mpq_fl32_scale (model/fl32.c, docs/numerics.md §3.2, §3.4):
// the per-group dequantization d = fl32(P * 2^e * s_w * s_a) and the post scales.
// Bit-exact with the C model on every non-NaN result:
//   - |p| * sig(s1) * sig(s2) is formed exactly (PW + 48 bits), one RNE rounding,
//     FP32 subnormal results, overflow to +-Inf;
//   - s1, s2 are binary32, subnormals allowed;
//   - a NaN scale gives NaN; an Inf scale gives +-Inf, or NaN if p == 0 or the
//     other scale is zero;
//   - a zero product is a signed zero with sign = (p < 0) ^ sign(s1) ^ sign(s2)
//     (p == 0 counts as +0, so p == 0 gives the xor of the scale signs).
// NaN results are always the canonical 32'h7FC0_0000 (NaN payloads are not
// compared anywhere in mpsim).
//
// Parameters
//   PW  width of the signed two's complement integer p_i (1 <= PW <= 64 checked;
//       the whole range, including -2^(PW-1), is supported).
//   EW  width of the signed exponent e_i (2 <= EW).
`default_nettype none

module mp_fl32_scale #(
  parameter int PW = 32,
  parameter int EW = 10
) (
  input  logic signed [PW-1:0] p_i,
  input  logic signed [EW-1:0] e_i,
  input  logic        [31:0]   s1_i,
  input  logic        [31:0]   s2_i,
  output logic        [31:0]   y_o
);

  localparam logic [31:0] CanonNaN = 32'h7FC0_0000;
  localparam int MW = PW + 48;                  // exact significand product
  localparam int XW = ((EW > 10) ? EW : 10) + 2;  // e + e1 + e2 (+ margin)

  // ---- classify the scales ----
  logic s1_emax, s2_emax, s1_nan, s2_nan, s1_inf, s2_inf, s1_zero, s2_zero;
  assign s1_emax = &s1_i[30:23];
  assign s2_emax = &s2_i[30:23];
  assign s1_nan  = s1_emax & (|s1_i[22:0]);
  assign s2_nan  = s2_emax & (|s2_i[22:0]);
  assign s1_inf  = s1_emax & ~(|s1_i[22:0]);
  assign s2_inf  = s2_emax & ~(|s2_i[22:0]);
  assign s1_zero = s1_i[30:0] == 31'd0;
  assign s2_zero = s2_i[30:0] == 31'd0;

  // ---- the exact product |p| * sig1 * sig2 * 2^(e + e1 + e2) ----
  // sig = {hidden, fraction}; the exponent of its LSB is max(field, 1) - 150.
  logic [23:0] sig1, sig2;
  logic [47:0] sig12;
  assign sig1  = {|s1_i[30:23], s1_i[22:0]};
  assign sig2  = {|s2_i[30:23], s2_i[22:0]};
  assign sig12 = {24'd0, sig1} * {24'd0, sig2};

  logic          p_neg, p_zero;
  logic [PW-1:0] p_mag;  // |p| as unsigned; -2^(PW-1) maps to 2^(PW-1)
  logic [MW-1:0] prod;
  assign p_neg  = p_i[PW-1];
  assign p_zero = p_i == '0;
  assign p_mag  = p_neg ? (~p_i + PW'(1)) : p_i;
  assign prod   = {{48{1'b0}}, p_mag} * {{PW{1'b0}}, sig12};

  logic signed [XW-1:0] e1, e2, ep, prod_exp;
  assign e1       = $signed({{(XW - 8){1'b0}}, (s1_i[30:23] == 8'd0) ? 8'd1 : s1_i[30:23]})
                    - $signed(XW'(150));
  assign e2       = $signed({{(XW - 8){1'b0}}, (s2_i[30:23] == 8'd0) ? 8'd1 : s2_i[30:23]})
                    - $signed(XW'(150));
  assign ep       = $signed({{(XW - EW){e_i[EW-1]}}, e_i});
  assign prod_exp = ep + e1 + e2;

  logic sign;
  assign sign = p_neg ^ s1_i[31] ^ s2_i[31];

  logic [31:0] rounded;
  mp_fp32_round #(
    .MW(MW),
    .XW(XW)
  ) u_round (
    .sign_i(sign),
    .mag_i (prod),
    .exp_i (prod_exp),
    .y_o   (rounded)
  );

  // ---- special classes (Inf and NaN scales) ----
  logic is_nan, is_inf;
  assign is_nan = s1_nan | s2_nan | ((s1_inf | s2_inf) & (p_zero | s1_zero | s2_zero));
  assign is_inf = s1_inf | s2_inf;
  assign y_o    = is_nan ? CanonNaN
                : is_inf ? {sign, 8'hFF, 23'd0}
                : rounded;

endmodule

`default_nettype wire
