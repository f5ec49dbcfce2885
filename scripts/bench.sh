#!/usr/bin/env bash
# Speed and memory of openlayer-drop next to the official Python SDK (openlayer on PyPI, with pandas
# and pyarrow), both publishing the same file to nginx on loopback (scripts/bench/sink.nginx.conf).
# BENCH_ROWS sets the file size (default 1000000). Takes a few minutes: the release build first,
# then each publisher in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/test-deps.sh
missing=()
for package in nginx-light wrk; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
swift build -c release --product openlayer-drop
.venv/bin/python3 scripts/bench/bench.py
