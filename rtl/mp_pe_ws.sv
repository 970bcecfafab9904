// SPDX-License-Identifier: Apache-2.0
// mp_pe_ws: one weight-stationary PE with in-PE dequant (docs/timing.md 3.2,
// placement pe). Holds the loaded weight of k = k0 + r with its scales, zero
// point and group flags; for each token it takes the partial result (p, pn, acc)
// from the PE above and passes the updated one south.
//
// Parameters: see mp_pe_os. Row bundle (west -> east): {tok, a_scale, a_code}.
// Load bundle: {kvalid, g_last, g_first, zero[3:0], w_scale_n, w_scale, w_code}.
`default_nettype none

module mp_pe_ws #(
  parameter int PeType = 0,
  parameter int WeightFmt = 6,
  parameter int HasZero = 0,
  parameter int Amx = 0,
  parameter int WW = 4,
  parameter int AW = 8,
  parameter int ProdW = 12,
  parameter int AccWidth = 20,
  parameter int ProdExp = 0,
  parameter int EW = 10,
  localparam int RowW = 1 + 32 + AW,
  localparam int LdW = 3 + 4 + 64 + WW,
  localparam int PsW = 2 * AccWidth + 32
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
  logic [3:0]              w_zero;
  logic [31:0]             w_scale, w_scale_n;
  logic [WW-1:0]           w_code;
  logic signed [AccWidth-1:0] p_in, pn_in;
  logic [31:0]             acc_in;
  assign {tok, a_scale, a_code} = row_i;
  assign {kvalid, g_last, g_first, w_zero, w_scale_n, w_scale, w_code} = ld_q;
  assign {p_in, pn_in, acc_in} = ps_i;

  logic signed [ProdW-1:0] prod;
  mp_pe_prod #(.PeType(PeType), .WeightFmt(WeightFmt), .HasZero(HasZero),
               .WW(WW), .AW(AW), .ProdW(ProdW)) u_prod (
    .w_i(w_code), .z_i(w_zero), .a_i(a_code), .prod_o(prod)
  );

  logic wneg;
  logic signed [AccWidth-1:0] p_sum, pn_sum, prod_ext;
  logic [31:0] d_pos, d_neg, acc_1, acc_2;
  logic signed [EW-1:0] dq_exp;
  assign dq_exp = EW'(ProdExp);
  assign wneg = (Amx != 0) && w_code[WW-1];
  assign prod_ext = AccWidth'(prod);

  always_comb begin
    p_sum  = g_first ? '0 : p_in;
    pn_sum = g_first ? '0 : pn_in;
    if (wneg) pn_sum = pn_sum + prod_ext;
    else      p_sum  = p_sum + prod_ext;
  end

  mp_fl32_scale #(.PW(AccWidth), .EW(EW)) u_dq_pos (
    .p_i(p_sum), .e_i(dq_exp), .s1_i(w_scale), .s2_i(a_scale), .y_o(d_pos)
  );
  mp_fp32_add u_add_pos (.a_i(acc_in), .b_i(d_pos), .y_o(acc_1));
  if (Amx != 0) begin : g_amx
    mp_fl32_scale #(.PW(AccWidth), .EW(EW)) u_dq_neg (
      .p_i(pn_sum), .e_i(dq_exp), .s1_i(w_scale_n), .s2_i(a_scale), .y_o(d_neg)
    );
    mp_fp32_add u_add_neg (.a_i(acc_1), .b_i(d_neg), .y_o(acc_2));
  end else begin : g_no_amx
    assign d_neg = 32'h0000_0000;
    assign acc_2 = acc_1;
    logic unused_neg;
    assign unused_neg = ^{w_scale_n, d_neg};
  end

  always_comb begin
    ps_d = ps_q;
    if (tok) begin
      if (!kvalid) begin
        ps_d = ps_i;
      end else if (g_last) begin
        ps_d = {{AccWidth{1'b0}}, {AccWidth{1'b0}}, acc_2};
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
