// SPDX-License-Identifier: Apache-2.0
// mp_pe_fp8: multiplier product of two minifloat operands on their fixed-point
// views (docs/pe.md: fp8 (5), e4m3/e5m2/e2m1 weights x e4m3/e5m2/e2m3/e3m2/e2m1
// activations; the conventional FP8 MAC baseline with exact partial sums).
//
// Parameters:
//   WeightFmt, ActFmt  mpq_fmt_t codes: 0 e2m1, 1 e2m3, 2 e3m2, 3 e4m3, 4 e5m2.
//   WW, AW             code widths.
//   ProdW              signed product width, >= WMagW + AMagW + 1 (e4m3 x e4m3: 37).
//
// Both codes are decoded in the PE to sign-magnitude fixed-point integers
// (mp_fp_fixed, numerics.md 3.1); the magnitudes go through one unsigned
// multiplier, the sign is the xor of the code signs.
`default_nettype none

module mp_pe_fp8 #(
  parameter int WeightFmt = 3,
  parameter int ActFmt = 3,
  parameter int WW = 8,
  parameter int AW = 8,
  parameter int ProdW = 37,
  localparam int WEB = (WeightFmt == 0 || WeightFmt == 1) ? 2 : (WeightFmt == 2) ? 3 :
                       (WeightFmt == 3) ? 4 : 5,
  localparam int WMB = (WeightFmt == 0) ? 1 : (WeightFmt == 1 || WeightFmt == 3) ? 3 : 2,
  localparam int AEB = (ActFmt == 0 || ActFmt == 1) ? 2 : (ActFmt == 2) ? 3 :
                       (ActFmt == 3) ? 4 : 5,
  localparam int AMB = (ActFmt == 0) ? 1 : (ActFmt == 1 || ActFmt == 3) ? 3 : 2,
  localparam int WCW = 1 + WEB + WMB,
  localparam int ACW = 1 + AEB + AMB,
  localparam int WMagW = WMB + (1 << WEB) - 1,
  localparam int AMagW = AMB + (1 << AEB) - 1,
  localparam int MulW = WMagW + AMagW
) (
  input  logic [WW-1:0]           w_i,
  input  logic [AW-1:0]           a_i,
  output logic signed [ProdW-1:0] prod_o
);
  if (WeightFmt < 0 || WeightFmt > 4 || ActFmt < 0 || ActFmt > 4) begin : g_bad_fmt
    // elaboration error in every tool: not a minifloat pair
    mp_pe_fp8_format_not_supported u_unsupported ();
  end

  logic             w_neg, a_neg;
  logic [WMagW-1:0] w_mag;
  logic [AMagW-1:0] a_mag;
  mp_fp_fixed #(.EB(WEB), .MB(WMB)) u_wdec (
    .code_i(w_i[WCW-1:0]), .neg_o(w_neg), .mag_o(w_mag)
  );
  mp_fp_fixed #(.EB(AEB), .MB(AMB)) u_adec (
    .code_i(a_i[ACW-1:0]), .neg_o(a_neg), .mag_o(a_mag)
  );
  if (WW > WCW) begin : g_unused_w
    logic unused_w;
    assign unused_w = ^w_i[WW-1:WCW];
  end
  if (AW > ACW) begin : g_unused_a
    logic unused_a;
    assign unused_a = ^a_i[AW-1:ACW];
  end

  logic [MulW-1:0] mag;
  assign mag = MulW'(w_mag) * MulW'(a_mag);
  assign prod_o = (w_neg ^ a_neg) ? -$signed(ProdW'(mag)) : $signed(ProdW'(mag));
endmodule

`default_nettype wire
