#!/usr/bin/env bash
# Installs the .deb on this machine, runs the installed service as its system user against the
# local sandbox (the way the unit runs it: the key as a systemd credential, JSON logs), checks
# that it publishes, reloads and stops, then purges the package:
#   scripts/deb-smoke.sh [PACKAGE]     (make deb-smoke builds the package first)
# It needs root and changes the machine: it installs a package and adds the openlayer-drop system
# user, which stays (as Debian leaves system users). Run it on a throwaway machine or container.
# It does not start systemd: in a container there is none to start; the unit is checked with
# `systemd-analyze verify` against the installed binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "deb-smoke: run as root (it installs a package)" >&2; exit 1; }
package="${1:-$(ls -t .build/deb/openlayer-drop_*.deb 2>/dev/null | head -1)}"
[ -f "$package" ] || { echo "deb-smoke: no package (make deb first)" >&2; exit 1; }
sandbox_bin="$(swift build --show-bin-path)/openlayer-sandbox"
[ -x "$sandbox_bin" ] || swift build --product openlayer-sandbox
work="$(mktemp -d)"
# The service user reaches its credential inside (the folder holding it is its own, 0700).
chmod 0711 "$work"
state_existed=0; [ -e /var/lib/openlayer-drop ] && state_existed=1
step() { echo "==> $*"; }
fail() { echo "deb-smoke: FAILED: $*" >&2; [ -f "$work/watch.log" ] && tail -20 "$work/watch.log" >&2; exit 1; }
cleanup() {
  [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null && wait "$watcher" 2>/dev/null || true
  [ -n "${sandbox:-}" ] && kill "$sandbox" 2>/dev/null && wait "$sandbox" 2>/dev/null || true
  dpkg -s openlayer-drop >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq openlayer-drop >/dev/null 2>&1 || true
  [ "$state_existed" = 1 ] || rm -rf /var/lib/openlayer-drop
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() {  # seconds, description, command...
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq $((seconds * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "$what"
}

step "installing $package"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$package")" > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "apt-get install"; }
getent passwd openlayer-drop | grep -q ':/usr/sbin/nologin$' || fail "no openlayer-drop system user with nologin"
[ "$(stat -c %U:%a /var/lib/openlayer-drop)" = "openlayer-drop:750" ] || fail "/var/lib/openlayer-drop is not the user's, 0750"
/usr/bin/openlayer-drop --version | grep -q . || fail "the installed binary does not run"
for file in /lib/systemd/system/openlayer-drop.service /etc/openlayer-drop/config.yaml /usr/share/man/man1/openlayer-drop.1.gz \
  /usr/share/bash-completion/completions/openlayer-drop /usr/lib/sysctl.d/99-openlayer-drop-inotify.conf; do
  [ -f "$file" ] || fail "$file is not installed"
done
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/openlayer-drop.service 2> "$work/verify.log" || { cat "$work/verify.log" >&2; fail "systemd-analyze verify"; }
fi
step "installed: $(/usr/bin/openlayer-drop --version), user $(id openlayer-drop)"

key="sk-smoke-$(date +%s)-$RANDOM"
"$sandbox_bin" --api-key "$key" --port 0 --database "$work/sandbox.sqlite" > "$work/sandbox.out" 2> "$work/sandbox.log" &
sandbox=$!
wait_for 10 "the sandbox to listen" grep -q listening "$work/sandbox.out"
base_url="$(grep -o 'http://[^ ]*' "$work/sandbox.out")"

pipeline() {
  cat <<PIPELINE
  $1:
    project: Fraud classification
    taskType: tabular-classification
    inferencePipeline: $1
    dataConfig:
      classNames: [legit, fraud]
      featureNames: [amount, merchant, hour]
      categoricalFeatureNames: [merchant]
      predictionsColumnName: prediction
PIPELINE
}
write_config() {
  { printf 'baseURL: %s\ndirectories:\n  root: /var/lib/openlayer-drop\nservice:\n  settleSeconds: 0.3\n  http: {listen: "127.0.0.1:%s"}\npipelines:\n' "$base_url" "$port"
    for name in "$@"; do pipeline "$name"; done; } > /etc/openlayer-drop/config.yaml
}
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
write_config fraud
# What LoadCredential= hands the service: a private copy of the key, readable by its user alone.
install -d -o openlayer-drop -m 0700 "$work/credentials"
install -o openlayer-drop -m 0400 /dev/stdin "$work/credentials/openlayer-api-key" <<< "$key"
as_service() { runuser -u openlayer-drop -- env CREDENTIALS_DIRECTORY="$work/credentials" "$@"; }

step "check-config as the unit's ExecStartPre runs it"
as_service /usr/bin/openlayer-drop check-config --config /etc/openlayer-drop/config.yaml || fail "check-config"
step "starting /usr/bin/openlayer-drop watch as openlayer-drop"
as_service /usr/bin/openlayer-drop watch --config /etc/openlayer-drop/config.yaml --log-format json 2> "$work/watch.log" &
watcher=$!
wait_for 30 "/readyz to answer 200" curl -sf "http://127.0.0.1:$port/readyz"

step "dropping a file into /var/lib/openlayer-drop/inbox/fraud/"
printf 'amount,merchant,hour,prediction\n12.5,fuel,3,0\n880.0,online,23,1\n4,grocery,9,0\n' > /var/lib/openlayer-drop/inbox/fraud/smoke.csv.tmp
chown openlayer-drop /var/lib/openlayer-drop/inbox/fraud/smoke.csv.tmp
mv /var/lib/openlayer-drop/inbox/fraud/smoke.csv.tmp /var/lib/openlayer-drop/inbox/fraud/smoke.csv
wait_for 30 "the receipt of smoke.csv" sh -c 'find /var/lib/openlayer-drop/archive/fraud -name smoke.csv.receipt.json | grep -q .'
curl -sf "http://127.0.0.1:$port/metrics" | grep -q '^openlayer_drop_rows_published_total{pipeline="fraud",kind="predictions"} 3' \
  || fail "/metrics does not count the 3 rows"

step "reloading with a second pipeline (SIGHUP)"
write_config fraud returns
kill -HUP "$(pgrep -u openlayer-drop -f 'openlayer-drop watch')"
wait_for 10 "the reload" grep -q '"message":"reloaded the config"' "$work/watch.log"
printf 'amount,merchant,hour,prediction\n7,fuel,1,0\n' > "$work/returns.csv"
chown openlayer-drop "$work/returns.csv"
mv "$work/returns.csv" /var/lib/openlayer-drop/inbox/returns/first.csv
wait_for 30 "the receipt of returns/first.csv" sh -c 'find /var/lib/openlayer-drop/archive/returns -name first.csv.receipt.json | grep -q .'

step "stopping with SIGTERM"
kill -TERM "$(pgrep -u openlayer-drop -f 'openlayer-drop watch')"
wait "$watcher" || fail "the service did not exit 0 on SIGTERM"
watcher=""
python3 - "$work/watch.log" <<'PY' || fail "a log line is not a JSON object, or the key is in the log"
import json, sys
text = open(sys.argv[1]).read()
for line in text.splitlines():
    json.loads(line)
PY
! grep -q "$key" "$work/watch.log" || fail "the key is in the log"

step "purging the package"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq openlayer-drop > "$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge"; }
[ ! -e /usr/bin/openlayer-drop ] || fail "/usr/bin/openlayer-drop is still there"
[ ! -e /etc/openlayer-drop ] || fail "/etc/openlayer-drop is still there"
echo "deb-smoke: the package installs, runs as its user, publishes, reloads, stops and purges"
