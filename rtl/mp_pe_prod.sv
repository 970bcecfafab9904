// SPDX-License-Identifier: Apache-2.0
// mp_pe_prod: the product unit of one PE, selected by the PE type.
//
// Parameters:
//   PeType     docs/pe.md type: 0 w4a8 / 1 w4a16 shift-add (mp_pe_w4a8), 2 fp4fp8 /
//              3 fp4fp4 shift-add (mp_pe_fp4), 4 int8 multiplier (mp_pe_int8; int4
//              and uint8 weights: mp_pe_gen), 5 fp8 multiplier (mp_pe_fp8), 7 generic
//              (mp_pe_gen: both codes on their fixed-point views, one multiplier).
//              Any other type (6, the fp16 MAC, has no product unit) is an
//              elaboration error (never silently another type's datapath).
//   WeightFmt  weight mpq_fmt_t code.
//   ActFmt     activation mpq_fmt_t code (types 2, 3, 5 decode the code in the PE).
//   HasZero    weight zero points (uint4, uint8).
//   WW, AW     weight / activation code widths; w4a16: AW is the width of the
//              activation integer decoded at the array edge (mp_top: the
//              pre-aligned integer of mp_align, or fp16's fixed-point view).
//   ZW         zero point width of z_i: 4 (uint4), 8 (uint8 weights, int8 asym).
//   ProdW      signed product width.
`default_nettype none

module mp_pe_prod #(
  parameter int PeType = 0,
  parameter int WeightFmt = 6,
  parameter int ActFmt = 8,
  parameter int HasZero = 0,
  parameter int WW = 4,
  parameter int AW = 8,
  parameter int ZW = 4,
  parameter int ProdW = 12
) (
  input  logic [WW-1:0]           w_i,
  input  logic [ZW-1:0]           z_i,
  input  logic [AW-1:0]           a_i,
  output logic signed [ProdW-1:0] prod_o
);
  if (PeType == 0 || PeType == 1) begin : g_w4a8
    mp_pe_w4a8 #(.WeightFmt(WeightFmt), .HasZero(HasZero), .AW(AW), .ProdW(ProdW)) u_w4a8 (
      .w_i(w_i[3:0]), .z_i(z_i[3:0]), .a_i, .prod_o
    );
    if (WW > 4) begin : g_unused_w
      logic unused_w;
      assign unused_w = ^w_i[WW-1:4];
    end
    if (ZW > 4) begin : g_unused_z
      logic unused_z;
      assign unused_z = ^z_i[ZW-1:4];
    end
  end else if (PeType == 2 || PeType == 3) begin : g_fp4
    mp_pe_fp4 #(.ActFmt(ActFmt), .AW(AW), .ProdW(ProdW)) u_fp4 (
      .w_i(w_i[3:0]), .a_i, .prod_o
    );
    logic unused_wz;
    if (WW > 4) begin : g_unused_w
      assign unused_wz = ^{w_i[WW-1:4], z_i};
    end else begin : g_unused_z
      assign unused_wz = ^z_i;
    end
  end else if (PeType == 4 && WeightFmt == 8) begin : g_int8
    mp_pe_int8 #(.ProdW(ProdW)) u_int8 (.w_i(w_i[7:0]), .a_i(a_i[7:0]), .prod_o);
    logic unused_z;
    assign unused_z = ^z_i;
  end else if (PeType == 4 || PeType == 7) begin : g_gen
    // generic pairs, and int4 / uint8 (uint8 - z, 8-bit zero point) weights on the
    // int8 multiplier
    mp_pe_gen #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero), .WW(WW), .AW(AW),
                .ZW(ZW), .ProdW(ProdW)) u_gen (.w_i, .z_i, .a_i, .prod_o);
  end else if (PeType == 5) begin : g_fp8
    mp_pe_fp8 #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .WW(WW), .AW(AW),
                .ProdW(ProdW)) u_fp8 (.w_i, .a_i, .prod_o);
    logic unused_z;
    assign unused_z = ^z_i;
  end else begin : g_unimplemented
    // elaboration error in every tool (Verilator, Icarus, yosys): this PE type
    // has no RTL datapath (mpsim verify reports it before building)
    mp_pe_type_not_implemented_in_rtl u_unimplemented ();
  end
endmodule

`default_nettype wire
