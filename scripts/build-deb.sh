#!/usr/bin/env bash
# Builds openlayer-drop_<version>_<arch>.deb from a release binary:
#   scripts/build-deb.sh [BINARY] [OUTPUT_DIR]
# BINARY defaults to .build/release/openlayer-drop; build it with the Swift runtime linked in,
#   swift build -c release --product openlayer-drop --static-swift-stdlib
# so that the machines it is installed on need no Swift toolchain. OUTPUT_DIR defaults to .build/deb.
# VERSION (default: the version the command reports, from its source) and ARCH (default: this
# machine's, dpkg --print-architecture) may be set in the environment, and MANPAGE: the manual page
# (default: what `make man`, swift-argument-parser's generate-manual plugin, writes).
#
# The package: the binary in /usr/bin, its manual page and bash, zsh and fish completions, the systemd unit, /etc/openlayer-drop/config.yaml as a
# conffile (an edited config survives upgrades), the inotify sysctl file, and maintainer scripts
# that create the openlayer-drop system user and /var/lib/openlayer-drop.
set -euo pipefail
repository="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$repository/.build/release/openlayer-drop}"
output="${2:-$repository/.build/deb}"

[ -f "$binary" ] && [ -x "$binary" ] || { echo "build-deb: no executable at $binary (swift build -c release --static-swift-stdlib first)" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is needed (Debian's dpkg package)" >&2; exit 1; }

version="${VERSION:-$(sed -n 's/^ *version: "\([^"]*\)".*/\1/p' "$repository/Sources/OpenlayerDropCommand/OpenlayerDrop.swift" | head -1)}"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build-deb: '$version' is not a Debian version (it must start with a digit)" >&2; exit 1; }
arch="${ARCH:-$(dpkg --print-architecture)}"

# A binary that loads the Swift runtime from the toolchain would not start where none is installed.
if command -v readelf >/dev/null && readelf -d "$binary" 2>/dev/null | grep -q 'NEEDED.*libswiftCore'; then
  echo "build-deb: warning: $binary links the Swift runtime dynamically; rebuild with --static-swift-stdlib" >&2
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
root="$staging/openlayer-drop"
install -D -m 0755 "$binary" "$root/usr/bin/openlayer-drop"
install -D -m 0644 "$repository/deploy/systemd/openlayer-drop.service" "$root/lib/systemd/system/openlayer-drop.service"
install -D -m 0644 "$repository/deploy/config.yaml" "$root/etc/openlayer-drop/config.yaml"
# Packages ship sysctl files in /usr/lib/sysctl.d; an administrator overrides them in /etc/sysctl.d.
install -D -m 0644 "$repository/deploy/systemd/99-openlayer-drop-inotify.conf" "$root/usr/lib/sysctl.d/99-openlayer-drop-inotify.conf"
install -D -m 0644 "$repository/deploy/README.md" "$root/usr/share/doc/openlayer-drop/README.deploy.md"
install -D -m 0644 "$repository/README.md" "$root/usr/share/doc/openlayer-drop/README.md"
# Completions come from the binary itself (swift-argument-parser writes them), so they match it.
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" "$root/usr/share/fish/vendor_completions.d"
"$binary" --generate-completion-script bash > "$root/usr/share/bash-completion/completions/openlayer-drop"
"$binary" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_openlayer-drop"
"$binary" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/openlayer-drop.fish"
manpage="${MANPAGE:-$repository/.build/plugins/GenerateManual/outputs/OpenlayerDropCommand/openlayer-drop.1}"
if [ -f "$manpage" ]; then
  install -d "$root/usr/share/man/man1"
  gzip -9n < "$manpage" > "$root/usr/share/man/man1/openlayer-drop.1.gz"
  chmod 0644 "$root/usr/share/man/man1/openlayer-drop.1.gz"
else
  echo "build-deb: warning: no manual page at $manpage (make man writes it); the package has none" >&2
fi
install -d "$root/DEBIAN"

installed_kib="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: openlayer-drop
Version: $version
Architecture: $arch
Maintainer: ${MAINTAINER:-openlayer-drop maintainers <openlayer-drop@localhost>}
Installed-Size: $installed_kib
Depends: libc6, libstdc++6, libgcc-s1, libinotifytools0, libsqlite3-0, zlib1g, ca-certificates, adduser
Section: net
Priority: optional
Description: publishes prediction files dropped into a folder to Openlayer
 A service that watches an inbox folder for CSV and JSONL files of model
 predictions, ground truths and reference datasets, checks them against each
 pipeline's data config and publishes them through Openlayer's REST API,
 archiving each file beside a receipt of what was sent.
CONTROL

echo /etc/openlayer-drop/config.yaml > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd openlayer-drop >/dev/null; then
    adduser --system --group --home /var/lib/openlayer-drop --no-create-home \
      --shell /usr/sbin/nologin --gecos "openlayer-drop service" openlayer-drop >/dev/null
  fi
  install -d -o openlayer-drop -g openlayer-drop -m 0750 /var/lib/openlayer-drop
  # The limits apply now, not only after the next boot; in a container they may not be settable.
  sysctl -q -p /usr/lib/sysctl.d/99-openlayer-drop-inotify.conf >/dev/null 2>&1 || true
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null || true
    if [ -n "$2" ]; then
      # An upgrade: a running service restarts on the new binary.
      systemctl try-restart openlayer-drop.service >/dev/null || true
    fi
  fi
  if [ -z "$2" ]; then
    echo "openlayer-drop: describe your pipelines in /etc/openlayer-drop/config.yaml, put the API key in"
    echo "  /etc/openlayer-drop/api-key (mode 0600), then: systemctl enable --now openlayer-drop"
  fi
fi
exit 0
POSTINST

cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
# Stopped on removal only; an upgrade restarts it from postinst. SIGTERM lets it finish the file in hand.
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop openlayer-drop.service >/dev/null 2>&1 || true
fi
exit 0
PRERM

cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
case "$1" in
  remove)
    [ -d /run/systemd/system ] && systemctl daemon-reload >/dev/null 2>&1 || true
    ;;
  purge)
    [ -d /run/systemd/system ] && systemctl disable openlayer-drop.service >/dev/null 2>&1 || true
    [ -d /run/systemd/system ] && systemctl daemon-reload >/dev/null 2>&1 || true
    rm -f /etc/openlayer-drop/api-key
    rmdir --ignore-fail-on-non-empty /etc/openlayer-drop 2>/dev/null || true
    # /var/lib/openlayer-drop stays: it holds the archive, rejected files and their reports.
    # The system user stays too (Debian does not remove them: files may still be owned by it).
    ;;
esac
exit 0
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$output"
package="$output/openlayer-drop_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$package" >/dev/null
echo "$package"
