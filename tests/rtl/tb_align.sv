// tests/rtl/tb_align.sv - self-checking test of the edge pre-aligner mp_align
// (accumulate = align, numerics.md 3.5; iverilog -g2012): every finite fp16/bf16
// code with three group exponents E against +vec=FILE ("code E a_int scale",
// tests/rtl/gen_pe_vectors.c align). $fatal on any mismatch.
`timescale 1ns/1ps
module tb_align;
  parameter int ActFmt = 10;
  parameter int AlignBits = 16;

  logic [15:0] code;
  logic signed [15:0] e;
  logic signed [AlignBits-1:0] a;
  logic [31:0] scale;
  mp_align #(.ActFmt(ActFmt), .AlignBits(AlignBits)) u_align (
    .code_i(code), .e_i(e), .a_o(a), .scale_o(scale)
  );

  integer fd, n, errors, checked;
  reg [1023:0] path;
  reg [31:0] vc, ve, vs;
  reg [63:0] va;
  initial begin
    errors = 0; checked = 0; code = 0; e = 0;
    if (!$value$plusargs("vec=%s", path)) $fatal(1, "tb_align: +vec=FILE missing");
    fd = $fopen(path, "r");
    if (fd == 0) $fatal(1, "tb_align: cannot open %0s", path);
    while (!$feof(fd)) begin
      n = $fscanf(fd, "%h %h %h %h\n", vc, ve, va, vs);
      if (n == 4) begin
        code = vc[15:0]; e = ve[15:0];
        #1;
        checked = checked + 1;
        if (64'(a) !== va || scale !== vs) begin
          errors = errors + 1;
          if (errors < 10) $display("MISMATCH code=%h E=%0d: got %h %h expected %h %h", code, e,
                                    64'(a), scale, va, vs);
        end
      end
    end
    $fclose(fd);
    if (checked == 0) $fatal(1, "FAIL: tb_align: no vectors");
    if (errors != 0) $fatal(1, "FAIL: tb_align: %0d of %0d wrong", errors, checked);
    $display("PASS: tb_align %0d codes", checked);
    $finish;
  end
endmodule
