#!/usr/bin/env bash
# make_corpus.sh MPSIM : (re)create the seed corpus tests/fuzz/corpus/trace/:
# small valid traces of several schemes, plus corrupted variants (truncated,
# flipped data byte, bad JSON, oversized header length, wrong dtype).  Run by
# hand when the format changes; every file stays under 8 KiB.
set -euo pipefail
mpsim=${1:-build/bin/mpsim}
d=tests/fuzz/corpus/trace
mkdir -p "$d"; rm -f "$d"/*
m() { "$mpsim" trace make "$@" --seed 7 >/dev/null; }
m --gemm 2,32,3 --wscheme int4 --group 16 --ascheme int8_token -o "$d/int4g16-int8tok.st"
m --gemm 2,32,3 --wscheme int4 --group 16 --asym --ascheme int8_token --no-ref -o "$d/int4ag16-int8tok.st"
m --gemm 2,33,3 --wscheme mxfp4 --ascheme mxfp8_e4m3 --no-ref -o "$d/mxfp4-mxfp8.st"
m --gemm 1,32,2 --wscheme amxfp4 --ascheme mxfp8_e4m3 -o "$d/amxfp4-mxfp8.st"
m --gemm 2,16,2 --wscheme nvfp4 --ascheme e4m3_tensor -o "$d/nvfp4-e4m3ten.st"
m --gemm 2,16,2 --wscheme zqfp_m2 --group 8 --ascheme e4m3_token --no-ref -o "$d/zqfpm2-e4m3tok.st"
m --gemm 2,8,2 --wscheme fp16 --ascheme fp16 -o "$d/fp16-fp16.st"
m --gemm 2,16,2 --wscheme int4 --group 8 --ascheme bf16 --accumulate align --no-ref -o "$d/int4-bf16-align.st"
PY=${PYTHON:-build/venv/bin/python}
"$PY" - "$d" <<'PYEOF'
import struct, sys, pathlib
d = pathlib.Path(sys.argv[1])
src = (d / "int4g16-int8tok.st").read_bytes()
hl = struct.unpack("<Q", src[:8])[0]
(d / "bad-truncated-header.st").write_bytes(src[:8 + hl // 2])
(d / "bad-truncated-data.st").write_bytes(src[:-5])
b = bytearray(src); b[-1] ^= 0x40
(d / "bad-crc.st").write_bytes(bytes(b))
(d / "bad-hlen-huge.st").write_bytes(struct.pack("<Q", 1 << 40) + src[8:])
b = bytearray(src); b[8 + 1] = ord("}")
(d / "bad-json.st").write_bytes(bytes(b))
(d / "bad-dtype.st").write_bytes(src.replace(b'"dtype":"F64"', b'"dtype":"F65"', 1))
(d / "bad-shape.st").write_bytes(src.replace(b'"M":"2"', b'"M":"3"', 1))
(d / "bad-missing-key.st").write_bytes(src.replace(b'"seed"', b'"sead"', 1))
(d / "tiny.st").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
PYEOF
ls -la "$d"
