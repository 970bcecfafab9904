// SPDX-License-Identifier: Apache-2.0
// mp_pe_int8: int8 x int8 multiplier product (the conventional MAC baseline).
//
// Parameters:
//   ProdW  signed product width (>= 16).
`default_nettype none

module mp_pe_int8 #(
  parameter int ProdW = 16
) (
  input  logic [7:0]              w_i,
  input  logic [7:0]              a_i,
  output logic signed [ProdW-1:0] prod_o
);
  logic signed [15:0] prod;
  assign prod = $signed(w_i) * $signed(a_i);
  assign prod_o = ProdW'(prod);
endmodule

`default_nettype wire
