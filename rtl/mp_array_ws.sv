// SPDX-License-Identifier: Apache-2.0
// mp_array_ws: R x C weight-stationary array with in-PE dequant (docs/timing.md
// 3, placement pe): per-row weight load, input skew, PE grid, column output
// units (post scale on the last k-fold).
//
// Parameters: as mp_array_os. Ports mirror sim/lanes.h (flat lanes).
`default_nettype none

module mp_array_ws #(
  parameter int Rows = 4,
  parameter int Cols = 4,
  parameter int PeType = 0,
  parameter int WeightFmt = 6,
  parameter int HasZero = 0,
  parameter int Amx = 0,
  parameter int WW = 4,
  parameter int AW = 8,
  parameter int ProdW = 12,
  parameter int AccWidth = 20,
  parameter int ProdExp = 0,
  parameter int DqLatency = 1,
  parameter int RowIdxW = 16,
  parameter int EW = 10
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          en_i,
  input  logic                          valid_i,
  input  logic                          load_i,
  input  logic [7:0]                    flags_i,
  input  logic [15:0]                   load_row_i,
  input  logic [31:0]                   m_post_i,
  input  logic [Rows*AW-1:0]            a_code_i,
  input  logic [Rows*32-1:0]            a_scale_i,
  input  logic [Cols*WW-1:0]            w_code_i,
  input  logic [Cols-1:0]               w_valid_i,
  input  logic [Cols*32-1:0]            w_scale_i,
  input  logic [Cols*32-1:0]            w_scale_n_i,
  input  logic [Cols*4-1:0]             w_zero_i,
  input  logic [Cols*32-1:0]            w_post_i,
  input  logic [Cols*AccWidth-1:0]      pin_p_i,
  input  logic [Cols*AccWidth-1:0]      pin_pn_i,
  input  logic [Cols*32-1:0]            pin_acc_i,
  output logic [Cols-1:0]               out_valid_o,
  output logic [Cols-1:0]               out_final_o,
  output logic [Cols*RowIdxW-1:0]       out_row_o,
  output logic [Cols*32-1:0]            out_acc_o,
  output logic [Cols*AccWidth-1:0]      out_p_o,
  output logic [Cols*AccWidth-1:0]      out_pn_o,
  output logic [Rows*Cols*AccWidth-1:0] st_p_o,
  output logic [Rows*Cols*AccWidth-1:0] st_pn_o,
  output logic [Rows*Cols*32-1:0]       st_acc_o
);
  localparam int RowW = 1 + 32 + AW;
  localparam int LdW = 3 + 4 + 64 + WW;
  localparam int PsW = 2 * AccWidth + 32;
  localparam int MetaW = 1 + RowIdxW + 1 + 32;  // tok, m, last k-fold, m_post

  logic tok;
  logic [RowIdxW-1:0] m_q;
  assign tok = valid_i & ~load_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      m_q <= '0;
    end else if (en_i) begin
      if (load_i) m_q <= '0;
      else if (tok) m_q <= m_q + 1'b1;
    end
  end

  logic [RowW-1:0] row_h [Rows][Cols+1];
  logic [PsW-1:0]  ps_v [Rows+1][Cols];
  logic [31:0]     wpost_q [Cols];

  for (genvar r = 0; r < Rows; r++) begin : g_rskew
    mp_skew #(.Width(RowW), .Depth(r)) u_skew (
      .clk_i, .rst_ni, .en_i,
      .d_i({tok, a_scale_i[r*32 +: 32], a_code_i[r*AW +: AW]}),
      .q_o(row_h[r][0])
    );
  end

  for (genvar c = 0; c < Cols; c++) begin : g_cskew
    mp_skew #(.Width(PsW), .Depth(c)) u_skew (
      .clk_i, .rst_ni, .en_i,
      .d_i({pin_p_i[c*AccWidth +: AccWidth], pin_pn_i[c*AccWidth +: AccWidth],
            pin_acc_i[c*32 +: 32]}),
      .q_o(ps_v[0][c])
    );
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        wpost_q[c] <= '0;
      end else if (en_i && load_i) begin
        wpost_q[c] <= w_post_i[c*32 +: 32];
      end
    end
  end

  for (genvar r = 0; r < Rows; r++) begin : g_row
    logic load_row;
    assign load_row = load_i && (load_row_i == 16'(r));
    for (genvar c = 0; c < Cols; c++) begin : g_col
      logic [LdW-1:0] ld;
      assign ld = {valid_i, flags_i[1], flags_i[0], w_zero_i[c*4 +: 4],
                   w_scale_n_i[c*32 +: 32], w_scale_i[c*32 +: 32], w_code_i[c*WW +: WW]};
      mp_pe_ws #(.PeType(PeType), .WeightFmt(WeightFmt), .HasZero(HasZero),
                 .Amx(Amx), .WW(WW), .AW(AW), .ProdW(ProdW), .AccWidth(AccWidth),
                 .ProdExp(ProdExp), .EW(EW)) u_pe (
        .clk_i, .rst_ni, .en_i, .load_i(load_row), .ld_i(ld),
        .row_i(row_h[r][c]), .ps_i(ps_v[r][c]),
        .row_o(row_h[r][c+1]), .ps_o(ps_v[r+1][c])
      );
      assign {st_p_o[(r*Cols+c)*AccWidth +: AccWidth], st_pn_o[(r*Cols+c)*AccWidth +: AccWidth],
              st_acc_o[(r*Cols+c)*32 +: 32]} = ps_v[r+1][c];
    end
  end

  logic unused_edges;
  always_comb begin
    unused_edges = ^{flags_i[7:6], flags_i[4:2], w_valid_i};
    for (int r = 0; r < Rows; r++) unused_edges = unused_edges ^ (^row_h[r][Cols]);
  end

  // Token metadata reaches the bottom of column c with its partial result.
  for (genvar c = 0; c < Cols; c++) begin : g_out
    logic [MetaW-1:0] meta;
    logic             mtok, mlast;
    logic [RowIdxW-1:0] mm;
    logic [31:0]      mpost;
    mp_skew #(.Width(MetaW), .Depth(Rows + c)) u_meta (
      .clk_i, .rst_ni, .en_i,
      .d_i({tok, m_q, flags_i[5], m_post_i}),
      .q_o(meta)
    );
    assign {mtok, mm, mlast, mpost} = meta;
    mp_dequant #(.DqLatency(DqLatency), .AccWidth(AccWidth), .RowIdxW(RowIdxW), .EW(EW)) u_out (
      .clk_i, .rst_ni, .en_i,
      .valid_i(mtok), .final_i(mlast), .row_i(mm),
      .acc_i(ps_v[Rows][c][31:0]),
      .p_i(ps_v[Rows][c][PsW-1 -: AccWidth]), .pn_i(ps_v[Rows][c][32 +: AccWidth]),
      .post_row_i(mpost), .post_col_i(wpost_q[c]),
      .valid_o(out_valid_o[c]), .final_o(out_final_o[c]),
      .row_o(out_row_o[c*RowIdxW +: RowIdxW]), .acc_o(out_acc_o[c*32 +: 32]),
      .p_o(out_p_o[c*AccWidth +: AccWidth]), .pn_o(out_pn_o[c*AccWidth +: AccWidth])
    );
  end
endmodule

`default_nettype wire
