#!/usr/bin/env python3
"""scripts/plot_report.py - PNG plots of an mpsim report (matplotlib, Agg).

usage: build/venv/bin/python scripts/plot_report.py REPORT.json [REPORT2.json ...] OUTDIR

One report: energy breakdown per layer (stacked bars), per-layer latency, area
by unit (PE, product unit, output unit, array) and a roofline (TOPS vs
operational intensity, with the array's peak and the DRAM bandwidth ceiling).
Several reports (designs): the same plots with one bar group / point set per
design.  Writes energy.png, latency.png, area.png, roofline.png into OUTDIR.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COMPONENTS = ["pe", "dequant", "ibuf", "wbuf", "obuf", "dram", "leakage"]
COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#7f7f7f"]


def label(r):
    return "%s %dx%d" % (r.get("pe", "?"), r.get("rows", 0), r.get("cols", 0))


def bars(r, many):
    """Layers of a report to draw: every layer + the total, or only the total."""
    return [r["one_layer"]] if many else r["layers"] + [r["one_layer"]]


def plot_energy(reports, out):
    many = len(reports) > 1
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * sum(len(bars(r, many)) for r in reports)), 4.5))
    names, bottoms, x = [], [], 0
    xs = []
    for r in reports:
        for L in bars(r, many):
            names.append(("%s\n" % label(r) if many else "") + L["name"])
            xs.append(x)
            x += 1
        x += 0.5
    bottoms = [0.0] * len(xs)
    for ci, c in enumerate(COMPONENTS):
        vals = []
        for r in reports:
            for L in bars(r, many):
                vals.append(L["energy_pj"].get(c, 0.0) * 1e-6)
        if not any(vals):
            continue
        ax.bar(xs, vals, bottom=bottoms, color=COLORS[ci], label=c)
        bottoms = [b + v for b, v in zip(bottoms, vals)]
    ax.set_xticks(xs)
    ax.set_xticklabels(names, fontsize=8)
    ax.set_ylabel("energy per layer (uJ)")
    ax.set_title("Energy by component (model: docs/energy.md)")
    ax.legend(fontsize=8, ncol=4)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "energy.png"), dpi=110)
    plt.close(fig)


def plot_latency(reports, out):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    layers = [L["name"] for L in reports[0]["layers"]]
    w = 0.8 / len(reports)
    for i, r in enumerate(reports):
        xs = [j + i * w for j in range(len(r["layers"]))]
        comp = [(L["cycles"] - L["stall_cycles"]) / r["mhz"] for L in r["layers"]]
        stall = [L["stall_cycles"] / r["mhz"] for L in r["layers"]]
        ax.bar(xs, comp, width=w, label=label(r) + " compute", color=COLORS[i % len(COLORS)])
        ax.bar(xs, stall, width=w, bottom=comp, color="#bbbbbb",
               label="memory stalls" if i == 0 else None)
    ax.set_xticks([j + 0.4 - w / 2 for j in range(len(layers))])
    ax.set_xticklabels(layers)
    ax.set_ylabel("latency (us)")
    ax.set_title("Per-layer latency (simulated)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "latency.png"), dpi=110)
    plt.close(fig)


def plot_area(reports, out):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    names, vals, cols = [], [], []
    for i, r in enumerate(reports):
        a = r.get("area")
        if not a:
            continue
        y = a.get("yosys")
        upt = y["um2_per_transistor"] if y else None
        if y:
            for key, nm in (("pe", "PE"), ("product_unit", "product"), ("output_unit", "out unit")):
                if key in y:
                    names.append("%s\n%s" % (r.get("pe"), nm))
                    vals.append(y[key]["transistors"] * upt)
                    cols.append(COLORS[i % len(COLORS)])
        else:
            names.append("%s\nPE (assumed)" % r.get("pe"))
            vals.append(a["array_mm2"] * 1e6 / (r["rows"] * r["cols"]))
            cols.append("#bbbbbb")
    if vals:
        ax.bar(range(len(vals)), vals, color=cols)
        ax.set_xticks(range(len(vals)))
        ax.set_xticklabels(names, fontsize=8)
        ax.set_ylabel("area (um^2, estimate from yosys transistors)")
        ax.set_yscale("log")
    else:
        ax.text(0.5, 0.5, "no area: no RTL for this PE type\nor --area none",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title("Area by unit (yosys 0.23 cmos transistors x um^2/transistor)")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "area.png"), dpi=110)
    plt.close(fig)


def plot_roofline(reports, out):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    xmin, xmax = 1.0, 1.0
    for r in reports:
        for L in r["layers"]:
            if L.get("op_per_dram_byte", 0) > 0:
                xmin = min(xmin, L["op_per_dram_byte"])
                xmax = max(xmax, L["op_per_dram_byte"])
    xmin, xmax = xmin / 4, xmax * 4
    n = 200
    xs = [xmin * (xmax / xmin) ** (i / (n - 1)) for i in range(n)]
    for i, r in enumerate(reports):
        c = COLORS[i % len(COLORS)]
        bw = r["dram_gb_per_s"] * 1e9
        peak = r["peak_tops"]
        roof = [min(peak, x * bw / 1e12) for x in xs]
        ax.plot(xs, roof, color=c, lw=1.5, label="%s roof: %.2f TOPS, %.0f GB/s" %
                (label(r), peak, r["dram_gb_per_s"]))
        px = [L["op_per_dram_byte"] for L in r["layers"] if L.get("op_per_dram_byte", 0) > 0]
        py = [L["tops"] for L in r["layers"] if L.get("op_per_dram_byte", 0) > 0]
        ax.scatter(px, py, color=c, zorder=3)
        for L in r["layers"]:
            if L.get("op_per_dram_byte", 0) > 0:
                ax.annotate(L["name"], (L["op_per_dram_byte"], L["tops"]), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("operational intensity (ops per DRAM byte)")
    ax.set_ylabel("TOPS")
    ax.set_title("Roofline (simulated layers vs peak and DRAM ceilings)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "roofline.png"), dpi=110)
    plt.close(fig)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out = argv[-1]
    reports = []
    for p in argv[1:-1]:
        with open(p) as f:
            reports.append(json.load(f))
    os.makedirs(out, exist_ok=True)
    plot_energy(reports, out)
    plot_latency(reports, out)
    plot_area(reports, out)
    plot_roofline(reports, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
