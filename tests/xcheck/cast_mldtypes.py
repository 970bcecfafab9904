#!/usr/bin/env python3
"""Cross-check `mpsim cast` against ml_dtypes (and numpy's float16).

For e2m1, e2m3, e3m2, e4m3, e5m2, e8m0, fp16 and bf16: every tie and
boundary of the format (midpoints of adjacent values, the values themselves,
their float32 neighbours, both signs) plus >= 1e5 random inputs per format
(uniform in log-magnitude doubles, and float32 values) are piped as exact
hex floats into `mpsim cast --format F` and the codes compared with
`np.asarray(x).astype(ml_dtypes.X).view(uint)`.  Then the CUDA vectors of
formats.md sections 1.4-1.6 and 9.5 are checked as named expectations.

Modes compared (formats.md section 10, ml_dtypes row): ml_dtypes saturates
FP4/FP6 (compared with our default mode) and is non-saturating for fp8,
e8m0, fp16, bf16 (compared with our --no-saturate mode).

Intentional differences, excluded here and checked against CUDA instead
(docs/formats.md "Special values"):
  * NaN into e2m1/e2m3/e3m2: ml_dtypes gives -0/+0; we follow CUDA
    (+-max with the NaN's sign, INVALID) - formats.md section 9.5.
  * e8m0 of 0 and of negatives: ml_dtypes gives NaN (0xFF); we follow CUDA
    (0 -> 0x00, |x| for negatives) - formats.md sections 1.6 and 9.7.
  * NaN codes: ml_dtypes' e5m2 NaN is 0x7E, ours (CUDA) 0x7F; NaN inputs
    are compared by NaN-ness - formats.md section 9.18.
Oracle limitations (not contract differences), also skipped:
  * ml_dtypes 0.5.4 rounds e8m0 inputs in (2^-127, 1.5*2^-127) - FP32
    subnormals - up to 0x01 (2^-126); the linear-domain RNE rule of
    formats.md section 1.6 (threshold 1.5*2^k) gives 0x00, as we do.
  * ml_dtypes casts float64
through float32 (two roundings), so a double whose float32 rounding lands
exactly on a midpoint of the target format is skipped (the count is
printed); those cases are covered by the unit tests' slow reference.
numpy's float64 -> float16 cast is direct and needs no such filter.

Prints "N passed, N failed" and exits 1 on any failure.  --self-test
perturbs one expected code and checks that the comparison reports it (it
also runs as part of the normal run).
"""
import argparse
import subprocess
import sys

import ml_dtypes
import numpy as np

# name: (mpsim format, oracle dtype, code dtype, mpsim flags for the mode)
FORMATS = {
    "e2m1": (ml_dtypes.float4_e2m1fn, np.uint8, []),
    "e2m3": (ml_dtypes.float6_e2m3fn, np.uint8, []),
    "e3m2": (ml_dtypes.float6_e3m2fn, np.uint8, []),
    "e4m3": (ml_dtypes.float8_e4m3fn, np.uint8, ["--no-saturate"]),
    "e5m2": (ml_dtypes.float8_e5m2, np.uint8, ["--no-saturate"]),
    "e8m0": (ml_dtypes.float8_e8m0fnu, np.uint8, ["--no-saturate"]),
    "fp16": (np.float16, np.uint16, ["--no-saturate"]),
    "bf16": (ml_dtypes.bfloat16, np.uint16, ["--no-saturate"]),
}
BITS = {"e2m1": 4, "e2m3": 6, "e3m2": 6, "e4m3": 8, "e5m2": 8, "e8m0": 8,
        "fp16": 16, "bf16": 16}
NO_NAN = ("e2m1", "e2m3", "e3m2")
N_RANDOM = 100000


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.shown = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            if self.shown < 20:
                print("FAIL:", what)
                self.shown += 1


