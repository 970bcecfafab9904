#!/usr/bin/env python3
"""scripts/peer_scalesim.py - run SCALE-Sim 3.0.0 on one GEMM, side by side with mpsim.

Library (imported by tests/xcheck/scalesim_cycles.py and the bench) and CLI:

    build/venv/bin/python scripts/peer_scalesim.py M K N --rows R --cols C --dataflow os|ws
        [--mpsim build/bin/mpsim --config configs/mixpe-w4a8.ini]

prints SCALE-Sim's compute cycles ("Total Cycles", one less than it simulates,
docs/timing.md section 1), its wall time, and with --mpsim the `mpsim run` figure.

How SCALE-Sim is run (../shared/reference/peers.md sections 1.7 and 11):
- through the Python API with save_disk_space=True, so no traces are written
  (the CLI's -s flag is ignored by scale.py);
- InterfaceBandwidth CALC, so no memory stalls are added (compute cycles only);
- the layout CSV must exist even with custom layouts off (the pip package
  does not ship layouts/): we write one holding only the header line;
- GEMM topology rows end with a comma (the parser drops the last field);
- scratch files live in a temporary directory under build/, removed after.
"""
import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CFG = """[general]
run_name = {name}

[architecture_presets]
ArrayHeight:    {rows}
ArrayWidth:     {cols}
IfmapSramSzkB:   {sram}
FilterSramSzkB:  {sram}
OfmapSramSzkB:   {sram}
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : {df}
MemoryBanks:   1
ReadRequestBuffer: 32
WriteRequestBuffer: 32

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: CALC
UseRamulatorTrace: False
"""

# The header line of SCALE-Sim's layouts/conv_nets/test.csv (one line, ending with a comma).
LAYOUT_HEADER = ("Layer name, IFMAP Height Intraline Factor, IFMAP Width Intraline Factor, "
                 "Filter Height Intraline Factor, Filter Width Intraline Factor, "
                 "Channel Intraline Factor, Num Filter Intraline Factor, "
                 "IFMAP Height Intraline Order, IFMAP Width Intraline Order, "
                 "Channel Intraline Order, IFMAP Height Interline Order, "
                 "IFMAP Width Interline Order, Channel Interline Order, "
                 "Filter Height Intraline Order, Filter Width Intraline Order, "
                 "Num Filter Intraline Order, Filter Height Interline Order, "
                 "Filter Width Interline Order, Num Filter Interline Order,\n")


