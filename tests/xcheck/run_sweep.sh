#!/bin/bash
# tests/xcheck/run_sweep.sh - `mpsim sweep` end to end (docs/sweep.md):
#  1. a local sweep (2x2 grid x 2 GEMMs): every CSV row equals a direct
#     `mpsim run --json` of the same config, TOPS = 2 MACs / time;
#  2. bad sweep files fail with exit 2 and a message naming file:line or key;
#  3. a point without a result makes --merge exit 1 and its row "failed";
#  4. the same sweep as a Slurm job array on a real single-node Slurm
#     (scripts/slurm_local.sh starts slurmctld/slurmd/munged) gives the same CSV.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
M=${MPSIM:-build/bin/mpsim}
PY=${MPSIM_PYTHON:-build/venv/bin/python}
W=build/xcheck/sweep
rm -rf "$W"; mkdir -p "$W"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

cat > "$W/s.ini" <<EOF
version = 1
[sweep]
base = $PWD/configs/rtl-w4a8-4x4.ini
gemm = 16,64,16
gemm = 8,200,12
mode = fast
seed = 3
[grid]
array.rows = 4, 8
array.cols = 4, 6
EOF

# 1. local
if "$M" sweep "$W/s.ini" --out "$W/local" -j 2 > "$W/local.out" 2>&1; then
	ok "local sweep: $(tail -1 "$W/local.out")"
else
	bad "local sweep (exit $?):"; sed 's/^/    /' "$W/local.out"
fi
if "$PY" - "$M" "$W" <<'EOF'
import csv, json, subprocess, sys
M, W = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(f"{W}/local/sweep.csv")))
assert len(rows) == 8, f"{len(rows)} rows, expected 8"
for r in rows:
    assert r["status"] == "ok", r
    p = int(r["point"])
    cfg = f"{W}/local/points/config{p // 2:05d}.ini"
    text = open(cfg).read()
    assert f"rows = {r['array.rows']}\n" in text and f"cols = {r['array.cols']}\n" in text, cfg
    d = json.loads(subprocess.run([M, "run", cfg, "--gemm", r["workload"], "--mode", "fast",
                                   "--seed", "3", "--json"], check=True,
                                  capture_output=True, text=True).stdout)
    st = d["stats"]
    assert d["rows"] == int(r["array.rows"]) and d["cols"] == int(r["array.cols"])
    for k in ("cycles", "compute_cycles", "stall_cycles", "macs"):
        assert int(r[k]) == st[k], (p, k, r[k], st[k])
    assert abs(float(r["energy_pj"]) / st["energy_pj"]["total"] - 1) < 1e-5, p
    tops = 2 * st["macs"] / (st["time_us"] * 1e6)
    assert abs(float(r["tops"]) / tops - 1) < 1e-5, (p, r["tops"], tops)
# the grid really moved the numbers: a bigger array is never slower here
c = {(r["array.rows"], r["array.cols"], r["workload"]): int(r["compute_cycles"]) for r in rows}
for wl in ("16,64,16", "8,200,12"):
    assert c[("8", "6", wl)] < c[("4", "4", wl)], (wl, c)
print("8 rows match direct runs")
EOF
then ok "local CSV equals direct mpsim run of every point"; else bad "local CSV check"; fi

# 1b. mode = timing (--timing-only): the same cycles, no energy columns
sed 's/^mode = fast/mode = timing/' "$W/s.ini" > "$W/t.ini"
if "$M" sweep "$W/t.ini" --out "$W/timing" > "$W/timing.out" 2>&1 &&
   "$PY" - "$W" <<'EOF2'
import csv, sys
W = sys.argv[1]
a = list(csv.DictReader(open(f"{W}/local/sweep.csv")))
b = list(csv.DictReader(open(f"{W}/timing/sweep.csv")))
assert len(a) == len(b) == 8
for x, y in zip(a, b):
    for k in ("cycles", "compute_cycles", "stall_cycles", "macs", "utilization"):
        assert x[k] == y[k], (x["point"], k, x[k], y[k])
    assert y["energy_pj"] == "" and y["tops_per_w"] == "", y
EOF2
then ok "mode = timing: cycles equal the fast sweep's, energy absent"; else bad "mode = timing sweep"; cat "$W/timing.out"; fi

