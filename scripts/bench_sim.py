#!/usr/bin/env python3
"""scripts/bench_sim.py - simulator speed beside the ARCHITECTURE.md targets (make bench).

Prints `name  measured  target  ratio` lines; never fails on a timing.
- sim-fast:  simulated MACs/s of `mpsim run --mode fast` on a Llama-2-7B decode
             layer (--workload llama2-7b:decode), W4A8 preset at 32x32; must be
             bit-exact (outputs_match in the JSON), median of 5 runs;
- sim-cycle: PE-cycles/s (cycles x R x C / wall) of `--mode cycle`, 32x32,
             median of 5 runs;
- vs-scalesim: SCALE-Sim 3.0.0 (once) vs mpsim fast (median of 5) on a 512^3
             GEMM, 32x32 os: speed ratio, and compute cycles equal (+1).
Exit status 1 only if a run fails or a correctness condition (bit-exact,
equal cycles) does not hold.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_scalesim as ps  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def line(name, measured, target, unit):
    if measured is None:
        print("%-14s %14s  %12s  %8s  %s" % (name, "n/a", "%.3g" % target, "-", unit))
    else:
        print("%-14s %14.4g  %12.3g  %8.3g  %s" % (name, measured, target, measured / target, unit))


def median_runs(mpsim, cfg, args, n):
    walls, j = [], None
    for _ in range(n):
        j, w = ps.mpsim_run_args(mpsim, cfg, args)
        walls.append(w)
    return j, statistics.median(walls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpsim", required=True)
    ap.add_argument("--preset", default=os.path.join(ROOT, "configs", "mixpe-w4a8.ini"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workload", default="llama2-7b:decode")
    ap.add_argument("--cycle-gemm", default="64,512,64")
    ap.add_argument("--no-scalesim", action="store_true")
    a = ap.parse_args()
    bad = 0
    tmp = tempfile.mkdtemp(prefix="bench-sim-", dir=ps.scratch_root())
    print("%-14s %14s  %12s  %8s  %s" % ("name", "measured", "target", "ratio", "unit / note"))
    try:
        cfg = os.path.join(tmp, "w4a8_32x32_os.ini")
        ps.write_config(a.preset, 32, 32, "os", cfg, big_memory=False)

        # (a) fast mode on a decode layer, bit-exact
        try:
            j, w = median_runs(a.mpsim, cfg, ["--workload", a.workload, "--mode", "fast"], a.runs)
            exact = j.get("outputs_match")
            line("sim-fast", j["macs"] / w, 1e9,
                 "MAC/s, %s, %d MACs, %.3f s, outputs_match=%s" % (a.workload, j["macs"], w, exact))
            if exact is not True:
                bad += 1
                print("  sim-fast: outputs are not bit-exact against the model's reference")
        except Exception as e:
            line("sim-fast", None, 1e9, "MAC/s: %s" % str(e).splitlines()[0][:120])
            bad += 1

        # (b) cycle mode PE-cycles/s
        try:
            m, k, n = (int(x) for x in a.cycle_gemm.split(","))
            j, w = median_runs(a.mpsim, cfg, ["--gemm", a.cycle_gemm, "--mode", "cycle"], a.runs)
            line("sim-cycle", j["cycles"] * 32 * 32 / w, 5e8,
                 "PE-cycles/s, 32x32, gemm %s, %d cycles, %.3f s" % (a.cycle_gemm, j["cycles"], w))
        except Exception as e:
            line("sim-cycle", None, 5e8, "PE-cycles/s: %s" % str(e).splitlines()[0][:120])
            bad += 1

        # (c) SCALE-Sim vs mpsim on 512^3, 32x32 os
        if not a.no_scalesim:
            ss, _, ssw = ps.scalesim_cycles(512, 512, 512, 32, 32, "os")
            try:
                big = os.path.join(tmp, "peer_32x32_os.ini")
                ps.write_config(a.preset, 32, 32, "os", big)
                j, w = median_runs(a.mpsim, big, ["--gemm", "512,512,512", "--mode", "fast"], a.runs)
                eq = j["compute_cycles"] == ss + 1
                line("vs-scalesim", ssw / w, 1000,
                     "x faster (scalesim %.2f s, mpsim %.4f s); compute cycles %d vs scalesim %d + 1: %s"
                     % (ssw, w, j["compute_cycles"], ss, "equal" if eq else "DIFFERENT"))
                bad += not eq
            except Exception as e:
                line("vs-scalesim", None, 1000, "x: scalesim %d cycles in %.2f s; mpsim: %s"
                     % (ss, ssw, str(e).splitlines()[0][:100]))
                bad += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
