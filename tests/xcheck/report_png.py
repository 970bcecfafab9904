#!/usr/bin/env python3
"""tests/xcheck/report_png.py - end-to-end check of `mpsim report`.

Runs one small report (ViT-B/16, one layer, 64 tokens, no yosys) and checks:
every plot is a valid PNG with content (signature, IHDR size, CRCs, the
decoded pixels are not one flat color), report.json totals equal the sums of
their parts, TOPS = 2 MACs / time, and report.csv has units-free sane
headers without trailing commas.  Closes with "N passed, N failed".

usage: build/venv/bin/python tests/xcheck/report_png.py --mpsim build/bin/mpsim --tmp DIR
"""
import argparse
import csv
import json
import os
import struct
import subprocess
import sys
import zlib

PASSED = 0
FAILED = 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL: " + what)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_pixels(path):
    """Return (width, height, rows of raw bytes) of an 8-bit non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("bad signature")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        typ = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(typ + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad CRC in %r" % typ)
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        elif typ == b"IEND":
            break
        pos += 12 + n
    if not ihdr:
        raise ValueError("no IHDR")
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or interlace:
        raise ValueError("unsupported depth %d / interlace %d" % (depth, interlace))
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if bpp is None:
        raise ValueError("unsupported color type %d" % ctype)
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                line[x] = (line[x] + paeth(a, b, c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path):
    name = os.path.basename(path)
    check(os.path.exists(path), name + " exists")
    if not os.path.exists(path):
        return
    try:
        w, h, bpp, rows = png_pixels(path)
    except (ValueError, zlib.error, struct.error) as e:
        check(False, "%s: %s" % (name, e))
        return
    check(w >= 200 and h >= 200, "%s: IHDR size %dx%d >= 200x200" % (name, w, h))
    colors = set()
    for r in rows[:: max(1, h // 50)]:
        for x in range(0, len(r), bpp * max(1, w // 100)):
            colors.add(r[x:x + bpp])
    check(len(colors) >= 3, "%s: not a flat image (%d distinct colors sampled)" % (name, len(colors)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpsim", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--config", default="configs/mixpe-w4a8.ini")
    a = ap.parse_args()
    out = os.path.join(a.tmp, "report")
    env = dict(os.environ, MPSIM_PYTHON=sys.executable)
    p = subprocess.run([a.mpsim, "report", a.config, "--workload", "vit-b16:prefill:1",
                        "--tokens", "64", "--layers", "1", "--area", "none", "--out", out],
                       env=env, capture_output=True, text=True)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    check(p.returncode == 0, "mpsim report exit status %d" % p.returncode)
    for n in ("energy.png", "latency.png", "area.png", "roofline.png"):
        check_png(os.path.join(out, n))
    try:
        with open(os.path.join(out, "report.json")) as f:
            r = json.load(f)
    except (OSError, ValueError) as e:
        check(False, "report.json: %s" % e)
        r = None
    if r:
        parts = ("pe", "dequant", "ibuf", "wbuf", "obuf", "dram", "leakage")
        one = r["one_layer"]
        for L in r["layers"] + [one]:
            e = L["energy_pj"]
            s = sum(e.get(k, 0.0) for k in parts)
            check(abs(s - e["total"]) <= 1e-9 * e["total"], "%s: energy total = sum of parts" % L["name"])
            t = L["cycles"] / (r["mhz"] * 1e6)
            check(abs(L["tops"] - 2 * L["macs"] / t / 1e12) <= 1e-9 * L["tops"],
                  "%s: TOPS = 2 MACs / time" % L["name"])
            check(abs(L["tops_per_w"] - 2 * L["macs"] / e["total"]) <= 1e-9 * L["tops_per_w"],
                  "%s: TOPS/W = 2 MACs / energy" % L["name"])
        check(sum(L["macs"] for L in r["layers"]) == one["macs"], "one layer MACs = sum of GEMMs")
        check(sum(L["cycles"] for L in r["layers"]) == one["cycles"], "one layer cycles = sum")
        check("leakage" not in one["energy_pj"], "no area -> leakage absent, not zero")
        check("area" not in r, "no area -> area absent")
    with open(os.path.join(out, "report.csv")) as f:
        lines = f.read().splitlines()
    check(all(not l.endswith(",") for l in lines), "report.csv: no trailing commas")
    rows = list(csv.reader(lines))
    check(len(rows) == 6 and all(len(x) == len(rows[0]) for x in rows), "report.csv: 4 layers + total, rectangular")
    check(any(h.endswith("_pj") for h in rows[0]) and "latency_us" in rows[0], "report.csv: headers carry units")
    for n in ("report.md", "run.txt"):
        check(os.path.getsize(os.path.join(out, n)) > 200, n + " written")
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
