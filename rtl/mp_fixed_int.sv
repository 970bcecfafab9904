// SPDX-License-Identifier: Apache-2.0
// mp_fixed_int: an element code to its signed fixed-point integer (docs/numerics.md
// 3.1, mpq_fixed; the value is val_o * 2^lsb(Fmt)), minus the zero point for
// asymmetric uint4 / uint8 weights: int4 / int8 the two's complement code, uint4 /
// uint8 the code (HasZero: code - z), minifloats (e2m1, e2m3, e3m2, e4m3, e5m2, fp16) sign and
// magnitude of mp_fp_fixed. Combinational.
//
// Parameters:
//   Fmt      mpq_fmt_t code: 0 e2m1, 1 e2m3, 2 e3m2, 3 e4m3, 4 e5m2, 6 int4, 7 uint4,
//            8 int8, 9 uint8, 10 fp16. Any other format (bf16 without a
//            fixed-point view, e8m0, fp32) is an elaboration error.
//   HasZero  1: uint4 / uint8 codes with a zero point of the code's width
//            (val = code - z).
//   CW       width of code_i (>= the format's code width; higher bits unused).
//   ZW       width of z_i: 4, or 8 for uint8 with a zero point (a zero point
//            narrower than the code is an elaboration error).
//   IW       (derived) signed width of val_o: int4 4, uint4 5, int8 8, uint8 9, a
//            minifloat MagW + 1 (e2m1 5, e2m3 7, e3m2 10, e4m3 19, e5m2 34, fp16 42).
// Non-finite minifloat codes (never in traces) decode to mp_fp_fixed's pattern.
`default_nettype none

module mp_fixed_int #(
  parameter int Fmt = 3,
  parameter int HasZero = 0,
  parameter int CW = 8,
  parameter int ZW = 4,
  localparam int EB = (Fmt == 0 || Fmt == 1) ? 2 : (Fmt == 2) ? 3 : (Fmt == 3) ? 4 : 5,
  localparam int MB = (Fmt == 0) ? 1 : (Fmt == 1 || Fmt == 3) ? 3 : (Fmt == 10) ? 10 : 2,
  localparam bit IsFp = (Fmt >= 0 && Fmt <= 4) || Fmt == 10,
  localparam int FCW = 1 + EB + MB,
  localparam int MagW = MB + (1 << EB) - 1,
  localparam int IW = IsFp ? MagW + 1 : (Fmt == 6) ? 4 : (Fmt == 7) ? 5 : (Fmt == 9) ? 9 : 8
) (
  input  logic [CW-1:0]        code_i,
  input  logic [ZW-1:0]        z_i,
  output logic signed [IW-1:0] val_o
);
  if (!IsFp && Fmt != 6 && Fmt != 7 && Fmt != 8 && Fmt != 9) begin : g_bad_fmt
    // elaboration error in every tool: no fixed-point view in the RTL (bf16 needs
    // accumulate = align)
    mp_fixed_int_format_not_supported u_unsupported ();
  end
  if (HasZero != 0 && Fmt != 7 && Fmt != 9) begin : g_bad_zero
    // elaboration error in every tool: zero points exist for uint4 / uint8 codes only
    mp_fixed_int_zero_point_needs_uint4_or_uint8 u_unsupported ();
  end

  localparam int UW = IsFp ? FCW : (Fmt == 8 || Fmt == 9) ? 8 : 4;  // code bits used
  if (HasZero != 0 && ZW != UW) begin : g_bad_zw
    // elaboration error in every tool: the zero point must be as wide as the code
    mp_fixed_int_zero_point_width_not_code_width u_unsupported ();
  end
  if (CW > UW) begin : g_unused_code
    logic unused_code;
    assign unused_code = ^code_i[CW-1:UW];
  end

  if (IsFp) begin : g_fp
    logic            neg;
    logic [MagW-1:0] mag;
    mp_fp_fixed #(.EB(EB), .MB(MB)) u_dec (.code_i(code_i[FCW-1:0]), .neg_o(neg), .mag_o(mag));
    assign val_o = neg ? -$signed({1'b0, mag}) : $signed({1'b0, mag});
    logic unused_z;
    assign unused_z = ^z_i;
  end else if (Fmt == 7 || Fmt == 9) begin : g_uint
    // uint4 / uint8: the code (UW bits), minus the zero point; IW = UW + 1
    if (HasZero != 0) begin : g_zero
      assign val_o = $signed({1'b0, code_i[UW-1:0]}) - $signed({1'b0, z_i});
    end else begin : g_no_zero
      assign val_o = $signed({1'b0, code_i[UW-1:0]});
      logic unused_z;
      assign unused_z = ^z_i;
    end
  end else begin : g_int
    // int4 / int8: the code is the two's complement integer
    assign val_o = $signed(code_i[IW-1:0]);
    logic unused_z;
    assign unused_z = ^z_i;
  end
endmodule

`default_nettype wire
