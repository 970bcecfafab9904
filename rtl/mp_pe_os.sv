// SPDX-License-Identifier: Apache-2.0
// mp_pe_os: one output-stationary PE (docs/timing.md 2.2): exact group partial
// sum p (AccWidth bits; AMXFP4 also pn for sign-1 weights), FP32 accumulator
// acc, in-PE dequant (mp_pe_dq) in the cycle of the group's last MAC. The fp16
// PE type (PeType 6) has no partial sum: every valid step adds fl32(a*w) to acc
// (mp_pe_fp16, numerics.md 3.6) and p, pn stay 0.
//
// accumulate = exact (AccMode 1; docs/xacc.md): acc is not a register; an exact
// accumulator X (mp_xacc) takes every group term P 2^e s_w s_a (AMXFP4: also
// pn's with sn; the fp16 MAC: every product fl32(a*w)) without rounding, is
// cleared on the fold's first group, and acc_o = fl32(X), one RNE rounding.
//
// Parameters: see mp_pe_prod; ActFmt activation mpq_fmt_t (fp16 MAC only);
// AccWidth p width (0 for the fp16 MAC: p, pn are then one constant-0 bit);
// Amx sign-split partials; ProdExp = WLsb + ALsb, the LSB exponent of p; EW
// exponent port width; AccMode mpq_acc_t (0 fp32, 1 exact; 2 align is fp32 here);
// XaccKLog2 exact only: the largest K is 2^XaccKLog2 (sizes X, docs/xacc.md).
// Row bundle (west -> east): {ctl, a_scale[31:0], a_code}. Column bundle
// (north -> south): {zero[ZW-1:0], w_scale_n[31:0], w_scale[31:0], w_code}; ZW zero
// point width (mp_pe_prod: 4, uint8 weights 8).
`default_nettype none

module mp_pe_os #(
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
  parameter int AccMode = 0,
  parameter int XaccKLog2 = 32,
  localparam int PW = (AccWidth > 0) ? AccWidth : 1,
  localparam int RowW = mp_pkg::CtlW + 32 + AW,
  localparam int ColW = ZW + 64 + WW
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
  logic [ZW-1:0]          w_zero;
  assign {ctl, a_scale, a_code} = row_i;
  assign {w_zero, w_scale_n, w_scale, w_code} = col_i;

  logic [RowW-1:0] row_q;
  logic [ColW-1:0] col_q;
  logic signed [PW-1:0] p_q, p_d, pn_q, pn_d, p_sum, pn_sum;
  logic [31:0] acc_q, acc_d, acc_base, acc_new;
  logic        acc_upd;  // a valid step writes acc_new (and clears p, pn)
  assign acc_base = ctl[mp_pkg::CtlFoldFirst] ? 32'h0000_0000 : acc_q;

  // accumulate = exact: acc_o = fl32(X) of the exact accumulator (acc_q stays +0).
  // Value bounds of the block scales s = s_w / s_a a lane can carry, as the union
  // over every scheme with the operand's element format (numerics.md 2: e8m0
  // 2^-127 .. 2^127; e4m3 (nvfp4) and e5m2 (amxfp4) lie inside; fp16 (int4 groups)
  // multiples of 2^-24 below 2^16; none = 1.0): s is a multiple of 2^Lsb, |s| <= 2^Max.
  localparam bit Exact = AccMode == 1;
  localparam bit WInt4 = WeightFmt == mp_pkg::FmtInt4 || WeightFmt == mp_pkg::FmtUint4;
  localparam bit WNone = WeightFmt == mp_pkg::FmtFp16 || WeightFmt == mp_pkg::FmtBf16;
  localparam bit AInt4 = ActFmt == mp_pkg::FmtInt4 || ActFmt == mp_pkg::FmtUint4;
  // (w4a16's activation lane carries 2^E of the aligner instead: any binary32)
  localparam bit ANone = (ActFmt == mp_pkg::FmtFp16 || ActFmt == mp_pkg::FmtBf16) &&
                         PeType != 1;
  localparam bit WKnown = WeightFmt <= mp_pkg::FmtE5m2 || WeightFmt == mp_pkg::FmtInt8 ||
                          WeightFmt == mp_pkg::FmtUint8;
  localparam bit AKnown = ActFmt <= mp_pkg::FmtE5m2 || ActFmt == mp_pkg::FmtInt8 ||
                          ActFmt == mp_pkg::FmtUint8;
  localparam int WSLsb = WInt4 ? -24 : WNone ? 0 : WKnown ? -127 : -149;
  localparam int WSMax = WInt4 ? 16 : WNone ? 0 : WKnown ? 127 : 128;
  localparam int ASLsb = AInt4 ? -24 : ANone ? 0 : AKnown ? -127 : -149;
  localparam int ASMax = AInt4 ? 16 : ANone ? 0 : AKnown ? 127 : 128;
  logic [31:0] acc_x;

  if (PeType == 6) begin : g_fp16
    if (Exact) begin : g_x
      // fl32(+0 + fl32(a*w)) = fl32(a*w) up to the sign of a zero (adds nothing)
      logic [31:0] prod;
      mp_pe_fp16 #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .WW(WW), .AW(AW)) u_mac (
        .w_i(w_code), .a_i(a_code), .acc_i(32'h0000_0000), .acc_o(prod)
      );
      // the term p * s1 * s2 = 1 * fl32(a*w) * 1.0; fp16 x fp16 products are
      // multiples of 2^-48 below 2^32, otherwise any finite binary32
      localparam bit Ff16 = WeightFmt == mp_pkg::FmtFp16 && ActFmt == mp_pkg::FmtFp16;
      mp_xacc #(.PW(2), .NT(1), .ProdExp(0), .SumLog2(XaccKLog2),
                .S1Lsb(Ff16 ? -48 : -149), .S1Max(Ff16 ? 32 : 128), .S2Lsb(0), .S2Max(0)) u_xacc (
        .clk_i, .rst_ni, .en_i, .upd_i(ctl[mp_pkg::CtlValid]), .clr_i(ctl[mp_pkg::CtlFoldFirst]),
        .p_i(2'sd1), .s1_i(prod), .s2_i(32'h3F80_0000), .y_o(acc_x)
      );
      assign acc_new = acc_base;
    end else begin : g_f
      mp_pe_fp16 #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .WW(WW), .AW(AW)) u_mac (
        .w_i(w_code), .a_i(a_code), .acc_i(acc_base), .acc_o(acc_new)
      );
    end
    assign p_sum   = '0;
    assign pn_sum  = '0;
    assign acc_upd = ctl[mp_pkg::CtlValid];
    logic unused_fp;
    assign unused_fp = ^{w_zero, w_scale_n, w_scale, a_scale, ctl[mp_pkg::CtlGrpFirst],
                         ctl[mp_pkg::CtlGrpLast]};
  end else begin : g_int
    logic signed [ProdW-1:0] prod;
    mp_pe_prod #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
                 .WW(WW), .AW(AW), .ZW(ZW), .ProdW(ProdW)) u_prod (
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

    if (Exact) begin : g_x
      // X += P 2^e s_w s_a (AMXFP4: + PN 2^e s_wn s_a), exactly; sum |P| over a
      // fold <= K * 2^(ProdW-1)
      localparam int NT = (Amx != 0) ? 2 : 1;
      logic [NT*PW-1:0] xp;
      logic [NT*32-1:0] xs;
      if (Amx != 0) begin : g_amx
        assign xp = {pn_sum, p_sum};
        assign xs = {w_scale_n, w_scale};
      end else begin : g_one
        assign xp = p_sum;
        assign xs = w_scale;
        logic unused_n;
        assign unused_n = ^w_scale_n;
      end
      mp_xacc #(.PW(PW), .NT(NT), .ProdExp(ProdExp), .SumLog2(XaccKLog2 + ProdW - 1),
                .S1Lsb(WSLsb), .S1Max(WSMax), .S2Lsb(ASLsb), .S2Max(ASMax)) u_xacc (
        .clk_i, .rst_ni, .en_i, .upd_i(ctl[mp_pkg::CtlValid] & ctl[mp_pkg::CtlGrpLast]),
        .clr_i(ctl[mp_pkg::CtlFoldFirst]), .p_i(xp), .s1_i(xs), .s2_i(a_scale), .y_o(acc_x)
      );
      assign acc_new = acc_base;
    end else begin : g_dq
      mp_pe_dq #(.PW(PW), .EW(EW), .Amx(Amx)) u_dq (
        .p_i(p_sum), .pn_i(pn_sum), .e_i(EW'(ProdExp)), .s_w_i(w_scale), .s_wn_i(w_scale_n),
        .s_a_i(a_scale), .acc_i(acc_base), .acc_o(acc_new)
      );
    end
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
  if (Exact) begin : g_acc_x
    assign acc_o = acc_x;
  end else begin : g_acc_q
    assign acc_o = acc_q;
    assign acc_x = '0;
    logic unused_x;
    assign unused_x = ^acc_x;
  end
endmodule

`default_nettype wire
