// SPDX-License-Identifier: Apache-2.0
// mp_pe_ws: one weight-stationary PE (docs/timing.md 3.2). Holds the loaded
// weight of k = k0 + r with its scales, zero point and group flags; for each
// token it takes the partial result (p, pn, acc) from the PE above and passes
// the updated one south. DqEdge = 0 (placement pe): in-PE dequant (mp_pe_dq)
// when k ends a group, p restarts at the group's first k. DqEdge = 1 (placement
// edge): p' = p_in + prod, acc passes through; the column's edge unit
// (mp_array_ws) dequantizes. The fp16 PE type (PeType 6) adds fl32(a*w) to acc
// for every valid k (mp_pe_fp16) and passes p = pn = 0.
//
// Parameters: see mp_pe_os; DqEdge dequant placement (0 pe, 1 edge).
// Row bundle (west -> east): {tok, a_scale, a_code}.
// Load bundle: {kvalid, g_last, g_first, zero[ZW-1:0], w_scale_n, w_scale, w_code}.
`default_nettype none

module mp_pe_ws #(
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
  parameter int EW = 10,
  parameter int DqEdge = 0,
  localparam int PW = (AccWidth > 0) ? AccWidth : 1,
  localparam int RowW = 1 + 32 + AW,
  localparam int LdW = 3 + ZW + 64 + WW,
  localparam int PsW = 2 * PW + 32
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                en_i,
  input  logic                load_i,
  input  logic [LdW-1:0]      ld_i,
  input  logic [RowW-1:0]     row_i,
  input  logic [PsW-1:0]      ps_i,
  output logic [RowW-1:0]     row_o,
  output logic [PsW-1:0]      ps_o
);
  logic [LdW-1:0] ld_q;
  logic [RowW-1:0] row_q;
  logic [PsW-1:0] ps_q, ps_d;

  logic                    tok;
  logic [31:0]             a_scale;
  logic [AW-1:0]           a_code;
  logic                    kvalid, g_last, g_first;
  logic [ZW-1:0]           w_zero;
  logic [31:0]             w_scale, w_scale_n;
  logic [WW-1:0]           w_code;
  logic signed [PW-1:0]    p_in, pn_in, p_sum, pn_sum;
  logic [31:0]             acc_in, acc_new;
  logic                    acc_upd;  // this k writes acc_new and clears p, pn
  assign {tok, a_scale, a_code} = row_i;
  assign {kvalid, g_last, g_first, w_zero, w_scale_n, w_scale, w_code} = ld_q;
  assign {p_in, pn_in, acc_in} = ps_i;

  if (PeType == 6) begin : g_fp16
    mp_pe_fp16 #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .WW(WW), .AW(AW)) u_mac (
      .w_i(w_code), .a_i(a_code), .acc_i(acc_in), .acc_o(acc_new)
    );
    assign p_sum   = '0;
    assign pn_sum  = '0;
    assign acc_upd = kvalid;
    logic unused_fp;
    assign unused_fp = ^{w_zero, w_scale_n, w_scale, a_scale, g_first, g_last, p_in, pn_in};
  end else begin : g_int
    logic signed [ProdW-1:0] prod;
    mp_pe_prod #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
                 .WW(WW), .AW(AW), .ZW(ZW), .ProdW(ProdW)) u_prod (
      .w_i(w_code), .z_i(w_zero), .a_i(a_code), .prod_o(prod)
    );

    logic wneg, restart;
    logic signed [PW-1:0] prod_ext;
    assign wneg = (Amx != 0) && w_code[WW-1];
    assign prod_ext = PW'(prod);
    assign restart = (DqEdge == 0) && g_first;

    always_comb begin
      p_sum  = restart ? '0 : p_in;
      pn_sum = restart ? '0 : pn_in;
      if (wneg) pn_sum = pn_sum + prod_ext;
      else      p_sum  = p_sum + prod_ext;
    end

    if (DqEdge == 0) begin : g_dq
      mp_pe_dq #(.PW(PW), .EW(EW), .Amx(Amx)) u_dq (
        .p_i(p_sum), .pn_i(pn_sum), .e_i(EW'(ProdExp)), .s_w_i(w_scale), .s_wn_i(w_scale_n),
        .s_a_i(a_scale), .acc_i(acc_in), .acc_o(acc_new)
      );
      assign acc_upd = g_last;
    end else begin : g_edge
      assign acc_new = acc_in;
      assign acc_upd = 1'b0;
      logic unused_dq;
      assign unused_dq = ^{g_last, w_scale_n, w_scale, a_scale};
    end
  end

  always_comb begin
    ps_d = ps_q;
    if (tok) begin
      if (!kvalid) begin
        ps_d = ps_i;
      end else if (acc_upd) begin
        ps_d = {{PW{1'b0}}, {PW{1'b0}}, acc_new};
      end else begin
        ps_d = {p_sum, pn_sum, acc_in};
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_q  <= '0;
      row_q <= '0;
      ps_q  <= '0;
    end else if (en_i) begin
      if (load_i) ld_q <= ld_i;
      row_q <= row_i;
      ps_q  <= ps_d;
    end
  end

  assign row_o = row_q;
  assign ps_o  = ps_q;
endmodule

`default_nettype wire