def run_cast(mpsim, fmt, xs, flags):
    """Codes (ints) from `mpsim cast` for the float64 array xs."""
    text = "\n".join(float(x).hex() for x in xs) + "\n"
    p = subprocess.run([mpsim, "cast", "--format", fmt] + flags, input=text,
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit("mpsim cast --format %s failed (%d): %s"
                         % (fmt, p.returncode, p.stderr.strip()[:500]))
    lines = p.stdout.split("\n")[:-1]
    if len(lines) != len(xs):
        raise SystemExit("mpsim cast --format %s: %d lines for %d inputs"
                         % (fmt, len(lines), len(xs)))
    return np.array([int(l.split(" ", 1)[0], 16) for l in lines], np.int64)


def all_values(fmt):
    """Decoded value of every code (float64), from the oracle."""
    dt, ct, _ = FORMATS[fmt]
    codes = np.arange(1 << BITS[fmt], dtype=ct)
    with np.errstate(invalid="ignore"):
        return codes.view(dt).astype(np.float64)


def is_nan_code(fmt, codes):
    dt, ct, _ = FORMATS[fmt]
    with np.errstate(invalid="ignore"):
        return np.isnan(np.asarray(codes).astype(ct).view(dt).astype(np.float64))


def boundary_inputs(fmt):
    """Every value, every midpoint of adjacent values, their float32
    neighbours, and the virtual point past max, both signs."""
    v = all_values(fmt)
    fin = np.unique(np.abs(v[np.isfinite(v)]))
    mids = (fin[:-1] + fin[1:]) / 2
    gap = fin[-1] - fin[-2]
    extra = np.array([fin[-1] + gap / 2, fin[-1] + gap, fin[-1] * 4,
                      fin[fin > 0][0] / 2, fin[fin > 0][0] / 4, np.inf])
    pts = np.concatenate([fin, mids, extra]).astype(np.float64)
    f32 = pts[np.abs(pts) < 3.4e38].astype(np.float32)
    near = np.concatenate([np.nextafter(f32, np.float32(np.inf)),
                           np.nextafter(f32, np.float32(0))]).astype(np.float64)
    allp = np.concatenate([pts, near])
    return np.unique(np.concatenate([allp, -allp]))


def random_inputs(fmt, rng):
    v = all_values(fmt)
    fin = np.abs(v[np.isfinite(v)])
    lo = np.log2(fin[fin > 0].min()) - 3
    hi = np.log2(fin.max()) + 3
    n = N_RANDOM // 2
    d = np.exp2(rng.uniform(lo, hi, n)) * rng.choice([-1.0, 1.0], n)
    with np.errstate(over="ignore"):
        f = (np.exp2(rng.uniform(lo, hi, n)) * rng.choice([-1.0, 1.0], n)).astype(np.float32)
    xs = np.concatenate([d, f.astype(np.float64)])
    # e8m0 negatives are an intentional difference: draw positives only
    return np.abs(xs) if fmt == "e8m0" else xs


def oracle(fmt, xs):
    dt, ct, _ = FORMATS[fmt]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(xs, np.float64).astype(dt).view(ct).astype(np.int64)


def excluded(fmt, xs):
    """Mask of inputs excluded on purpose (see the module docstring)."""
    ex = np.zeros(len(xs), bool)
    if fmt in NO_NAN:
        ex |= np.isnan(xs)
    if fmt == "e8m0":
        with np.errstate(over="ignore"):
            x32 = xs.astype(np.float32)
            ex |= (xs <= 0) | np.signbit(xs) | (x32 == 0)
            ex |= (xs > 2.0 ** -127) & (xs < 1.5 * 2.0 ** -127)
    return ex


def double_rounded(fmt, xs):
    """ml_dtypes' float64 -> float32 -> X: skip doubles whose float32
    rounding is exactly a midpoint of X (and differs from the double)."""
    if fmt == "fp16":
        return np.zeros(len(xs), bool)
    v = all_values(fmt)
    fin = np.unique(v[np.isfinite(v)])
    mids = (fin[:-1] + fin[1:]) / 2
    with np.errstate(over="ignore"):
        x32 = xs.astype(np.float32).astype(np.float64)
    return np.isin(x32, mids) & (x32 != xs)


def compare(fmt, xs, ours, want, tally, label):
    """One check per input: equal codes, or both NaN for NaN inputs."""
    nan_in = np.isnan(xs)
    same = ours == want
    both_nan = is_nan_code(fmt, ours) & is_nan_code(fmt, want)
    ok = np.where(nan_in, both_nan, same)
    tally.passed += int(ok.sum())
    for i in np.nonzero(~ok)[0]:
        tally.check(False, "%s %s x=%s (%r): mpsim 0x%x, ml_dtypes 0x%x"
                    % (fmt, label, float(xs[i]).hex(), float(xs[i]), ours[i], want[i]))
    return int((~ok).sum())


# Named CUDA expectations (formats.md; CUDA host conversions, [V] rows).
CUDA = [
    # (doc ref, format, flags, input, code)
    ("1.4 SATFINITE 464", "e4m3", [], 464.0, 0x7E),
    ("1.4 NOSAT 464", "e4m3", ["--no-saturate"], 464.0, 0x7E),
    ("1.4 SATFINITE 464.1", "e4m3", [], 464.1, 0x7E),
    ("1.4 NOSAT 464.1", "e4m3", ["--no-saturate"], 464.1, 0x7F),
    ("1.4 SATFINITE +Inf", "e4m3", [], np.inf, 0x7E),
    ("1.4 NOSAT +Inf", "e4m3", ["--no-saturate"], np.inf, 0x7F),
    ("1.4 NaN", "e4m3", [], np.nan, 0x7F),
    ("1.4 -0", "e4m3", [], -0.0, 0x80),
    ("1.4 2^-10", "e4m3", [], 2.0 ** -10, 0x00),
    ("1.4 1.5*2^-10", "e4m3", [], 1.5 * 2.0 ** -10, 0x01),
    ("1.5 61439 sat", "e5m2", [], 61439.0, 0x7B),
    ("1.5 61439 nosat", "e5m2", ["--no-saturate"], 61439.0, 0x7B),
    ("1.5 61440 nosat", "e5m2", ["--no-saturate"], 61440.0, 0x7C),
    ("1.5 61440 SATFINITE", "e5m2", [], 61440.0, 0x7B),
    ("1.5 +Inf SATFINITE", "e5m2", [], np.inf, 0x7B),
    ("9.5 NaN into e2m1 (CUDA +6)", "e2m1", [], np.nan, 0x7),
    ("9.5 NaN into e2m3 (CUDA policy)", "e2m3", [], np.nan, 0x1F),
    ("9.5 NaN into e3m2 (CUDA policy)", "e3m2", [], np.nan, 0x1F),
]
E8M0_X = [1.0, 1.4, 1.5, 3.0, 0.75, 0.0, -1.0, 1.5 * 2.0 ** 127, np.inf, np.nan]
E8M0_COLS = [  # formats.md 1.6, CUDA columns
    ("SATFINITE,PosInf", ["--round", "up"],
     [0x7F, 0x80, 0x80, 0x81, 0x7F, 0x00, 0x7F, 0xFE, 0xFE, 0xFF]),
    ("SATFINITE,RoundZero", ["--round", "toward-zero"],
     [0x7F, 0x7F, 0x7F, 0x80, 0x7E, 0x00, 0x7F, 0xFE, 0xFE, 0xFF]),
    ("NOSAT,PosInf", ["--round", "up", "--no-saturate"],
     [0x7F, 0x80, 0x80, 0x81, 0x7F, 0x00, 0x7F, 0xFF, 0xFF, 0xFF]),
]


def check_cuda(mpsim, tally):
    for ref, fmt, flags, x, code in CUDA:
        got = run_cast(mpsim, fmt, np.array([x]), flags)[0]
        tally.check(got == code, "formats.md %s: %s %s x=%r: mpsim 0x%x, CUDA 0x%x"
                    % (ref, fmt, " ".join(flags), x, got, code))
    for col, flags, codes in E8M0_COLS:
        got = run_cast(mpsim, "e8m0", np.array(E8M0_X), flags)
        for x, g, w in zip(E8M0_X, got, codes):
            tally.check(g == w, "formats.md 1.6 e8m0 %s x=%r: mpsim 0x%x, CUDA 0x%x"
                        % (col, x, g, w))


def self_test(mpsim, tally):
    """The comparison must report a perturbed expectation."""
    xs = boundary_inputs("e2m1")
    ours = run_cast(mpsim, "e2m1", xs, [])
    want = oracle("e2m1", xs)
    keep = ~excluded("e2m1", xs)
    xs, ours, want = xs[keep], ours[keep], want[keep]
    want = want.copy()
    want[len(want) // 2] ^= 1
    sink = Tally()
    sink.shown = 99  # quiet: the mismatch is expected
    bad = compare("e2m1", xs, ours, want, sink, "self-test")
    tally.check(bad == 1 and sink.failed == 1,
                "self-test: a perturbed expected code was not reported (%d)" % bad)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mpsim", default="build/bin/mpsim")
    ap.add_argument("--self-test", action="store_true",
                    help="only check that a perturbed expectation is caught")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    tally = Tally()
    self_test(args.mpsim, tally)
    if not args.self_test:
        rng = np.random.default_rng(args.seed)
        for fmt, (_, _, flags) in FORMATS.items():
            for label, xs in (("boundary", boundary_inputs(fmt)),
                              ("random", random_inputs(fmt, rng))):
                if label == "boundary":
                    xs = np.concatenate([xs, [np.nan, -np.nan, 0.0, -0.0]])
                skip = excluded(fmt, xs) | double_rounded(fmt, xs)
                xs = xs[~skip]
                ours = run_cast(args.mpsim, fmt, xs, flags)
                want = oracle(fmt, xs)
                bad = compare(fmt, xs, ours, want, tally, label)
                print("%-5s %-8s %7d inputs, %d mismatches, %d skipped"
                      % (fmt, label, len(xs), bad, int(skip.sum())))
        check_cuda(args.mpsim, tally)
    print("%d passed, %d failed" % (tally.passed, tally.failed))
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
