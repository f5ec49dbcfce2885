#!/usr/bin/env bash
# What the tests need besides the build: a Python with pyarrow, pandas, PyYAML and the official
# Openlayer SDK in .venv/, so that the Arrow files and reference tarballs the service writes are read
# back by the reference implementations, the rows it publishes are compared with what pandas reads,
# and its uploads with the SDK's own — not only with our own readers.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! .venv/bin/python3 -c 'import pyarrow, yaml, pandas, openlayer' 2>/dev/null; then
  echo "creating .venv with pyarrow, pandas, PyYAML and openlayer" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check pyarrow pandas pyyaml openlayer==0.36.0
fi
