#!/usr/bin/env python3
"""tests/xcheck/trace_python.py - Python interop check of mpsim traces.

Makes traces with the CLI (several schemes, packed 4-bit codes, bf16 U16
codes), opens each with safetensors.numpy.load_file and checks, independently
of the C code:
  1. metadata: format/version, M/K/N, and every tensor's shape and CRC32
     (zlib.crc32 of the raw little-endian bytes);
  2. y.ideal == a.ref @ w.ref.T in numpy float64, within 1e-9 relative to
     |a.ref| @ |w.ref|.T (only the summation order differs);
  3. the codes unpacked with numpy (4-bit: element 2i in the low nibble) and
     decoded with ml_dtypes give dequantized operands Aq, Wq; y.expected must
     lie within TOL of Aq @ Wq.T computed in float64, where
       TOL = (G + 4) * 2^-23 * (|Aq| @ |Wq|.T)             (fp32 mode; G = groups)
       TOL = 4 * 2^-23 * (|Aq| @ |Wq|.T)                   (exact mode)
     plus, for accumulate=align, the activation truncation bound
       sum_g 2^(E_g - F) * sum_{k in g} |Wq|  (F = align_bits - 2).
     Every group sum is exact and rounded once to fp32 (docs/numerics.md 3.2),
     then up to G fp32 additions and one post-scale rounding: each rounding
     costs at most 2^-24 of the running magnitude, which |Aq|@|Wq|.T bounds.
  4. a tampered file (one tensor's bytes changed with numpy, written back with
     safetensors.numpy.save_file keeping the metadata) is rejected by
     "mpsim trace check" with exit 2 and a CRC message naming the tensor, and
     the untampered re-save passes (exit 0).
Closes with "N passed, N failed"; exit 1 on any failure.
"""
import argparse
import os
import subprocess
import sys
import zlib

import ml_dtypes
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

CASES = [
    ("int4g32-int8tok-fp32", "--gemm 5,100,13 --wscheme int4 --group 32 --ascheme int8_token"),
    ("int4ag64-int8tok-exact", "--gemm 4,128,9 --wscheme int4 --group 64 --asym --ascheme int8_token --accumulate exact"),
    ("int8g96-int8tok-fp32", "--gemm 3,96,5 --wscheme int8 --group 96 --ascheme int8_token"),
    ("mxfp4-mxfp8-fp32", "--gemm 5,100,13 --wscheme mxfp4 --ascheme mxfp8_e4m3"),
    ("mxfp4-mxfp8-exact-ceil", "--gemm 4,64,6 --wscheme mxfp4 --ascheme mxfp8_e4m3 --accumulate exact --scale-rule ceil"),
    ("amxfp4-mxfp8-fp32", "--gemm 4,96,7 --wscheme amxfp4 --ascheme mxfp8_e4m3"),
    ("nvfp4-e4m3ten-fp32", "--gemm 4,96,7 --wscheme nvfp4 --ascheme e4m3_tensor"),
    ("nvfp4-nvfp4-exact", "--gemm 4,48,7 --wscheme nvfp4 --ascheme nvfp4 --accumulate exact"),
    ("zqfpm1-e4m3tok-fp32", "--gemm 3,256,5 --wscheme zqfp_m1 --group 128 --ascheme e4m3_token"),
    ("zqfpm2-e4m3tok-fp32", "--gemm 3,77,5 --wscheme zqfp_m2 --group 32 --ascheme e4m3_token"),
    ("int4g32-bf16-align", "--gemm 4,96,6 --wscheme int4 --group 32 --ascheme bf16 --accumulate align"),
    ("mxfp4-fp16-align12", "--gemm 4,96,6 --wscheme mxfp4 --ascheme fp16 --accumulate align --align-bits 12"),
    ("fp16-fp16-fp32", "--gemm 3,33,4 --wscheme fp16 --ascheme fp16"),
    ("mxfp8-mxfp8-fp32", "--gemm 3,64,4 --wscheme mxfp8_e4m3 --ascheme mxfp8_e4m3"),
    ("llama-like-k4096", "--gemm 2,4096,8 --wscheme int4 --group 128 --ascheme int8_token --seed 9"),
]

