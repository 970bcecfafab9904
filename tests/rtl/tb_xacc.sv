// SPDX-License-Identifier: Apache-2.0
// tb_xacc: replays C-model cycle vectors (tests/rtl/gen_xacc_vectors.c) through
// mp_xacc, the exact accumulator of accumulate = exact, and compares fl32(X) after
// every clock edge bit for bit.
//
//   +vec=FILE  lines "en upd clr p0 s1_0 p1 s1_1 s2 y net" (hex; p 64-bit two's
//              complement)
//   +cfg=int4|mx2|fp16|gen  selects the instance (parameters as in the generator's
//              header); one build covers all four, only the selected one is driven.
// Expected NaN matches only the canonical NaN 32'h7FC0_0000; net = 1 (a vector
// outside the instance's bounds) expects the canonical NaN of the safety net.
// Prints "tb_xacc <cfg>: N passed, N failed"; $fatal(1) on any mismatch.
`default_nettype none

module tb_xacc;
  logic        clk, rst_n, en, upd, clr;
  logic [63:0] p0, p1;
  logic [31:0] s10, s11, s2;
  logic [31:0] y_int4, y_mx2, y_fp16, y_gen, y;
  string       cfg;
  int          sel;  // 0 int4, 1 mx2, 2 fp16, 3 gen (Icarus: no strings in assigns)

  // int4 x int8 (w4a8): fp16 weight scales, any int8-element activation scale
  mp_xacc #(.PW(28), .NT(1), .ProdExp(0), .SumLog2(43), .S1Lsb(-24), .S1Max(16),
            .S2Lsb(-127), .S2Max(127)) u_int4 (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en && sel == 0), .upd_i(upd), .clr_i(clr),
    .p_i(p0[27:0]), .s1_i(s10), .s2_i(s2), .y_o(y_int4)
  );
  // AMXFP4-like, two terms, e8m0 / e4m3 / e5m2 scales on both sides
  mp_xacc #(.PW(40), .NT(2), .ProdExp(-10), .SumLog2(54), .S1Lsb(-127), .S1Max(127),
            .S2Lsb(-127), .S2Max(127)) u_mx2 (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en && sel == 1), .upd_i(upd), .clr_i(clr),
    .p_i({p1[39:0], p0[39:0]}), .s1_i({s11, s10}), .s2_i(s2), .y_o(y_mx2)
  );
  // the fp16 MAC: 1 * fl32(a*w) * 1.0
  mp_xacc #(.PW(2), .NT(1), .ProdExp(0), .SumLog2(32), .S1Lsb(-48), .S1Max(32),
            .S2Lsb(0), .S2Max(0)) u_fp16 (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en && sel == 2), .upd_i(upd), .clr_i(clr),
    .p_i(p0[1:0]), .s1_i(s10), .s2_i(s2), .y_o(y_fp16)
  );
  // any binary32 scales
  mp_xacc #(.PW(20), .NT(1), .ProdExp(-5), .SumLog2(51), .S1Lsb(-149), .S1Max(128),
            .S2Lsb(-149), .S2Max(128)) u_gen (
    .clk_i(clk), .rst_ni(rst_n), .en_i(en && sel == 3), .upd_i(upd), .clr_i(clr),
    .p_i(p0[19:0]), .s1_i(s10), .s2_i(s2), .y_o(y_gen)
  );

  assign y = (sel == 0) ? y_int4 : (sel == 1) ? y_mx2 : (sel == 2) ? y_fp16 : y_gen;

  function automatic logic same_result(input logic [31:0] got, input logic [31:0] want,
                                       input logic net);
    if (net || (want[30:23] == 8'hFF && want[22:0] != 23'd0)) begin
      same_result = (got === 32'h7FC0_0000);
    end else begin
      same_result = (got === want);
    end
  endfunction

  string fname;
  int    fd, n, passed, failed, e_en, e_upd, e_clr, e_net;
  logic [31:0] want;

  initial begin
    sel = -1; clk = 1'b0; rst_n = 1'b1; en = 1'b0; upd = 1'b0; clr = 1'b0;
    p0 = '0; p1 = '0; s10 = '0; s11 = '0; s2 = '0;
    if (!$value$plusargs("vec=%s", fname)) $fatal(1, "tb_xacc: +vec=FILE missing");
    if (!$value$plusargs("cfg=%s", cfg)) $fatal(1, "tb_xacc: +cfg=NAME missing");
    if (cfg == "int4") sel = 0;
    else if (cfg == "mx2") sel = 1;
    else if (cfg == "fp16") sel = 2;
    else if (cfg == "gen") sel = 3;
    else $fatal(1, "tb_xacc: unknown +cfg=%s", cfg);
    fd = $fopen(fname, "r");
    if (fd == 0) $fatal(1, "tb_xacc: cannot open %s", fname);
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    #1;
    if (y !== 32'h0000_0000) $fatal(1, "tb_xacc: %0h after reset, expected +0", y);
    passed = 0;
    failed = 0;
    n = 10;
    while (n == 10) begin
      n = $fscanf(fd, "%h %h %h %h %h %h %h %h %h %h\n", e_en, e_upd, e_clr, p0, s10, p1, s11,
                  s2, want, e_net);
      if (n == 10) begin
        en  = e_en[0];
        upd = e_upd[0];
        clr = e_clr[0];
        #1 clk = 1'b1;
        #1 clk = 1'b0;
        #1;
        if (same_result(y, want, e_net[0])) begin
          passed++;
        end else begin
          failed++;
          if (failed <= 10) begin
            $display("MISMATCH %s cycle %0d: en %0d upd %0d clr %0d p0 %h s1 %h p1 %h s1n %h s2 %h net %0d rtl %h c %h",
                     cfg, passed + failed, en, upd, clr, p0, s10, p1, s11, s2, e_net, y, want);
          end
        end
      end
    end
    if (!$feof(fd)) $fatal(1, "tb_xacc: malformed vector after %0d vectors", passed + failed);
    $fclose(fd);
    $display("tb_xacc %s (%s): %0d passed, %0d failed", cfg, fname, passed, failed);
    if (failed != 0 || passed == 0) $fatal(1, "tb_xacc: %0d mismatching cycles", failed);
    $finish;
  end
endmodule

`default_nettype wire
