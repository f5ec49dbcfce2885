#!/usr/bin/env bash
# Speed and memory of openlayer-drop next to the official Python SDK (openlayer on PyPI, with pandas
# and pyarrow), both publishing the same file to nginx on loopback (scripts/bench/sink.nginx.conf);
# then the service's latency from a drop to its first request, and many small files
# (scripts/bench/latency.py). BENCH_ROWS sets the file size (default 1000000), BENCH_REPEAT how
# many runs of each publisher the median is taken of (default 3), BENCH_SMALL_FILES the number of
# small files (default 10000). Takes several minutes: the release build first, then the publishers
# in turn.
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
swift build -c release --product encode-throughput
.venv/bin/python3 scripts/bench/bench.py
echo
.venv/bin/python3 scripts/bench/latency.py
