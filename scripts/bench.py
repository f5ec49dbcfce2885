#!/usr/bin/env python3
"""Measures openlayer-drop against the official Python SDK, both publishing to a local
openlayer-sandbox (release builds), and prints a table: wall time, rows per second and peak
memory of each, by stream and in bulk, and openlayer-drop's memory at several file sizes (it
must not grow with the file).

Run by scripts/bench.sh, which builds and installs what this needs. Loopback only.
"""
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
KEY = "sk-bench"
CONFIG = {
    "class_names": ["legit", "fraud"],
    "feature_names": ["amount", "merchant", "hour", "card_age_days", "country"],
    "categorical_feature_names": ["merchant", "country"],
    "predictions_column_name": "prediction",
    "prediction_scores_column_name": "scores",
    "inference_id_column_name": "inference_id",
    "timestamp_column_name": "timestamp",
}


def make_csv(path, rows):
    random.seed(rows)
    merchants = ["fuel", "grocery", "electronics, online", "travel", "restaurant"]
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["inference_id", "timestamp", "amount", "merchant", "hour", "card_age_days", "country", "prediction", "scores"])
        now = int(time.time())
        for index in range(rows):
            p = round(random.random(), 3)
            writer.writerow([f"id-{index}", now - index, round(random.uniform(1, 2000), 2), random.choice(merchants),
                             random.randint(0, 23), random.randint(0, 3000), random.choice(["US", "FR", "DE"]),
                             1 if p > 0.5 else 0, f"[{round(1 - p, 3)}, {p}]"])


def peak(command, env=None):
    """Wall time and peak memory of one command, measured by /usr/bin/time."""
    started = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) / 1024


def write_config(directory, url, mode):
    path = os.path.join(directory, f"config-{mode}.yaml")
    data_config = {"classNames": CONFIG["class_names"], "featureNames": CONFIG["feature_names"],
                   "categoricalFeatureNames": CONFIG["categorical_feature_names"], "predictionsColumnName": "prediction",
                   "predictionScoresColumnName": "scores", "inferenceIdColumnName": "inference_id", "timestampColumnName": "timestamp"}
    with open(path, "w") as out:
        out.write(f"baseURL: {url}\ndirectories:\n  root: {directory}/drop-{mode}\npipelines:\n  bench:\n"
                  f"    project: Bench\n    taskType: tabular-classification\n    inferencePipeline: {mode}\n"
                  f"    mode: {mode}\n    duplicates: publish\n    dataConfig: {json.dumps(data_config)}\n")
    return path


SDK_STREAM = """
import sys, time, pandas as pd, openlayer
client = openlayer.Openlayer(api_key=sys.argv[2], base_url=sys.argv[3], max_retries=0)
project = client.projects.create(name="SDK " + sys.argv[4], task_type="tabular-classification")
pipeline = client.projects.inference_pipelines.create(project_id=project.id, name="sdk", description=None)
config = {config}
for chunk in pd.read_csv(sys.argv[1], chunksize=1000):
    chunk["scores"] = chunk["scores"].map(lambda text: [float(v) for v in text.strip("[]").split(",")])
    client.inference_pipelines.data.stream(inference_pipeline_id=pipeline.id, config=config, rows=chunk.to_dict(orient="records"))
"""

SDK_BULK = """
import sys, pandas as pd, openlayer
from openlayer.lib.data import upload_batch_inferences
client = openlayer.Openlayer(api_key=sys.argv[2], base_url=sys.argv[3], max_retries=0)
project = client.projects.create(name="SDK bulk " + sys.argv[4], task_type="tabular-classification")
pipeline = client.projects.inference_pipelines.create(project_id=project.id, name="sdk", description=None)
df = pd.read_csv(sys.argv[1])
df["scores"] = df["scores"].map(lambda text: [float(v) for v in text.strip("[]").split(",")])
upload_batch_inferences(client, pipeline.id, {config}, dataset_df=df)
"""


def main():
    rows = int(os.environ.get("BENCH_ROWS", "200000"))
    python = os.path.join(ROOT, ".venv", "bin", "python3")
    with tempfile.TemporaryDirectory() as directory:
        sandbox = subprocess.Popen([os.path.join(BIN, "openlayer-sandbox"), "--port", "0", "--api-key", KEY,
                                    "--storage-dir", directory + "/storage"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = sandbox.stdout.readline().split()[-1]
        env = dict(os.environ, OPENLAYER_API_KEY=KEY)
        try:
            data = os.path.join(directory, f"bench-{rows}.csv")
            make_csv(data, rows)
            size = os.path.getsize(data) / 1048576
            print(f"{rows} rows, {size:.1f} MiB of CSV; sandbox (release) on {url}\n")
            print(f"{'publisher':<34}{'seconds':>9}{'rows/s':>11}{'peak MiB':>10}")
            results = []
            for mode in ["stream", "bulk"]:
                config = write_config(directory, url, mode)
                seconds, memory = peak([os.path.join(BIN, "openlayer-drop"), "upload", data, "--pipeline", "bench", "--config", config], env)
                results.append((f"openlayer-drop upload ({mode})", seconds, memory))
            for name, script in [("Python SDK stream (1000/request)", SDK_STREAM), ("Python SDK upload_batch_inferences", SDK_BULK)]:
                seconds, memory = peak([python, "-c", script.replace("{config}", repr(CONFIG)), data, KEY, url, name], env)
                results.append((name, seconds, memory))
            for name, seconds, memory in results:
                print(f"{name:<34}{seconds:>9.2f}{rows / seconds:>11.0f}{memory:>10.1f}")

            print("\nopenlayer-drop memory by file size (stream):")
            for count in [rows // 8, rows // 2, rows * 2]:
                sized = os.path.join(directory, f"size-{count}.csv")
                make_csv(sized, count)
                config = write_config(directory, url, "stream")
                seconds, memory = peak([os.path.join(BIN, "openlayer-drop"), "upload", sized, "--pipeline", "bench", "--config", config], env)
                print(f"  {count:>8} rows, {os.path.getsize(sized) / 1048576:7.1f} MiB: {seconds:6.2f} s, peak {memory:6.1f} MiB")
                os.remove(sized)
        finally:
            sandbox.terminate()
            sandbox.wait()


if __name__ == "__main__":
    main()
