# tests/xcheck/broken/variants.sh - the deliberately broken RTL variants.
# Each function edits a COPY of rtl/ (its argument, never the tracked tree)
# and prints what it broke.  Sourced by tests/xcheck/run_broken.sh.

# Accumulator sign bug: the dequant adds -d instead of d into acc (mp_pe_dq, the
# in-PE dequant of mp_pe_os / mp_pe_ws and the WS edge unit).
v_acc_sign() {
	sed -i 's/mp_fp32_add u_add_pos (\.a_i(\(acc_[a-z]*\)), \.b_i(d_pos)/mp_fp32_add u_add_pos (.a_i(\1), .b_i({~d_pos[31], d_pos[30:0]})/' \
		"$1/mp_pe_dq.sv"
	grep -q '~d_pos\[31\]' "$1/mp_pe_dq.sv" || return 1
	echo "acc = acc + (-d) in mp_pe_dq"
}

# Off-by-one shift in the shift-and-add: weight bit 2 selects a << 3.
v_shift() {
	sed -i 's/if (mag\[2\]) sum = sum + (a_ext <<< 2);/if (mag[2]) sum = sum + (a_ext <<< 3);/' "$1/mp_pe_w4a8.sv"
	grep -q 'mag\[2\]) sum = sum + (a_ext <<< 3)' "$1/mp_pe_w4a8.sv" || return 1
	echo "mp_pe_w4a8: mag[2] selects a <<< 3"
}

# Dequant rounding error: the group dequant fl32(P 2^e s_w s_a) truncates
# instead of rounding to nearest even (a copy of mp_fp32_round used only by
# mp_fl32_scale; the FP32 adder keeps RNE).
v_dq_round() {
	sed -e 's/^module mp_fp32_round /module mp_fp32_round_trunc /' \
	    -e 's/assign round_up = rnd & (stk | sig\[0\]);.*/assign round_up = 1'"'"'b0 \& rnd \& stk \& sig[0];  \/\/ BROKEN: truncation/' \
		"$1/mp_fp32_round.sv" > "$1/mp_fp32_round_trunc.sv"
	grep -q 'BROKEN: truncation' "$1/mp_fp32_round_trunc.sv" || return 1
	sed -i 's/^  mp_fp32_round #(/  mp_fp32_round_trunc #(/' "$1/mp_fl32_scale.sv"
	grep -q mp_fp32_round_trunc "$1/mp_fl32_scale.sv" || return 1
	sed -i 's/^mp_fp32_round.sv$/mp_fp32_round.sv\nmp_fp32_round_trunc.sv/' "$1/rtl.f"
	echo "mp_fl32_scale rounds toward zero (mp_fp32_round_trunc)"
}

# One-cycle skew error: row 1's input skew has two stages instead of one.
v_skew() {
	sed -i 's/mp_skew #(\.Width(RowW + RMetaW), \.Depth(r))/mp_skew #(.Width(RowW + RMetaW), .Depth(r + ((r == 1) ? 1 : 0)))/' \
		"$1/mp_array_os.sv"
	sed -i 's/mp_skew #(\.Width(RowW), \.Depth(r))/mp_skew #(.Width(RowW), .Depth(r + ((r == 1) ? 1 : 0)))/' \
		"$1/mp_array_ws.sv"
	grep -q '(r == 1) ? 1 : 0' "$1/mp_array_os.sv" || return 1
	echo "row 1 input skew r + 1 stages"
}

# fp16 MAC product sign bug: the weight's sign is dropped, fl32(|w| * a) is added
# (the fp16 analogue of MPS_FAULT_SIGN).
v_fp16_sign() {
	sed -i 's/: {w16\[15\], 3'"'"'d0, w16\[14:10\]/: {1'"'"'b0, 3'"'"'d0, w16[14:10]/' "$1/mp_pe_fp16.sv"
	grep -q ": {1'b0, 3'd0, w16\[14:10\]" "$1/mp_pe_fp16.sv" || return 1
	echo "mp_pe_fp16: the fp16 weight's sign is dropped"
}

# Exact accumulator rounding error (accumulate = exact): the final rounding of the
# Kulisch register X (mp_xacc) truncates toward zero instead of rounding to nearest
# even (a copy of mp_fp32_round used only by mp_xacc; the exact sum is intact).
v_xacc_round() {
	sed -e 's/^module mp_fp32_round /module mp_fp32_round_trunc /' \
	    -e 's/assign round_up = rnd & (stk | sig\[0\]);.*/assign round_up = 1'"'"'b0 \& rnd \& stk \& sig[0];  \/\/ BROKEN: truncation/' \
		"$1/mp_fp32_round.sv" > "$1/mp_fp32_round_trunc.sv"
	grep -q 'BROKEN: truncation' "$1/mp_fp32_round_trunc.sv" || return 1
	sed -i 's/^  mp_fp32_round #(/  mp_fp32_round_trunc #(/' "$1/mp_xacc.sv"
	grep -q mp_fp32_round_trunc "$1/mp_xacc.sv" || return 1
	sed -i 's/^mp_fp32_round.sv$/mp_fp32_round.sv\nmp_fp32_round_trunc.sv/' "$1/rtl.f"
	echo "mp_xacc rounds the exact sum toward zero (mp_fp32_round_trunc)"
}
