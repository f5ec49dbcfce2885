#!/usr/bin/env bash
# Speed and memory of openlayer-drop next to the official Python SDK (openlayer on PyPI), both
# publishing to a local openlayer-sandbox built in release mode. BENCH_ROWS sets the file size
# (default 200000). Takes a few minutes: the release build first, then each publisher in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/test-deps.sh
.venv/bin/python3 -c 'import openlayer' 2>/dev/null || .venv/bin/pip install --quiet --disable-pip-version-check openlayer==0.36.0
swift build -c release --product openlayer-drop
swift build -c release --product openlayer-sandbox
.venv/bin/python3 scripts/bench.py
