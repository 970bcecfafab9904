// SPDX-License-Identifier: Apache-2.0
// mp_fp32_round: round (-1)^sign * mag * 2^exp once to IEEE-754 binary32 (RNE).
//
// Shared back end of mp_fp32_add and mp_fl32_scale (docs/numerics.md §3: every
// fl32() of the datapath).  Combinational.  Normalizes mag (leading-zero shift),
// denormalizes below 2^-126 (FP32 subnormals), rounds to nearest even and packs,
// with overflow to +-Inf and an exact zero giving {sign_i, 31'b0}.  Never emits
// NaN or consumes Inf: the callers handle those classes.
//
// Parameters
//   MW  width of the magnitude mag_i (unsigned), >= 26.
//   XW  width of the signed exponent exp_i; MW - 1 + |exp_i| must fit in XW + 1 bits
//       (MW <= 2^(XW-1) is enough).
//
// mag_i may be exact, or may carry a sticky ("jam") bit in bit 0 that stands for
// non-zero bits below it.  That is exact for RNE as long as bit 0 lies strictly
// below the round bit of the result (>= 2 positions below its LSB), which
// mp_fp32_add guarantees (see there).
`default_nettype none

module mp_fp32_round #(
  parameter int MW = 28,
  parameter int XW = 10
) (
  input  logic                 sign_i,
  input  logic        [MW-1:0] mag_i,
  input  logic signed [XW-1:0] exp_i,
  output logic        [31:0]   y_o
);

  // ---- normalize: shift left until the MSB is 1 (log-shifter, computes the lzc) ----
  localparam int NS = $clog2(MW);  // stages: shifts 2^(NS-1) .. 1
  localparam int XI = XW + 2;      // internal exponent width

  logic [MW-1:0] norm;      // mag_i shifted left by lzc: MSB set unless mag_i == 0
  logic [NS-1:0] lzc;       // leading zero count of mag_i (mag_i != 0)
  logic          mag_zero;

  // Stage k shifts by 2^k when the top 2^k bits are zero; going from the largest
  // stage down, the remaining leading-zero count stays below 2^k.
  always_comb begin
    norm = mag_i;
    lzc  = '0;
    for (int k = NS - 1; k >= 0; k--) begin
      if ((norm >> (MW - (1 << k))) == '0) begin
        norm   = norm << (1 << k);
        lzc[k] = 1'b1;
      end
    end
  end
  assign mag_zero = ~norm[MW-1];  // after normalization only zero lacks the MSB

  // Exponent of the MSB: value in [2^ex, 2^(ex+1)).
  logic signed [XI-1:0] ex;
  assign ex = $signed({{(XI - XW){exp_i[XW-1]}}, exp_i}) + $signed(XI'(MW - 1))
            - $signed(XI'(lzc));

  // 24 significand bits, the round bit, and a sticky bit for everything below.
  logic [25:0] win;
  assign win = {norm[MW-1 -: 25], |norm[MW-26:0]};

  // ---- denormalize: results below 2^-126 have their quantum fixed at 2^-149 ----
  localparam logic signed [XI-1:0] EMinNorm = -XI'(126);  // exponent of 2^-126
  localparam logic signed [XI-1:0] EMax     = XI'(127);

  logic                 tiny, huge;
  logic signed [XI-1:0] dsh_full;
  logic [4:0]           dsh;
  assign tiny     = ex < EMinNorm;
  assign huge     = ex > EMax;
  assign dsh_full = EMinNorm - ex;
  // a shift >= 26 leaves only the sticky bit, as 26 does
  assign dsh      = !tiny ? 5'd0 : (dsh_full > $signed(XI'(26))) ? 5'd26 : dsh_full[4:0];

  logic [51:0] wsh;
  logic [25:0] rwin;
  assign wsh  = {win, 26'd0} >> dsh;
  assign rwin = {wsh[51:27], wsh[26] | (|wsh[25:0])};

  // ---- round to nearest even, then pack (a carry ripples into the exponent) ----
  logic [23:0] sig;
  logic        rnd, stk, round_up;
  assign sig      = rwin[25:2];
  assign rnd      = rwin[1];
  assign stk      = rwin[0];
  // tests/rtl/run_fp32.sh mutates the next line for its negative control: keep it as is.
  assign round_up = rnd & (stk | sig[0]);  // RNE

  // Biased exponent minus 1; sig[23] (the hidden bit) adds the 1 back.  Subnormals
  // use 0 and have sig[23] = 0.  ex + 126 is in [0, 253] when neither tiny nor huge.
  logic [XI-1:0] ebias;
  logic [7:0]    efield;
  logic [30:0]   packed_mag;
  assign ebias      = ex - EMinNorm;
  assign efield     = tiny ? 8'd0 : ebias[7:0];
  // The sum cannot exceed 31'h7F80_0000 (+Inf), reached when rounding carries out of
  // the largest binade.
  assign packed_mag = {efield, 23'd0} + {7'd0, sig} + {30'd0, round_up};

  assign y_o = mag_zero ? {sign_i, 31'd0}
             : huge     ? {sign_i, 8'hFF, 23'd0}
             : {sign_i, packed_mag};

  logic unused_ebias;
  assign unused_ebias = ^{ebias[XI-1:8], dsh_full[XI-1:5]};

endmodule

`default_nettype wire
