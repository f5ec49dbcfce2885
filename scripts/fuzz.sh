#!/usr/bin/env bash
# Fuzzes one harness of Fuzz/Harness with libFuzzer, instrumented with AddressSanitizer:
#
#     scripts/fuzz.sh csv|csvgz|jsonl|json|config|arrow [SECONDS]      (default 60)
#
# Starts from the seed corpus in Fuzz/corpus/TARGET and keeps what it learns in
# .build/fuzz/corpus/TARGET; a crashing input is written to .build/fuzz/crashes/TARGET/.
# Replay one with the normal build: swift build --product drop-fuzz && .build/debug/drop-fuzz TARGET FILE
# (keep it in Fuzz/corpus/TARGET, where the tests replay every seed).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh csv|csvgz|jsonl|json|config|arrow [SECONDS]}
seconds=${2:-60}
scripts/install-deps.sh
swift build --build-path .build/fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product drop-fuzz
mkdir -p ".build/fuzz/corpus/$target" ".build/fuzz/crashes/$target"
DROP_FUZZ_TARGET="$target" .build/fuzz/debug/drop-fuzz ".build/fuzz/corpus/$target" "Fuzz/corpus/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix=".build/fuzz/crashes/$target/"
