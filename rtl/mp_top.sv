// SPDX-License-Identifier: Apache-2.0
// mp_top: the interface the harness drives: one unskewed lane record per cycle
// in, one output record per cycle out, plus the per-PE observable state
// (sim/lanes.h: mps_lanes_in_t, mps_lanes_out_t, mps_pe_state_t, field for field).
//
// Parameters: the config's generated view (mpsim config --emit-svh; docs/config.md):
//   Rows, Cols, Dataflow (0 os, 1 ws), PeKind, WeightFmt, ActFmt (mpq_fmt_t),
//   AccWidth, WScheme, AScheme, Group, AccMode, AlignBits, HasZero, DqEdge,
//   DqLatency, PeType, Amx, WLsb, ALsb. Only the datapath-relevant ones shape the
//   RTL; the rest are accepted so the generated view applies unchanged.
// Lane i of a flat port lies at [i*W +: W]; PE (r, c) state at index r*Cols + c.
`default_nettype none

module mp_top #(
  parameter int Rows = 4,
  parameter int Cols = 4,
  parameter int Dataflow = 0,
  parameter int PeKind = 0,
  parameter int WeightFmt = 6,
  parameter int ActFmt = 8,
  parameter int AccWidth = 20,
  parameter int WScheme = 8,
  parameter int AScheme = 12,
  parameter int Group = 0,
  parameter int AccMode = 0,
  parameter int AlignBits = 16,
  parameter int HasZero = 0,
  parameter int DqEdge = 0,
  parameter int DqLatency = 1,
  parameter int PeType = 0,
  parameter int Amx = 0,
  parameter int WLsb = 0,
  parameter int ALsb = 0,
  localparam int WW = (WeightFmt == 6 || WeightFmt == 7 || WeightFmt == 0) ? 4 :
                               (WeightFmt == 1 || WeightFmt == 2) ? 6 :
                               (WeightFmt >= 10) ? 16 : 8,
  // zero point width in the PE column bundle: uint8 weights (int8 asym) 8, else 4
  // (uint4; the lane of a format without zero points carries 0)
  localparam int ZW = (WeightFmt == 9) ? 8 : 4,
  localparam int ACodeW = (ActFmt == 6 || ActFmt == 7 || ActFmt == 0) ? 4 :
                               (ActFmt == 1 || ActFmt == 2) ? 6 :
                               (ActFmt >= 10) ? 16 : 8,
  // activation lane width into the array: w4a16 carries the integer decoded at the
  // edge (align: the pre-aligned AlignBits-bit integer of mp_align; otherwise
  // fp16's 42-bit signed fixed-point view, mp_fixed_int), every other type the code
  localparam int AW = (PeType == 1) ? ((AccMode == 2) ? AlignBits : 42) : ACodeW,
  localparam int RowIdxW = 16
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  // mps_lanes_in_t
  input  logic                          en_i,
  input  logic                          valid_i,
  input  logic                          load_i,
  input  logic [7:0]                    flags_i,
  input  logic [15:0]                   load_row_i,
  input  logic [31:0]                   m_post_i,
  input  logic [Rows*ACodeW-1:0]        a_code_i,
  input  logic [Rows-1:0]               a_valid_i,
  input  logic [Rows*32-1:0]            a_scale_i,
  input  logic [Rows*16-1:0]            a_align_i,
  input  logic [Rows*32-1:0]            a_post_i,
  input  logic [Cols*WW-1:0]            w_code_i,
  input  logic [Cols-1:0]               w_valid_i,
  input  logic [Cols*32-1:0]            w_scale_i,
  input  logic [Cols*32-1:0]            w_scale_n_i,
  input  logic [Cols*8-1:0]             w_zero_i,
  input  logic [Cols*32-1:0]            w_post_i,
  input  logic [Cols*AccWidth-1:0]      pin_p_i,
  input  logic [Cols*AccWidth-1:0]      pin_pn_i,
  input  logic [Cols*32-1:0]            pin_acc_i,
  // mps_lanes_out_t
  output logic [Cols-1:0]               out_valid_o,
  output logic [Cols*RowIdxW-1:0]       out_row_o,
  output logic [Cols-1:0]               out_final_o,
  output logic [Cols*32-1:0]            out_acc_o,
  output logic [Cols*AccWidth-1:0]      out_p_o,
  output logic [Cols*AccWidth-1:0]      out_pn_o,
  // mps_pe_state_t per PE
  output logic [Rows*Cols*AccWidth-1:0] st_p_o,
  output logic [Rows*Cols*AccWidth-1:0] st_pn_o,
  output logic [Rows*Cols*32-1:0]       st_acc_o
);
  // Signed product width per PE type (docs/pe.md): magnitude bits of the fixed-point
  // view (numerics.md 3.1: e2m1 2v <= 12, e2m3 60, e3m2 448, e4m3 229376, e5m2 7*2^29)
  // of weight and activation, plus a sign bit.
  // fp16 41 (mp_fp_fixed's width; finite |i| <= 65504 * 2^24 < 2^40), integer
  // formats 8 (|i| <= 255). generic (mp_pe_gen, two signed integers multiplied):
  // WMagW + AMagW + 2, w4a16: the activation integer (AW) + 4, both capped at
  // AccWidth (>= the bits of the largest |w_int * a_int| by construction,
  // docs/pe.md; the PEs keep AccWidth bits of the product anyway).
  localparam int WMagW = (WeightFmt == 0) ? 4 : (WeightFmt == 1) ? 6 : (WeightFmt == 2) ? 9 :
                         (WeightFmt == 3) ? 18 : (WeightFmt == 4) ? 33 :
                         (WeightFmt == 10) ? 41 : 8;
  localparam int AMagW = (ActFmt == 0) ? 4 : (ActFmt == 1) ? 6 : (ActFmt == 2) ? 9 :
                         (ActFmt == 3) ? 18 : (ActFmt == 4) ? 33 : (ActFmt == 10) ? 41 : 8;
  localparam int ProdW = (PeType == 0) ? 12 :
                         (PeType == 1) ? ((AW + 4 < AccWidth) ? AW + 4 : AccWidth) :
                         (PeType == 2 || PeType == 3) ? AMagW + 5 :
                         (PeType == 5) ? WMagW + AMagW + 1 :
                         (PeType == 7) ? ((WMagW + AMagW + 2 < AccWidth) ?
                                          WMagW + AMagW + 2 : AccWidth) : 16;
  // LSB exponent of p; align: WLsb + E - F with F = AlignBits - 2, the per-group
  // 2^E travelling in the activation scale lane (mp_align)
  localparam int ProdExp = (PeType == 1 && AccMode == 2) ? WLsb - (AlignBits - 2) : WLsb + ALsb;
  localparam int EW = 10;

  // ---- activation lanes into the array; w4a16: the edge pre-aligner, one per
  // row, combinational on the unskewed lanes (docs/pe.md, numerics.md 3.5), or
  // without align fp16's fixed-point view (numerics.md 3.1: i * 2^-24)
  logic [Rows*AW-1:0] a_code;
  logic [Rows*32-1:0] a_scale;
  logic               unused_a;
  if (PeType == 1 && AccMode != 2) begin : g_fixed
    if (ActFmt != 10) begin : g_bad_fmt
      // elaboration error in every tool: bf16 has no fixed-point view (needs align)
      mp_w4a16_bf16_needs_accumulate_align u_unsupported ();
    end
    for (genvar r = 0; r < Rows; r++) begin : g_row
      mp_fixed_int #(.Fmt(10), .HasZero(0), .CW(16)) u_dec (
        .code_i(a_code_i[r*ACodeW +: 16]), .z_i(4'd0), .val_o(a_code[r*AW +: AW])
      );
    end
    // fp16 activations carry no block scale (the lane holds 1.0): pass it on
    assign a_scale  = a_scale_i;
    assign unused_a = ^a_align_i;
  end else if (PeType == 1) begin : g_align
    if (ACodeW != 16) begin : g_bad_mode
      // elaboration error in every tool: align needs fp16 / bf16 activations
      mp_w4a16_needs_16_bit_activations u_unsupported ();
    end
    for (genvar r = 0; r < Rows; r++) begin : g_row
      mp_align #(.ActFmt(ActFmt), .AlignBits(AlignBits)) u_align (
        .code_i(a_code_i[r*ACodeW +: 16]), .e_i(a_align_i[r*16 +: 16]),
        .a_o(a_code[r*AW +: AW]), .scale_o(a_scale[r*32 +: 32])
      );
    end
    // align activations (fp16/bf16 schemes) carry no block scale: s_a = 1
    assign unused_a = ^a_scale_i;
  end else begin : g_no_align
    assign a_code   = a_code_i;
    assign a_scale  = a_scale_i;
    assign unused_a = ^a_align_i;
  end

  logic [Cols*ZW-1:0] w_zero;
  for (genvar c = 0; c < Cols; c++) begin : g_zero
    assign w_zero[c*ZW +: ZW] = w_zero_i[c*8 +: ZW];
    if (ZW < 8) begin : g_hi
      logic unused_zero_hi;
      assign unused_zero_hi = ^w_zero_i[c*8 + ZW +: 8 - ZW];
    end
  end
  logic unused_in;

  if (Dataflow == 0) begin : g_os
    logic [mp_pkg::CtlW-1:0] ctl;
    assign ctl[mp_pkg::CtlValid]     = valid_i;
    assign ctl[mp_pkg::CtlGrpFirst]  = flags_i[0];
    assign ctl[mp_pkg::CtlGrpLast]   = flags_i[1];
    assign ctl[mp_pkg::CtlFoldFirst] = flags_i[2];
    assign ctl[mp_pkg::CtlFoldLast]  = flags_i[4];
    mp_array_os #(.Rows(Rows), .Cols(Cols), .PeType(PeType), .WeightFmt(WeightFmt),
                  .ActFmt(ActFmt), .HasZero(HasZero), .Amx(Amx), .WW(WW), .AW(AW), .ZW(ZW),
                  .ProdW(ProdW), .AccWidth(AccWidth), .ProdExp(ProdExp),
                  .DqLatency(DqLatency), .RowIdxW(RowIdxW), .EW(EW),
                  .AccMode(AccMode)) u_array (
      .clk_i, .rst_ni, .en_i, .ctl_i(ctl),
      .a_code_i(a_code), .a_valid_i, .a_scale_i(a_scale), .a_post_i,
      .w_code_i, .w_valid_i, .w_scale_i, .w_scale_n_i, .w_zero_i(w_zero), .w_post_i,
      .out_valid_o, .out_final_o, .out_row_o, .out_acc_o, .out_p_o, .out_pn_o,
      .st_p_o, .st_pn_o, .st_acc_o
    );
    assign unused_in = ^{load_i, flags_i[7:5], flags_i[3], load_row_i, m_post_i, unused_a,
                         pin_p_i, pin_pn_i, pin_acc_i};
  end else begin : g_ws
    mp_array_ws #(.Rows(Rows), .Cols(Cols), .PeType(PeType), .WeightFmt(WeightFmt),
                  .ActFmt(ActFmt), .HasZero(HasZero), .Amx(Amx), .WW(WW), .AW(AW), .ZW(ZW),
                  .ProdW(ProdW), .AccWidth(AccWidth), .ProdExp(ProdExp),
                  .DqEdge(DqEdge), .DqLatency(DqLatency), .RowIdxW(RowIdxW), .EW(EW)) u_array (
      .clk_i, .rst_ni, .en_i, .valid_i, .load_i, .flags_i, .load_row_i, .m_post_i,
      .a_code_i(a_code), .a_scale_i(a_scale),
      .w_code_i, .w_valid_i, .w_scale_i, .w_scale_n_i, .w_zero_i(w_zero), .w_post_i,
      .pin_p_i, .pin_pn_i, .pin_acc_i,
      .out_valid_o, .out_final_o, .out_row_o, .out_acc_o, .out_p_o, .out_pn_o,
      .st_p_o, .st_pn_o, .st_acc_o
    );
    assign unused_in = ^{a_valid_i, a_post_i, unused_a};
  end
endmodule

`default_nettype wire
