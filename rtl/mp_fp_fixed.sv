// SPDX-License-Identifier: Apache-2.0
// mp_fp_fixed: decode of a minifloat code to its fixed-point integer view
// (docs/numerics.md 3.1, mpq_fixed): value = (-1)^s * mag * 2^(1 - bias - MB) with
// mag = m (exponent field 0, subnormal) or (2^MB + m) << (e - 1). Sign-magnitude
// output; the caller applies the sign (sign xor in the product units).
//
// Parameters:
//   EB    exponent field bits (e2m1 2, e2m3 2, e3m2 3, e4m3 4, e5m2 5, fp16 5).
//   MB    mantissa field bits (e2m1 1, e2m3 3, e3m2 2, e4m3 3, e5m2 2, fp16 10).
//   MagW  (derived) magnitude width MB + 2^EB - 1, enough for every exponent field.
// Non-finite codes (e5m2/fp16 exponent all ones, e4m3 S.1111.111) are outside the
// contract (traces never carry them, numerics.md 3.9); they decode to the pattern
// of the formula above, not to 0 as mpq_fixed does.
`default_nettype none

module mp_fp_fixed #(
  parameter int EB = 4,
  parameter int MB = 3,
  localparam int CW = 1 + EB + MB,
  localparam int MagW = MB + (1 << EB) - 1
) (
  input  logic [CW-1:0]   code_i,
  output logic            neg_o,
  output logic [MagW-1:0] mag_o
);
  logic [EB-1:0] e;
  logic [MB:0]   sig;
  assign neg_o = code_i[CW-1];
  assign e     = code_i[MB +: EB];
  assign sig   = {e != '0, code_i[MB-1:0]};

  always_comb begin
    mag_o = MagW'(sig);
    if (e != '0) mag_o = MagW'(sig) << (e - 1'b1);
  end
endmodule

`default_nettype wire
