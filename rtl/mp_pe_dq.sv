// SPDX-License-Identifier: Apache-2.0
// mp_pe_dq: the group dequant and FP32 accumulator update (docs/timing.md 2.2,
// 3.2; numerics.md 3.2-3.3): acc_o = fl32(fl32(acc_i + d+) + d-) with
// d+ = fl32(p * 2^e * s_w * s_a) and, for AMXFP4 only, d- = fl32(pn * 2^e *
// s_wn * s_a) (sp's term first, then sn's). Combinational. Shared by the in-PE
// dequant of mp_pe_os / mp_pe_ws and the WS edge dequant unit of mp_array_ws.
//
// Parameters:
//   PW   width of the signed partial sums p_i / pn_i.
//   EW   width of the signed exponent e_i (mp_fl32_scale).
//   Amx  1: AMXFP4 second term from pn_i / s_wn_i; 0: pn_i and s_wn_i unused.
`default_nettype none

module mp_pe_dq #(
  parameter int PW = 20,
  parameter int EW = 10,
  parameter int Amx = 0
) (
  input  logic signed [PW-1:0] p_i,
  input  logic signed [PW-1:0] pn_i,
  input  logic signed [EW-1:0] e_i,
  input  logic [31:0]          s_w_i,
  input  logic [31:0]          s_wn_i,
  input  logic [31:0]          s_a_i,
  input  logic [31:0]          acc_i,
  output logic [31:0]          acc_o
);
  logic [31:0] d_pos, acc_1;

  mp_fl32_scale #(.PW(PW), .EW(EW)) u_dq_pos (
    .p_i(p_i), .e_i(e_i), .s1_i(s_w_i), .s2_i(s_a_i), .y_o(d_pos)
  );
  mp_fp32_add u_add_pos (.a_i(acc_i), .b_i(d_pos), .y_o(acc_1));

  if (Amx != 0) begin : g_amx
    logic [31:0] d_neg;
    mp_fl32_scale #(.PW(PW), .EW(EW)) u_dq_neg (
      .p_i(pn_i), .e_i(e_i), .s1_i(s_wn_i), .s2_i(s_a_i), .y_o(d_neg)
    );
    mp_fp32_add u_add_neg (.a_i(acc_1), .b_i(d_neg), .y_o(acc_o));
  end else begin : g_no_amx
    assign acc_o = acc_1;
    logic unused_neg;
    assign unused_neg = ^{pn_i, s_wn_i};
  end
endmodule

`default_nettype wire
