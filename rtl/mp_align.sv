// SPDX-License-Identifier: Apache-2.0
// mp_align: the edge pre-aligner of one activation row for accumulate = align
// (docs/numerics.md 3.5, docs/pe.md w4a16): an fp16/bf16 code a and the group's
// maximum exponent E (lane a_align, computed by the feeder) give the AlignBits-bit
// signed integer a_int = sign(a) * floor(|a| * 2^(F - E)), F = AlignBits - 2 (bits
// shifted out are dropped), and the FP32 factor 2^E that replaces the activation
// scale lane: the group's LSB exponent E - F is split into the constant -F (in
// ProdExp) and 2^E (in s_a), so fl32(P 2^(WLsb - F) s_w 2^E) is the contract's
// d = fl32(P 2^(WLsb + E - F) s_w s_a) exactly (align activations carry no block
// scale: s_a = 1). Purely combinational.
//
// Parameters:
//   ActFmt     mpq_fmt_t of the activation: 10 fp16, 11 bf16.
//   AlignBits  width of the aligned integer (config align_bits, >= 3).
//
// |a| < 2^(E+1) for every code of the group, so |a_int| < 2^(F+1) fits; the
// largest left shift is F (a subnormal at the group maximum), so the magnitude is
// formed as (sig << F) >> (E + bias + MB - max(e, 1)), a right shift only. A
// zero code gives 0. 2^E is an FP32 normal or subnormal for every fp16/bf16 E
// (-133 .. 127); E outside that range (never fed) gives 1.0. The subnormal
// branch covers exactly the reachable -133 .. -127, so the bench reaches both of
// its bounds (a bound at -149 would be dead code no test can tell apart).
`default_nettype none

module mp_align #(
  parameter int ActFmt = 10,
  parameter int AlignBits = 16
) (
  input  logic [15:0]                 code_i,
  input  logic signed [15:0]          e_i,
  output logic signed [AlignBits-1:0] a_o,
  output logic [31:0]                 scale_o
);
  localparam int EB = (ActFmt == 11) ? 8 : 5;
  localparam int MB = (ActFmt == 11) ? 7 : 10;
  localparam int Bias = (1 << (EB - 1)) - 1;
  localparam int F = AlignBits - 2;
  localparam int TW = MB + 1 + F;

  if (ActFmt != 10 && ActFmt != 11) begin : g_bad_fmt
    // elaboration error in every tool: align needs fp16 or bf16 activations
    mp_align_activation_format_not_supported u_unsupported ();
  end

  logic [EB-1:0]      e;
  logic [MB:0]        sig;
  logic [TW-1:0]      t, mag_t;
  logic signed [17:0] rs;
  logic [AlignBits-2:0] mag;
  assign e   = code_i[MB +: EB];
  assign sig = {e != '0, code_i[MB-1:0]};
  assign t   = TW'(sig) << F;
  // right shift E + bias + MB - max(e, 1) (>= 0 for every code of the group)
  assign rs  = 18'(e_i) + 18'(Bias + MB) - ((e == '0) ? 18'sd1 : $signed({10'd0, 8'(e)}));
  assign mag_t = rs[17] ? t : (t >> rs);
  assign mag = mag_t[AlignBits-2:0];
  assign a_o = code_i[15] ? -$signed({1'b0, mag}) : $signed({1'b0, mag});

  logic unused_mag;  // TW - (AlignBits - 1) = MB bits that are 0 for every valid input
  assign unused_mag = ^mag_t[TW-1:AlignBits-1];

  // 2^E as FP32
  logic [7:0] eb;
  logic [4:0] es;
  assign eb = 8'(e_i + 16'sd127);
  assign es = 5'(e_i + 16'sd149);
  always_comb begin
    scale_o = 32'h3F80_0000;
    if (e_i >= -16'sd126 && e_i <= 16'sd127) scale_o = {1'b0, eb, 23'd0};
    else if (e_i >= -16'sd133 && e_i < -16'sd126) scale_o = {9'd0, 23'd1 << es};
  end
endmodule

`default_nettype wire
