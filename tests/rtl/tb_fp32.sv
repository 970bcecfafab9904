// SPDX-License-Identifier: Apache-2.0
// tb_fp32: replays C-model vectors (tests/rtl/gen_fp32_vectors.c) through
// mp_fp32_add and mp_fl32_scale and compares every output bit for bit.
//
//   +add=FILE     lines "a b y" (hex)            -> mp_fp32_add
//   +scale=FILE   lines "p e s1 s2 y" (hex; p 64-bit, e 32-bit two's complement)
//   +pw=64|32|25  -> mp_fl32_scale #(.PW(64), .EW(12)) (default), #(32, 10) (the
//                    module's defaults) or #(25, 10) (mp_dequant's post scale); one
//                    build covers all three, only the selected instance is driven.
// A NaN expected value same_result only the canonical NaN 32'h7FC0_0000: NaN-ness is
// what the C model fixes (payloads are never compared in mpsim), and canonical NaN
// is the RTL's contract.  Prints "tb_fp32 <kind>: N passed, N failed"; calls
// $fatal(1) on any mismatch or malformed vector, so the simulator exits non-zero.
`default_nettype none

module tb_fp32;

  logic [31:0]        a, b, y_add;
  logic signed [63:0] p64i;
  logic signed [31:0] p32i;
  logic signed [24:0] p25i;
  logic signed [11:0] e12i;
  logic signed [9:0]  e10i, e10j;
  logic [31:0]        s1_64, s2_64, s1_32, s2_32, s1_25, s2_25, y_64, y_32, y_25, y_sc;
  int                 pw, ew;

  mp_fp32_add u_add (
    .a_i(a),
    .b_i(b),
    .y_o(y_add)
  );

  mp_fl32_scale #(
    .PW(64),
    .EW(12)
  ) u_scale64 (
    .p_i (p64i),
    .e_i (e12i),
    .s1_i(s1_64),
    .s2_i(s2_64),
    .y_o (y_64)
  );

  mp_fl32_scale #(
    .PW(32),
    .EW(10)
  ) u_scale32 (
    .p_i (p32i),
    .e_i (e10i),
    .s1_i(s1_32),
    .s2_i(s2_32),
    .y_o (y_32)
  );

  mp_fl32_scale #(
    .PW(25),
    .EW(10)
  ) u_scale25 (
    .p_i (p25i),
    .e_i (e10j),
    .s1_i(s1_25),
    .s2_i(s2_25),
    .y_o (y_25)
  );

  assign y_sc = (pw == 64) ? y_64 : (pw == 32) ? y_32 : y_25;

  function automatic logic same_result(input logic [31:0] got, input logic [31:0] want);
    if (want[30:23] == 8'hFF && want[22:0] != 23'd0) begin
      same_result = (got === 32'h7FC0_0000);
    end else begin
      same_result = (got === want);
    end
  endfunction

  string       fname;
  logic        is_add, done;
  int          fd, n, passed, failed;
  logic [63:0] p64;
  logic [31:0] e32, s1, s2, want;
  logic        fits;

  initial begin
    passed = 0;
    failed = 0;
    a = '0; b = '0; p64i = '0; p32i = '0; p25i = '0; e12i = '0; e10i = '0; e10j = '0;
    s1_64 = '0; s2_64 = '0; s1_32 = '0; s2_32 = '0; s1_25 = '0; s2_25 = '0;
    if (!$value$plusargs("pw=%d", pw)) begin
      pw = 64;
    end
    if (pw != 64 && pw != 32 && pw != 25) begin
      $fatal(1, "tb_fp32: +pw must be 64, 32 or 25");
    end
    ew = (pw == 64) ? 12 : 10;
    if ($value$plusargs("add=%s", fname)) begin
      is_add = 1'b1;
    end else if ($value$plusargs("scale=%s", fname)) begin
      is_add = 1'b0;
    end else begin
      $fatal(1, "tb_fp32: give +add=FILE or +scale=FILE");
    end
    fd = $fopen(fname, "r");
    if (fd == 0) begin
      $fatal(1, "tb_fp32: cannot open %s", fname);
    end
    done = 1'b0;
    while (!done && !$feof(fd)) begin
      if (is_add) begin
        n = $fscanf(fd, "%h %h %h\n", a, b, want);
        done = (n != 3);
      end else begin
        n = $fscanf(fd, "%h %h %h %h %h\n", p64, e32, s1, s2, want);
        done = (n != 5);
        fits = 1'b1;
        if (pw == 64) begin
          p64i = p64; e12i = e32[11:0]; s1_64 = s1; s2_64 = s2;
          fits = (32'($signed(e12i)) == e32);
        end else if (pw == 32) begin
          p32i = p64[31:0]; e10i = e32[9:0]; s1_32 = s1; s2_32 = s2;
          fits = (64'($signed(p32i)) == p64) && (32'($signed(e10i)) == e32);
        end else begin
          p25i = p64[24:0]; e10j = e32[9:0]; s1_25 = s1; s2_25 = s2;
          fits = (64'($signed(p25i)) == p64) && (32'($signed(e10j)) == e32);
        end
      end
      #1;
      if (done) begin
        // end of file (or a trailing malformed line, rejected below)
      end else if (is_add) begin
        if (same_result(y_add, want)) begin
          passed++;
        end else begin
          failed++;
          if (failed <= 10) begin
            $display("MISMATCH add a=%08h b=%08h rtl=%08h c=%08h", a, b, y_add, want);
          end
        end
      end else begin
        if (!fits) begin
          $fatal(1, "tb_fp32: vector p=%h e=%h does not fit PW=%0d EW=%0d", p64, e32, pw, ew);
        end
        if (same_result(y_sc, want)) begin
          passed++;
        end else begin
          failed++;
          if (failed <= 10) begin
            $display("MISMATCH scale p=%h e=%0d s1=%08h s2=%08h rtl=%08h c=%08h",
                     p64, $signed(e32), s1, s2, y_sc, want);
          end
        end
      end
    end
    if (!$feof(fd)) begin
      $fatal(1, "tb_fp32: malformed vector after %0d vectors", passed + failed);
    end
    $fclose(fd);
    $display("tb_fp32 %s PW=%0d EW=%0d (%s): %0d passed, %0d failed", is_add ? "add" : "scale",
             pw, ew, fname,
             passed, failed);
    if (failed != 0 || passed == 0) begin
      $fatal(1, "tb_fp32: %0d mismatching vectors", failed);
    end
    $finish;
  end

endmodule

`default_nettype wire
