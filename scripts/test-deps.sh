#!/usr/bin/env bash
# What the tests need besides the build: a Python with pyarrow, pandas and PyYAML in .venv/, so that the
# Arrow files and reference tarballs the service writes are read back by the reference
# implementations, not only by our own readers.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! .venv/bin/python3 -c 'import pyarrow, yaml, pandas' 2>/dev/null; then
  echo "creating .venv with pyarrow, pandas and PyYAML" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check pyarrow pandas pyyaml
fi
