// SPDX-License-Identifier: Apache-2.0
// mp_skew: a Depth-stage enabled delay line (Depth 0: a wire). Used for the
// input skew of rows/columns and for the output-unit pipeline.
//
// Parameters:
//   Width  bits per stage.   Depth  number of register stages.
`default_nettype none

module mp_skew #(
  parameter int Width = 8,
  parameter int Depth = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             en_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);
  if (Depth == 0) begin : g_wire
    assign q_o = d_i;
    logic unused_clk;
    assign unused_clk = ^{clk_i, rst_ni, en_i};
  end else begin : g_regs
    logic [Width-1:0] stage_q [Depth];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int i = 0; i < Depth; i++) stage_q[i] <= '0;
      end else if (en_i) begin
        stage_q[0] <= d_i;
        for (int i = 1; i < Depth; i++) stage_q[i] <= stage_q[i-1];
      end
    end
    assign q_o = stage_q[Depth-1];
  end
endmodule

`default_nettype wire
