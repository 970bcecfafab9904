// SPDX-License-Identifier: Apache-2.0
// mp_pe_os: one output-stationary PE (docs/timing.md 2.2): exact group partial
// sum p (AccWidth bits; AMXFP4 also pn for sign-1 weights), FP32 accumulator
// acc, in-PE dequant (mp_pe_dq) in the cycle of the group's last MAC. The fp16
// PE type (PeType 6) has no partial sum: every valid step adds fl32(a*w) to acc
// (mp_pe_fp16, numerics.md 3.6) and p, pn stay 0.
//
// Parameters: see mp_pe_prod; ActFmt activation mpq_fmt_t (fp16 MAC only);
// AccWidth p width (0 for the fp16 MAC: p, pn are then one constant-0 bit);
// Amx sign-split partials; ProdExp = WLsb + ALsb, the LSB exponent of p; EW
// exponent port width.
// Row bundle (west -> east): {ctl, a_scale[31:0], a_code}. Column bundle
// (north -> south): {zero[3:0], w_scale_n[31:0], w_scale[31:0], w_code}.
`default_nettype none

module mp_pe_os #(
  parameter int PeType = 0,
  parameter int WeightFmt = 6,
  parameter int ActFmt = 8,
  parameter int HasZero = 0,
  parameter int Amx = 0,
  parameter int WW = 4,
  parameter int AW = 8,
  parameter int ProdW = 12,
  parameter int AccWidth = 20,
  parameter int ProdExp = 0,
  parameter int EW = 10,
  localparam int PW = (AccWidth > 0) ? AccWidth : 1,
  localparam int RowW = mp_pkg::CtlW + 32 + AW,
  localparam int ColW = 4 + 64 + WW
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 en_i,
  input  logic [RowW-1:0]      row_i,
  input  logic [ColW-1:0]      col_i,
  output logic [RowW-1:0]      row_o,
  output logic [ColW-1:0]      col_o,
  output logic signed [PW-1:0] p_o,
  output logic signed [PW-1:0] pn_o,
  output logic [31:0]          acc_o
);
  logic [AW-1:0]          a_code;
  logic [31:0]            a_scale;
  logic [mp_pkg::CtlW-1:0] ctl;
  logic [WW-1:0]          w_code;
  logic [31:0]            w_scale, w_scale_n;
  logic [3:0]             w_zero;
  assign {ctl, a_scale, a_code} = row_i;
  assign {w_zero, w_scale_n, w_scale, w_code} = col_i;

  logic [RowW-1:0] row_q;
  logic [ColW-1:0] col_q;
  logic signed [PW-1:0] p_q, p_d, pn_q, pn_d, p_sum, pn_sum;
  logic [31:0] acc_q, acc_d, acc_base, acc_new;
  logic        acc_upd;  // a valid step writes acc_new (and clears p, pn)
  assign acc_base = ctl[mp_pkg::CtlFoldFirst] ? 32'h0000_0000 : acc_q;

  if (PeType == 6) begin : g_fp16
    mp_pe_fp16 #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .WW(WW), .AW(AW)) u_mac (
      .w_i(w_code), .a_i(a_code), .acc_i(acc_base), .acc_o(acc_new)
    );
    assign p_sum   = '0;
    assign pn_sum  = '0;
    assign acc_upd = ctl[mp_pkg::CtlValid];
    logic unused_fp;
    assign unused_fp = ^{w_zero, w_scale_n, w_scale, a_scale, ctl[mp_pkg::CtlGrpFirst],
                         ctl[mp_pkg::CtlGrpLast]};
  end else begin : g_int
    logic signed [ProdW-1:0] prod;
    mp_pe_prod #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
                 .WW(WW), .AW(AW), .ProdW(ProdW)) u_prod (
      .w_i(w_code), .z_i(w_zero), .a_i(a_code), .prod_o(prod)
    );

    logic wneg;
    logic signed [PW-1:0] prod_ext;
    assign wneg = (Amx != 0) && w_code[WW-1];
    assign prod_ext = PW'(prod);

    always_comb begin
      p_sum  = ctl[mp_pkg::CtlGrpFirst] ? '0 : p_q;
      pn_sum = ctl[mp_pkg::CtlGrpFirst] ? '0 : pn_q;
      if (wneg) pn_sum = pn_sum + prod_ext;
      else      p_sum  = p_sum + prod_ext;
    end

    mp_pe_dq #(.PW(PW), .EW(EW), .Amx(Amx)) u_dq (
      .p_i(p_sum), .pn_i(pn_sum), .e_i(EW'(ProdExp)), .s_w_i(w_scale), .s_wn_i(w_scale_n),
      .s_a_i(a_scale), .acc_i(acc_base), .acc_o(acc_new)
    );
    assign acc_upd = ctl[mp_pkg::CtlGrpLast];
  end

  always_comb begin
    p_d   = p_q;
    pn_d  = pn_q;
    acc_d = acc_q;
    if (ctl[mp_pkg::CtlValid]) begin
      if (acc_upd) begin
        p_d   = '0;
        pn_d  = '0;
        acc_d = acc_new;
      end else begin
        p_d  = p_sum;
        pn_d = pn_sum;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_q <= '0;
      col_q <= '0;
      p_q   <= '0;
      pn_q  <= '0;
      acc_q <= '0;
    end else if (en_i) begin
      row_q <= row_i;
      col_q <= col_i;
      p_q   <= p_d;
      pn_q  <= pn_d;
      acc_q <= acc_d;
    end
  end

  assign row_o = row_q;
  assign col_o = col_q;
  assign p_o   = p_q;
  assign pn_o  = pn_q;
  assign acc_o = acc_q;
endmodule

`default_nettype wire
