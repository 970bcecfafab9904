// SPDX-License-Identifier: Apache-2.0
// mp_pe_w4a8: shift-and-add product of a 4-bit weight (int4, uint4 with zero
// point, or e2m1) and a signed integer activation: int8 (docs/pe.md, w4a8) or the
// AlignBits-bit integer of the edge pre-aligner (w4a16, rtl/mp_align.sv).
//
// Parameters:
//   WeightFmt  mpq_fmt_t code of the weight: 0 e2m1, 6 int4, 7 uint4.
//   HasZero    1: uint4 codes with a zero point; the effective weight is q - z.
//   AW         activation integer width (8 for int8; AlignBits for w4a16).
//   ProdW      width of the signed product, >= AW + 4 (|w_eff| <= 15, |a| <= 2^(AW-1)).
//
// The effective weight (int4 q; uint4 q - z; e2m1 2*value) is split into sign and a
// 4-bit magnitude; each magnitude bit selects a shifted copy of the activation and
// the copies are added (no multiplier); the sign negates the sum.
`default_nettype none

module mp_pe_w4a8 #(
  parameter int WeightFmt = 6,
  parameter int HasZero = 0,
  parameter int AW = 8,
  parameter int ProdW = 12
) (
  input  logic [3:0]              w_i,
  input  logic [3:0]              z_i,
  input  logic [AW-1:0]           a_i,
  output logic signed [ProdW-1:0] prod_o
);
  logic              neg;
  logic [3:0]        mag;
  logic signed [5:0] weff;
  logic signed [ProdW-1:0] a_ext;
  logic signed [ProdW-1:0] sum;

  always_comb begin
    neg  = 1'b0;
    mag  = 4'd0;
    weff = 6'sd0;
    if (WeightFmt == 0) begin
      // e2m1: 2*|v| = (e >= 1) ? (1 << e) + m * (1 << (e - 1)) : m
      neg = w_i[3];
      // plain case: the items are full and disjoint; `unique` would add a check whose
      // message names the instance, so Verilator could not share one PE's code
      // among all PEs (rtl/shim/dut.vlt)
      case (w_i[2:1])
        2'd0: mag = {3'b000, w_i[0]};
        2'd1: mag = {2'b00, 1'b1, w_i[0]};
        2'd2: mag = {1'b0, 1'b1, w_i[0], 1'b0};
        default: mag = {1'b1, w_i[0], 2'b00};
      endcase
    end else begin
      if (WeightFmt == 7) begin
        weff = (HasZero != 0) ? ($signed({2'b00, w_i}) - $signed({2'b00, z_i}))
                              : $signed({2'b00, w_i});
      end else begin
        weff = {{2{w_i[3]}}, w_i};
      end
      neg = weff[5];
      mag = neg ? 4'(-weff) : weff[3:0];
    end
  end

  always_comb begin
    a_ext = {{(ProdW - AW){a_i[AW-1]}}, a_i};
    sum = '0;
    if (mag[0]) sum = sum + a_ext;
    if (mag[1]) sum = sum + (a_ext <<< 1);
    if (mag[2]) sum = sum + (a_ext <<< 2);
    if (mag[3]) sum = sum + (a_ext <<< 3);
    prod_o = neg ? -sum : sum;
  end
endmodule

`default_nettype wire
