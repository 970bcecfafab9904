// tests/rtl/tb_pe.sv - self-checking PE-level test (iverilog -g2012; also runs
// under Verilator --binary): (1) every weight x zero point x activation product
// of mp_pe_prod against +prod=FILE, (2) a random sequence of groups through one
// output-stationary PE (mp_pe_os: product unit, group partial sum p (AMXFP4:
// p for sign-0 weights, pn for sign-1 weights), in-PE dequant fl32(P 2^e s_w s_a)
// (AMXFP4: then fl32(Pn 2^e s_wn s_a)), FP32 accumulation) against +seq=FILE.
// Vectors come from tests/rtl/gen_pe_vectors.c (golden model). $fatal on any
// mismatch. ADec = 1: the vectors carry 16-bit activation codes that pass
// mp_fixed_int (ActFmt) into the AW-bit activation lane first, as mp_top's
// edge decoder of w4a16 without align (fp16 on its fixed-point view).
`timescale 1ns/1ps
module tb_pe;
  parameter int PeType = 0;
  parameter int WeightFmt = 6;
  parameter int ActFmt = 8;
  parameter int HasZero = 0;
  parameter int Amx = 0;
  parameter int WW = 4;
  parameter int AW = 8;
  parameter int ProdW = 12;
  parameter int AccWidth = 24;
  parameter int ProdExp = 0;
  parameter int ADec = 0;
  localparam int ACW = (ADec != 0) ? 16 : AW;  // activation width in the vectors
  localparam int ZW = (WeightFmt == 9) ? 8 : 4;  // zero point width (mp_top)

  // ---- (1) products -------------------------------------------------------
  logic [WW-1:0] w;
  logic [ZW-1:0] z;
  logic [ACW-1:0] a, pa;
  logic [AW-1:0] a_lane, pa_lane;
  logic signed [ProdW-1:0] prod;
  if (ADec != 0) begin : g_adec
    mp_fixed_int #(.Fmt(ActFmt), .HasZero(0), .CW(16)) u_adec (
      .code_i(a), .z_i(4'd0), .val_o(a_lane));
    mp_fixed_int #(.Fmt(ActFmt), .HasZero(0), .CW(16)) u_padec (
      .code_i(pa), .z_i(4'd0), .val_o(pa_lane));
  end else begin : g_acode
    assign a_lane = a;
    assign pa_lane = pa;
  end
  mp_pe_prod #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
               .WW(WW), .AW(AW), .ZW(ZW), .ProdW(ProdW)) u_prod (.w_i(w), .z_i(z), .a_i(a_lane),
                                                        .prod_o(prod));

  // ---- (2) one OS PE ----------------------------------------------------------
  logic clk, rst_n;
  logic [4:0] ctl;
  logic [31:0] as, ws, wsn;
  logic [WW-1:0] pw;
  logic [ZW-1:0] pz;
  logic [5+32+AW-1:0] row_i, row_o;
  logic [ZW+64+WW-1:0] col_i, col_o;
  logic signed [AccWidth-1:0] p, pn;
  logic [31:0] acc;
  assign row_i = {ctl, as, pa_lane};
  assign col_i = {pz, wsn, ws, pw};
  mp_pe_os #(.PeType(PeType), .WeightFmt(WeightFmt), .ActFmt(ActFmt), .HasZero(HasZero),
             .Amx(Amx), .WW(WW), .AW(AW), .ZW(ZW), .ProdW(ProdW), .AccWidth(AccWidth),
             .ProdExp(ProdExp), .EW(10)) u_pe (
    .clk_i(clk), .rst_ni(rst_n), .en_i(1'b1), .row_i, .col_i, .row_o, .col_o,
    .p_o(p), .pn_o(pn), .acc_o(acc)
  );

  integer fd, n, errors, checked, steps;
  reg [1023:0] path;
  reg [31:0] vw, vz, va, vctl, vas, vws, vwsn, vacc;
  reg [63:0] vp, vpn, vprod;
  initial begin
    errors = 0; checked = 0; steps = 0;
    clk = 0; rst_n = 1; ctl = 0; as = 0; ws = 0; wsn = 0; pw = 0; pz = 0; pa = 0;
    w = 0; z = 0; a = 0;
    if (!$value$plusargs("prod=%s", path)) $fatal(1, "tb_pe: +prod=FILE missing");
    fd = $fopen(path, "r");
    if (fd == 0) $fatal(1, "tb_pe: cannot open %0s", path);
    while (!$feof(fd)) begin
      n = $fscanf(fd, "%h %h %h %h\n", vw, vz, va, vprod);
      if (n == 4) begin
        w = vw[WW-1:0]; z = vz[ZW-1:0]; a = va[ACW-1:0];
        #1;
        checked = checked + 1;
        if (64'(prod) !== vprod) begin
          errors = errors + 1;
          if (errors < 10) $display("MISMATCH prod w=%h z=%h a=%h: got %h expected %h", w, z, a,
                                    64'(prod), vprod);
        end
      end
    end
    $fclose(fd);
    if (checked == 0) $fatal(1, "FAIL: tb_pe: no product vectors");
    if (errors != 0) $fatal(1, "FAIL: tb_pe products: %0d of %0d wrong", errors, checked);

    if (!$value$plusargs("seq=%s", path)) $fatal(1, "tb_pe: +seq=FILE missing");
    fd = $fopen(path, "r");
    if (fd == 0) $fatal(1, "tb_pe: cannot open %0s", path);
    #1 rst_n = 0;
    #1 rst_n = 1;
    while (!$feof(fd)) begin
      n = $fscanf(fd, "%h %h %h %h %h %h %h %h %h %h\n", vctl, va, vas, vw, vws, vwsn, vz, vp,
                  vpn, vacc);
      if (n == 10) begin
        // bench ctl bits: valid, g_first, g_last, fold_first -> mp_pkg Ctl* positions
        ctl = {1'b0, vctl[3], vctl[2], vctl[1], vctl[0]};
        pa = va[ACW-1:0]; as = vas; pw = vw[WW-1:0]; ws = vws; wsn = vwsn; pz = vz[ZW-1:0];
        #4 clk = 1;
        #1;
        steps = steps + 1;
        if ((64'(p) !== vp) || (64'(pn) !== vpn) || (acc !== vacc)) begin
          errors = errors + 1;
          if (errors < 10) $display("MISMATCH step %0d: p %h pn %h acc %h, expected p %h pn %h acc %h",
                                    steps, 64'(p), 64'(pn), acc, vp, vpn, vacc);
        end
        #4 clk = 0;
      end
    end
    $fclose(fd);
    if (steps == 0) $fatal(1, "FAIL: tb_pe: no sequence vectors");
    if (errors != 0) $fatal(1, "FAIL: tb_pe sequence: %0d of %0d steps wrong", errors, steps);
    $display("PASS: tb_pe %0d products, %0d PE steps", checked, steps);
    $finish;
  end
endmodule
