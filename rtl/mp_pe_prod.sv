// SPDX-License-Identifier: Apache-2.0
// mp_pe_prod: the product unit of one PE, selected by the PE type.
//
// Parameters:
//   PeType     docs/pe.md type (0 w4a8 shift-add, 4 int8 multiplier).
//   WeightFmt  weight mpq_fmt_t code.
//   HasZero    weight zero points (uint4).
//   WW, AW     weight / activation code widths.   ProdW  signed product width.
`default_nettype none

module mp_pe_prod #(
  parameter int PeType = 0,
  parameter int WeightFmt = 6,
  parameter int HasZero = 0,
  parameter int WW = 4,
  parameter int AW = 8,
  parameter int ProdW = 12
) (
  input  logic [WW-1:0]           w_i,
  input  logic [3:0]              z_i,
  input  logic [AW-1:0]           a_i,
  output logic signed [ProdW-1:0] prod_o
);
  if (PeType == 0) begin : g_w4a8
    mp_pe_w4a8 #(.WeightFmt(WeightFmt), .HasZero(HasZero), .ProdW(ProdW)) u_w4a8 (
      .w_i(w_i[3:0]), .z_i, .a_i(a_i[7:0]), .prod_o
    );
    if (WW > 4) begin : g_unused_w
      logic unused_w;
      assign unused_w = ^w_i[WW-1:4];
    end
    if (AW > 8) begin : g_unused_a
      logic unused_a;
      assign unused_a = ^a_i[AW-1:8];
    end
  end else begin : g_int8
    mp_pe_int8 #(.ProdW(ProdW)) u_int8 (.w_i(w_i[7:0]), .a_i(a_i[7:0]), .prod_o);
    logic unused_z;
    assign unused_z = ^z_i;
  end
endmodule

`default_nettype wire