# 2. bad sweep files
badcase() { # name, expected message regex, sweep file text
	printf '%s\n' "$3" > "$W/bad.ini"
	out=$("$M" sweep "$W/bad.ini" --out "$W/bad" 2>&1); rc=$?
	if [ $rc -eq 2 ] && grep -Eq "$2" <<<"$out"; then ok "bad sweep $1: $out"
	else bad "bad sweep $1: rc $rc, want 2 and /$2/: $out"; fi
}
base="base = $PWD/configs/rtl-w4a8-4x4.ini"
badcase "unknown grid key" "bad.ini:6: \[grid\] array.rowz = 4.*unknown key 'rowz'" "$(printf 'version = 1\n[sweep]\n%s\ngemm = 8,8,8\n[grid]\narray.rowz = 4, 8' "$base")"
badcase "grid key without section" "bad.ini:6: .*SECTION.KEY" "$(printf 'version = 1\n[sweep]\n%s\ngemm = 8,8,8\nrows = 4\n' "$base" | sed 's/^rows/[grid]\nrows/')"
badcase "out-of-range value" "bad.ini:6: \[grid\] array.rows = 0.*out of range" "$(printf 'version = 1\n[sweep]\n%s\ngemm = 8,8,8\n[grid]\narray.rows = 4, 0' "$base")"
badcase "bad gemm" "bad.ini:4: .*gemm = 8,x,8" "$(printf 'version = 1\n[sweep]\n%s\ngemm = 8,x,8' "$base")"
badcase "bad workload" "bad.ini:4: .*workload = nosuchmodel" "$(printf 'version = 1\n[sweep]\n%s\nworkload = nosuchmodel:decode:1' "$base")"
badcase "no workload" "needs at least one" "$(printf 'version = 1\n[sweep]\n%s' "$base")"
badcase "missing base file" "cannot open base config" "$(printf 'version = 1\n[sweep]\nbase = nope.ini\ngemm = 8,8,8')"
badcase "empty grid list" "bad.ini:6: .*no values" "$(printf 'version = 1\n[sweep]\n%s\ngemm = 8,8,8\n[grid]\narray.rows = ,' "$base")"
badcase "no version" "missing 'version = 1'" "$(printf '[sweep]\n%s\ngemm = 8,8,8' "$base")"

# 3. a missing result is a failed row and exit 1
cp -r "$W/local" "$W/broken"
rm -f "$W/broken/points/00005.json"
echo "mpsim run: simulated failure" > "$W/broken/points/00005.err"
out=$("$M" sweep --merge "$W/broken" 2>&1); rc=$?
if [ $rc -eq 1 ] && grep -q '^5,.*,failed,.*simulated failure' "$W/broken/sweep.csv" &&
   grep -q 'first failure, point 5' <<<"$out"; then
	ok "merge reports a failed point (exit 1): $(tail -1 <<<"$out")"
else
	bad "merge with a missing point: rc $rc: $out"
fi

# 4. Slurm
S=$W/slurm-cluster
if ! bash scripts/slurm_local.sh start "$S" > "$W/slurm-start.log" 2>&1; then
	bad "single-node Slurm did not start:"; sed 's/^/    /' "$W/slurm-start.log"
	tail -5 "$S/log/slurmctld.log" "$S/log/slurmd.log" 2>/dev/null | sed 's/^/    /'
else
	export SLURM_CONF=$PWD/$S/slurm.conf
	t0=$(date +%s)
	if timeout 300 "$M" sweep "$W/s.ini" --out "$W/slurm" --slurm > "$W/slurm.out" 2>&1 &&
	   ls "$W"/slurm/slurm/*.out > /dev/null 2>&1; then
		if cmp -s "$W/local/sweep.csv" "$W/slurm/sweep.csv"; then
			ok "Slurm job array ($(ls "$W"/slurm/slurm/*.out | wc -l) tasks, $(( $(date +%s) - t0 )) s): CSV identical to the local sweep"
		else
			bad "Slurm CSV differs from the local one:"; diff "$W/local/sweep.csv" "$W/slurm/sweep.csv" | head
		fi
	else
		bad "Slurm sweep:"; sed 's/^/    /' "$W/slurm.out"
	fi
	bash scripts/slurm_local.sh stop "$S"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
