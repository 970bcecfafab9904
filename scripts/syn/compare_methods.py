#!/usr/bin/env python3
"""scripts/syn/compare_methods.py - yosys gate-mapping modes of `mpsim area`
side by side on one config (docs/energy.md section 8).

For each MPS_SYN_ABC mode (bounded, dch, fast, none, full) runs `mpsim area CONFIG
--json` (cached results are reused; their synthesis time is kept in the cache
dir) one at a time, under nice, with a timeout that kills the whole process
group (yosys and berkeley-abc), and prints per mode: the yosys wall time, the
transistors of the PE, its product and dequant units and the output unit,
their difference to the reference mode, and where yosys spent its time (the
`-d` footer of area.log).

usage: /usr/bin/python3 scripts/syn/compare_methods.py CONFIG [--modes bounded,dch,fast,none,full]
           [--ref bounded] [--timeout 1800] [--mpsim build/bin/mpsim]
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

UNITS = (("pe", "PE"), ("product_unit", "product"), ("dequant_unit", "dequant"),
         ("output_unit", "output unit"))


def run(mpsim, cfg, mode, timeout):
    env = dict(os.environ, MPS_SYN_ABC=mode)
    t0 = time.monotonic()
    p = subprocess.Popen(["nice", "-n", "10", mpsim, "area", cfg, "--json"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return {"timeout": time.monotonic() - t0}
    if p.returncode != 0:
        return {"error": err.strip()}
    return json.loads(out)


def passes(log):
    """Wall time of the costliest top-level steps of a yosys -t log (the time
    stamps include the berkeley-abc child, which yosys's own -d table does not)."""
    try:
        with open(log) as f:
            txt = f.read()
    except OSError:
        return ""
    marks = [(float(t), name) for t, name in
             re.findall(r"^\[([0-9.]+)\] \d+\. Executing (\S+)", txt, re.M)]
    end = re.findall(r"^\[([0-9.]+)\] End of script", txt, re.M)
    if end:
        marks.append((float(end[-1]), "end"))
    steps = [(b[0] - a[0], a[1]) for a, b in zip(marks, marks[1:])]
    steps.sort(key=lambda x: -x[0])
    return ", ".join("%s %.1f s" % (n.lower(), t) for t, n in steps[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--modes", default="bounded,dch,fast,none,full")
    ap.add_argument("--ref", default="bounded", help="mode the others are compared with")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--mpsim", default="build/bin/mpsim")
    a = ap.parse_args()
    res = {}
    for mode in a.modes.split(","):
        sys.stderr.write("  %s ...\n" % mode)
        res[mode] = run(a.mpsim, a.config, mode, a.timeout)
    ref = res.get(a.ref, {})
    print("config %s" % a.config)
    print("| mode | yosys s | " + " | ".join("%s transistors" % n for _, n in UNITS) +
          " | PE vs %s | time spent (yosys -d) |" % a.ref)
    print("|---|---|" + "---|" * len(UNITS) + "---|---|")
    for mode, r in res.items():
        if "timeout" in r:
            print("| %s | > %.0f (killed) |%s — | — |" % (mode, r["timeout"], " — |" * len(UNITS)))
            continue
        if "error" in r:
            print("| %s | error: %s |%s — | — |" % (mode, r["error"], " — |" * len(UNITS)))
            continue
        cells = []
        for k, _ in UNITS:
            cells.append("%d" % r[k]["transistors"] if k in r else "—")
        d = "—"
        if "pe" in ref and "pe" in r:
            d = "%+.1f%%" % (100.0 * (r["pe"]["transistors"] / ref["pe"]["transistors"] - 1))
        print("| %s | %.1f%s | %s | %s | %s |" % (mode, r.get("yosys_seconds", 0),
                                                " (cached)" if r.get("cached") else "",
                                                " | ".join(cells), d,
                                                passes(os.path.join(r.get("cache_dir", ""), "area.log"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