ELEM = {
    "e2m1": (4, ml_dtypes.float4_e2m1fn), "e2m3": (6, ml_dtypes.float6_e2m3fn),
    "e3m2": (6, ml_dtypes.float6_e3m2fn), "e4m3": (8, ml_dtypes.float8_e4m3fn),
    "e5m2": (8, ml_dtypes.float8_e5m2), "int4": (4, None), "uint4": (4, None),
    "int8": (8, None), "uint8": (8, None), "fp16": (16, np.float16), "bf16": (16, ml_dtypes.bfloat16),
}
SCALE = {"e8m0": ml_dtypes.float8_e8m0fnu, "e4m3": ml_dtypes.float8_e4m3fn,
         "e5m2": ml_dtypes.float8_e5m2, "fp16": np.float16}

passed = failed = 0


def report(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}: {detail}")


def decode_elem(name, codes):
    bits, dt = ELEM[name]
    c = codes.astype(np.int64)
    if name == "int4":
        return np.where(c >= 8, c - 16, c).astype(np.float64)
    if name == "int8":
        return np.where(c >= 128, c - 256, c).astype(np.float64)
    if name in ("uint4", "uint8"):
        return c.astype(np.float64)
    if bits == 16:
        return codes.astype(np.uint16).view(dt).astype(np.float64)
    return codes.astype(np.uint8).view(dt).astype(np.float64)


