// SPDX-License-Identifier: Apache-2.0
// mp_array_ws: R x C weight-stationary array (docs/timing.md 3): per-row weight
// load, input skew, PE grid, column edge units (edge dequant with DqEdge = 1)
// and column output units (post scale on the last k-fold).
//
// Dequant placement (timing.md 3.2): DqEdge = 0, in the PE (mp_pe_ws).
// DqEdge = 1 (needs G % Rows == 0): the PEs pass p' = p_in + prod down from
// p = 0 at the top; the edge unit at the bottom of column c takes the column's
// sum, adds the group partial read back from the output buffer (pin_p, pin_pn;
// 0 when row 0 starts a group) and, when a valid row ends a group, applies
// acc' = pin_acc + fl32(p 2^e s_w s_a) (AMXFP4: + d-) with s_w of PE row 0
// and s_a of the token's row lane 0 (mp_pe_dq), else passes (p, pin_acc) on
// (timing.md 6, "WS edge dequant"). Its result enters the output unit in the
// cycle after the bottom PE's, like the in-PE placement's, so both have the
// column latency DqLatency.
//
// Parameters: as mp_array_os; DqEdge dequant placement (0 pe, 1 edge).
// Ports mirror sim/lanes.h (flat lanes). With AccWidth = 0 (the fp16 MAC) the
// p / pn ports are the 2-bit [-1:0] of mp_top: inputs unused, outputs 0.
`default_nettype none

module mp_array_ws #(
  parameter int Rows = 4,
  parameter int Cols = 4,
  parameter int PeType = 0,
  parameter int WeightFmt = 6,
  parameter int ActFmt = 8,
  parameter int HasZero = 0,
  parameter int Amx = 0,
  parameter int WW = 4,
  parameter int AW = 8,
  parameter int ZW = 4,
  parameter int ProdW = 12,
  parameter int AccWidth = 20,
  parameter int ProdExp = 0,
  parameter int DqEdge = 0,
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
  input  logic [Cols*ZW-1:0]            w_zero_i,
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
  localparam int PW = (AccWidth > 0) ? AccWidth : 1;
  localparam int RowW = 1 + 32 + AW;
  localparam int LdW = 3 + ZW + 64 + WW;
  localparam int PsW = 2 * PW + 32;
  localparam int MetaW = 1 + RowIdxW + 1 + 32;  // tok, m, last k-fold, m_post

  // ---- p / pn lanes of width PW (AccWidth = 0: constant 0) ----
  logic [Cols*PW-1:0]      pin_p, pin_pn, out_p, out_pn;
  logic [Rows*Cols*PW-1:0] st_p, st_pn;
  if (AccWidth > 0) begin : g_pw
    assign pin_p    = pin_p_i;
    assign pin_pn   = pin_pn_i;
    assign out_p_o  = out_p;
    assign out_pn_o = out_pn;
    assign st_p_o   = st_p;
    assign st_pn_o  = st_pn;
  end else begin : g_pw0
    assign pin_p    = '0;
    assign pin_pn   = '0;
    assign out_p_o  = '0;
    assign out_pn_o = '0;
    assign st_p_o   = '0;
    assign st_pn_o  = '0;
    logic unused_pw;
    assign unused_pw = ^{pin_p_i, pin_pn_i, out_p, out_pn, st_p, st_pn};
  end

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
    if (DqEdge == 0) begin : g_pin
      mp_skew #(.Width(PsW), .Depth(c)) u_skew (
        .clk_i, .rst_ni, .en_i,
        .d_i({pin_p[c*PW +: PW], pin_pn[c*PW +: PW], pin_acc_i[c*32 +: 32]}),
        .q_o(ps_v[0][c])
      );
    end else begin : g_pin0
      assign ps_v[0][c] = '0;  // edge: the column sums from p = 0 (acc unused)
    end
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
      assign ld = {valid_i, flags_i[1], flags_i[0], w_zero_i[c*ZW +: ZW],
                   w_scale_n_i[c*32 +: 32], w_scale_i[c*32 +: 32], w_code_i[c*WW +: WW]};
      mp_pe_ws #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
                 .Amx(Amx), .WW(WW), .AW(AW), .ZW(ZW), .ProdW(ProdW), .AccWidth(AccWidth),
                 .ProdExp(ProdExp), .EW(EW), .DqEdge(DqEdge)) u_pe (
        .clk_i, .rst_ni, .en_i, .load_i(load_row), .ld_i(ld),
        .row_i(row_h[r][c]), .ps_i(ps_v[r][c]),
        .row_o(row_h[r][c+1]), .ps_o(ps_v[r+1][c])
      );
      assign {st_p[(r*Cols+c)*PW +: PW], st_pn[(r*Cols+c)*PW +: PW],
              st_acc_o[(r*Cols+c)*32 +: 32]} = ps_v[r+1][c];
    end
  end

  logic unused_edges;
  always_comb begin
    unused_edges = ^{flags_i[7:6], flags_i[4:2], w_valid_i};
    for (int r = 0; r < Rows; r++) unused_edges = unused_edges ^ (^row_h[r][Cols]);
  end

  // ---- edge dequant state: the fold's group flags and row 0's weight scales ----
  logic fold_gfirst, fold_glast;
  logic [31:0] ws0_q [Cols];
  logic [31:0] wsn0_q [Cols];
  if (DqEdge != 0) begin : g_eflags
    logic [Rows-1:0] rgf_q, rgl_q;  // per row: valid k with G_FIRST / G_LAST
    for (genvar r = 0; r < Rows; r++) begin : g_r
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          rgf_q[r] <= 1'b0;
          rgl_q[r] <= 1'b0;
        end else if (en_i && load_i && (load_row_i == 16'(r))) begin
          rgf_q[r] <= valid_i & flags_i[0];
          rgl_q[r] <= valid_i & flags_i[1];
        end
      end
    end
    for (genvar c = 0; c < Cols; c++) begin : g_c
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          ws0_q[c]  <= '0;
          wsn0_q[c] <= '0;
        end else if (en_i && load_i && (load_row_i == 16'd0)) begin
          ws0_q[c]  <= w_scale_i[c*32 +: 32];
          wsn0_q[c] <= w_scale_n_i[c*32 +: 32];
        end
      end
    end
    assign fold_gfirst = rgf_q[0];
    assign fold_glast  = |rgl_q;
    logic unused_gf;
    assign unused_gf = ^rgf_q;
  end else begin : g_no_eflags
    assign fold_gfirst = 1'b0;
    assign fold_glast  = 1'b0;
    for (genvar c = 0; c < Cols; c++) begin : g_c
      assign ws0_q[c]  = '0;
      assign wsn0_q[c] = '0;
    end
  end

  // Token metadata (and, with edge dequant, the token's read-back partial result
  // and row 0 activation scale) reaches the bottom of column c with its partial
  // result.
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

    logic signed [PW-1:0] col_p, col_pn;
    logic [31:0]          col_acc;
    if (DqEdge != 0) begin : g_edge
      logic [PsW+31:0]      edge_q;
      logic signed [PW-1:0] rb_p, rb_pn, bot_p, bot_pn, p_tot, pn_tot;
      logic [31:0]          rb_acc, sa0, bot_acc, acc_dq;
      mp_skew #(.Width(PsW + 32), .Depth(Rows + c)) u_pin (
        .clk_i, .rst_ni, .en_i,
        .d_i({pin_p[c*PW +: PW], pin_pn[c*PW +: PW], pin_acc_i[c*32 +: 32], a_scale_i[31:0]}),
        .q_o(edge_q)
      );
      assign {rb_p, rb_pn, rb_acc, sa0} = edge_q;
      assign {bot_p, bot_pn, bot_acc} = ps_v[Rows][c];
      assign p_tot  = fold_gfirst ? bot_p  : bot_p + rb_p;
      assign pn_tot = fold_gfirst ? bot_pn : bot_pn + rb_pn;
      mp_pe_dq #(.PW(PW), .EW(EW), .Amx(Amx)) u_edq (
        .p_i(p_tot), .pn_i(pn_tot), .e_i(EW'(ProdExp)), .s_w_i(ws0_q[c]), .s_wn_i(wsn0_q[c]),
        .s_a_i(sa0), .acc_i(rb_acc), .acc_o(acc_dq)
      );
      assign col_acc = fold_glast ? acc_dq : rb_acc;
      assign col_p   = fold_glast ? '0 : p_tot;
      assign col_pn  = fold_glast ? '0 : pn_tot;
      logic unused_bot;
      assign unused_bot = ^bot_acc;  // the PEs pass acc = 0 with edge dequant
    end else begin : g_pe_dq
      assign {col_p, col_pn, col_acc} = ps_v[Rows][c];
      logic unused_eq;
      assign unused_eq = ^{ws0_q[c], wsn0_q[c], fold_gfirst, fold_glast};
    end

    mp_dequant #(.DqLatency(DqLatency), .AccWidth(PW), .RowIdxW(RowIdxW), .EW(EW)) u_out (
      .clk_i, .rst_ni, .en_i,
      .valid_i(mtok), .final_i(mlast), .row_i(mm),
      .acc_i(col_acc), .p_i(col_p), .pn_i(col_pn),
      .post_row_i(mpost), .post_col_i(wpost_q[c]),
      .valid_o(out_valid_o[c]), .final_o(out_final_o[c]),
      .row_o(out_row_o[c*RowIdxW +: RowIdxW]), .acc_o(out_acc_o[c*32 +: 32]),
      .p_o(out_p[c*PW +: PW]), .pn_o(out_pn[c*PW +: PW])
    );
  end
endmodule

`default_nettype wire
