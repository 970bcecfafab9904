#!/usr/bin/env python3
"""tests/xcheck/area_check.py - end-to-end check of `mpsim area` (yosys).

On configs/rtl-w4a8-4x4.ini (synthesized once, then cached in build/syn/;
about a minute on a cold cache, docs/energy.md 8) and variants of it written
to --tmp, checks:
  - the --json output has every field, and every count is > 0; the cells by
    type add up to the cell count, and the transistor count is the yosys cmos
    cost table applied to them;
  - the units nest: product unit and dequant unit < PE < 1x1 top;
  - the array grows with rows and with cols (by at least one PE per added
    PE), and the PE with the accumulator width (group 32 -> 128: AccWidth
    17 -> 19; two more yosys runs in MPS_SYN_ABC=none mode, whose yosys
    techmap counts move with the RTL without ABC's heuristics, ~15 s each);
  - the cache: a second run says cached, gives the same numbers, and is fast;
  - the sky130_fd_sc_hd cell-area figures are present and consistent;
  - a config the RTL does not implement exits 0 with has_rtl false and a
    reason; a bad MPS_SYN_ABC exits 2.
Closes with "N passed, N failed".

usage: build/venv/bin/python tests/xcheck/area_check.py --mpsim build/bin/mpsim --tmp DIR
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

PASSED = 0
FAILED = 0
BASE = "configs/rtl-w4a8-4x4.ini"
# yosys kernel/cost.h, CellCosts::cmos_gate_cost() (toolchain.md 6)
CMOS = {"$_BUF_": 1, "$_NOT_": 2, "$_AND_": 6, "$_NAND_": 4, "$_OR_": 6, "$_NOR_": 4,
        "$_ANDNOT_": 6, "$_ORNOT_": 6, "$_XOR_": 12, "$_XNOR_": 12, "$_AOI3_": 6, "$_OAI3_": 6,
        "$_AOI4_": 8, "$_OAI4_": 8, "$_MUX_": 12, "$_NMUX_": 10, "$_DFF_P_": 16, "$_DFF_N_": 16}


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL: %s" % what)
    return cond


def variant(tmp, name, over):
    with open(BASE) as f:
        lines = f.read().splitlines()
    out = []
    for l in lines:
        k = l.split("=")[0].strip()
        if k in over and "=" in l and not l.lstrip().startswith("#"):
            l = "%s = %s" % (k, over[k])
        out.append(l)
    p = os.path.join(tmp, name + ".ini")
    with open(p, "w") as f:
        f.write("\n".join(out) + "\n")
    return p


def area(mpsim, cfg, env=None):
    t0 = time.monotonic()
    p = subprocess.run([mpsim, "area", cfg, "--json"], capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    dt = time.monotonic() - t0
    j = None
    if p.returncode == 0:
        try:
            j = json.loads(p.stdout)
        except ValueError:
            pass
    return p.returncode, j, dt, p.stderr.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpsim", default="build/bin/mpsim")
    ap.add_argument("--tmp", default="build/xcheck-area")
    a = ap.parse_args()
    os.makedirs(a.tmp, exist_ok=True)

    rc, j, dt, err = area(a.mpsim, BASE)
    print("mpsim area %s: rc %d, %.1f s%s" % (BASE, rc, dt, (", " + err) if err else ""))
    if not check(rc == 0 and j is not None, "mpsim area %s --json failed (rc %d): %s" % (BASE, rc, err)):
        print("%d passed, %d failed" % (PASSED, FAILED))
        return 1
    if not j.get("cached"):
        print("  (synthesized: yosys %.1f s)" % j.get("yosys_seconds", 0))

    # fields
    for k in ("pe_type", "rows", "cols", "has_rtl", "method", "source", "cache_dir", "cached", "pe",
              "product_unit", "dequant_unit", "output_unit", "top_1x1", "edge_flop_bits",
              "edge_transistors", "array_transistors", "um2_per_transistor", "pe_um2_estimate",
              "array_mm2_estimate"):
        check(k in j, "field %s missing from the area JSON" % k)
    check(j.get("has_rtl") is True and j.get("pe_type") == "w4a8", "has_rtl / pe_type")
    check(j.get("method") == "bounded", "default method is bounded (got %s)" % j.get("method"))

    # counts > 0, by-type sums, cmos costs
    for u in ("pe", "product_unit", "dequant_unit", "output_unit", "top_1x1"):
        x = j.get(u, {})
        for k in ("cells", "transistors", "um2_estimate"):
            check(x.get(k, 0) > 0, "%s.%s = %s, not > 0" % (u, k, x.get(k)))
        if u != "product_unit" and u != "dequant_unit":  # combinational units have no flops
            check(x.get("flops", 0) > 0, "%s.flops = %s, not > 0" % (u, x.get("flops")))
        bt = x.get("cells_by_type", {})
        check(bt and all(n > 0 for n in bt.values()), "%s: a cell type with count 0" % u)
        check(sum(bt.values()) == x.get("cells"), "%s: cells by type add up to %d, not %s"
              % (u, sum(bt.values()), x.get("cells")))
        check(all(t in CMOS for t in bt), "%s: a cell type outside the cmos table: %s"
              % (u, [t for t in bt if t not in CMOS]))
        check(sum(CMOS.get(t, 0) * n for t, n in bt.items()) == x.get("transistors"),
              "%s: transistors != cmos cost table x cells by type" % u)
        check(bt.get("$_DFF_P_", 0) == x.get("flops"), "%s: flops != $_DFF_P_ count "
              "(async2sync + dffunmap should leave only $_DFF_P_)" % u)
    for k in ("edge_flop_bits", "edge_transistors", "array_transistors", "pe_um2_estimate",
              "array_mm2_estimate", "um2_per_transistor"):
        check(j.get(k, 0) > 0, "%s = %s, not > 0" % (k, j.get(k)))

    # sky130 cell areas: every gate type has a cell, so unit sums are > 0 and
    # the PE's um^2 per cmos transistor is in the range of the cells' own
    # (0.73 um^2/T for xor2_1 .. 1.88 for inv_1)
    check(j.get("pe_sky130hd_um2", 0) > 0 and j.get("array_sky130hd_mm2", 0) > 0, "sky130hd fields")
    r = j.get("pe_sky130hd_um2", 0) / j["pe"]["transistors"]
    check(0.7 < r < 1.9, "PE sky130hd um^2 per transistor %.3f outside 0.7..1.9" % r)
    check(abs(j["pe"].get("sky130hd_um2", 0) - j.get("pe_sky130hd_um2", -1)) < 1e-6, "pe.sky130hd_um2")

    # nesting
    pe = j["pe"]["transistors"]
    check(j["product_unit"]["transistors"] < pe, "product unit not smaller than the PE")
    check(j["dequant_unit"]["transistors"] < pe, "dequant unit not smaller than the PE")
    check(pe + j["output_unit"]["transistors"] <= j["top_1x1"]["transistors"],
          "PE + output unit larger than the whole 1x1 top")
    check(j["array_transistors"] >= 16 * pe, "4x4 array smaller than 16 PEs")

    # array grows with rows and cols (same synthesis: cached)
    for name, over in (("r8", {"rows": "8"}), ("c8", {"cols": "8"})):
        rc2, j2, dt2, err2 = area(a.mpsim, variant(a.tmp, name, over))
        if check(rc2 == 0 and j2, "mpsim area %s failed: %s" % (name, err2)):
            check(j2.get("cached") is True, "%s: a rows/cols change re-ran yosys" % name)
            check(j2["pe"]["transistors"] == pe, "%s: PE area changed with the array size" % name)
            check(j2["array_transistors"] >= j["array_transistors"] + 16 * pe,
                  "%s: array %d not >= 4x4 array %d + 16 PEs" % (name, j2["array_transistors"],
                                                                j["array_transistors"]))
            check(j2["array_mm2_estimate"] > j["array_mm2_estimate"], "%s: mm^2 did not grow" % name)

    # accumulator width: group 32 (AccWidth 17) vs the base's group 128 (19),
    # both in none mode (a different cache entry from the default mode's)
    g32 = variant(a.tmp, "g32", {"group": "32"})
    cfgout = subprocess.run([a.mpsim, "config", g32], capture_output=True, text=True).stdout
    m = re.search(r"AccWidth (\d+)", cfgout)
    check(m and int(m.group(1)) < 19, "group 32 should narrow AccWidth below 19: %s" % cfgout.strip())
    none = {"MPS_SYN_ABC": "none"}
    rc3, j3, dt3, err3 = area(a.mpsim, g32, none)
    rc7, j7, dt7, err7 = area(a.mpsim, BASE, none)
    print("mpsim area, none mode: group 32 rc %d %.1f s, group 128 rc %d %.1f s" % (rc3, dt3, rc7, dt7))
    if check(rc3 == 0 and j3 and rc7 == 0 and j7, "mpsim area none mode failed: %s %s" % (err3, err7)):
        check(j7.get("method") == "none" and j7.get("cache_dir") != j.get("cache_dir"),
              "none mode shares the default mode's cache entry")
        p17, p19 = j3["pe"]["transistors"], j7["pe"]["transistors"]
        check(p17 < p19, "PE with AccWidth 17 (%d T) not smaller than with 19 (%d T)" % (p17, p19))
        check(j3["pe"]["flops"] < j7["pe"]["flops"], "narrower accumulator, not fewer flops")
        check(j3["array_transistors"] < j7["array_transistors"], "narrower accumulator, array not smaller")

    # the cache: same numbers, fast
    rc4, j4, dt4, err4 = area(a.mpsim, BASE)
    if check(rc4 == 0 and j4, "second mpsim area failed: %s" % err4):
        check(j4.get("cached") is True, "second run not cached")
        check(dt4 < 5.0, "cached run took %.1f s" % dt4)
        strip = lambda d: {k: v for k, v in d.items() if k not in ("cached", "yosys_seconds")}
        check(strip(j4) == strip(j), "cached run gave different numbers")

    # no RTL for the config, and a bad mode
    # (accumulate = align on a multiplier PE: the generic type, which has no
    # edge aligner, so mpsim verify and area report no RTL for it)
    ex = variant(a.tmp, "noalign", {"kind": "multiplier", "ascheme": "fp16",
                                    "accumulate": "align"})
    rc5, j5, _, err5 = area(a.mpsim, ex)
    if check(rc5 == 0 and j5, "mpsim area on a config without RTL failed: %s" % err5):
        check(j5.get("has_rtl") is False and j5.get("absent"), "no-RTL config: has_rtl/absent")
        check("pe" not in j5 and "array_transistors" not in j5, "no-RTL config reports an area")
    rc6, _, _, err6 = area(a.mpsim, BASE, {"MPS_SYN_ABC": "bogus"})
    check(rc6 == 2 and "MPS_SYN_ABC" in err6, "bad MPS_SYN_ABC: rc %d, %s" % (rc6, err6))

    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
