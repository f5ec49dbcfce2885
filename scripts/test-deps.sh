#!/usr/bin/env bash
# What the tests need besides the build: a Python with pyarrow, pandas, PyYAML and the official
# Openlayer SDK in .venv/, so that the Arrow files and reference tarballs the service writes are read
# back by the reference implementations, the rows it publishes are compared with what pandas reads,
# and its uploads with the SDK's own — not only with our own readers. And the openssl command, which
# makes the certificates of the HTTPS tests (a private CA, a server and a client certificate).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v openssl >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssl >/dev/null
fi

if ! .venv/bin/python3 -c 'import pyarrow, yaml, pandas, openlayer' 2>/dev/null; then
  echo "creating .venv with pyarrow, pandas, PyYAML and openlayer" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check pyarrow pandas pyyaml openlayer==0.36.0
fi
