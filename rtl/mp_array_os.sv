// SPDX-License-Identifier: Apache-2.0
// mp_array_os: R x C output-stationary array (docs/timing.md 2): input skew,
// PE grid, per-column drain chain and column output units.
//
// Parameters: Rows, Cols; PE parameters as in mp_pe_os (ZW: zero point width); DqLatency output unit
// latency; RowIdxW width of the output row index; EW exponent width; AccMode
// mpq_acc_t (1 = exact: every PE holds an exact accumulator, mp_xacc).
// Ports mirror sim/lanes.h (flat packed lanes, lane i at [i*W +: W]). With
// AccWidth = 0 (the fp16 MAC, no partial sum) the p / pn ports are the 2-bit
// [-1:0] of mp_top and are driven 0.
`default_nettype none

module mp_array_os #(
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
  parameter int DqLatency = 1,
  parameter int RowIdxW = 16,
  parameter int EW = 10,
  parameter int AccMode = 0
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic                          en_i,
  input  logic [mp_pkg::CtlW-1:0]       ctl_i,
  input  logic [Rows*AW-1:0]            a_code_i,
  input  logic [Rows-1:0]               a_valid_i,
  input  logic [Rows*32-1:0]            a_scale_i,
  input  logic [Rows*32-1:0]            a_post_i,
  input  logic [Cols*WW-1:0]            w_code_i,
  input  logic [Cols-1:0]               w_valid_i,
  input  logic [Cols*32-1:0]            w_scale_i,
  input  logic [Cols*32-1:0]            w_scale_n_i,
  input  logic [Cols*ZW-1:0]            w_zero_i,
  input  logic [Cols*32-1:0]            w_post_i,
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
  localparam int RowW = mp_pkg::CtlW + 32 + AW;
  localparam int ColW = ZW + 64 + WW;
  localparam int RMetaW = 1 + 32;  // a_valid, a_post
  localparam int CMetaW = 1 + 32;  // w_valid, w_post

  // row_h[r][c]: row bundle entering PE(r,c); col_v[r][c]: column bundle entering PE(r,c)
  logic [RowW-1:0] row_h [Rows][Cols+1];
  logic [ColW-1:0] col_v [Rows+1][Cols];
  logic [RMetaW-1:0] rmeta [Rows];
  logic [CMetaW-1:0] cmeta [Cols];
  logic [Rows-1:0] rvalid_q;
  logic [31:0]     rpost_q [Rows];
  logic [Cols-1:0] cvalid_q, cvalid_dr_q;
  logic [31:0]     cpost_q [Cols];
  logic [31:0]     cpost_dr_q [Cols];
  logic [31:0]     acc_st [Rows][Cols];
  logic [Rows*Cols*PW-1:0] st_p, st_pn;
  logic [Cols*PW-1:0]      out_p, out_pn;

  if (AccWidth > 0) begin : g_pw
    assign st_p_o   = st_p;
    assign st_pn_o  = st_pn;
    assign out_p_o  = out_p;
    assign out_pn_o = out_pn;
  end else begin : g_pw0
    assign st_p_o   = '0;
    assign st_pn_o  = '0;
    assign out_p_o  = '0;
    assign out_pn_o = '0;
    logic unused_pw;
    assign unused_pw = ^{st_p, st_pn, out_p, out_pn};
  end

  for (genvar r = 0; r < Rows; r++) begin : g_rskew
    // (a packed intermediate: yosys 0.23 mis-drives unpacked arrays in a port concatenation)
    logic [RowW+RMetaW-1:0] skewed;
    mp_skew #(.Width(RowW + RMetaW), .Depth(r)) u_skew (
      .clk_i, .rst_ni, .en_i,
      .d_i({ctl_i, a_scale_i[r*32 +: 32], a_code_i[r*AW +: AW], a_valid_i[r], a_post_i[r*32 +: 32]}),
      .q_o(skewed)
    );
    assign row_h[r][0] = skewed[RMetaW +: RowW];
    assign rmeta[r]    = skewed[RMetaW-1:0];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rvalid_q[r] <= 1'b0;
        rpost_q[r]  <= '0;
      end else if (en_i && row_h[r][0][RowW-mp_pkg::CtlW+mp_pkg::CtlFoldLast]
                        && row_h[r][0][RowW-mp_pkg::CtlW+mp_pkg::CtlValid]) begin
        rvalid_q[r] <= rmeta[r][32];
        rpost_q[r]  <= rmeta[r][31:0];
      end
    end
  end

  for (genvar c = 0; c < Cols; c++) begin : g_cskew
    logic [ColW+CMetaW-1:0] skewed;
    mp_skew #(.Width(ColW + CMetaW), .Depth(c)) u_skew (
      .clk_i, .rst_ni, .en_i,
      .d_i({w_zero_i[c*ZW +: ZW], w_scale_n_i[c*32 +: 32], w_scale_i[c*32 +: 32],
            w_code_i[c*WW +: WW], w_valid_i[c], w_post_i[c*32 +: 32]}),
      .q_o(skewed)
    );
    assign col_v[0][c] = skewed[CMetaW +: ColW];
    assign cmeta[c]    = skewed[CMetaW-1:0];
    // The column's post scale, latched when row 0 sees the fold's last k at this column.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        cvalid_q[c] <= 1'b0;
        cpost_q[c]  <= '0;
      end else if (en_i && row_h[0][c][RowW-mp_pkg::CtlW+mp_pkg::CtlFoldLast]
                        && row_h[0][c][RowW-mp_pkg::CtlW+mp_pkg::CtlValid]) begin
        cvalid_q[c] <= cmeta[c][32];
        cpost_q[c]  <= cmeta[c][31:0];
      end
    end
  end

  for (genvar r = 0; r < Rows; r++) begin : g_row
    for (genvar c = 0; c < Cols; c++) begin : g_col
      logic signed [PW-1:0] p, pn;
      mp_pe_os #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
                 .Amx(Amx), .WW(WW), .AW(AW), .ZW(ZW), .ProdW(ProdW), .AccWidth(AccWidth),
                 .ProdExp(ProdExp), .EW(EW), .AccMode(AccMode)) u_pe (
        .clk_i, .rst_ni, .en_i,
        .row_i(row_h[r][c]), .col_i(col_v[r][c]),
        .row_o(row_h[r][c+1]), .col_o(col_v[r+1][c]),
        .p_o(p), .pn_o(pn), .acc_o(acc_st[r][c])
      );
      assign st_p[(r*Cols+c)*PW +: PW]  = p;
      assign st_pn[(r*Cols+c)*PW +: PW] = pn;
      assign st_acc_o[(r*Cols+c)*32 +: 32]            = acc_st[r][c];
    end
  end

  // Edge outputs of the grid are not used.
  logic unused_edges;
  always_comb begin
    unused_edges = 1'b0;
    for (int r = 0; r < Rows; r++) unused_edges = unused_edges ^ (^row_h[r][Cols]);
    for (int c = 0; c < Cols; c++) unused_edges = unused_edges ^ (^col_v[Rows][c]);
  end

  // Drain: one cycle after PE(R-1,C-1)'s last MAC of a fold, all accumulators load
  // into the per-column chains in parallel (docs/timing.md 2.3).
  logic drain_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      drain_q <= 1'b0;
    end else if (en_i) begin
      drain_q <= row_h[Rows-1][Cols-1][RowW-mp_pkg::CtlW+mp_pkg::CtlFoldLast]
               & row_h[Rows-1][Cols-1][RowW-mp_pkg::CtlW+mp_pkg::CtlValid];
    end
  end

  localparam int ChW = 1 + 1 + RowIdxW + 32 + 32;  // occ, row valid, row, acc, post
  for (genvar c = 0; c < Cols; c++) begin : g_drain
    logic [ChW-1:0] chain_q [Rows];
    logic [ChW-1:0] south;
    logic [31:0]    cpost;
    logic           cvalid;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int i = 0; i < Rows; i++) chain_q[i] <= '0;
        cpost_dr_q[c]  <= '0;
        cvalid_dr_q[c] <= 1'b0;
      end else if (en_i) begin
        chain_q[0] <= '0;
        for (int i = 1; i < Rows; i++) begin
          chain_q[i] <= drain_q ? {1'b1, rvalid_q[i-1], RowIdxW'(i-1), acc_st[i-1][c], rpost_q[i-1]}
                                : chain_q[i-1];
        end
        if (drain_q) begin
          cpost_dr_q[c]  <= cpost_q[c];
          cvalid_dr_q[c] <= cvalid_q[c];
        end
      end
    end
    assign south  = drain_q ? {1'b1, rvalid_q[Rows-1], RowIdxW'(Rows-1), acc_st[Rows-1][c],
                               rpost_q[Rows-1]} : chain_q[Rows-1];
    assign cpost  = drain_q ? cpost_q[c] : cpost_dr_q[c];
    assign cvalid = drain_q ? cvalid_q[c] : cvalid_dr_q[c];
    logic unused_chain0;
    assign unused_chain0 = ^{chain_q[0], south[ChW-2], cvalid};

    mp_dequant #(.DqLatency(DqLatency), .AccWidth(PW), .RowIdxW(RowIdxW), .EW(EW)) u_out (
      .clk_i, .rst_ni, .en_i,
      .valid_i(south[ChW-1]), .final_i(1'b1),
      .row_i(south[64 +: RowIdxW]), .acc_i(south[32 +: 32]),
      .p_i({PW{1'b0}}), .pn_i({PW{1'b0}}), .post_row_i(south[31:0]), .post_col_i(cpost),
      .valid_o(out_valid_o[c]), .final_o(out_final_o[c]),
      .row_o(out_row_o[c*RowIdxW +: RowIdxW]), .acc_o(out_acc_o[c*32 +: 32]),
      .p_o(out_p[c*PW +: PW]), .pn_o(out_pn[c*PW +: PW])
    );
  end
endmodule

`default_nettype wire
