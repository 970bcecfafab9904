// SPDX-License-Identifier: Apache-2.0
// mp_pe_gen: the generic product unit (docs/pe.md, generic (7): any pair the
// contract allows that no dedicated unit covers; also int4 weights on the int8
// multiplier PE, and uint8 weights with 8-bit zero points (int8 asym) on it): both
// codes are decoded in the PE to their signed fixed-point integers (mp_fixed_int:
// int4 / int8 codes, uint4 - z, uint8 - z, minifloats and fp16 via
// mp_fp_fixed; numerics.md 3.1) and multiplied by one signed multiplier. The
// result is the exact integer w_int * a_int of sim/pe.c (LSB 2^(WLsb + ALsb)).
//
// Parameters:
//   WeightFmt, ActFmt  mpq_fmt_t codes (mp_fixed_int: 0-4 minifloats, 6 int4,
//                      7 uint4, 8 int8, 9 uint8 (weights), 10 fp16).
//   HasZero            1: uint4 / uint8 weights with a zero point (w_int = q - z).
//   WW, AW             weight / activation code widths.
//   ZW                 zero point width: 4 (uint4), 8 (uint8).
//   ProdW              signed product width: the WIW + AIW-bit product (the
//                      mp_fixed_int widths) is truncated (ProdW < WIW + AIW) or
//                      sign-extended to ProdW bits; ProdW must hold the largest
//                      |w_int * a_int| + sign (mp_top: min(WMagW + AMagW + 2,
//                      AccWidth); AccWidth holds it by construction).
`default_nettype none

module mp_pe_gen #(
  parameter int WeightFmt = 8,
  parameter int ActFmt = 3,
  parameter int HasZero = 0,
  parameter int WW = 8,
  parameter int AW = 8,
  parameter int ZW = 4,
  parameter int ProdW = 27,
  localparam bit WFp = (WeightFmt >= 0 && WeightFmt <= 4) || WeightFmt == 10,
  localparam bit AFp = (ActFmt >= 0 && ActFmt <= 4) || ActFmt == 10,
  localparam int WEB = (WeightFmt == 0 || WeightFmt == 1) ? 2 : (WeightFmt == 2) ? 3 :
                       (WeightFmt == 3) ? 4 : 5,
  localparam int WMB = (WeightFmt == 0) ? 1 : (WeightFmt == 1 || WeightFmt == 3) ? 3 :
                       (WeightFmt == 10) ? 10 : 2,
  localparam int AEB = (ActFmt == 0 || ActFmt == 1) ? 2 : (ActFmt == 2) ? 3 :
                       (ActFmt == 3) ? 4 : 5,
  localparam int AMB = (ActFmt == 0) ? 1 : (ActFmt == 1 || ActFmt == 3) ? 3 :
                       (ActFmt == 10) ? 10 : 2,
  localparam int WIW = WFp ? WMB + (1 << WEB) : (WeightFmt == 6) ? 4 :
                       (WeightFmt == 7) ? 5 : (WeightFmt == 9) ? 9 : 8,
  localparam int AIW = AFp ? AMB + (1 << AEB) : (ActFmt == 6) ? 4 : (ActFmt == 7) ? 5 : 8,
  localparam int MulW = WIW + AIW
) (
  input  logic [WW-1:0]           w_i,
  input  logic [ZW-1:0]           z_i,
  input  logic [AW-1:0]           a_i,
  output logic signed [ProdW-1:0] prod_o
);
  logic signed [WIW-1:0] w_int;
  logic signed [AIW-1:0] a_int;
  mp_fixed_int #(.Fmt(WeightFmt), .HasZero(HasZero), .CW(WW), .ZW(ZW)) u_wdec (
    .code_i(w_i), .z_i, .val_o(w_int)
  );
  mp_fixed_int #(.Fmt(ActFmt), .HasZero(0), .CW(AW)) u_adec (
    .code_i(a_i), .z_i(4'd0), .val_o(a_int)
  );

  logic signed [MulW-1:0] w_ext, a_ext, prod;
  assign w_ext  = MulW'(w_int);
  assign a_ext  = MulW'(a_int);
  assign prod   = w_ext * a_ext;
  assign prod_o = ProdW'(prod);
  if (ProdW < MulW) begin : g_unused_prod
    logic unused_prod;  // above the largest product: copies of the sign bit
    assign unused_prod = ^prod[MulW-1:ProdW];
  end
endmodule

`default_nettype wire
