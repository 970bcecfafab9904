#!/usr/bin/env python3
"""tests/xcheck/scalesim_cycles.py - mpsim's compute cycles against SCALE-Sim 3.0.0.

For each GEMM shape and array (OS and WS, partial folds along every
dimension, non-square arrays) run SCALE-Sim (CALC mode, no traces) and
`mpsim run CONFIG --gemm M,K,N --json`, and check

    mpsim compute_cycles == SCALE-Sim "Total Cycles" + 1

(SCALE-Sim reports the index of its last cycle, docs/timing.md section 1).
Must-be-able-to-fail check: a deliberately wrong per-fold formula
(OS K + R + C - 1, WS 2R + C + M - 1) must disagree with SCALE-Sim on every
shape.  Closing line "N passed, N failed"; exit 1 on any failure.

usage: scalesim_cycles.py --mpsim build/bin/mpsim [--base configs/int8-mac.ini] [--quick]
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import peer_scalesim as ps  # noqa: E402

# (M, K, N, rows, cols, dataflow): small enough that all of them take < 1 min
CASES = [
    (64, 64, 64, 16, 16, "os"),     # whole folds
    (50, 70, 30, 16, 16, "os"),     # partial M and N folds
    (37, 100, 45, 8, 12, "os"),     # non-square, partial M and N
    (1, 64, 96, 16, 16, "os"),      # decode-like: one token
    (20, 33, 17, 4, 8, "os"),       # many folds, odd K
    (256, 256, 128, 32, 32, "os"),  # peers.md 1.4 figure: 10,175
    (64, 64, 64, 16, 16, "ws"),     # whole folds
    (50, 70, 30, 16, 16, "ws"),     # partial K and N folds
    (37, 100, 45, 12, 8, "ws"),     # non-square, partial K and N
    (3, 45, 70, 16, 8, "ws"),       # few tokens, partial K and N
    (20, 33, 17, 8, 4, "ws"),       # many folds
    (128, 96, 80, 32, 16, "ws"),    # non-square, partial N
]


def wrong_formula(m, k, n, r, c, df):
    """Off by one per fold: what a model that forgot the skew's -1 would say."""
    cd = lambda a, b: -(-a // b)
    if df == "os":
        return cd(m, r) * cd(n, c) * (k + r + c - 1)
    return cd(k, r) * cd(n, c) * (2 * r + c + m - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpsim", required=True, help="path of the mpsim binary")
    ap.add_argument("--base", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "..", "configs", "int8-mac.ini"),
                    help="preset copied into each temporary config")
    ap.add_argument("--quick", action="store_true", help="first 4 cases only")
    a = ap.parse_args()

    passed = failed = 0
    cases = CASES[:4] if a.quick else CASES
    tmp = tempfile.mkdtemp(prefix="xcheck-scalesim-", dir=ps.scratch_root())
    print("%-5s %-6s %-15s %10s %10s %10s %10s  %s" %
          ("df", "array", "M,K,N", "scalesim", "mpsim", "formula", "wrong", "result"))
    try:
        for (m, k, n, r, c, df) in cases:
            ss, stalls, _ = ps.scalesim_cycles(m, k, n, r, c, df)
            cfg = os.path.join(tmp, "%s_%dx%d.ini" % (df, r, c))
            ps.write_config(a.base, r, c, df, cfg)
            try:
                j, _ = ps.mpsim_run(a.mpsim, cfg, m, k, n)
                got = j.get("compute_cycles")
                err = None if got is not None else "no compute_cycles in the JSON"
            except Exception as e:  # a failed run is a failed check, reported
                got, err = None, str(e)
            bad = wrong_formula(m, k, n, r, c, df)
            form = ps.closed_form(m, k, n, r, c, df)
            ok = got == ss + 1 and stalls == 0
            res = "ok" if ok else "FAIL"
            if err:
                res += " (%s)" % err.splitlines()[0][:100]
            elif not ok:
                res += " (expected scalesim + 1 = %d)" % (ss + 1)
            print("%-5s %-6s %-15s %10d %10s %10d %10d  %s" %
                  (df, "%dx%d" % (r, c), "%d,%d,%d" % (m, k, n), ss,
                   got if got is not None else "-", form, bad, res))
            passed += ok
            failed += not ok
            # the check can fail: the wrong model must be caught
            if bad != ss + 1:
                passed += 1
            else:
                failed += 1
                print("  wrong formula K+R+C-1 / 2R+C+M-1 was not caught on this shape")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
