// SPDX-License-Identifier: Apache-2.0
// mp_pkg: shared constants of the mpsim RTL (mirror of sim/cfg.h / sim/lanes.h enums).
//
// Format codes are the values of mpq_fmt_t (model/mpq.h); dataflow and PE kind
// codes those of mps_dataflow_t / mps_pe_kind_t (sim/cfg.h).
`default_nettype none

package mp_pkg;
  // mpq_fmt_t
  localparam int FmtE2m1 = 0;
  localparam int FmtE2m3 = 1;
  localparam int FmtE3m2 = 2;
  localparam int FmtE4m3 = 3;
  localparam int FmtE5m2 = 4;
  localparam int FmtE8m0 = 5;
  localparam int FmtInt4 = 6;
  localparam int FmtUint4 = 7;
  localparam int FmtInt8 = 8;
  localparam int FmtUint8 = 9;
  localparam int FmtFp16 = 10;
  localparam int FmtBf16 = 11;
  localparam int FmtFp32 = 12;
  // mps_dataflow_t
  localparam int DataflowOs = 0;
  localparam int DataflowWs = 1;
  // mps_pe_kind_t
  localparam int PeKindShiftAdd = 0;
  localparam int PeKindMultiplier = 1;
  // Step control flags (bit positions of the ctl vector that travels with the
  // activation stream; see docs/verification.md).
  localparam int CtlValid = 0;      // a real k (OS) / token (WS) step
  localparam int CtlGrpFirst = 1;   // OS: k is the first of its group
  localparam int CtlGrpLast = 2;    // OS: k is the last of its group
  localparam int CtlFoldFirst = 3;  // OS: k lies in the fold's first group
  localparam int CtlFoldLast = 4;   // OS: last k of the fold
  localparam int CtlW = 5;
endpackage

`default_nettype wire
