// tests/rtl/tb_pe_fp16.sv - self-checking test of the fp16 PE's MAC
// (rtl/mp_pe_fp16.sv: acc' = fl32(acc + fl32(a * w)), numerics.md 3.6) under
// iverilog -g2012: replays +vec=FILE lines "w a acc acc'" (hex) from
// tests/rtl/gen_fp16_vectors.c (the C cycle model's float arithmetic). NaN
// results compare by NaN-ness (the RTL's NaN is always 7FC00000), everything
// else bit for bit. Prints "PASS n vectors" or $fatal on a mismatch.
`timescale 1ns/1ps
module tb_pe_fp16;
  parameter int WeightFmt = 10;
  parameter int ActFmt = 10;

  logic [15:0] w, a;
  logic [31:0] acc, y;
  mp_pe_fp16 #(.WeightFmt(WeightFmt), .ActFmt(ActFmt), .WW(16), .AW(16)) u_mac (
    .w_i(w), .a_i(a), .acc_i(acc), .acc_o(y)
  );

  function automatic bit is_nan(input logic [31:0] v);
    return (v[30:23] == 8'hff) && (v[22:0] != 23'd0);
  endfunction

  integer fd, n, errors, checked;
  reg [1023:0] path;
  reg [31:0] vw, va, vacc, vy;
  initial begin
    errors = 0; checked = 0;
    w = 0; a = 0; acc = 0;
    if (!$value$plusargs("vec=%s", path)) $fatal(1, "tb_pe_fp16: +vec=FILE missing");
    fd = $fopen(path, "r");
    if (fd == 0) $fatal(1, "tb_pe_fp16: cannot open %0s", path);
    while (!$feof(fd)) begin
      n = $fscanf(fd, "%h %h %h %h\n", vw, va, vacc, vy);
      if (n == 4) begin
        w = vw[15:0]; a = va[15:0]; acc = vacc;
        #1;
        checked = checked + 1;
        if (is_nan(vy) ? !is_nan(y) : (y !== vy)) begin
          errors = errors + 1;
          if (errors <= 5)
            $display("MISMATCH w=%h a=%h acc=%h: expected %h, got %h", w, a, acc, vy, y);
        end
      end
    end
    $fclose(fd);
    if (errors != 0) $fatal(1, "FAIL %0d of %0d vectors", errors, checked);
    if (checked == 0) $fatal(1, "FAIL no vectors read");
    $display("PASS %0d vectors", checked);
    $finish;
  end
endmodule
