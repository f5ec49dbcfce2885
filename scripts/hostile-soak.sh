#!/usr/bin/env bash
# A soak of the hostile inbox (scripts/hostile-soak.py): valid files and hostile entries dropped
# for SECONDS (default 300) while the service is stopped, killed and restarted now and then; then
# every promise checked. Release build, loopback only.
#
#     scripts/hostile-soak.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product openlayer-drop
swift build -c release --product openlayer-sandbox
exec python3 scripts/hostile-soak.py "$@"
