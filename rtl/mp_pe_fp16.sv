// SPDX-License-Identifier: Apache-2.0
// mp_pe_fp16: the float x float MAC of the fp16 PE type (docs/pe.md type 6,
// numerics.md 3.6): acc_o = fl32(acc_i + fl32(a * w)) for fp16 / bf16 codes.
// Combinational.
//
// Each code is re-read as a binary32 pattern without normalization: bf16 is the
// top half of binary32 (scale 1); an fp16 code {s, e5, m10} becomes
// {s, 3'b000, e5, m10, 13'b0}, i.e. the binary32 value w * 2^-112 (normal fp16:
// exponent field e5 instead of e5 + 112; subnormal fp16: the binary32 subnormal
// 0.m * 2^-126 = (0.m * 2^-14) * 2^-112), and Inf/NaN codes (e5 = 31) map to the
// binary32 Inf/NaN of the same sign and fraction. mp_fl32_scale then forms
// fl32(1 * 2^e * s_w * s_a) with e = 112 per fp16 operand: the exact product
// rounded once (RNE, FP32 subnormals, overflow to +-Inf), a zero product signed
// sign(w) ^ sign(a), Inf * 0 = NaN - the C model's float product of the decoded
// values, bit for bit (for fp16 x fp16 the product is always exact in FP32;
// bf16 x bf16 may round, overflow or underflow, as C's float multiply does).
// mp_fp32_add then adds it to the accumulator (IEEE, RNE, x + (-x) = +0).
//
// Parameters:
//   WeightFmt, ActFmt  mpq_fmt_t of the weight / activation (10 fp16, 11 bf16).
//   WW, AW             weight / activation code widths (>= 16; bits above 15 unused).
`default_nettype none

module mp_pe_fp16 #(
  parameter int WeightFmt = 10,
  parameter int ActFmt = 10,
  parameter int WW = 16,
  parameter int AW = 16
) (
  input  logic [WW-1:0] w_i,
  input  logic [AW-1:0] a_i,
  input  logic [31:0]   acc_i,
  output logic [31:0]   acc_o
);
  localparam int WExp = (WeightFmt == mp_pkg::FmtFp16) ? 112 : 0;
  localparam int AExp = (ActFmt == mp_pkg::FmtFp16) ? 112 : 0;
  localparam int EW = 10;

  logic [15:0] w16, a16;
  logic [31:0] w32, a32, prod;
  assign w16 = w_i[15:0];
  assign a16 = a_i[15:0];

  // fp16 / bf16 code -> binary32 pattern of code * 2^-WExp (exact)
  always_comb begin
    if (WeightFmt == mp_pkg::FmtFp16) begin
      w32 = (w16[14:10] == 5'h1f) ? {w16[15], 8'hff, w16[9:0], 13'd0}
                                   : {w16[15], 3'd0, w16[14:10], w16[9:0], 13'd0};
    end else begin
      w32 = {w16, 16'd0};
    end
    if (ActFmt == mp_pkg::FmtFp16) begin
      a32 = (a16[14:10] == 5'h1f) ? {a16[15], 8'hff, a16[9:0], 13'd0}
                                   : {a16[15], 3'd0, a16[14:10], a16[9:0], 13'd0};
    end else begin
      a32 = {a16, 16'd0};
    end
  end

  mp_fl32_scale #(.PW(2), .EW(EW)) u_mul (
    .p_i(2'sd1), .e_i(EW'(WExp + AExp)), .s1_i(w32), .s2_i(a32), .y_o(prod)
  );
  mp_fp32_add u_add (.a_i(acc_i), .b_i(prod), .y_o(acc_o));

  if (WW > 16) begin : g_unused_w
    logic unused_w;
    assign unused_w = ^w_i[WW-1:16];
  end
  if (AW > 16) begin : g_unused_a
    logic unused_a;
    assign unused_a = ^a_i[AW-1:16];
  end
endmodule

`default_nettype wire