def unpack(meta, op, t, rows, K):
    elem = meta[f"{op}.elem"]
    c = t[f"{op}.codes"]
    if ELEM[elem][0] == 4:
        assert c.dtype == np.uint8 and c.shape == (rows, (K + 1) // 2), c.shape
        u = np.empty((rows, c.shape[1] * 2), np.uint8)
        u[:, 0::2] = c & 0xF
        u[:, 1::2] = c >> 4
        if K % 2:
            assert not (u[:, K] != 0).any(), "padding nibble"
        return u[:, :K]
    assert c.shape == (rows, K)
    assert c.dtype == (np.uint16 if ELEM[elem][0] == 16 else np.uint8)
    return c


def dequant(meta, op, t, rows, K):
    """Dequantized operand in float64, plus its post scale vector."""
    scheme, elem = meta[f"{op}.scheme"], meta[f"{op}.elem"]
    codes = unpack(meta, op, t, rows, K)
    v = decode_elem(elem, codes) * 2.0 ** int(meta[f"{op}.elem_exp2"])
    blk = int(meta[f"{op}.block"])
    kb = np.arange(K) // blk
    post = np.ones(rows)
    if meta[f"{op}.post"] != "none":
        p = t[f"{op}.post"].astype(np.float64)
        post = np.broadcast_to(p, (rows,)) if p.shape == (1,) else p
    sf = meta[f"{op}.scale_fmt"]
    if sf != "none":
        s = t[f"{op}.scales"]
        sd = (s.astype(np.uint16).view(np.float16) if sf == "fp16" else s.view(SCALE[sf])).astype(np.float64)
        if scheme == "amxfp4":
            sign = (codes >> 3) & 1
            sc = np.where(sign == 0, sd[:, kb, 0], sd[:, kb, 1])
            v = (v * sc).astype(np.float32).astype(np.float64)  # fl32(e2m1 * S)
        elif meta[f"{op}.asym"] == "1":
            z = t[f"{op}.zeros"].astype(np.float64)
            v = sd[:, kb] * (v - z[:, kb])
        else:
            v = v * sd[:, kb]
    return v, post, blk


def mpsim(args, binary, **kw):
    return subprocess.run([binary] + args, capture_output=True, text=True, **kw)


def check_trace(path, name):
    t = load_file(path)
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
    ok = meta.get("format") == "mpsim-trace" and meta.get("version") == "1"
    report(ok, f"{name}: format/version", str({k: meta.get(k) for k in ("format", "version")}))
    M, K, N = (int(meta[k]) for k in ("M", "K", "N"))
    bad = [k for k, a in t.items() if f"{zlib.crc32(a.tobytes()):08x}" != meta.get(f"crc32.{k}")]
    report(not bad and all(f"crc32.{k}" in meta for k in t), f"{name}: CRC32 of every tensor", str(bad))
    ye, yi = t["y.expected"], t["y.ideal"]
    report(ye.dtype == np.float32 and ye.shape == (M, N) and yi.dtype == np.float64 and yi.shape == (M, N),
           f"{name}: y shapes", f"{ye.dtype}{ye.shape} {yi.dtype}{yi.shape}")
    # y.ideal from the refs
    ar, wr = t["a.ref"].astype(np.float64), t["w.ref"].astype(np.float64)
    ideal = ar @ wr.T
    bound = 1e-9 * (np.abs(ar) @ np.abs(wr).T) + 1e-300
    err = np.abs(ideal - yi)
    report((err <= bound).all(), f"{name}: y.ideal == a.ref @ w.ref.T (1e-9 rel)", f"max err {err.max():.3g}")
    # y.expected from the decoded codes
    aq, pa, ba = dequant(meta, "a", t, M, K)
    wq, pw, bw = dequant(meta, "w", t, N, K)
    aq, wq = aq * pa[:, None], wq * pw[:, None]
    naive = aq @ wq.T
    mag = np.abs(aq) @ np.abs(wq).T
    g = int(meta["group"]) or min(ba, bw)
    ngroups = -(-K // g)
    acc = meta["accumulate"]
    tol = (4 if acc == "exact" else ngroups + 4) * 2.0 ** -23 * mag
    if acc == "align":
        F = int(meta["align_bits"] or 16) - 2
        groups = [slice(s, min(s + g, K)) for s in range(0, K, g)]
        amax = np.stack([np.abs(aq[:, s]).max(axis=1) for s in groups], axis=1)
        with np.errstate(divide="ignore"):
            E = np.where(amax > 0, np.floor(np.log2(np.where(amax > 0, amax, 1))), -np.inf)
        lsb = np.exp2(E - F)
        wsum = np.stack([np.abs(wq[:, s]).sum(axis=1) for s in groups], axis=1)
        tol = tol + lsb @ wsum.T
    err = np.abs(ye.astype(np.float64) - naive)
    worst = np.unravel_index(np.argmax(err - tol), err.shape)
    report((err <= tol + 1e-30).all(), f"{name}: y.expected vs numpy dequant-then-multiply ({acc})",
           f"y{tuple(int(i) for i in worst)}: {ye[worst]!r} vs {naive[worst]!r}, tol {tol[worst]:.3g}")
    # the dequantized operands must be close to the refs (decode sanity)
    sq = 10 * np.log10((ar ** 2).sum() / max(((ar - aq) ** 2).sum(), 1e-300))
    report(sq > 10, f"{name}: decoded a within 10 dB SQNR of a.ref", f"{sq:.2f} dB")
    return meta


def tamper_test(binary, src, tmp):
    t = load_file(src)
    with safe_open(src, framework="numpy") as f:
        meta = f.metadata()
    same = os.path.join(tmp, "resaved.safetensors")
    save_file(dict(t), same, metadata=meta)
    r = mpsim(["trace", "check", same], binary)
    report(r.returncode == 0, "untampered numpy re-save passes mpsim trace check", r.stderr.strip())
    t2 = dict(t)
    w = t2["w.codes"].copy()
    w.flat[len(w.flat) // 2] ^= 0x11
    t2["w.codes"] = w
    bad = os.path.join(tmp, "tampered.safetensors")
    save_file(t2, bad, metadata=meta)
    r = mpsim(["trace", "check", bad], binary)
    ok = r.returncode == 2 and "bad CRC32" in r.stderr and "w.codes" in r.stderr
    report(ok, "tampered w.codes rejected by mpsim trace check (exit 2, CRC message)",
           f"exit {r.returncode}: {r.stderr.strip()}")
    # truncated copy
    raw = open(src, "rb").read()
    trunc = os.path.join(tmp, "truncated.safetensors")
    open(trunc, "wb").write(raw[: len(raw) - 3])
    r = mpsim(["trace", "check", trunc], binary)
    report(r.returncode == 2 and "truncated" in r.stderr, "truncated trace rejected (exit 2)",
           f"exit {r.returncode}: {r.stderr.strip()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mpsim", default="build/bin/mpsim")
    ap.add_argument("--tmp", default="build/xcheck-trace")
    o = ap.parse_args()
    os.makedirs(o.tmp, exist_ok=True)
    first = None
    for name, args in CASES:
        path = os.path.join(o.tmp, name + ".safetensors")
        r = mpsim(["trace", "make"] + args.split() + ["-o", path], o.mpsim)
        report(r.returncode == 0, f"{name}: mpsim trace make", r.stderr.strip())
        if r.returncode != 0:
            continue
        try:
            check_trace(path, name)
        except Exception as e:  # a crash in one case is one failure
            report(False, f"{name}: python check raised", repr(e))
        first = first or path
    if first:
        tamper_test(o.mpsim, first, o.tmp)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