def scratch_root():
    """build/ under the repository root; temporary directories go in build/tmp."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "tmp")
    os.makedirs(root, exist_ok=True)
    return root


def scalesim_cycles(m, k, n, rows, cols, dataflow, cpu_out=None):
    """SCALE-Sim 3.0.0's compute cycles ("Total Cycles") for C = A(MxK) W(KxN).

    Returns (cycles, stall_cycles, wall_seconds).  SCALE-Sim's GEMM topology
    order is M, N, K.  If cpu_out is a list, the CPU seconds of the run (this
    process, all threads: robust to other load, unlike wall time) are
    appended to it."""
    from scalesim.scale_sim import scalesim  # imported late: slow, optional

    tmp = tempfile.mkdtemp(prefix="scalesim-", dir=scratch_root())
    try:
        cfg = os.path.join(tmp, "arch.cfg")
        topo = os.path.join(tmp, "gemm.csv")
        layout = os.path.join(tmp, "layout.csv")
        with open(cfg, "w") as f:
            # SRAM sizes only matter in USER mode; CALC adds no stalls
            f.write(CFG.format(name="run", rows=rows, cols=cols, df=dataflow, sram=1024))
        with open(topo, "w") as f:
            f.write("Layer Name, M, N, K,\n")
            f.write("gemm0, %d, %d, %d,\n" % (m, n, k))
        with open(layout, "w") as f:
            f.write(LAYOUT_HEADER)
        t0 = time.perf_counter()
        c0 = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            s = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topo,
                         layout=layout, input_type_gemm=True)
            s.run_scale(top_path=os.path.join(tmp, "out"))
        wall = time.perf_counter() - t0
        if cpu_out is not None:
            cpu_out.append(time.process_time() - c0)
        items = s.runner.single_layer_sim_object_list[0].get_compute_report_items()
        return int(items[1]), int(items[2]), wall
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def closed_form(m, k, n, rows, cols, dataflow):
    """docs/timing.md sections 2 and 3: compute_cycles = folds x fold length."""
    cd = lambda a, b: -(-a // b)
    if dataflow == "os":
        return cd(m, rows) * cd(n, cols) * (k + rows + cols - 2)
    return cd(k, rows) * cd(n, cols) * (2 * rows + cols + m - 2)


def write_config(base, rows, cols, dataflow, path, big_memory=True):
    """Copy the preset `base` to `path` with [array] rows/cols/dataflow replaced
    (and, with big_memory, buffers and bandwidth large enough that no stall
    occurs between compute cycles).  Lines are replaced, not appended, so
    the strict parser sees each key once."""
    repl = {"rows": str(rows), "cols": str(cols), "dataflow": dataflow}
    if big_memory:
        repl.update({"ibuf_kib": "65536", "wbuf_kib": "65536", "obuf_kib": "65536",
                     "dram_bytes_per_cycle": "65536", "dram_latency": "0"})
    out = []
    with open(base) as f:
        for line in f:
            key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith(("#", ";")) else None
            if key in repl:
                line = "%s = %s\n" % (key, repl[key])
            out.append(line)
    with open(path, "w") as f:
        f.writelines(out)


def mpsim_run(mpsim, config, m, k, n, mode=None):
    """Run `mpsim run CONFIG --gemm M,K,N --json` and return (stats, wall_seconds):
    the JSON's "stats" object (cycles, compute_cycles, stall_cycles, ...)."""
    args = ["--gemm", "%d,%d,%d" % (m, k, n)]
    if mode:
        args += ["--mode", mode]
    j, wall = mpsim_run_args(mpsim, config, args)
    return j["stats"], wall


def mpsim_run_args(mpsim, config, args):
    """Run `mpsim run CONFIG ARGS... --json` and return (json, wall_seconds)."""
    cmd = [mpsim, "run", config] + list(args) + ["--json"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError("mpsim run: exit %d: %s" % (p.returncode, p.stderr.strip()))
    return json.loads(p.stdout), wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("m", type=int)
    ap.add_argument("k", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--rows", type=int, default=32)
    ap.add_argument("--cols", type=int, default=32)
    ap.add_argument("--dataflow", choices=["os", "ws"], default="os")
    ap.add_argument("--mpsim", help="path of the mpsim binary to compare with")
    ap.add_argument("--config", default="configs/mixpe-w4a8.ini", help="preset to copy")
    ap.add_argument("--repeat", type=int, default=5, help="mpsim runs (median)")
    a = ap.parse_args()
    cyc, stall, wall = scalesim_cycles(a.m, a.k, a.n, a.rows, a.cols, a.dataflow)
    print("scalesim  compute_cycles %d  stalls %d  wall %.3f s" % (cyc, stall, wall))
    print("formula   compute_cycles %d" % closed_form(a.m, a.k, a.n, a.rows, a.cols, a.dataflow))
    if a.mpsim:
        tmp = tempfile.mkdtemp(prefix="peer-", dir=scratch_root())
        try:
            cfg = os.path.join(tmp, "peer.ini")
            write_config(a.config, a.rows, a.cols, a.dataflow, cfg)
            walls, j = [], None
            for _ in range(a.repeat):
                j, w = mpsim_run(a.mpsim, cfg, a.m, a.k, a.n)
                walls.append(w)
            med = statistics.median(walls)
            print("mpsim     compute_cycles %d  wall %.4f s (median of %d)  speed-up %.0fx"
                  % (j["compute_cycles"], med, a.repeat, wall / med))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
