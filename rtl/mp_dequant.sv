// SPDX-License-Identifier: Apache-2.0
// mp_dequant: the column output unit at the array's south edge (docs/timing.md
// 2.3, 3.2): applies the post scales y = fl32(acc * s_row * s_col) (numerics.md
// 3.4, one rounding) to a final result, passes a WS partial result through,
// and delays everything by DqLatency cycles (one result per cycle). A result is
// presented only in enabled cycles.
//
// Parameters:
//   DqLatency  pipeline latency in cycles (>= 1).
//   AccWidth   width of the partial sums p / pn passed through.
//   RowIdxW    width of the row / token index.
//   EW         exponent port width of mp_fl32_scale.
`default_nettype none

module mp_dequant #(
  parameter int DqLatency = 1,
  parameter int AccWidth = 20,
  parameter int RowIdxW = 16,
  parameter int EW = 10,
  localparam int OutW = 1 + 1 + RowIdxW + 32 + 2 * AccWidth
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                en_i,
  input  logic                valid_i,
  input  logic                final_i,
  input  logic [RowIdxW-1:0]  row_i,
  input  logic [31:0]         acc_i,
  input  logic [AccWidth-1:0] p_i,
  input  logic [AccWidth-1:0] pn_i,
  input  logic [31:0]         post_row_i,
  input  logic [31:0]         post_col_i,
  output logic                valid_o,
  output logic                final_o,
  output logic [RowIdxW-1:0]  row_o,
  output logic [31:0]         acc_o,
  output logic [AccWidth-1:0] p_o,
  output logic [AccWidth-1:0] pn_o
);
  // acc = (-1)^s * sig * 2^(exp - 150) for finite acc (subnormals: exp field 0 -> 1).
  logic              acc_sign, acc_nan, acc_inf, post_zero;
  logic [7:0]        acc_ef;
  logic [23:0]       acc_sig;
  logic signed [24:0] acc_p;
  logic signed [EW-1:0] acc_e;
  logic [31:0]       y_fin, y_scaled, y;
  logic [AccWidth-1:0] p_out, pn_out;

  always_comb begin
    acc_sign = acc_i[31];
    acc_ef   = acc_i[30:23];
    acc_sig  = {(acc_ef != 8'd0), acc_i[22:0]};
    acc_p    = acc_sign ? -$signed({1'b0, acc_sig}) : $signed({1'b0, acc_sig});
    acc_e    = EW'($signed({2'b00, (acc_ef == 8'd0) ? 8'd1 : acc_ef}) - 10'sd150);
    acc_nan  = (acc_ef == 8'hff) && (acc_i[22:0] != 23'd0);
    acc_inf  = (acc_ef == 8'hff) && (acc_i[22:0] == 23'd0);
    post_zero = (post_row_i[30:0] == 31'd0) || (post_col_i[30:0] == 31'd0);
  end

  mp_fl32_scale #(.PW(25), .EW(EW)) u_post (
    .p_i(acc_p), .e_i(acc_e), .s1_i(post_row_i), .s2_i(post_col_i), .y_o(y_scaled)
  );

  always_comb begin
    y_fin = y_scaled;
    if (acc_nan || (acc_inf && post_zero)) begin
      y_fin = 32'h7fc0_0000;
    end else if (acc_inf) begin
      y_fin = {acc_sign ^ post_row_i[31] ^ post_col_i[31], 31'h7f80_0000};
    end
    y      = final_i ? y_fin : acc_i;
    p_out  = final_i ? '0 : p_i;
    pn_out = final_i ? '0 : pn_i;
  end

  logic [OutW-1:0] pipe_in, pipe_out;
  assign pipe_in = {valid_i, final_i, row_i, y, p_out, pn_out};
  mp_skew #(.Width(OutW), .Depth(DqLatency)) u_pipe (
    .clk_i, .rst_ni, .en_i, .d_i(pipe_in), .q_o(pipe_out)
  );
  // A stall cycle (en_i = 0) presents no result: the pipeline holds it for the next
  // enabled cycle.
  logic valid_q;
  assign {valid_q, final_o, row_o, acc_o, p_o, pn_o} = pipe_out;
  assign valid_o = valid_q & en_i;
endmodule

`default_nettype wire
