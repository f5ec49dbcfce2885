#!/usr/bin/env bash
# The quick start: the local Openlayer sandbox, the watcher on samples/config.yaml, the sample
# files dropped into the inbox, and a look at what arrived and where the files went.
# Everything it writes is under demo/. Set KEEP_RUNNING=1 to leave both processes running.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(swift build --show-bin-path)"
demo="$PWD/demo"
rm -rf "$demo"
mkdir -p "$demo/inbox/fraud"
export OPENLAYER_API_KEY="sk-demo-$(date +%s)"

cleanup() {
  [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null && wait "$watcher" 2>/dev/null || true
  [ -n "${sandbox:-}" ] && kill "$sandbox" 2>/dev/null && wait "$sandbox" 2>/dev/null || true
}
[ "${KEEP_RUNNING:-0}" = 1 ] || trap cleanup EXIT

"$bin/openlayer-sandbox" --port 0 --database "$demo/sandbox.sqlite" > "$demo/sandbox.out" 2> "$demo/sandbox.log" &
sandbox=$!
for _ in $(seq 100); do grep -q listening "$demo/sandbox.out" 2>/dev/null && break; sleep 0.1; done
export OPENLAYER_BASE_URL="$(grep -o 'http://[^ ]*' "$demo/sandbox.out")"
echo "==> sandbox listening on $OPENLAYER_BASE_URL"

"$bin/openlayer-drop" watch --config samples/config.yaml 2> "$demo/watcher.log" &
watcher=$!
for _ in $(seq 300); do grep -q "watching the inbox" "$demo/watcher.log" 2>/dev/null && break; sleep 0.1; done
echo "==> watcher started and watching demo/inbox/ (log: demo/watcher.log)"

# Drop the samples the way an ETL job should: write under a temporary name, then rename.
for sample in samples/fraud-2026-11-26.csv samples/fraud-stream-2026-11-26.jsonl samples/bad/fraud-missing-merchant.csv; do
  name="$(basename "$sample")"
  cp "$sample" "$demo/inbox/fraud/$name.tmp"
  mv "$demo/inbox/fraud/$name.tmp" "$demo/inbox/fraud/$name"
  echo "==> dropped $name"
done

for _ in $(seq 600); do
  [ "$(find "$demo/archive" -name '*.receipt.json' | wc -l)" -ge 2 ] && [ -e "$demo/rejected/fraud/fraud-missing-merchant.csv.rejection.txt" ] && break
  sleep 0.1
done

# Then the labels of the streamed predictions, and a reference dataset.
for sample in ground-truths/fraud-labels-2026-11-26.csv reference/fraud-training-sample.csv; do
  cp "samples/$sample" "$demo/inbox/fraud/$sample.tmp"
  mv "$demo/inbox/fraud/$sample.tmp" "$demo/inbox/fraud/$sample"
  echo "==> dropped $sample"
done
for _ in $(seq 600); do
  [ "$(find "$demo/archive" -name '*.receipt.json' | wc -l)" -ge 4 ] && break
  sleep 0.1
done

api() { curl -fsS -H "Authorization: Bearer $OPENLAYER_API_KEY" "$OPENLAYER_BASE_URL$1"; }
pipeline="$(find "$demo/archive" -name '*.receipt.json' | head -1 | xargs python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inferencePipelineId"])')"

echo
echo "==> the watcher said:"
sed 's/^/    /' "$demo/watcher.log"
echo
echo "==> where the files went:"
(cd "$demo" && find inbox archive rejected state -type f | sort | sed 's/^/    /')
echo
echo "==> a receipt:"
sed 's/^/    /' "$(find "$demo/archive" -name 'fraud-2026-11-26.csv.receipt.json')"
echo
echo "==> why a file was rejected:"
sed 's/^/    /' "$demo/rejected/fraud/fraud-missing-merchant.csv.rejection.txt"
echo
echo "==> what the sandbox stored for pipeline $pipeline (first 3 rows):"
api "/inference-pipelines/$pipeline/rows?perPage=3" | python3 -m json.tool | sed 's/^/    /'
echo
echo "==> rows stored: $(api "/inference-pipelines/$pipeline/rows?perPage=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_meta"]["totalItems"])')"
echo "==> a row with its ground truth:"
api "/inference-pipelines/$pipeline/rows?inferenceId=txn-2026-11-26-0001" | python3 -m json.tool | sed 's/^/    /'
echo "==> the reference dataset recorded on the pipeline:"
api "/sandbox/reference-datasets?pipelineId=$pipeline" | python3 -c 'import json,sys; [print("   ", d["uri"], d["rows"], "rows, columns", ",".join(d["columns"])) for d in json.load(sys.stdin)["items"]]' 
if [ "${KEEP_RUNNING:-0}" = 1 ]; then
  echo "==> still running: sandbox pid $sandbox, watcher pid $watcher; drop more files into demo/inbox/fraud/"
fi
