#!/usr/bin/env bash
# Installs the Debian packages the build needs, only when they are missing:
#   libinotifytools0-dev  the inotify library the inbox watcher binds to
#   libsqlite3-dev        SQLite, for the journal and the sandbox's store
#   zlib1g-dev            zlib, for the gzip of reference datasets
set -euo pipefail

packages=(libinotifytools0-dev libsqlite3-dev zlib1g-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
