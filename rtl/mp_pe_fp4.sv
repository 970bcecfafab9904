// SPDX-License-Identifier: Apache-2.0
// mp_pe_fp4: shift-and-add product of an e2m1 weight and a minifloat activation
// (docs/pe.md: fp4fp8 (2) for e4m3/e5m2/e2m3/e3m2, fp4fp4 (3) for e2m1).
//
// Parameters:
//   ActFmt  mpq_fmt_t code of the activation: 0 e2m1, 1 e2m3, 2 e3m2, 3 e4m3, 4 e5m2.
//   AW      activation code width (>= 1 + exponent + mantissa bits).
//   ProdW   signed product width, >= AMagW + 5 (e4m3 23, e5m2 38, e2m1 9).
//
// The activation code is decoded in the PE to its fixed-point magnitude
// (mp_fp_fixed, numerics.md 3.1: e4m3 i*2^-9, ...). The e2m1 weight is on the 2x
// scale (2|v| = [e>=1] 2^e + m 2^max(e-1,0)), so its exponent and mantissa bits
// select at most two shifted copies of the magnitude, which are added (no
// multiplier); the product sign is the xor of the two code signs. The result is
// the exact integer w_int * a_int of sim/pe.c (LSB 2^(WLsb + ALsb)).
`default_nettype none

module mp_pe_fp4 #(
  parameter int ActFmt = 3,
  parameter int AW = 8,
  parameter int ProdW = 23,
  localparam int AEB = (ActFmt == 0 || ActFmt == 1) ? 2 : (ActFmt == 2) ? 3 :
                       (ActFmt == 3) ? 4 : 5,
  localparam int AMB = (ActFmt == 0) ? 1 : (ActFmt == 1 || ActFmt == 3) ? 3 : 2,
  localparam int ACW = 1 + AEB + AMB,
  localparam int AMagW = AMB + (1 << AEB) - 1,
  localparam int SumW = AMagW + 4
) (
  input  logic [3:0]              w_i,
  input  logic [AW-1:0]           a_i,
  output logic signed [ProdW-1:0] prod_o
);
  if (ActFmt < 0 || ActFmt > 4) begin : g_bad_fmt
    // elaboration error in every tool: no minifloat activation format
    mp_pe_fp4_activation_format_not_supported u_unsupported ();
  end

  logic             a_neg;
  logic [AMagW-1:0] a_mag;
  mp_fp_fixed #(.EB(AEB), .MB(AMB)) u_dec (
    .code_i(a_i[ACW-1:0]), .neg_o(a_neg), .mag_o(a_mag)
  );
  if (AW > ACW) begin : g_unused_a
    logic unused_a;
    assign unused_a = ^a_i[AW-1:ACW];
  end

  logic [SumW-1:0] a_ext, sum;
  logic            neg;
  always_comb begin
    a_ext = SumW'(a_mag);
    sum   = '0;
    // e2m1 2|v|: exponent term 2^e (e >= 1) plus mantissa term 2^max(e-1, 0)
    // plain case: the items are full and disjoint; `unique` would add a check whose
    // message names the instance, so Verilator could not share one PE's code
    // among all PEs (rtl/shim/dut.vlt)
    case (w_i[2:1])
      2'd0: sum = w_i[0] ? a_ext : '0;
      2'd1: sum = (a_ext << 1) + (w_i[0] ? a_ext : '0);
      2'd2: sum = (a_ext << 2) + (w_i[0] ? (a_ext << 1) : '0);
      default: sum = (a_ext << 3) + (w_i[0] ? (a_ext << 2) : '0);
    endcase
    neg    = w_i[3] ^ a_neg;
    prod_o = neg ? -$signed(ProdW'(sum)) : $signed(ProdW'(sum));
  end
endmodule

`default_nettype wire
