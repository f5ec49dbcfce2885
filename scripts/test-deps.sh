#!/usr/bin/env bash
# What the tests need besides the build: a Python with pyarrow, pandas, PyYAML and the official
# Openlayer SDK in .venv/, so that the Arrow files and reference tarballs the service writes are read
# back by the reference implementations, the rows it publishes are compared with what pandas reads,
# and its uploads with the SDK's own — not only with our own readers. And the openssl command, which
# makes the certificates of the HTTPS tests (a private CA, a server and a client certificate). And
# systemd-analyze (Debian's systemd package), which verifies the unit in deploy/systemd: installing
# the package in a container only adds its files, it does not become the init.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! .venv/bin/python3 -c 'import pyarrow, yaml, pandas, openlayer' 2>/dev/null; then
  echo "creating .venv with pyarrow, pandas, PyYAML and openlayer" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check pyarrow pandas pyyaml openlayer==0.36.0
fi
