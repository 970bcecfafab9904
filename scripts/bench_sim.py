#!/usr/bin/env python3
"""scripts/bench_sim.py - simulator speed beside the ARCHITECTURE.md targets (make bench).

Prints `name  measured  target  ratio` lines; never fails on a timing.
- sim-fast:  simulated MACs/s of `mpsim run --mode fast` on a Llama-2-7B decode
             layer (--workload llama2-7b:decode), W4A8 preset at 32x32; must be
             bit-exact (outputs_match in the JSON), median of 5 runs;
- sim-cycle: PE-cycles/s (cycles x R x C / wall) of `--mode cycle`, 32x32,
             median of 5 runs;
- vs-scalesim: SCALE-Sim 3.0.0 (once) vs mpsim fast (median of 5) on a 512^3
             GEMM, 32x32 os: CPU-time ratio (both CPU seconds: wall time on a
             shared machine measures the load), and compute cycles equal (+1).  mpsim
             computes the bit-exact outputs too (and self-checks a sample of
             them against model/'s reference); SCALE-Sim computes only timing.
- vs-scalesim-timing: the same GEMM with `mpsim run --timing-only` (cycles,
             stalls, traffic and data-independent counters, no operands and no
             numerics: what SCALE-Sim computes), median wall time of 21 runs
             including process start; compute cycles equal (+1).
Exit status 1 only if a run fails or a correctness condition (bit-exact,
equal cycles) does not hold.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import glob
import resource

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_scalesim as ps  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def line(name, measured, target, unit):
    if measured is None:
        print("%-14s %14s  %12s  %8s  %s" % (name, "n/a", "%.3g" % target, "-", unit))
    else:
        print("%-14s %14.4g  %12.3g  %8.3g  %s" % (name, measured, target, measured / target, unit))


def run_cpu(mpsim, cfg, args):
    """One `mpsim run ... --json`: (json, wall s, CPU s of the child)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    j, w = ps.mpsim_run_args(mpsim, cfg, args)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return j, w, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def median_runs(mpsim, cfg, args, n):
    """Median CPU time (user + sys of the child: one core, robust to load)."""
    cpus, j = [], None
    for _ in range(n):
        j, _w, c = run_cpu(mpsim, cfg, args)
        cpus.append(c)
    return j, statistics.median(cpus)


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

        # (a) fast mode on a decode layer, end to end (operand generation and
        # quantization included; tests/bench/bench_sim_modes times the GEMM alone)
        try:
            j, w = median_runs(a.mpsim, cfg, ["--workload", a.workload, "--mode", "fast"], a.runs)
            macs = j["total"]["macs"] if "total" in j else j["stats"]["macs"]
            if j.get("outputs_match") is not True:
                raise RuntimeError("outputs differ from the reference (outputs_match %r)"
                                   % j.get("outputs_match"))
            line("sim-fast-e2e", macs / w, 1e9,
                 "MAC/s incl. operand generation, %s, %d MACs, %.3f s CPU, %d outputs checked"
                 % (a.workload, macs, w, j.get("outputs_checked", 0)))
            line("workload-run", w, 10.0,
                 "s CPU (lower is better, ratio <= 1 meets), whole `mpsim run --workload %s --mode fast`" % a.workload)
        except Exception as e:
            line("sim-fast-e2e", None, 1e9, "MAC/s: %s" % str(e).splitlines()[0][:120])
            bad += 1
        # bit-exactness of fast mode on the regression traces that fit the preset
        try:
            nt = nok = 0
            for tr in sorted(glob.glob(os.path.join(ROOT, "traces", "regress", "*.safetensors"))):
                try:
                    j, _w, _c = run_cpu(a.mpsim, a.preset, ["--trace", tr, "--mode", "fast"])
                except RuntimeError:
                    continue  # trace does not fit this config
                nt += 1
                nok += j.get("outputs_match") is True
            print("%-14s %14s  %12s  %8s  fast mode bit-exact on %d/%d regression traces"
                  % ("sim-fast-exact", "%d/%d" % (nok, nt), "all", "-", nok, nt))
            bad += nok != nt
        except Exception as e:
            print("sim-fast-exact: %s" % e)
            bad += 1

        # (b) cycle mode PE-cycles/s
        try:
            m, k, n = (int(x) for x in a.cycle_gemm.split(","))
            j, w = median_runs(a.mpsim, cfg, ["--gemm", a.cycle_gemm, "--mode", "cycle"], a.runs)
            cyc = j["stats"]["cycles"] if "stats" in j else j["cycles"]
            line("sim-cycle-e2e", cyc * 32 * 32 / w, 5e8,
                 "PE-cycles/s, 32x32, gemm %s, %d cycles, %.3f s CPU incl. operand generation"
                 % (a.cycle_gemm, cyc, w))
        except Exception as e:
            line("sim-cycle", None, 5e8, "PE-cycles/s: %s" % str(e).splitlines()[0][:120])
            bad += 1

        # (c) SCALE-Sim vs mpsim on 512^3, 32x32 os
        if not a.no_scalesim:
            sscpu = []
            ss, _, ssw = ps.scalesim_cycles(512, 512, 512, 32, 32, "os", cpu_out=sscpu)
            ssc = sscpu[0]
            try:
                big = os.path.join(tmp, "peer_32x32_os.ini")
                ps.write_config(a.preset, 32, 32, "os", big)
                j, w = median_runs(a.mpsim, big, ["--gemm", "512,512,512", "--mode", "fast"], a.runs)
                st = j.get("stats", j)
                eq = st["compute_cycles"] == ss + 1
                line("vs-scalesim", ssc / w, 1000,
                     "x faster, full bit-exact numerics (CPU: scalesim %.2f s (%.2f s wall), mpsim "
                     "%.4f s, outputs_match %s); compute cycles %d vs scalesim %d + 1: %s"
                     % (ssc, ssw, w, j.get("outputs_match"), st["compute_cycles"], ss,
                        "equal" if eq else "DIFFERENT"))
                bad += not eq or j.get("outputs_match") is not True
                walls = []
                for _ in range(21):
                    jt, wt = ps.mpsim_run_args(a.mpsim, big, ["--gemm", "512,512,512", "--timing-only"])
                    walls.append(wt)
                wt = statistics.median(walls)
                stt = jt["stats"]
                eqt = stt["compute_cycles"] == ss + 1 and stt["cycles"] == st["cycles"]
                line("vs-scalesim-timing", ssc / wt, 1000,
                     "x faster, timing only (no numerics, like SCALE-Sim): scalesim %.2f s CPU, mpsim "
                     "%.4f s wall incl. process start; cycles %d (= fast mode's: %s), compute %d vs scalesim %d + 1: %s"
                     % (ssc, wt, stt["cycles"], stt["cycles"] == st["cycles"], stt["compute_cycles"], ss,
                        "equal" if eqt else "DIFFERENT"))
                bad += not eqt
            except Exception as e:
                line("vs-scalesim", None, 1000, "x: scalesim %d cycles in %.2f s; mpsim: %s"
                     % (ss, ssw, str(e).splitlines()[0][:100]))
                bad += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
